/**
 * The TGS exchange (RFC 4120 section 3.3): a TGS-REQ carrying PA-TGS-REQ, an AP-REQ made from the
 * TGT whose Authenticator (key usage 7) holds a checksum over the DER of KDC-REQ-BODY (key usage
 * 6, the session key's mandatory checksum type, section 5.5.1). The TGS-REP enc-part is
 * decrypted with the TGT session key (usage 8) and checked, its starttime within clockskew of
 * our time plus the KDC offset (MIT gc_via_tkt.c KRB5_KDCREP_SKEW; skipped for renewals, whose
 * template carries a starttime in MIT). Renewal (section 3.3.1 / KDCOptions
 * RENEW) sends the TGT itself as the ticket to renew. Cross-realm (section 1.2): a service in
 * another realm is reached through krbtgt/REMOTE@LOCAL, or hop by hop along [capaths] or the
 * realm hierarchy, then a TGS-REQ to the remote KDC.
 */
import { randomInt } from 'node:crypto';
import { KerberosError } from '../../../lib/errors/index.ts';
import { systemClock, type Clock } from '../../../lib/time/clock.ts';
import { principalToString, type Credential, type Principal } from '../types.ts';
import { hierarchicalPath, realmPath, type Krb5Config } from '../config/krb5-conf.ts';
import { getProfile, isSupportedEtype } from '../crypto/registry.ts';
import { KEY_USAGE } from '../crypto/key-usage.ts';
import { encodeApReq, encodeAuthenticator } from '../messages/ap-req.ts';
import { MSG_TYPE, PA_TYPE } from '../messages/constants.ts';
import { KDC_OPTIONS } from '../messages/flags.ts';
import { encodeKdcReq, encodeKdcReqBody, type KdcReqBody } from '../messages/kdc-req.ts';
import { decodeTicket } from '../messages/ticket.ts';
import { kdcErrorToException } from './kdc-errors.ts';
import { checkReply, checkReplySkew, decryptEncPart, readKdcAnswer, toCredential } from './kdc-reply.ts';
import { ConfiguredTransport, type KdcTransport } from './transport.ts';
import { tgsPrincipal } from './as-exchange.ts';

export interface TgsRequestOptions {
  /** The TGT (krbtgt/X@Y) used to authenticate to realm X's KDC. */
  readonly tgt: Credential;
  readonly conf: Krb5Config;
  readonly clock?: Clock;
  readonly transport?: KdcTransport;
  /** Extra KDCOptions bits (forwardable, renewable ...). */
  readonly kdcOptions?: number;
  /** Requested end time (default now + ticket_lifetime, capped by the TGT's end). */
  readonly till?: number;
  /** Etypes to offer for the session key (default default_tgs_enctypes). */
  readonly etypes?: readonly number[];
  /**
   * KDC time minus ours, ms, when known (the AS exchange's kdcOffsetMs under kdc_timesync, or a
   * ccache's offset header); the reply's starttime is checked against our time plus this. Default 0.
   */
  readonly kdcOffsetMs?: number;
}

export interface TgsResult {
  readonly credential: Credential;
  readonly kdc: string;
}

/** The realm whose KDC accepts this TGT: the second component of krbtgt/REALM@ISSUER. */
export function tgtTargetRealm(tgt: Credential): string {
  const c = tgt.server.name.components;
  if (c.length !== 2 || c[0] !== 'krbtgt') {
    throw new KerberosError('KRB_NO_CREDENTIALS', `${principalToString(tgt.server)} is not a ticket-granting ticket`, { server: principalToString(tgt.server) });
  }
  return c[1]!;
}

