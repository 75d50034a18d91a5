/**
 * A Kerberos login that lasts: it holds a TGT and a cache of service tickets, hands out service
 * tickets (TGS exchange, cached until their refresh point), and keeps itself fresh the way the
 * JDK's Krb5LoginModule and Hadoop's UserGroupInformation relogin do: at ~80% of the TGT's life a
 * keytab login runs the AS exchange again, a password login renews, a ticket-cache login re-reads
 * its file (and notices `kinit -R` at once on the next use). An expired TGT found on use is
 * refreshed on demand. Timers are unref'd; close() stops them. The clock is injected.
 */
import { KerberosError } from '../../../lib/errors/index.ts';
import { systemClock, type Clock } from '../../../lib/time/clock.ts';
import { getLogger } from '../../../lib/log/logger.ts';
import { principalToString, type Credential, type Principal } from '../types.ts';
import { loadKrb5Config, type Krb5Config } from '../config/krb5-conf.ts';
import { resolveCredentialCache, type CredentialCache } from '../ccache/index.ts';
import { parsePrincipal, samePrincipal } from '../keytab/principal-text.ts';
import { resolveServicePrincipal } from '../config/service-principal.ts';
import { crossRealmTgt, requestServiceTicket, tgtTargetRealm } from '../client/tgs-exchange.ts';
import type { KdcTransport } from '../client/transport.ts';
import { publishLogin, publishRelogin, type LoginSource } from './events.ts';
import { DEFAULT_REFRESH_POLICY, isFresh, isValid, refreshDelay, type RefreshPolicy } from './refresh-policy.ts';
import { ccacheSource, keytabSource, passwordSource, type Acquired, type SourceContext, type TgtSource } from './tgt-source.ts';

const log = getLogger('kerberos.login');

export interface LoginOptions {
  /** krb5.conf (default: loaded from KRB5_CONFIG or /etc/krb5.conf). */
  readonly conf?: Krb5Config;
  readonly clock?: Clock;
  readonly transport?: KdcTransport;
  /** Requested TGT lifetime / renewable lifetime, ms (defaults from krb5.conf). */
  readonly lifetimeMs?: number;
  readonly renewLifetimeMs?: number;
  /** When to refresh (default 80% of life, at most once a minute, retry after 10 s). */
  readonly refresh?: Partial<RefreshPolicy>;
  /** Refresh in the background on a timer (default true); otherwise only on use. */
  readonly autoRefresh?: boolean;
  /** How often a ccache login checks its file for changes, ms (default 30 s). */
  readonly ccachePollMs?: number;
}

const key = (p: Principal) => principalToString(p);

