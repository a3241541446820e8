/*
 * Evaluation plots as standalone SVG files (the registry UI shows artifacts as they are): ROC and
 * precision-recall curves, a reliability diagram and feature importance.
 */

const WIDTH = 480;
const HEIGHT = 360;
const MARGIN = { left: 56, right: 16, top: 32, bottom: 44 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A line chart on [0, 1] × [0, 1] with a legend. */
export function lineChart(title: string, xLabel: string, yLabel: string, series: readonly Series[], diagonal = false): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (v: number): string => (MARGIN.left + v * plotW).toFixed(1);
  const y = (v: number): string => (MARGIN.top + (1 - v) * plotH).toFixed(1);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="13">${escape(title)}</text>`,
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    ...ticks.flatMap((t) => [
      `<text x="${x(t)}" y="${HEIGHT - MARGIN.bottom + 14}" text-anchor="middle">${t}</text>`,
      `<text x="${MARGIN.left - 6}" y="${y(t)}" text-anchor="end" dominant-baseline="middle">${t}</text>`,
    ]),
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle">${escape(xLabel)}</text>`,
    `<text x="14" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 14 ${MARGIN.top + plotH / 2})">${escape(yLabel)}</text>`,
  ];
  if (diagonal) parts.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#bbb" stroke-dasharray="4 3"/>`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const path = s.points.map(([px, py]) => `${x(clamp(px))},${y(clamp(py))}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.6" points="${path}"/>`);
    parts.push(`<rect x="${MARGIN.left + 8}" y="${MARGIN.top + 8 + i * 16}" width="10" height="10" fill="${color}"/>`);
    parts.push(`<text x="${MARGIN.left + 22}" y="${MARGIN.top + 17 + i * 16}">${escape(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Horizontal bars, largest first. */
export function barChart(title: string, bars: readonly { name: string; value: number }[]): string {
  const rowH = 16;
  const labelW = 220;
  const height = MARGIN.top + bars.length * rowH + 16;
  const max = Math.max(...bars.map((bar) => bar.value), Number.MIN_VALUE);
  const barW = WIDTH - labelW - MARGIN.right - 60;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="13">${escape(title)}</text>`,
  ];
  bars.forEach((bar, i) => {
    const top = MARGIN.top + i * rowH;
    const w = (bar.value / max) * barW;
    parts.push(`<text x="${labelW - 6}" y="${top + 11}" text-anchor="end">${escape(bar.name)}</text>`);
    parts.push(`<rect x="${labelW}" y="${top + 2}" width="${w.toFixed(1)}" height="${rowH - 4}" fill="${COLORS[0]}"/>`);
    parts.push(`<text x="${(labelW + w + 4).toFixed(1)}" y="${top + 11}">${(bar.value / max).toFixed(3)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

const clamp = (v: number): number => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

/** ROC curve points (false positive rate, true positive rate), thinned to at most `maxPoints`. */
export function rocPoints(labels: ArrayLike<number>, scores: ArrayLike<number>, maxPoints = 200): [number, number][] {
  return curve(labels, scores, maxPoints, (tp, fp, p, n) => [n > 0 ? fp / n : 0, p > 0 ? tp / p : 0]);
}

/** Precision-recall points (recall, precision), thinned to at most `maxPoints`. */
export function prPoints(labels: ArrayLike<number>, scores: ArrayLike<number>, maxPoints = 200): [number, number][] {
  return curve(labels, scores, maxPoints, (tp, fp, p) => [p > 0 ? tp / p : 0, tp + fp > 0 ? tp / (tp + fp) : 1]).slice(1);
}

function curve(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  maxPoints: number,
  point: (tp: number, fp: number, positives: number, negatives: number) => [number, number],
): [number, number][] {
  const order = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i]!;
  const negatives = labels.length - positives;
  const step = Math.max(1, Math.floor(order.length / maxPoints));
  const points: [number, number][] = [point(0, 0, positives, negatives)];
  let tp = 0;
  let fp = 0;
  order.forEach((row, i) => {
    if (labels[row] === 1) tp++;
    else fp++;
    if ((i + 1) % step === 0 || i === order.length - 1) points.push(point(tp, fp, positives, negatives));
  });
  return points;
}
