import { formatNumber } from '../format';
import { seriesColor } from './line-chart';

export interface ParallelAxis {
  name: string;
  /** One value per run, in run order; undefined where the run has none. */
  values: (number | string | undefined)[];
}

interface Scale {
  position: (value: number | string) => number;
  ticks: { at: number; label: string }[];
}

/** Numbers spread linearly between their min and max; anything else as evenly spaced categories. */
function scaleFor(values: (number | string | undefined)[]): Scale {
  const present = values.filter((value): value is number | string => value !== undefined);
  if (present.every((value) => typeof value === 'number')) {
    const min = Math.min(...present);
    const max = Math.max(...present);
    const span = max - min || 1;
    return {
      position: (value) => (max === min ? 0.5 : ((value as number) - min) / span),
      ticks:
        max === min
          ? [{ at: 0.5, label: formatNumber(min) }]
          : [
              { at: 0, label: formatNumber(min) },
              { at: 1, label: formatNumber(max) },
            ],
    };
  }
  const categories = [...new Set(present.map(String))].sort();
  const step = categories.length > 1 ? 1 / (categories.length - 1) : 0;
  return {
    position: (value) => (categories.length > 1 ? categories.indexOf(String(value)) * step : 0.5),
    ticks: categories
      .slice(0, 12)
      .map((label, index) => ({ at: categories.length > 1 ? index * step : 0.5, label })),
  };
}

const WIDTH = 960;
const HEIGHT = 300;
const PAD = { top: 36, bottom: 28, left: 40, right: 40 };

/**
 * A parallel-coordinates plot: one vertical axis per param or metric, one line per run, so the
 * settings that go with good metric values show as bundles of lines. Drawn as SVG: a handful of
 * runs and axes needs no canvas.
 */
export function ParallelCoordinates({
  axes,
  runs,
}: {
  axes: ParallelAxis[];
  runs: { label: string }[];
}) {
  if (axes.length < 2) return null;
  const scales = axes.map((axis) => scaleFor(axis.values));
  const gap = (WIDTH - PAD.left - PAD.right) / (axes.length - 1);
  const x = (index: number) => PAD.left + index * gap;
  const y = (fraction: number) => PAD.top + (1 - fraction) * (HEIGHT - PAD.top - PAD.bottom);
  return (
    <figure class="parallel" data-testid="parallel-coordinates">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Parallel coordinates of ${axes.map((axis) => axis.name).join(', ')} for ${runs.length} runs`}
      >
        {axes.map((axis, index) => (
          <g key={axis.name}>
            <line x1={x(index)} x2={x(index)} y1={y(0)} y2={y(1)} class="parallel-axis" />
            <text x={x(index)} y={PAD.top - 16} text-anchor="middle" class="parallel-name">
              {axis.name.length > 22 ? `${axis.name.slice(0, 21)}…` : axis.name}
            </text>
            {scales[index]!.ticks.map((tick) => (
              <text key={tick.label} x={x(index) + 4} y={y(tick.at) + 4} class="parallel-tick">
                {tick.label}
              </text>
            ))}
          </g>
        ))}
        {runs.map((run, runIndex) => {
          const points = axes.flatMap((axis, index) => {
            const value = axis.values[runIndex];
            return value === undefined ? [] : [`${x(index)},${y(scales[index]!.position(value))}`];
          });
          return (
            <polyline
              key={run.label}
              points={points.join(' ')}
              class="parallel-line"
              stroke={seriesColor(runIndex)}
            >
              <title>{run.label}</title>
            </polyline>
          );
        })}
      </svg>
      <figcaption class="legend">
        {runs.map((run, index) => (
          <span key={run.label} class="legend-item">
            <span class="swatch" style={{ background: seriesColor(index) }} /> {run.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