async function tgsExchange(
  opts: TgsRequestOptions,
  server: Principal,
  body: KdcReqBody,
  operation: string,
  expectServer: Principal | ((p: Principal) => boolean),
): Promise<TgsResult> {
  const clock = opts.clock ?? systemClock;
  const transport = opts.transport ?? new ConfiguredTransport(opts.conf);
  const realm = tgtTargetRealm(opts.tgt);
  const bodyDer = encodeKdcReqBody(body);
  const requestTime = clock.now();
  const apReq = buildPaTgsReq(opts.tgt, bodyDer, requestTime);
  const request = encodeKdcReq({ msgType: MSG_TYPE.TGS_REQ, padata: [{ type: PA_TYPE.TGS_REQ, value: apReq }], reqBody: body }, bodyDer);
  const { reply, kdc } = await transport.send(realm, request);
  const answer = readKdcAnswer(reply, MSG_TYPE.TGS_REP, kdc);
  if (answer.kind === 'error') {
    throw kdcErrorToException(answer.error, { realm, kdc, client: opts.tgt.client, server, now: clock.now(), requestedEtypes: body.etypes, operation });
  }
  const part = decryptEncPart(answer.rep, opts.tgt.sessionKey, KEY_USAGE.TGS_REP_ENC_PART_SESSION_KEY);
  checkReply(answer.rep, part, { nonce: body.nonce, client: opts.tgt.client, server: expectServer, kdc });
  if (!(body.kdcOptions & KDC_OPTIONS.RENEW)) checkReplySkew(part, requestTime + (opts.kdcOffsetMs ?? 0), opts.conf.clockSkewMs, { kdc, client: opts.tgt.client });
  return { credential: toCredential(answer.rep, part), kdc };
}

/** PA-TGS-REQ: AP-REQ { TGT, Authenticator { cksum over req-body } } (RFC 4120 sections 5.5.1, 7.5.1). */
function buildPaTgsReq(tgt: Credential, bodyDer: Buffer, now: number): Buffer {
  const profile = getProfile(tgt.sessionKey.etype);
  const ctime = Math.floor(now / 1000) * 1000;
  const authenticator = encodeAuthenticator({
    crealm: tgt.client.realm,
    cname: tgt.client.name,
    cksum: { cksumtype: profile.checksumType, checksum: profile.checksum(tgt.sessionKey.value, KEY_USAGE.TGS_REQ_PA_AUTHENTICATOR_CKSUM, bodyDer) },
    cusec: Math.floor(now - ctime) * 1000,
    ctime,
  });
  const cipher = profile.encrypt(tgt.sessionKey.value, KEY_USAGE.TGS_REQ_PA_AUTHENTICATOR, authenticator);
  return encodeApReq({ apOptions: 0, ticket: decodeTicket(tgt.ticket), authenticator: { etype: profile.etype, cipher } });
}

function baseBody(opts: TgsRequestOptions, server: Principal, now: number): KdcReqBody {
  const till = opts.till ?? Math.min(now + opts.conf.ticketLifetimeMs, opts.tgt.endTime);
  return {
    kdcOptions: (opts.kdcOptions ?? 0) >>> 0,
    realm: server.realm,
    sname: server.name,
    till,
    nonce: randomInt(0, 0x7fffffff),
    etypes: (opts.etypes ?? opts.conf.defaultTgsEnctypes).filter(isSupportedEtype),
  };
}

/**
 * A service ticket for `server`. When `server` is in another realm than the TGT's, first gets a
 * TGT for that realm (crossRealmTgt), then asks the remote KDC.
 */
export async function requestServiceTicket(opts: TgsRequestOptions, server: Principal): Promise<TgsResult> {
  const clock = opts.clock ?? systemClock;
  const local = tgtTargetRealm(opts.tgt);
  if (server.realm !== local) {
    const cross = await crossRealmTgt(opts, server.realm);
    return requestServiceTicket({ ...opts, tgt: cross }, server);
  }
  const body = baseBody(opts, server, clock.now());
  return tgsExchange(opts, server, body, 'TGS exchange', server);
}

/**
 * A TGT usable at `target`'s KDC, walking realms as MIT's client does (RFC 4120 section 1.2;
 * MIT tkt_creds.c): along [capaths] when configured, one TGS exchange per hop; otherwise asking
 * for krbtgt/TARGET@CURRENT and following the closer krbtgt/X@CURRENT a KDC may return instead
 * (MIT KDCs walk the realm hierarchy themselves); if the KDC knows neither, the hierarchical path
 * (A.EX.COM -> EX.COM -> B.EX.COM) hop by hop.
 */
