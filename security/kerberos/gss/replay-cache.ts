/**
 * The acceptor's authenticator replay cache (RFC 4120 section 3.2.3): an AP-REQ whose
 * authenticator (client principal, server principal, ctime, cusec) was already accepted within
 * the clock-skew window is a replay and is refused with KRB_AP_ERR_REPEAT (here KRB_REPLAY).
 * Like MIT's in-memory rcache, it also keys on a hash of the authenticator ciphertext so two
 * different authenticators with the same timestamp are not confused. Entries expire once their
 * ctime falls outside the skew window, since such an authenticator is refused as skewed anyway.
 * The clock is injected; one cache is shared by every context of an acceptor credential.
 */
import { createHash } from 'node:crypto';
import { KerberosError } from '../../../lib/errors/index.ts';
import { systemClock, type Clock } from '../../../lib/time/clock.ts';

export interface ReplayEntry {
  readonly client: string;
  readonly server: string;
  /** Authenticator ctime, ms since the epoch (whole seconds). */
  readonly ctime: number;
  readonly cusec: number;
  /** The authenticator's EncryptedData cipher bytes. */
  readonly cipher: Uint8Array;
}

export interface ReplayCacheOptions {
  readonly clock?: Clock;
  /** Allowed clock skew in seconds; entries live this long past their ctime. Default 300. */
  readonly skewSeconds?: number;
}

export class ReplayCache {
  readonly #clock: Clock;
  readonly #skewMs: number;
  /** key -> expiry (ms). */
  #entries = new Map<string, number>();

  constructor(opts: ReplayCacheOptions = {}) {
    this.#clock = opts.clock ?? systemClock;
    this.#skewMs = (opts.skewSeconds ?? 300) * 1000;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Records the authenticator; throws KRB_REPLAY if it was seen and has not expired. `skewSeconds`
   * is the skew the caller accepted it under, when wider than this cache's (a context whose
   * krb5.conf clockskew differs): the entry then lives that long.
   */
  checkAndStore(e: ReplayEntry, skewSeconds?: number): void {
    const now = this.#clock.now();
    this.#sweep(now);
    const digest = createHash('sha256').update(e.cipher).digest('base64');
    const key = `${e.client}\u0000${e.server}\u0000${e.ctime}\u0000${e.cusec}\u0000${digest}`;
    const expiry = this.#entries.get(key);
    if (expiry !== undefined && expiry > now) {
      throw new KerberosError(
        'KRB_REPLAY',
        `Replayed Kerberos authenticator from ${e.client} to ${e.server} (ctime ${new Date(e.ctime).toISOString()}, ` +
          `cusec ${e.cusec}): this AP-REQ was already accepted (KRB_AP_ERR_REPEAT). A client must build a ` +
          'fresh authenticator for each connection; a repeat suggests a captured token being replayed.',
        { client: e.client, server: e.server, ctime: e.ctime, cusec: e.cusec },
      );
    }
    this.#entries.set(key, Math.max(e.ctime, now) + Math.max(this.#skewMs, (skewSeconds ?? 0) * 1000));
  }

  /**
   * Drops expired entries from the front of the map. Insertion order is nearly expiry order
   * (expiry = max(ctime, now) + skew), so this stops at the first live entry: O(expired) per call.
   * A live entry left behind an out-of-order one only lingers; lookups check expiry themselves.
   */
  #sweep(now: number): void {
    for (const [k, exp] of this.#entries) {
      if (exp > now) break;
      this.#entries.delete(k);
    }
  }
}
