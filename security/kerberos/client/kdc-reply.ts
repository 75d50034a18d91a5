/**
 * What AS and TGS replies have in common (RFC 4120 sections 3.1.5 and 3.3.4): decrypting the
 * enc-part into EncKDCRepPart, checking the nonce, the client name and the server name against
 * the request, and turning the reply into a Credential (the ccache view of a ticket). Two checks
 * follow MIT: an AS reply must be encrypted in an enctype the request offered (get_in_tkt.c
 * check_reply_enctype), and a reply's starttime must lie within krb5.conf clockskew of the
 * request time plus the known KDC offset (verify_as_reply when kdc_timesync is off; gc_via_tkt.c
 * for TGS replies). MIT checks no session-key enctype in either reply, so neither do we. Any message
 * from the KDC is either a reply of the expected type or a KRB-ERROR; anything else is
 * KRB_BAD_FORMAT.
 */
import { KerberosError } from '../../../lib/errors/index.ts';
import { principalToString, type Credential, type EncryptionKey, type Principal } from '../types.ts';
import { getProfile } from '../crypto/registry.ts';
import { MSG_TYPE } from '../messages/constants.ts';
import { badFormat, parseDer, tagOf } from '../messages/der.ts';
import { decodeEncKdcRepPart, decodeKdcRep, type EncKdcRepPart, type KdcRep } from '../messages/kdc-rep.ts';
import { krbErrorFromAsn, type KrbError } from '../messages/krb-error.ts';
import { principalNameEquals } from '../messages/principal-name.ts';
import { encodeTicket } from '../messages/ticket.ts';

export type KdcAnswer = { readonly kind: 'reply'; readonly rep: KdcRep } | { readonly kind: 'error'; readonly error: KrbError };

/** Classifies the KDC's bytes as the expected reply or a KRB-ERROR; undecodable bytes name the KDC. */
export function readKdcAnswer(bytes: Buffer, expect: KdcRep['msgType'], kdc = 'the KDC'): KdcAnswer {
  try {
    const block = parseDer(bytes, 'KDC reply');
    const { tagClass, tagNumber } = tagOf(block);
    if (tagClass === 2 && tagNumber === MSG_TYPE.KRB_ERROR) return { kind: 'error', error: krbErrorFromAsn(block) };
    if (tagClass !== 2 || tagNumber !== expect) throw badFormat('KDC reply', `expected message ${expect} or KRB-ERROR, got tag ${tagNumber}`);
    return { kind: 'reply', rep: decodeKdcRep(bytes, expect) };
  } catch (e) {
    if (!(e instanceof KerberosError)) throw e;
    throw new KerberosError(e.code, `${e.message} (${bytes.length} bytes from ${kdc}; is that address a Kerberos KDC?)`, { ...e.details, kdc }, { cause: e });
  }
}

/** Decrypts and decodes the reply's enc-part with `key` and `usage` (3 for AS, 8/9 for TGS). */
export function decryptEncPart(rep: KdcRep, key: EncryptionKey, usage: number): EncKdcRepPart {
  if (rep.encPart.etype !== key.etype) {
    throw new KerberosError('KRB_ENCTYPE_UNSUPPORTED', `KDC reply is encrypted with etype ${rep.encPart.etype} but our key is etype ${key.etype}`, {
      etype: rep.encPart.etype,
    });
  }
  const plain = getProfile(key.etype).decrypt(key.value, usage, rep.encPart.cipher);
  return decodeEncKdcRepPart(plain);
}

export interface ReplyExpectations {
  readonly nonce: number;
  readonly client: Principal;
  /** The server asked for, or a test for acceptable servers (cross-realm TGTs a KDC may substitute). */
  readonly server: Principal | ((p: Principal) => boolean);
  readonly kdc: string;
}

