/** The totals of two count vectors over the same categories or bins, checked to be usable. */
export function pairTotals(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): [number, number] {
  if (reference.length !== current.length)
    throw new RangeError('both count vectors need the same categories');
  let totalReference = 0;
  let totalCurrent = 0;
  for (let i = 0; i < reference.length; i++) {
    totalReference += reference[i]!;
    totalCurrent += current[i]!;
  }
  if (totalReference === 0 || totalCurrent === 0)
    throw new RangeError('both count vectors need a positive total');
  return [totalReference, totalCurrent];
}