export async function crossRealmTgt(opts: TgsRequestOptions, target: string): Promise<Credential> {
  const local = tgtTargetRealm(opts.tgt);
  if (opts.conf.capaths.get(local)?.has(target)) return walk(opts, realmPath(opts.conf, local, target));
  let tgt = opts.tgt;
  const visited = new Set([local]);
  for (;;) {
    const current = tgtTargetRealm(tgt);
    let next: Credential;
    try {
      next = (await tgtExchange({ ...opts, tgt }, target, current)).credential;
    } catch (e) {
      const hops = hierarchicalPath(current, target);
      if (!(e instanceof KerberosError) || e.code !== 'KRB_PRINCIPAL_UNKNOWN' || hops.length < 2) throw e;
      return walk({ ...opts, tgt }, hops);
    }
    const reached = tgtTargetRealm(next);
    if (reached === target) return next;
    if (visited.has(reached) || visited.size > 10) {
      throw new KerberosError('KRB_KDC_ERROR', `cross-realm path from ${local} to ${target} loops at ${reached} (realms visited: ${[...visited].join(', ')}); check the realms' [capaths] and krbtgt principals`, { realm: target });
    }
    visited.add(reached);
    tgt = next;
  }
}

/** One TGS exchange per realm of `hops`, each for krbtgt/HOP@PREVIOUS. */
async function walk(opts: TgsRequestOptions, hops: readonly string[]): Promise<Credential> {
  let tgt = opts.tgt;
  for (const hop of hops) tgt = (await requestServiceTicket({ ...opts, tgt }, tgsPrincipal(hop, tgtTargetRealm(tgt)))).credential;
  return tgt;
}

/** Asks `current`'s KDC for krbtgt/TARGET@CURRENT, accepting any krbtgt/X@CURRENT it gives instead. */
function tgtExchange(opts: TgsRequestOptions, target: string, current: string): Promise<TgsResult> {
  const server = tgsPrincipal(target, current);
  const body = baseBody(opts, server, (opts.clock ?? systemClock).now());
  const isTgt = (p: Principal) => p.realm === current && p.name.components.length === 2 && p.name.components[0] === 'krbtgt';
  return tgsExchange(opts, server, body, 'cross-realm TGS exchange', isTgt);
}

/**
 * Renews a renewable ticket (normally the TGT) before its renew_till: KDCOptions RENEW with the
 * ticket itself in PA-TGS-REQ (RFC 4120 section 3.3.1). The new ticket has the same session key
 * lifetime rules; renew_till does not move.
 */
export async function renewTicket(opts: Omit<TgsRequestOptions, 'tgt'> & { ticket: Credential }): Promise<TgsResult> {
  const clock = opts.clock ?? systemClock;
  const now = clock.now();
  if (!opts.ticket.renewTill || opts.ticket.renewTill <= now) {
    throw new KerberosError(
      'KRB_EXPIRED',
      `Ticket for ${principalToString(opts.ticket.server)} cannot be renewed: ${opts.ticket.renewTill ? `its renewable life ended at ${new Date(opts.ticket.renewTill).toISOString()}` : 'it is not renewable'}. Log in again (kinit)`,
      { principal: principalToString(opts.ticket.client), server: principalToString(opts.ticket.server) },
    );
  }
  const server = opts.ticket.server;
  const tgsOpts: TgsRequestOptions = { ...opts, tgt: opts.ticket, kdcOptions: ((opts.kdcOptions ?? 0) | KDC_OPTIONS.RENEW | KDC_OPTIONS.RENEWABLE) >>> 0 };
  const body = { ...baseBody(tgsOpts, server, now), till: opts.ticket.renewTill };
  return tgsExchange(tgsOpts, server, body, 'ticket renewal', server);
}
