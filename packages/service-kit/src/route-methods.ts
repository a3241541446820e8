import Router from 'find-my-way';

/**
 * Which methods each registered path answers, so that a known path asked with another method
 * gets 405 and an `Allow` header (RFC 9110 §15.5.6), not the 404 of a path that does not exist.
 *
 * fastify's own router matches method and path together and tells nothing when only the method is
 * wrong, so the paths are kept a second time here, each under one lookup key, with its methods as
 * the store. The router is fastify's own, find-my-way, so paths match by the same rules.
 */
export class RouteMethods {
  private readonly router;
  private readonly methodsByPattern = new Map<string, Set<string>>();

  constructor({ maxParamLength }: { maxParamLength: number }) {
    this.router = Router({ maxParamLength });
  }

  add(methods: string | readonly string[], pattern: string): void {
    let known = this.methodsByPattern.get(pattern);
    if (known === undefined) {
      known = new Set();
      this.methodsByPattern.set(pattern, known);
      this.router.on(LOOKUP_METHOD, pattern, () => undefined, known);
    }
    for (const method of typeof methods === 'string' ? [methods] : methods) known.add(method);
  }

  /** The methods the path answers, sorted; empty when no route has the path. */
  allowed(path: string): string[] {
    const found = this.router.find(LOOKUP_METHOD, path);
    return found ? [...(found.store as Set<string>)].sort() : [];
  }
}

/** Every path is filed under this one method; the real methods are its store. */
const LOOKUP_METHOD = 'GET';
