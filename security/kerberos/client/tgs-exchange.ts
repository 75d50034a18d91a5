/**
 * The TGS exchange (RFC 4120 section 3.3): a TGS-REQ carrying PA-TGS-REQ, an AP-REQ made from the
 * TGT whose Authenticator (key usage 7) holds a checksum over the DER of KDC-REQ-BODY (key usage
 * 6, the session key's mandatory checksum type, section 5.5.1). The TGS-REP enc-part is
 * decrypted with the TGT session key (usage 8) and checked. Renewal (section 3.3.1 / KDCOptions
 * RENEW) sends the TGT itself as the ticket to renew. Cross-realm (section 1.2): a service in
 * another realm is reached through krbtgt/REMOTE@LOCAL, then a TGS-REQ to the remote KDC.
 */
import { randomInt } from 'node:crypto';
import { KerberosError } from '../../../lib/errors/index.ts';
import { systemClock, type Clock } from '../../../lib/time/clock.ts';
import { principalToString, type Credential, type Principal } from '../types.ts';
import type { Krb5Config } from '../config/krb5-conf.ts';
import { getProfile, isSupportedEtype } from '../crypto/registry.ts';
import { KEY_USAGE } from '../crypto/key-usage.ts';
import { encodeApReq, encodeAuthenticator } from '../messages/ap-req.ts';
import { MSG_TYPE, PA_TYPE } from '../messages/constants.ts';
import { KDC_OPTIONS } from '../messages/flags.ts';
import { encodeKdcReq, encodeKdcReqBody, type KdcReqBody } from '../messages/kdc-req.ts';
import { decodeTicket } from '../messages/ticket.ts';
import { kdcErrorToException } from './kdc-errors.ts';
import { checkReply, decryptEncPart, readKdcAnswer, toCredential } from './kdc-reply.ts';
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

async function tgsExchange(opts: TgsRequestOptions, server: Principal, body: KdcReqBody, operation: string, expectServer?: Principal): Promise<TgsResult> {
  const clock = opts.clock ?? systemClock;
  const transport = opts.transport ?? new ConfiguredTransport(opts.conf);
  const realm = tgtTargetRealm(opts.tgt);
  const bodyDer = encodeKdcReqBody(body);
  const apReq = buildPaTgsReq(opts.tgt, bodyDer, clock.now());
  const request = encodeKdcReq({ msgType: MSG_TYPE.TGS_REQ, padata: [{ type: PA_TYPE.TGS_REQ, value: apReq }], reqBody: body }, bodyDer);
  const { reply, kdc } = await transport.send(realm, request);
  const answer = readKdcAnswer(reply, MSG_TYPE.TGS_REP);
  if (answer.kind === 'error') {
    throw kdcErrorToException(answer.error, { realm, kdc, client: opts.tgt.client, server, now: clock.now(), requestedEtypes: body.etypes, operation });
  }
  const part = decryptEncPart(answer.rep, opts.tgt.sessionKey, KEY_USAGE.TGS_REP_ENC_PART_SESSION_KEY);
  checkReply(answer.rep, part, { nonce: body.nonce, client: opts.tgt.client, ...(expectServer ? { server: expectServer } : {}), kdc });
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
 * A service ticket for `server`. When `server` is in another realm than the TGT's, first gets the
 * cross-realm TGT krbtgt/REMOTE@LOCAL from the local KDC, then asks the remote KDC.
 */
export async function requestServiceTicket(opts: TgsRequestOptions, server: Principal): Promise<TgsResult> {
  const clock = opts.clock ?? systemClock;
  const local = tgtTargetRealm(opts.tgt);
  if (server.realm !== local) {
    const crossTgt = await requestServiceTicket(opts, tgsPrincipal(server.realm, local));
    return requestServiceTicket({ ...opts, tgt: crossTgt.credential }, server);
  }
  const body = baseBody(opts, server, clock.now());
  return tgsExchange(opts, server, body, 'TGS exchange', server);
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
