/**
 * What AS and TGS replies have in common (RFC 4120 sections 3.1.5 and 3.3.4): decrypting the
 * enc-part into EncKDCRepPart, checking the nonce, the client name and the server name against
 * the request, and turning the reply into a Credential (the ccache view of a ticket). Any message
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

/** Classifies the KDC's bytes as the expected reply or a KRB-ERROR. */
export function readKdcAnswer(bytes: Buffer, expect: KdcRep['msgType']): KdcAnswer {
  const block = parseDer(bytes, 'KDC reply');
  const { tagClass, tagNumber } = tagOf(block);
  if (tagClass === 2 && tagNumber === MSG_TYPE.KRB_ERROR) return { kind: 'error', error: krbErrorFromAsn(block) };
  if (tagClass !== 2 || tagNumber !== expect) throw badFormat('KDC reply', `expected message ${expect} or KRB-ERROR, got tag ${tagNumber}`);
  return { kind: 'reply', rep: decodeKdcRep(bytes, expect) };
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
