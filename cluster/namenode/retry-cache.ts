/**
 * The NameNode's retry cache for the calls that use it here (Hadoop 3.4.1's ipc.RetryCache as
 * NameNodeRpcServer.getCacheEntry / getCacheEntryWithPayload use it): a call retried by the client
 * (same 16-byte client id and call id) after it succeeded answers what it answered the first time
 * instead of running again, so a retried addCachePool does not fail with "already exists" and a
 * retried addCacheDirective does not add a second directive. A failed call is not remembered (its
 * retry runs again); a retry that arrives while the first is still running waits for it. Entries
 * live dfs.namenode.retrycache.expirytime.millis (10 minutes), kept in memory only, as Hadoop's
 * are (it rebuilds them from the edit log, which hsec's journal does not record).
 */
import type { Clock } from '../../lib/time/clock.ts';

/** DFS_NAMENODE_RETRY_CACHE_EXPIRYTIME_MILLIS_DEFAULT. */
export const RETRY_CACHE_EXPIRY_MS = 600_000;
/** ClientId.BYTE_LENGTH: a call without a 16-byte client id is not cached. */
const CLIENT_ID_BYTES = 16;

/** The identity of one client call. */
export interface CallKey {
  clientId: Uint8Array;
  callId: number;
}

interface Entry {
  done: Promise<{ ok: true; payload: unknown } | { ok: false }>;
  expiresAt: number;
}

export class RetryCache {
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Runs `fn` once per call key: a retry of a call that succeeded gets the first answer. */
  async run<T>(call: CallKey | undefined, fn: () => Promise<T>): Promise<T> {
    if (!call || call.clientId.length !== CLIENT_ID_BYTES || call.callId < 0) return fn();
    const now = this.#clock.now();
    this.#expire(now);
    const key = `${Buffer.from(call.clientId).toString('hex')}:${call.callId}`;
    const previous = this.#entries.get(key);
    if (previous) {
      const r = await previous.done;
      if (r.ok) return r.payload as T;
    }
    let settle!: (r: { ok: true; payload: unknown } | { ok: false }) => void;
    // re-inserted, so the map stays in expiry order
    this.#entries.delete(key);
    this.#entries.set(key, { done: new Promise((resolve) => { settle = resolve; }), expiresAt: now + RETRY_CACHE_EXPIRY_MS });
    try {
      const payload = await fn();
      settle({ ok: true, payload });
      return payload;
    } catch (e) {
      settle({ ok: false });
      throw e;
    }
  }

  /** Drops expired entries: the map is in insertion order, which is expiry order, so it stops at the first live one. */
  #expire(now: number): void {
    for (const [key, e] of this.#entries) {
      if (e.expiresAt > now) return;
      this.#entries.delete(key);
    }
  }
}
