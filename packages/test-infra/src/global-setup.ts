import { findUnavailableServices } from './service-health.js';
import { infraSettings } from './settings.js';

/**
 * Vitest global setup of the integration project: every integration test runs against the real local
 * services, so a missing one fails the whole run up front, by name, instead of skipping or timing out.
 */
export default async function setup(): Promise<void> {
  const unavailable = await findUnavailableServices(infraSettings());
  if (unavailable.length === 0) return;
  const lines = unavailable.map(({ service, address, reason }) => `  - ${service} at ${address}: ${reason}`);
  throw new Error(
    [
      'Integration tests need the local infrastructure, and these services do not answer:',
      ...lines,
      'Start them with `make infra-up` (see `make infra-status`), then run the tests again.',
    ].join('\n'),
  );
}
