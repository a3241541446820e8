import type { ComponentChildren, VNode } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface VirtualRowsProps {
  /** Rows loaded so far. */
  count: number;
  /** Every row has this height in pixels (the stylesheet keeps cells to one line). */
  rowHeight: number;
  /** The header row, kept in view while the body scrolls. */
  header: ComponentChildren;
  renderRow: (index: number, style: Record<string, string | number>) => VNode;
  /** Called when the last rows come into view, to load the next page. */
  onNearEnd?: () => void;
  label: string;
  /** CSS grid-template-columns shared by the header and every row. */
  columns: string;
  /** Rows to render beyond the visible ones, so fast scrolling shows no blank band. */
  overscan?: number;
}

/**
 * A table body that renders only the rows in view (about 30 of 25,000), each absolutely placed at
 * index × rowHeight inside a spacer as tall as all rows. The ARIA table roles keep it a table for
 * assistive technology; aria-rowindex tells where each rendered row sits.
 */
export function VirtualRows({
  count,
  rowHeight,
  header,
  renderRow,
  onNearEnd,
  label,
  columns,
  overscan = 12,
}: VirtualRowsProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 600 });

  useLayoutEffect(() => {
    const element = scroller.current!;
    const measure = () => setViewport({ top: element.scrollTop, height: element.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(viewport.top / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((viewport.top + viewport.height) / rowHeight) + overscan);

  useEffect(() => {
    if (onNearEnd && count > 0 && last >= count - overscan) onNearEnd();
  }, [last, count, onNearEnd, overscan]);

  const rows: VNode[] = [];
  for (let index = first; index < last; index += 1) {
    rows.push(
      renderRow(index, {
        transform: `translateY(${index * rowHeight}px)`,
        height: `${rowHeight}px`,
      }),
    );
  }

  return (
    <div
      class="virtual-table"
      role="table"
      aria-label={label}
      aria-rowcount={count + 1}
      ref={scroller}
      style={{ '--columns': columns }}
      onScroll={(event) => {
        const element = event.currentTarget;
        setViewport((previous) =>
          previous.top === element.scrollTop
            ? previous
            : { top: element.scrollTop, height: element.clientHeight },
        );
      }}
    >
      <div role="rowgroup" class="virtual-head">
        {header}
      </div>
      <div role="rowgroup" class="virtual-body" style={{ height: `${count * rowHeight}px` }}>
        {rows}
      </div>
    </div>
  );
}
