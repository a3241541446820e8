/**
 * What checking an inference request body costs: zod's parse against the compiled accepter that
 * service-kit puts in front of it (packages/service-kit zod-accept.ts), on bodies shaped like the
 * contract examples, hot (the same code and data again and again) and cold (8 MB of other memory
 * touched before each body, as a server's other work evicts the caches between requests).
 *
 *   make bench-request-validation   (node --conditions=source --import tsx bench/serving/request-validation.ts)
 */
import { INFERENCE_EXAMPLES, INFERENCE_ROUTES } from '@payments-mlops/contracts';
import { DEFER, compileAccepter } from '@payments-mlops/service-kit';

const BODIES = 1_000;
const HOT_ROUNDS = 100;
const COLD_BODIES = 300;
const sweep = new Float64Array((8 << 20) / 8);

function hot(bodies: readonly unknown[], check: (body: unknown) => unknown): number {
  for (let round = 0; round < 20; round++) for (const body of bodies) check(body);
  const start = performance.now();
  for (let round = 0; round < HOT_ROUNDS; round++) for (const body of bodies) check(body);
  return ((performance.now() - start) * 1000) / (HOT_ROUNDS * bodies.length);
}

function cold(bodies: readonly unknown[], check: (body: unknown) => unknown): number {
  let total = 0;
  for (const body of bodies.slice(0, COLD_BODIES)) {
    for (let i = 0; i < sweep.length; i += 8) sweep[i]! += 1;
    const start = performance.now();
    check(body);
    total += performance.now() - start;
  }
  return (total * 1000) / COLD_BODIES;
}

const endpoints: [string, Parameters<typeof compileAccepter>[0], object][] = [
  ['/fraud/score', INFERENCE_ROUTES.fraudScore.body, INFERENCE_EXAMPLES.fraudScore.request],
  ['/retry/strategy', INFERENCE_ROUTES.retryStrategy.body, INFERENCE_EXAMPLES.retryStrategy.request],
  ['/churn/predict', INFERENCE_ROUTES.churnPredict.body, INFERENCE_EXAMPLES.churnPredict.request],
  ['/recovery/recommend', INFERENCE_ROUTES.recoveryRecommend.body, INFERENCE_EXAMPLES.recoveryRecommend.request],
];
console.log('request body check, µs per body: zod parse | compiled accepter');
for (const [path, schema, example] of endpoints) {
  const accept = compileAccepter(schema);
  if (accept === undefined) throw new Error(`${path}: no accepter`);
  // Distinct bodies, as requests are: the ids differ.
  const bodies = Array.from({ length: BODIES }, (_, i) => JSON.parse(JSON.stringify(example).replace(/"(pay|cus|mer|card|dev|sub)_([A-Za-z0-9]+)"/g, `"$1_$2${i}"`)) as unknown);
  if (bodies.some((body) => accept(body) === DEFER)) throw new Error(`${path}: the accepter defers a valid body`);
  const parse = (body: unknown) => schema.safeParse(body);
  // Alternated, twice, so that neither always runs on the other's leftovers.
  const figures = [cold(bodies, parse), cold(bodies, accept), cold(bodies, parse), cold(bodies, accept)];
  console.log(
    `  ${path.padEnd(20)} hot ${hot(bodies, parse).toFixed(2).padStart(6)} | ${hot(bodies, accept).toFixed(2).padStart(6)}` +
      `   cold ${Math.min(figures[0]!, figures[2]!).toFixed(1).padStart(6)} | ${Math.min(figures[1]!, figures[3]!).toFixed(1).padStart(6)}`,
  );
}
