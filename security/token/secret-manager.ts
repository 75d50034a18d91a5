/**
 * The delegation-token secret manager, with the behaviour of Hadoop's
 * `AbstractDelegationTokenSecretManager` (hadoop-common security/token/delegation/):
 * pre-incremented sequence numbers and key ids from 1, HMAC-SHA1 passwords over the exact
 * identifier bytes, a rotating key ring, server-side renew dates, renew/cancel checks in Hadoop's
 * order with Hadoop's messages, and a poll that rolls the master key every `keyUpdateInterval` and
 * drops tokens past their renew date every `removerScanInterval`. Time comes from an injected
 * Clock, randomness from an injected source, persistence from an injected TokenStore.
 *
 * Every change (issue, renew, cancel, key roll, expired-token removal) is written to the store
 * first and takes effect only when the store has made it durable: the store applies it to this
 * manager's TokenCache (Hadoop's `currentTokens`) before its promise resolves, and a failed write
 * rejects with a StorageError and changes nothing. Renew, cancel and removal of one token are
 * serialised per token, as Hadoop's synchronized methods are, so a cancel cannot be undone by a
 * renewal that checked the token before it.
 *
 * Like Hadoop, `start()` installs a first key and the first poll (run at once, since the last roll
 * time starts at 0) rolls again: a fresh manager signs with key id 2.
 */
import { channel } from 'node:diagnostics_channel';
import { systemClock } from '../../lib/time/clock.ts';
import type { Clock } from '../../lib/time/clock.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { HsecError } from '../../lib/errors/index.ts';
import { Token } from './token.ts';
import { DelegationTokenIdentifier, HDFS_DELEGATION_KIND, firstComponentShortName } from './delegation-token-identifier.ts';
import type { ShortNameFn } from './delegation-token-identifier.ts';
import { DelegationKey } from './keys/delegation-key.ts';
import { KeyRing } from './keys/key-ring.ts';
import type { RollPlan } from './keys/key-ring.ts';
import { DEFAULT_HMAC_ALGORITHM, DEFAULT_KEY_LENGTH_BITS, createPassword, cryptoRandom, generateSecret, passwordsEqual } from './keys/hmac.ts';
import type { RandomSource } from './keys/hmac.ts';
import { MemoryTokenStore } from './store/memory-token-store.ts';
import { TokenCache } from './store/token-cache.ts';
import type { TokenInfo, TokenStore } from './store/token-store.ts';
import { accessDenied, invalidToken } from './token-errors.ts';

const DAY = 86_400_000;
/** Hadoop defaults (hdfs-default.xml / FSNamesystem), all in ms. */
export const SECRET_MANAGER_DEFAULTS = {
  keyUpdateInterval: DAY,
  tokenMaxLifetime: 7 * DAY,
  tokenRenewInterval: DAY,
  removerScanInterval: 3_600_000,
} as const;

export interface SecretManagerOptions {
  /** Token kind issued; default HDFS_DELEGATION_TOKEN. */
  kind?: string;
  /** ms between master key rolls; default 1 day (`dfs.namenode.delegation.key.update-interval`). */
  keyUpdateInterval?: number;
  /** ms from issue to hard expiry; default 7 days (`dfs.namenode.delegation.token.max-lifetime`). */
  tokenMaxLifetime?: number;
  /** ms a renewal extends a token by; default 1 day (`dfs.namenode.delegation.token.renew-interval`). */
  tokenRenewInterval?: number;
  /** ms between expired-token scans; default 1 hour. */
  removerScanInterval?: number;
  clock?: Clock;
  random?: RandomSource;
  store?: TokenStore;
  /** auth_to_local short-name mapping for renewer names; default: first principal component. */
  shortName?: ShortNameFn;
  hmacAlgorithm?: string;
  keyLengthBits?: number;
}

export interface IssueRequest {
  /** Full user name of the caller (e.g. `alice@EXAMPLE.COM`). */
  owner: string;
  /** Requested renewer (principal or short name; '' = nobody may renew). */
  renewer: string;
  /** Real user's full name for proxy users; '' otherwise. */
  realUser?: string;
  /** Token service, e.g. `127.0.0.1:8020`. */
  service?: string;
}

