import type { TextRow } from './copy-text.js';

/** Consecutive rows sharing a key, from a stream sorted by that key. */
export interface KeyGroup<T = TextRow> {
  key: string;
  rows: T[];
}

/** Groups a key-sorted stream of row batches by the key in column `keyColumn`, or the key `keyColumn` gives. */
export async function* keyGroups<T = TextRow>(
  batches: AsyncIterable<T[]>,
  keyColumn: number | ((row: T) => string | null),
): AsyncGenerator<KeyGroup<T>> {
  const keyOf = typeof keyColumn === 'number' ? (row: T) => (row as TextRow)[keyColumn] : keyColumn;
  let current: KeyGroup<T> | undefined;
  for await (const batch of batches) {
    for (const row of batch) {
      const key = keyOf(row);
      if (key === null || key === undefined) continue;
      if (current === undefined || current.key !== key) {
        if (current) yield current;
        current = { key, rows: [] };
      }
      current.rows.push(row);
    }
  }
  if (current) yield current;
}

/**
 * Walks two key-sorted group streams together (a merge join): `onKey` gets each key of `left`
 * with the rows `right` has for it (none when it has none). Both streams must sort keys bytewise
 * (ORDER BY … COLLATE "C"), which for the ASCII ids of this platform is JavaScript's `<`.
 */
export async function mergeJoin<L = TextRow, R = TextRow>(
  left: AsyncIterable<KeyGroup<L>>,
  right: AsyncIterator<KeyGroup<R>>,
  onKey: (key: string, leftRows: L[], rightRows: R[]) => void,
): Promise<void> {
  let next = await right.next();
  for await (const group of left) {
    while (!next.done && next.value.key < group.key) next = await right.next();
    const matched = !next.done && next.value.key === group.key ? next.value.rows : [];
    onKey(group.key, group.rows, matched);
  }
  // Read the other stream to its end: abandoning a COPY midway would leave its connection unusable.
  while (!next.done) next = await right.next();
}
