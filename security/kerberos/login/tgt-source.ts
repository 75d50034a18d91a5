/**
 * Where a login's TGT comes from, one strategy per kind (Hadoop's UserGroupInformation keytab /
 * ticket-cache logins, JDK Krb5LoginModule useKeyTab / useTicketCache): a keytab re-runs the AS
 * exchange with its key; a password login renews its renewable TGT (the password is not kept);
 * a ticket cache (any type: FILE, DIR, KEYRING, KCM) is re-read when it changes (e.g. after `kinit -R`).
 */
import { KerberosError } from '../../../lib/errors/index.ts';
import type { Clock } from '../../../lib/time/clock.ts';
import { principalToString, type Credential, type Principal } from '../types.ts';
import type { Krb5Config } from '../config/krb5-conf.ts';
import { findTgt, kdcOffsetMs, tickets, type Ccache, type CredentialCache } from '../ccache/index.ts';
import { readKeytabSync } from '../keytab/index.ts';
import { requestInitialTicket } from '../client/as-exchange.ts';
import { renewTicket } from '../client/tgs-exchange.ts';
import type { KdcTransport } from '../client/transport.ts';
import type { LoginSource } from './events.ts';

export interface Acquired {
  readonly tgt: Credential;
  readonly kdc?: string;
  /** Service tickets that came with the TGT (a ccache's). */
  readonly serviceTickets?: readonly Credential[];
  /**
   * KDC time minus ours, ms, when learnt: from the AS reply under kdc_timesync (MIT
   * krb5_set_time_offsets) or a ccache's header. Absent: keep the previous value.
   */
  readonly kdcOffsetMs?: number;
}

export interface SourceContext {
  readonly conf: Krb5Config;
  readonly clock: Clock;
  readonly transport?: KdcTransport;
  readonly lifetimeMs?: number;
  readonly renewLifetimeMs?: number;
}

export interface TgtSource {
  readonly kind: LoginSource;
  readonly principal: Principal;
  /** First acquisition. */
  acquire(ctx: SourceContext): Promise<Acquired>;
  /** A fresh TGT replacing `current`. */
  refresh(ctx: SourceContext, current: Credential): Promise<Acquired>;
  /** True when the backing store changed since the last acquire/refresh (ccache only). */
  changed?(): Promise<boolean>;
  /** Where the credentials live, for messages. */
  readonly where: string;
}

const transportOf = (ctx: SourceContext) => (ctx.transport ? { transport: ctx.transport } : {});
const lifeOf = (ctx: SourceContext) => ({
  ...(ctx.lifetimeMs !== undefined ? { lifetimeMs: ctx.lifetimeMs } : {}),
  ...(ctx.renewLifetimeMs !== undefined ? { renewLifetimeMs: ctx.renewLifetimeMs } : {}),
});

/** MIT keeps the AS reply's offset only under kdc_timesync (get_in_tkt.c verify_as_reply). */
const offsetOf = (ctx: SourceContext, offset: number) => (ctx.conf.kdcTimesync ? { kdcOffsetMs: offset } : {});

export function keytabSource(principal: Principal, keytabPath: string): TgtSource {
  const run = async (ctx: SourceContext): Promise<Acquired> => {
    // Re-read each time: an operator may have re-exported the keytab after a re-key.
    const keytab = readKeytabSync(keytabPath);
    const r = await requestInitialTicket({ client: principal, secret: { keytab }, conf: ctx.conf, clock: ctx.clock, ...transportOf(ctx), ...lifeOf(ctx) });
    return { tgt: r.credential, kdc: r.kdc, ...offsetOf(ctx, r.kdcOffsetMs) };
  };
  return { kind: 'keytab', principal, where: keytabPath, acquire: run, refresh: run };
}

export function passwordSource(principal: Principal, password: string): TgtSource {
  let secret: string | undefined = password;
  return {
    kind: 'password',
    principal,
    where: 'password',
    async acquire(ctx) {
      const pw = secret;
      secret = undefined; // used once: a password login never keeps the password
      if (pw === undefined) throw new KerberosError('KRB_NO_CREDENTIALS', `password login for ${principalToString(principal)} was already used`, { principal: principalToString(principal) });
      const r = await requestInitialTicket({ client: principal, secret: { password: pw }, conf: ctx.conf, clock: ctx.clock, ...transportOf(ctx), ...lifeOf(ctx) });
      return { tgt: r.credential, kdc: r.kdc, ...offsetOf(ctx, r.kdcOffsetMs) };
    },
    async refresh(ctx, current) {
      const r = await renewTicket({ ticket: current, conf: ctx.conf, clock: ctx.clock, ...transportOf(ctx) });
      return { tgt: r.credential, kdc: r.kdc };
    },
  };
}

/** How often, at most, a ccache kept outside the file system (KEYRING, KCM) is asked whether it changed. */
const REMOTE_CHECK_MS = 1000;

export function ccacheSource(cache: CredentialCache, initial: Ccache, initialStamp: string | undefined): TgtSource {
  let seen = initialStamp;
  let lastCheck = 0;
  const where = cache.fullName;
  const load = (ctx: SourceContext, cc: Ccache): Acquired => {
    const now = ctx.clock.now();
    const tgt = findTgt(cc, cc.defaultPrincipal.realm, now) ?? findTgt(cc, cc.defaultPrincipal.realm);
    if (!tgt) {
      throw new KerberosError('KRB_NO_CREDENTIALS', `credential cache ${where} holds no TGT for ${principalToString(cc.defaultPrincipal)}: run kinit`, {
        ccache: where,
        principal: principalToString(cc.defaultPrincipal),
      });
    }
    return { tgt, serviceTickets: tickets(cc).filter((c) => c !== tgt), kdcOffsetMs: kdcOffsetMs(cc) };
  };
  return {
    kind: 'ccache',
    principal: initial.defaultPrincipal,
    where,
    async acquire(ctx) {
      return load(ctx, initial);
    },
    async refresh(ctx, current) {
      seen = await cache.changeStamp();
      const fromCache = load(ctx, await cache.read());
      if (fromCache.tgt.endTime > ctx.clock.now()) return fromCache;
      // The cache's TGT has expired too: renew it ourselves while its renewable life lasts.
      const base = fromCache.tgt.endTime >= current.endTime ? fromCache.tgt : current;
      const r = await renewTicket({ ticket: base, conf: ctx.conf, clock: ctx.clock, ...transportOf(ctx) });
      return { tgt: r.credential, kdc: r.kdc };
    },
    async changed() {
      if (cache.type === 'KEYRING' || cache.type === 'KCM') {
        if (Date.now() - lastCheck < REMOTE_CHECK_MS) return false;
        lastCheck = Date.now();
      }
      const now = await cache.changeStamp().catch(() => undefined);
      return now !== undefined && now !== seen;
    },
  };
}
