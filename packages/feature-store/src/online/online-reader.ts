import type { StoredViewInfo } from '../definitions/catalog.js';
import type { StoredState } from './online-store.js';

/** What reading online features needs from a store: the state of (view, entity key) pairs in one round trip. */
export interface OnlineStoreReader {
  readStates(requests: readonly { view: StoredViewInfo; key: string }[]): Promise<StoredState[]>;
}
