/** Where an app built by createServiceApp stands on its way out. */
export interface LifecycleState {
  /** /readyz answers 503 so that load balancers stop sending traffic; requests are still served. */
  notReady: boolean;
  /** The listener is closing: requests still arriving on open connections are refused with 503. */
  closing: boolean;
}

// Kept beside the app rather than decorated onto it, so runService works with any fastify instance.
const states = new WeakMap<object, LifecycleState>();

export function lifecycleOf(app: object): LifecycleState {
  let state = states.get(app);
  if (!state) {
    state = { notReady: false, closing: false };
    states.set(app, state);
  }
  return state;
}

/** Turns /readyz to 503 ahead of closing (runService does this first on SIGTERM). */
export function markNotReady(app: object): void {
  lifecycleOf(app).notReady = true;
}
