import { describe, expect, test } from 'vitest';
import { REGISTRY_OPERATIONS } from './operations.js';

describe('REGISTRY_OPERATIONS', () => {
  test('route each method and path to one operation only', () => {
    const routes = Object.values(REGISTRY_OPERATIONS).flatMap((operation) => operation.methods.map((method) => `${method} ${operation.path}`));
    expect(new Set(routes).size).toBe(routes.length);
  });

  test('count searches sent with POST as reads and every DELETE as a write', () => {
    expect(REGISTRY_OPERATIONS.searchRuns.access).toBe('read');
    expect(REGISTRY_OPERATIONS.getLatestVersions.access).toBe('read');
    for (const operation of Object.values(REGISTRY_OPERATIONS)) {
      if (operation.methods.includes('DELETE') || operation.methods.includes('PATCH')) expect(operation.access).toBe('write');
      if (operation.methods[0] === 'GET') expect(operation.access).toBe('read');
    }
  });
});
