/**
 * Off-policy value of a decision rule from logged random decisions (inverse propensity
 * scoring): a row counts only when the rule chose what was actually done, weighted by how rarely
 * that was done in its stratum, so rules are compared on the same test rows without running them.
 */
export interface PolicyLog {
  /** Index of the logged action per row (-1 when unknown: the row is left out). */
  action: Int32Array;
  /** 1 when the logged action succeeded, else 0. */
  outcome: ArrayLike<number>;
  /** Rows share propensities within a stratum (e.g. soft or hard decline). */
  stratum: readonly string[];
}

export interface PolicyValueOptions {
  /** Actions that do nothing (do_not_retry): value 0, known without the log. */
  nullActions?: ReadonlySet<number>;
  /** What a failed action costs, in units of one success. */
  failureCost?: number;
}

/** Mean reward per decision of `choices` (one action index per row), estimated from the log. */
export function policyValue(log: PolicyLog, choices: ArrayLike<number>, { nullActions = new Set(), failureCost = 0 }: PolicyValueOptions = {}): number {
  const counts = new Map<string, Map<number, number>>();
  const totals = new Map<string, number>();
  for (let row = 0; row < log.action.length; row++) {
    const action = log.action[row]!;
    if (action < 0) continue;
    const stratum = log.stratum[row]!;
    let byAction = counts.get(stratum);
    if (byAction === undefined) counts.set(stratum, (byAction = new Map<number, number>()));
    byAction.set(action, (byAction.get(action) ?? 0) + 1);
    totals.set(stratum, (totals.get(stratum) ?? 0) + 1);
  }
  let value = 0;
  let rows = 0;
  for (let row = 0; row < log.action.length; row++) {
    const action = log.action[row]!;
    if (action < 0) continue;
    rows++;
    const choice = choices[row]!;
    if (nullActions.has(choice) || choice !== action) continue;
    const stratum = log.stratum[row]!;
    const propensity = counts.get(stratum)!.get(action)! / totals.get(stratum)!;
    const reward = log.outcome[row] === 1 ? 1 : -failureCost;
    value += reward / propensity;
  }
  return rows > 0 ? value / rows : Number.NaN;
}