export class KerberosLogin {
  readonly #source: TgtSource;
  readonly #ctx: SourceContext;
  readonly #policy: RefreshPolicy;
  readonly #auto: boolean;
  readonly #pollMs: number;
  readonly #services = new Map<string, Credential>();
  readonly #inflight = new Map<string, Promise<Credential>>();
  /** Cross-realm TGTs by the realm they open. */
  readonly #crossTgts = new Map<string, Credential>();
  #tgt: Credential;
  /** KDC time minus ours (ms) as last learnt; TGS replies are checked against our time plus this. */
  #kdcOffsetMs = 0;
  #lastRefresh: number;
  #refreshing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(source: TgtSource, ctx: SourceContext, first: Acquired, opts: LoginOptions) {
    this.#source = source;
    this.#ctx = ctx;
    this.#policy = { ...DEFAULT_REFRESH_POLICY, ...opts.refresh };
    this.#auto = opts.autoRefresh ?? true;
    this.#pollMs = opts.ccachePollMs ?? 30_000;
    this.#tgt = first.tgt;
    this.#lastRefresh = ctx.clock.now();
    this.#adopt(first);
    this.#schedule();
  }

  /** @internal Used by the login functions below. */
  static async start(source: TgtSource, opts: LoginOptions): Promise<KerberosLogin> {
    const conf = opts.conf ?? loadKrb5Config();
    const ctx: SourceContext = {
      conf,
      clock: opts.clock ?? systemClock,
      ...(opts.transport ? { transport: opts.transport } : {}),
      ...(opts.lifetimeMs !== undefined ? { lifetimeMs: opts.lifetimeMs } : {}),
      ...(opts.renewLifetimeMs !== undefined ? { renewLifetimeMs: opts.renewLifetimeMs } : {}),
    };
    const first = await source.acquire(ctx);
    const login = new KerberosLogin(source, ctx, first, opts);
    publishLogin({ principal: key(first.tgt.client), source: source.kind, expiresAt: first.tgt.endTime, ...(first.kdc ? { kdc: first.kdc } : {}) });
    log.info({ principal: key(first.tgt.client), source: source.kind, expiresAt: new Date(first.tgt.endTime).toISOString() }, 'Kerberos login');
    return login;
  }

  get principal(): Principal {
    return this.#tgt.client;
  }

  get source(): LoginSource {
    return this.#source.kind;
  }

  /** The current TGT. */
  get tgt(): Credential {
    return this.#tgt;
  }

  /** End time of the current TGT, ms since the epoch. */
  get expiresAt(): number {
    return this.#tgt.endTime;
  }

  get krb5Config(): Krb5Config {
    return this.#ctx.conf;
  }

  /** A valid TGT, refreshed first when it has expired or (ccache) the file changed. */
  async getTgt(): Promise<Credential> {
    this.#checkOpen();
    if (await this.#source.changed?.()) await this.refresh('ccache-changed');
    else if (!isValid(this.#tgt, this.#ctx.clock.now())) await this.refresh('on-demand');
    return this.#tgt;
  }

  /**
   * A service ticket for `server` (text such as `nn/host@REALM`, or a Principal): from the cache
   * while fresh, else from the KDC with the current TGT. A host-based `service/host` without a
   * realm takes the host's realm from krb5.conf [domain_realm], else default_realm, as MIT and the
   * JDK do (resolveServicePrincipal); another realm-less name takes the client's realm.
   */
  async getServiceTicket(server: Principal | string): Promise<Credential> {
    const want = resolveServicePrincipal(server, this.#ctx.conf, this.#tgt.client.realm);
    const tgt = await this.getTgt();
    if (samePrincipal(want, tgt.server)) return tgt;
    const id = key(want);
    const cached = this.#services.get(id);
    if (cached && isFresh(cached, this.#ctx.clock.now(), this.#policy)) return cached;
    let pending = this.#inflight.get(id);
    if (!pending) {
      pending = this.#fetch(want, tgt).finally(() => this.#inflight.delete(id));
      this.#inflight.set(id, pending);
    }
    return pending;
  }

  /** Re-acquires the TGT now (serialised: concurrent callers share one attempt). */
  refresh(reason = 'explicit'): Promise<void> {
    this.#checkOpen();
    this.#refreshing ??= this.#doRefresh(reason).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** Stops the refresh timer and forgets the cached tickets. */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#services.clear();
    this.#crossTgts.clear();
  }

  async #fetch(server: Principal, tgt: Credential): Promise<Credential> {
    const via = server.realm === tgtTargetRealm(tgt) ? tgt : await this.#crossRealm(server.realm, tgt);
    const { credential } = await requestServiceTicket(
      { tgt: via, ...this.#tgsOptions() },
      server,
    );
    if (!this.#closed) this.#services.set(key(server), credential);
    return credential;
  }

  /** A TGT for another realm's KDC (direct, [capaths] or hierarchical), cached like a service ticket. */
  async #crossRealm(realm: string, tgt: Credential): Promise<Credential> {
    const cached = this.#crossTgts.get(realm);
    if (cached && isFresh(cached, this.#ctx.clock.now(), this.#policy)) return cached;
    const cross = await crossRealmTgt({ tgt, ...this.#tgsOptions() }, realm);
    if (!this.#closed) {
      this.#crossTgts.set(realm, cross);
      this.#services.set(key(cross.server), cross);
    }
    return cross;
  }

  #tgsOptions() {
    return { conf: this.#ctx.conf, clock: this.#ctx.clock, kdcOffsetMs: this.#kdcOffsetMs, ...(this.#ctx.transport ? { transport: this.#ctx.transport } : {}) };
  }

  async #doRefresh(reason: string): Promise<void> {
    const base = { principal: key(this.#tgt.client), source: this.#source.kind, reason };
    try {
      const got = await this.#source.refresh(this.#ctx, this.#tgt);
      this.#tgt = got.tgt;
      this.#lastRefresh = this.#ctx.clock.now();
      // Service tickets issued under the old TGT stay valid, but new ones come from the new TGT.
      this.#services.clear();
      this.#crossTgts.clear();
      this.#adopt(got);
      publishRelogin({ ...base, ok: true, expiresAt: got.tgt.endTime, ...(got.kdc ? { kdc: got.kdc } : {}) });
      log.info({ ...base, expiresAt: new Date(got.tgt.endTime).toISOString() }, 'Kerberos relogin');
      this.#schedule();
    } catch (e) {
      const err = e as KerberosError;
      publishRelogin({ ...base, ok: false, error: { code: err.code ?? 'UNKNOWN', message: err.message } });
      log.warn({ ...base, code: err.code, err: err.message }, 'Kerberos relogin failed');
      this.#schedule(this.#policy.retryMs);
      throw e;
    }
  }

  #adopt(got: Acquired): void {
    if (got.kdcOffsetMs !== undefined) this.#kdcOffsetMs = got.kdcOffsetMs;
    const now = this.#ctx.clock.now();
    for (const c of got.serviceTickets ?? []) {
      if (samePrincipal(c.client, got.tgt.client) && isValid(c, now)) this.#services.set(key(c.server), c);
    }
  }

  #schedule(overrideMs?: number): void {
    if (!this.#auto || this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    let delay = overrideMs ?? refreshDelay(this.#tgt, this.#ctx.clock.now(), this.#lastRefresh, this.#policy);
    const poll = this.#source.kind === 'ccache';
    if (poll) delay = Math.min(delay, this.#pollMs);
    // setTimeout cannot wait longer than 2^31-1 ms; a shorter wait simply re-schedules.
    this.#timer = setTimeout(() => this.#onTimer(poll), Math.min(delay, 0x7fffffff));
    this.#timer.unref();
  }

  #onTimer(poll: boolean): void {
    this.#timer = undefined;
    if (this.#closed) return;
    void this.#onTimerCheck(poll);
  }

  async #onTimerCheck(poll: boolean): Promise<void> {
    const now = this.#ctx.clock.now();
    const due = refreshDelay(this.#tgt, now, this.#lastRefresh, this.#policy) === 0;
    const changed = poll && (await this.#source.changed?.().catch(() => false));
    if (this.#closed) return;
    if (!due && !changed) return this.#schedule();
    this.refresh(changed ? 'ccache-changed' : 'scheduled').catch(() => {
      /* reported through the relogin channel and the log; the retry is scheduled */
    });
  }

  #checkOpen(): void {
    if (this.#closed) throw new KerberosError('KRB_NO_CREDENTIALS', `Kerberos login for ${key(this.#tgt.client)} was closed`, { principal: key(this.#tgt.client) });
  }
}

function principalOf(p: Principal | string, conf: Krb5Config): Principal {
  return typeof p === 'string' ? parsePrincipal(p, conf.defaultRealm) : p;
}

/** Logs in from a keytab (Hadoop loginUserFromKeytab); re-runs the AS exchange before expiry. */
export async function loginFromKeytab(principal: Principal | string, keytabPath: string, opts: LoginOptions = {}): Promise<KerberosLogin> {
  const conf = opts.conf ?? loadKrb5Config();
  return KerberosLogin.start(keytabSource(principalOf(principal, conf), keytabPath), { ...opts, conf });
}

/** Logs in with a password (not kept); renews the TGT while it is renewable. */
export async function loginFromPassword(principal: Principal | string, password: string, opts: LoginOptions = {}): Promise<KerberosLogin> {
  const conf = opts.conf ?? loadKrb5Config();
  return KerberosLogin.start(passwordSource(principalOf(principal, conf), password), { ...opts, conf });
}

/**
 * Logs in from a ticket cache of any type (FILE, DIR, KEYRING, KCM, MEMORY): `cache` is a name
 * (`KEYRING:persistent:1000`, `DIR:/run/user/1000/krb5cc`, a bare path ...) or an opened
 * CredentialCache; by default KRB5CCNAME, else krb5.conf default_ccache_name, else
 * FILE:/tmp/krb5cc_<uid> (resolveCredentialCache). The cache is re-read when it changes.
 */
export async function loginFromCcache(cache?: string | CredentialCache, opts: LoginOptions = {}): Promise<KerberosLogin> {
  const conf = opts.conf ?? loadKrb5Config();
  const opened = typeof cache === 'object' ? cache : await resolveCredentialCache(conf, cache);
  const stamp = await opened.changeStamp();
  return KerberosLogin.start(ccacheSource(opened, await opened.read(), stamp), { ...opts, conf });
}
