/** The token and state store (design §5): open it with `openStore`, then use the `Store`. */
export { openKvFile, prepareStoreFiles } from "./open.ts";
export { openStore, Store } from "./store.ts";
export type {
  LastSync,
  MediaCounts,
  NotFoundEntry,
  NotFoundInput,
  RefreshWithLeaseOptions,
  StoredTokens,
  SyncOutcome,
} from "./store.ts";
export { DEFAULT_LEASE_MS, DEFAULT_WAIT_MS, LEASE_KEY } from "./lease.ts";
export {
  isDatabaseLocked,
  LOCKED_BUDGET_MS,
  retryLocked,
  StoreBusyError,
  StoreWriteError,
} from "./locked.ts";
export { NOT_FOUND_MAX_AGE_MS } from "./not_found.ts";
export { MAX_VALUE_BYTES } from "./batch.ts";
