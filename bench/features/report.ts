export interface Figure {
  name: string;
  ours: string;
  target: string;
  /** Feast's published figure for the same measurement, when there is one. */
  anchor: string;
  detail: string;
}

/** The figures as one table: ours, the target of issue 3, and Feast's published numbers beside them. */
export function printReport(figures: readonly Figure[], { quick, loadBefore, loadAfter }: { quick: boolean; loadBefore: number; loadAfter: number }): void {
  const widths = {
    name: Math.max(...figures.map((f) => f.name.length), 6),
    ours: Math.max(...figures.map((f) => f.ours.length), 4),
    target: Math.max(...figures.map((f) => f.target.length), 6),
    anchor: Math.max(...figures.map((f) => f.anchor.length), 6),
  };
  const line = (f: Figure) =>
    `${f.name.padEnd(widths.name)}  ${f.ours.padEnd(widths.ours)}  ${f.target.padEnd(widths.target)}  ${f.anchor.padEnd(widths.anchor)}  ${f.detail}`;
  console.log(`\nfeature store benchmark${quick ? ' (--quick: smaller data, shorter runs)' : ''}; load generator and servers share this machine's ${'2'} cores`);
  console.log(`1-minute load average: ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (other work on the machine inflates every figure)\n`);
  console.log(line({ name: 'figure', ours: 'ours', target: 'target', anchor: 'Feast', detail: 'detail' }));
  console.log('-'.repeat(widths.name + widths.ours + widths.target + widths.anchor + 40));
  for (const figure of figures) console.log(line(figure));
  console.log("\nFeast's figures are its own published serving benchmark (1 entity × 50 features, p99), on its hardware, not this run.");
}
