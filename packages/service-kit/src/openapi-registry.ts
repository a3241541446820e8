import type { RouteOptions } from 'fastify';
import { z } from 'zod';

type Meta = z.core.GlobalMeta;
type Registry = z.core.$ZodRegistry<Meta>;

/**
 * The named schemas (`.meta({ id })`) one app's routes actually use, for its OpenAPI components.
 *
 * Contracts register every named schema of every domain in zod's global registry; handing that
 * to fastify-type-provider-zod would put the whole platform's schemas in each service's document,
 * and fail outright when two ids collide under its naming scheme (request forms are published as
 * `<id>Input`, so ids `Dataset` and `DatasetInput` clash). This registry holds only what the
 * routes reach, and renames a clashing `<X>Input` id to `<X>InputSchema`.
 */
export class RouteSchemaRegistry {
  readonly registry: Registry = z.registry<Meta>();
  private readonly reachable = new Set<z.core.$ZodType>();

  constructor() {
    // Metadata of unnamed schemas (descriptions, examples) still comes from the global registry.
    this.registry._map = new WeakMapWithFallback(z.globalRegistry._map);
  }

  /** Collects the schemas of a route as it is declared (an onRoute hook). */
  addRoute(route: Pick<RouteOptions, 'schema'>): void {
    if (route.schema) collectSchemas(route.schema, this.reachable, new Set());
  }

  /** Fills the registry once every route is declared (an onReady hook), before the document is built. */
  seal(): void {
    const named = [...z.globalRegistry._idmap].filter(([, schema]) => this.reachable.has(schema));
    const ids = new Set(named.map(([id]) => id));
    for (const [id, schema] of named) {
      const clashes = id.endsWith('Input') && ids.has(id.slice(0, -'Input'.length));
      this.registry.add(schema, {
        ...z.globalRegistry.get(schema),
        id: clashes ? `${id}Schema` : id,
      });
    }
  }
}

class WeakMapWithFallback<K extends WeakKey, V> extends WeakMap<K, V> {
  constructor(private readonly fallback: WeakMap<K, V>) {
    super();
  }
  override get(key: K): V | undefined {
    return super.get(key) ?? this.fallback.get(key);
  }
  override has(key: K): boolean {
    return super.has(key) || this.fallback.has(key);
  }
}

/** Walks zod definitions (object shapes, array elements, unions, pipes, lazies…) generically. */
function collectSchemas(value: unknown, found: Set<z.core.$ZodType>, visited: Set<object>): void {
  if (typeof value !== 'object' || value === null || visited.has(value)) return;
  visited.add(value);
  if (value instanceof z.core.$ZodType) {
    found.add(value);
    collectSchemas(value._zod.def, found, visited);
    if (value._zod.def.type === 'lazy')
      collectSchemas((value as z.core.$ZodLazy)._zod.innerType, found, visited);
    return;
  }
  for (const child of Array.isArray(value) ? value : Object.values(value))
    collectSchemas(child, found, visited);
}