export interface IssuedToken {
  token: Token;
  identifier: DelegationTokenIdentifier;
  /** ms since epoch: when the token stops working unless renewed. */
  renewDate: number;
}

const keyRolled = channel('hsec:token:key-rolled');
const log = getLogger('token.secret-manager');
/** Expired tokens removed per batch of concurrent store writes (bounds memory for huge scans). */
const REMOVAL_BATCH = 10_000;

export class DelegationTokenSecretManager {
  readonly kind: string;
  readonly keyUpdateInterval: number;
  readonly tokenMaxLifetime: number;
  readonly tokenRenewInterval: number;
  readonly removerScanInterval: number;
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #store: TokenStore;
  readonly #shortName: ShortNameFn;
  readonly #algorithm: string;
  readonly #keyBits: number;
  readonly #keys = new KeyRing();
  readonly #tokens: TokenCache;
  /** Per-token tail of the renew/cancel/removal chain (see the header). */
  readonly #tokenLocks = new Map<string, Promise<unknown>>();
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #lastRoll = 0;
  #lastScan = 0;
  #ticking: Promise<void> = Promise.resolve();

  constructor(options: SecretManagerOptions = {}) {
    this.kind = options.kind ?? HDFS_DELEGATION_KIND;
    this.keyUpdateInterval = positive(options.keyUpdateInterval ?? SECRET_MANAGER_DEFAULTS.keyUpdateInterval, 'keyUpdateInterval');
    this.tokenMaxLifetime = positive(options.tokenMaxLifetime ?? SECRET_MANAGER_DEFAULTS.tokenMaxLifetime, 'tokenMaxLifetime');
    this.tokenRenewInterval = positive(options.tokenRenewInterval ?? SECRET_MANAGER_DEFAULTS.tokenRenewInterval, 'tokenRenewInterval');
    this.removerScanInterval = positive(options.removerScanInterval ?? SECRET_MANAGER_DEFAULTS.removerScanInterval, 'removerScanInterval');
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? cryptoRandom;
    this.#store = options.store ?? new MemoryTokenStore();
    this.#shortName = options.shortName ?? firstComponentShortName;
    this.#algorithm = options.hmacAlgorithm ?? DEFAULT_HMAC_ALGORITHM;
    this.#keyBits = options.keyLengthBits ?? DEFAULT_KEY_LENGTH_BITS;
    this.#tokens = new TokenCache(createPassword(new Uint8Array(0), new Uint8Array(1), this.#algorithm).length);
  }

  get running(): boolean {
    return this.#running;
  }

  /** Current master key id (0 before start). */
  get currentKeyId(): number {
    return this.#keys.current?.keyId ?? 0;
  }

  /** All master keys held (for inspection and tests; callers must not leak key bytes). */
  allKeys(): DelegationKey[] {
    return this.#keys.all();
  }

  /** Number of live tokens held in memory (`getCurrentTokensSize`). */
  get tokenCount(): number {
    return this.#tokens.size;
  }