/** RFC 4120 3.1.5 / 3.3.4 checks: nonce, client and server match what was requested. */
export function checkReply(rep: KdcRep, part: EncKdcRepPart, x: ReplyExpectations): void {
  const fail = (what: string) =>
    new KerberosError('KRB_BAD_FORMAT', `KDC ${x.kdc} sent a reply that does not match the request: ${what}. The reply was discarded`, {
      kdc: x.kdc,
      principal: principalToString(x.client),
    });
  if (part.nonce >>> 0 !== x.nonce >>> 0) throw fail('nonce differs');
  if (rep.crealm !== x.client.realm || !principalNameEquals(rep.cname, x.client.name)) {
    throw fail(`client ${principalToString({ name: rep.cname, realm: rep.crealm })} instead of ${principalToString(x.client)}`);
  }
  const got: Principal = { name: part.sname, realm: part.srealm };
  const ok = typeof x.server === 'function' ? x.server(got) : part.srealm === x.server.realm && principalNameEquals(part.sname, x.server.name);
  if (!ok) throw fail(`server ${principalToString(got)} instead of ${typeof x.server === 'function' ? 'a ticket-granting ticket' : principalToString(x.server)}`);
  if (rep.ticket.realm !== part.srealm || !principalNameEquals(rep.ticket.sname, part.sname)) throw fail('ticket server differs from enc-part server');
}

/**
 * MIT check_reply_enctype (KRB5_CONFIG_ETYPE_NOSUPP): the AS reply enc-part must use one of the
 * etypes the AS-REQ offered (default_tkt_enctypes); anything else is a forged or broken reply.
 */
export function checkReplyEnctype(rep: KdcRep, offered: readonly number[], x: { kdc: string; client: Principal }): void {
  if (offered.includes(rep.encPart.etype)) return;
  throw new KerberosError(
    'KRB_ENCTYPE_UNSUPPORTED',
    `KDC ${x.kdc} encrypted the AS reply for ${principalToString(x.client)} with etype ${rep.encPart.etype}, which the request did not offer ` +
      `([${offered.join(', ')}], krb5.conf default_tkt_enctypes). The reply was discarded (MIT: KRB5_CONFIG_ETYPE_NOSUPP); check the KDC and default_tkt_enctypes`,
    { kdc: x.kdc, principal: principalToString(x.client), etype: rep.encPart.etype, requested: offered.map(String) },
  );
}

/**
 * MIT KRB5_KDCREP_SKEW: the reply's starttime (authtime when absent) must be within `skewMs` of
 * `requestTime` (our clock at the request, plus the KDC offset when one is known).
 */
export function checkReplySkew(part: EncKdcRepPart, requestTime: number, skewMs: number, x: { kdc: string; client: Principal }): void {
  const start = part.startTime ?? part.authTime;
  const delta = start - requestTime;
  if (Math.abs(delta) <= skewMs) return;
  const measured = Math.round(Math.abs(delta) / 1000);
  throw new KerberosError(
    'KRB_CLOCK_SKEW',
    `Clock skew too great in KDC reply: KDC ${x.kdc}'s time is ${measured} s ${delta > 0 ? 'ahead of' : 'behind'} this host's for ${principalToString(x.client)}; ` +
      `at most ${Math.round(skewMs / 1000)} s is allowed (krb5.conf clockskew). Synchronise the clocks with NTP (or leave kdc_timesync on)`,
    { kdc: x.kdc, principal: principalToString(x.client), skewSeconds: measured, maxSkewSeconds: Math.round(skewMs / 1000) },
  );
}

/** The Credential for a checked reply. */
export function toCredential(rep: KdcRep, part: EncKdcRepPart): Credential {
  return {
    client: { name: rep.cname, realm: rep.crealm },
    server: { name: part.sname, realm: part.srealm },
    sessionKey: part.key,
    authTime: part.authTime,
    startTime: part.startTime ?? part.authTime,
    endTime: part.endTime,
    renewTill: part.renewTill ?? 0,
    flags: part.flags >>> 0,
    ticket: encodeTicket(rep.ticket),
  };
}
