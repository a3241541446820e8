/** Gauss–Legendre quadrature on [0, 1]: q nodes integrate every polynomial of degree ≤ 2q − 1 exactly. */
export interface Quadrature {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

const rules = new Map<number, Quadrature>();

/** The q-point rule, computed once per q (Newton's method on the Legendre polynomial P_q). */
export function gaussLegendre(q: number): Quadrature {
  if (!(Number.isInteger(q) && q >= 1)) throw new RangeError(`a quadrature needs a whole number of nodes ≥ 1, not ${q}`);
  let rule = rules.get(q);
  if (rule === undefined) {
    rule = computeRule(q);
    rules.set(q, rule);
  }
  return rule;
}

function computeRule(q: number): Quadrature {
  const nodes = new Float64Array(q);
  const weights = new Float64Array(q);
  for (let i = 0; i < (q + 1) >> 1; i++) {
    // Roots of P_q on [−1, 1] in descending order; this guess lands each within Newton's reach.
    let x = Math.cos((Math.PI * (i + 0.75)) / (q + 0.5));
    let derivative = 1;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p = 1;
      let previous = 0;
      for (let n = 1; n <= q; n++) {
        const older = previous;
        previous = p;
        p = ((2 * n - 1) * x * previous - (n - 1) * older) / n;
      }
      derivative = (q * (x * p - previous)) / (x * x - 1);
      const step = p / derivative;
      x -= step;
      if (Math.abs(step) <= 1e-16) break;
    }
    const weight = 2 / ((1 - x * x) * derivative * derivative);
    // Mapped to [0, 1]: t = (1 ± x) / 2, weights halved.
    nodes[i] = (1 - x) / 2;
    nodes[q - 1 - i] = (1 + x) / 2;
    weights[i] = weight / 2;
    weights[q - 1 - i] = weight / 2;
  }
  return { nodes, weights };
}