  /**
   * Opens the store (keys, tokens, counters; tokens whose master key is gone are removed, as
   * `addPersistedDelegationToken` skips them), installs a new current key, runs the first poll,
   * and with `schedule` (default true) polls every min(5 s, keyUpdateInterval) on an unref'd timer.
   */
  async start(schedule = true): Promise<void> {
    if (this.#running) throw new Error('secret manager already started');
    const state = await this.#store.open(this.#tokens);
    try {
      for (const key of state.keys) this.#keys.add(key);
      await this.#removeTokensWithoutKey(state.keys);
      await this.#updateCurrentKey();
      this.#running = true;
      await this.tick();
    } catch (e) {
      this.#running = false;
      await this.#store.close();
      throw e;
    }
    if (schedule) {
      // Like Hadoop's ExpiredTokenRemover, a failed roll or scan is logged and retried on the next poll.
      this.#timer = setInterval(() => {
        this.tick().catch((err: unknown) => log.error({ err: (err as Error).message }, 'delegation token key roll / expired-token scan failed'));
      }, Math.min(5000, this.keyUpdateInterval));
      this.#timer.unref();
    }
  }

  async stop(): Promise<void> {
    const wasRunning = this.#running;
    this.#running = false;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#ticking.catch(() => undefined);
    await Promise.allSettled([...this.#tokenLocks.values()]);
    if (wasRunning) await this.#store.close();
  }

  async #removeTokensWithoutKey(keys: DelegationKey[]): Promise<void> {
    const known = new Set(keys.map((k) => k.keyId));
    let orphans = this.#tokens.signedWithout(known);
    if (this.#store.shared && orphans.length > 0) {
      // A peer may have stored a key after this store listed its keys: ask again before removing.
      const missing = new Set<number>();
      for (const key of orphans) missing.add(DelegationTokenIdentifier.decode(Buffer.from(key, 'latin1'), this.kind).masterKeyId);
      for (const keyId of missing) {
        const key = await this.#store.getKey(keyId);
        if (key) {
          this.#keys.add(key);
          known.add(keyId);
        }
      }
      orphans = this.#tokens.signedWithout(known);
    }
    await this.#removeTokens(orphans, (id) => log.warn({ token: id.toString() }, 'no master key for persisted token; removing it'));
  }

  /** One iteration of Hadoop's ExpiredTokenRemover loop: roll and/or scan when due. */
  tick(): Promise<void> {
    this.#ticking = this.#ticking.catch(() => undefined).then(async () => {
      if (!this.#running) return;
      const now = this.#clock.now();
      if (this.#lastRoll + this.keyUpdateInterval < now) {
        await this.rollMasterKey();
        this.#lastRoll = now;
      }
      if (this.#lastScan + this.removerScanInterval < now) {
        await this.removeExpiredTokens();
        this.#lastScan = now;
      }
    });
    return this.#ticking;
  }

  /** `updateCurrentKey`: a new key id and key, stored, then installed (after `plan`, when rolling). */
  async #updateCurrentKey(plan?: RollPlan): Promise<void> {
    const id = await this.#store.incrementKeyId();
    const key = new DelegationKey(id, this.#clock.now() + this.keyUpdateInterval + this.tokenMaxLifetime, generateSecret(this.#random, this.#keyBits));
    await this.#store.storeKey(key);
    if (plan) this.#keys.applyRoll(plan, key);
    else this.#keys.setCurrent(key);
    log.info({ keyId: id }, 'updated the current master key for generating delegation tokens');
    if (keyRolled.hasSubscribers) keyRolled.publish({ kind: this.kind, keyId: id, expiryDate: key.expiryDate });
  }

  /** `rollMasterKey`: drop expired keys, retire the current key, install a new one; all stored first. */
  async rollMasterKey(): Promise<void> {
    const plan = this.#keys.planRoll(this.#clock.now(), this.tokenMaxLifetime);
    for (const id of plan.removed) await this.#store.removeKey(id);
    if (plan.retired) await this.#store.storeKey(plan.retired);
    await this.#updateCurrentKey(plan);
  }

  /** Issues a token (`createPassword` + `Token` construction): seq = ++counter, key = current. */
  async createToken(request: IssueRequest): Promise<IssuedToken> {
    const current = this.#keys.current;
    if (!this.#running || !current?.key) throw new HsecError('SERVICE_NOT_RUNNING', 'DelegationTokenSecretManager is not running: call start() before issuing tokens', { service: 'DelegationTokenSecretManager' });
    const sequenceNumber = await this.#store.incrementSequenceNumber();
    const now = this.#clock.now();
    const identifier = DelegationTokenIdentifier.create(this.kind, {
      owner: request.owner,
      renewer: request.renewer,
      realUser: request.realUser ?? '',
      issueDate: now,
      maxDate: now + this.tokenMaxLifetime,
      sequenceNumber,
      masterKeyId: current.keyId,
    }, this.#shortName);
    const password = createPassword(identifier.bytes, current.key, this.#algorithm);
    const renewDate = now + this.tokenRenewInterval;
    await this.#store.storeToken(identifier, { renewDate, password });
    log.info({ token: identifier.toString(), keyId: current.keyId }, 'issued delegation token');
    return { token: new Token(identifier.bytes, password, this.kind, request.service ?? ''), identifier, renewDate };
  }

  /**
   * Hadoop's `getTokenInfo`: the cache, then the store on a miss (a shared store may know it). With
   * a shared store, `fresh` reads the store even on a hit (ZKDelegationTokenSecretManager.cancelToken's
   * syncLocalCacheWithZk: a peer may have cancelled or renewed the token), and so does a hit past
   * its renew date at `now`.
   */
  async #tokenInfo(identifier: DelegationTokenIdentifier, options: { fresh?: boolean; now?: number } = {}): Promise<TokenInfo | undefined> {
    const cached = this.#tokens.get(identifier.cacheKey);
    if (cached && !(this.#store.shared && (options.fresh || (options.now !== undefined && cached.renewDate < options.now)))) return cached;
    return this.#store.getToken(identifier);
  }

  /** `checkToken`: the stored info for a live token, else InvalidToken. */
  async #checkToken(identifier: DelegationTokenIdentifier): Promise<TokenInfo> {
    const now = this.#clock.now();
    const info = await this.#tokenInfo(identifier, { now });
    if (!info) {
      throw invalidToken('TOKEN_UNKNOWN', `Token for real user: ${identifier.realUser}, can't be found in cache`,
        { sequenceNumber: identifier.sequenceNumber, kind: identifier.kind });
    }
    if (info.renewDate < now) {
      throw invalidToken('TOKEN_EXPIRED', `Token ${identifier.realUser} has expired, current time: ${formatTime(now)} ` +
        `expected renewal time: ${formatTime(info.renewDate)}`, { sequenceNumber: identifier.sequenceNumber, renewDate: info.renewDate });
    }
    return info;
  }

  /** `retrievePassword`: the stored password of a live token (what DIGEST-MD5 servers use). */
  async retrievePassword(identifier: DelegationTokenIdentifier | Uint8Array): Promise<Uint8Array> {
    return (await this.#checkToken(this.#decode(identifier))).password;
  }

  /** `verifyToken`: the token is live and its password matches (constant time). */
  async verifyToken(identifier: DelegationTokenIdentifier | Uint8Array, password: Uint8Array): Promise<void> {
    const id = this.#decode(identifier);
    if (!passwordsEqual(password, await this.retrievePassword(id))) {
      throw invalidToken('TOKEN_INVALID', `token (${id.toString()}) is invalid, password doesn't match`, { sequenceNumber: id.sequenceNumber });
    }
  }

  /** The server-side renew date of a token held in memory, or undefined. */
  renewDateOf(identifier: DelegationTokenIdentifier | Uint8Array): number | undefined {
    return this.#tokens.renewDate(this.#decode(identifier).cacheKey);
  }

  /**
   * `renewToken(token, renewer)`; `renewer` is the caller's short name. Checks, in Hadoop's order:
   * maxDate, empty renewer, renewer mismatch, master key known, password, token known. Returns the
   * new renew date = min(maxDate, now + tokenRenewInterval) once it is stored.
   */
  async renewToken(token: Token, renewer: string): Promise<number> {
    const id = this.#decode(token.identifier);
    const fmt = `(${id.toString()})`;
    const now = this.#clock.now();
    if (id.maxDate < now) {
      throw invalidToken('TOKEN_EXPIRED', `${renewer} tried to renew an expired token ${fmt} max expiration date: ` +
        `${formatTime(id.maxDate)} currentTime: ${formatTime(now)}`, { sequenceNumber: id.sequenceNumber, maxDate: id.maxDate });
    }
    if (id.renewer === '') throw accessDenied(`${renewer} tried to renew a token ${fmt} without a renewer`, { user: renewer });
    if (id.renewer !== renewer) {
      throw accessDenied(`${renewer} tries to renew a token ${fmt} with non-matching renewer ${id.renewer}`, { user: renewer, renewer: id.renewer });
    }
    const key = this.#keys.get(id.masterKeyId) ?? (await this.#store.getKey(id.masterKeyId));
    if (!key?.key) {
      throw invalidToken('TOKEN_INVALID', `Unable to find master key for keyId=${id.masterKeyId} from cache. Failed to renew ` +
        `an unexpired token ${fmt} with sequenceNumber=${id.sequenceNumber}`, { keyId: id.masterKeyId });
    }
    const password = createPassword(token.identifier, key.key, this.#algorithm);
    if (!passwordsEqual(password, token.password)) {
      throw accessDenied(`${renewer} is trying to renew a token ${fmt} with wrong password`, { user: renewer });
    }
    const renewDate = Math.min(id.maxDate, now + this.tokenRenewInterval);
    return this.#exclusive(id.cacheKey, async () => {
      if (!(await this.#tokenInfo(id, { fresh: true }))) {
        throw invalidToken('TOKEN_UNKNOWN', `Renewal request for unknown token ${fmt}`, { sequenceNumber: id.sequenceNumber });
      }
      await this.#store.storeToken(id, { renewDate, password });
      return renewDate;
    });
  }

  /**
   * `cancelToken(token, canceller)`; `canceller` is the caller's full name. Allowed for the owner
   * (full name) or the renewer (canceller's short name); the password is not checked. The token
   * is gone once the store has made the removal durable.
   */
  async cancelToken(token: Token, canceller: string): Promise<DelegationTokenIdentifier> {
    const id = this.#decode(token.identifier);
    const fmt = `(${id.toString()})`;
    const user = id.user();
    if (!user) throw invalidToken('TOKEN_INVALID', `Token with no owner ${fmt}`, { sequenceNumber: id.sequenceNumber });
    if (canceller !== user.userName && (id.renewer === '' || this.#shortName(canceller) !== id.renewer)) {
      throw accessDenied(`${canceller} is not authorized to cancel the token ${fmt}`, { user: canceller });
    }
    return this.#exclusive(id.cacheKey, async () => {
      if (!(await this.#tokenInfo(id, { fresh: true }))) {
        throw invalidToken('TOKEN_UNKNOWN', `Token not found ${fmt}`, { sequenceNumber: id.sequenceNumber });
      }
      await this.#store.removeToken(id);
      return id;
    });
  }

  /**
   * `removeExpiredToken`: removes every token whose renew date has passed, with concurrent store
   * writes (a journal store makes a batch durable with one fsync). Returns how many were removed.
   */
  async removeExpiredTokens(): Promise<number> {
    const now = this.#clock.now();
    return this.#removeTokens(this.#tokens.expired(now), (id) => log.info({ token: id.toString() }, 'removing expired token'), now);
  }

  /** Removes the tokens with these cache keys (still expired at `now`, when given). */
  async #removeTokens(keys: string[], announce: (id: DelegationTokenIdentifier) => void, now?: number): Promise<number> {
    let removed = 0;
    for (let i = 0; i < keys.length; i += REMOVAL_BATCH) {
      await Promise.all(keys.slice(i, i + REMOVAL_BATCH).map((key) => this.#exclusive(key, async () => {
        const renewDate = this.#tokens.renewDate(key);
        if (renewDate === undefined || (now !== undefined && renewDate >= now)) return; // renewed or cancelled meanwhile
        const id = DelegationTokenIdentifier.decode(Buffer.from(key, 'latin1'), this.kind);
        if (now !== undefined && this.#store.removeExpiredToken) {
          if (!(await this.#store.removeExpiredToken(id, now))) return; // a peer renewed it
          announce(id);
        } else {
          announce(id);
          await this.#store.removeToken(id);
        }
        removed++;
      })));
    }
    return removed;
  }

  /** Runs `fn` after every earlier renew/cancel/removal of the same token has finished. */
  #exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tokenLocks.get(key);
    const run = previous ? previous.then(fn, fn) : fn();
    const tail = run.catch(() => undefined);
    this.#tokenLocks.set(key, tail);
    void tail.then(() => {
      if (this.#tokenLocks.get(key) === tail) this.#tokenLocks.delete(key);
    });
    return run;
  }

  #decode(identifier: DelegationTokenIdentifier | Uint8Array): DelegationTokenIdentifier {
    return identifier instanceof Uint8Array ? DelegationTokenIdentifier.decode(identifier, this.kind) : identifier;
  }
}

function positive(v: number, name: string): number {
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number of ms, got ${v}`);
  return v;
}

/** Hadoop `Time.formatTime`: `yyyy-MM-dd HH:mm:ss,SSSZ` (rendered here in UTC). */
function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2023-11-14T22:13:20.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}+0000`;
}
