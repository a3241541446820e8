import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * A page's heading and title. The heading takes focus when the page opens, so keyboard and
 * screen-reader users start from the new content after each navigation.
 */
export function PageHeader({
  title,
  kicker,
  children,
}: {
  title: string;
  kicker?: ComponentChildren;
  children?: ComponentChildren;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Model registry`;
  }, [title]);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <header class="page-header">
      {kicker ? <div class="kicker">{kicker}</div> : null}
      <h1 tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {children ? <div class="page-actions">{children}</div> : null}
    </header>
  );
}

export function Section({
  title,
  id,
  children,
  actions,
}: {
  title: string;
  id?: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  return (
    <section class="section" aria-labelledby={id ? `${id}-title` : undefined} id={id}>
      <div class="section-head">
        <h2 id={id ? `${id}-title` : undefined}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
