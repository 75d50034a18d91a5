/**
 * Test fixture: plays the KDC for unit tests of the GSS contexts and SASL GSSAPI. It issues a
 * service ticket (EncTicketPart encrypted with the service key, usage 2, RFC 4120 section 5.3) so
 * initiator and acceptor can run in-process without a KDC; the MIT KDC is used in test/interop.
 */
import { getProfile, KEY_USAGE, randomKey } from '../../../../security/kerberos/crypto/index.ts';
import { encodeEncTicketPart, encodeTicket } from '../../../../security/kerberos/messages/ticket.ts';
import type { ServiceKey } from '../../../../security/kerberos/gss/acceptor-credential.ts';
import type { Clock } from '../../../../lib/time/clock.ts';
import type { Credential, Principal } from '../../../../security/kerberos/types.ts';

export const REALM = 'EXAMPLE.TEST';
export const alice: Principal = { name: { nameType: 1, components: ['alice'] }, realm: REALM };
export const nn: Principal = { name: { nameType: 3, components: ['nn', 'localhost'] }, realm: REALM };

/** Issues a ticket for `serviceKey.principal` to `client`, valid `lifeMs` from now. */
export function issueTicket(serviceKey: ServiceKey, clock: Clock, opts: { sessionEtype?: number; lifeMs?: number; client?: Principal } = {}): Credential {
  const client = opts.client ?? alice;
  const lifeMs = opts.lifeMs ?? 3_600_000;
  const sessionKey = randomKey(opts.sessionEtype ?? serviceKey.key.etype);
  const now = Math.floor(clock.now() / 1000) * 1000;
  const part = encodeEncTicketPart({
    flags: 0,
    key: sessionKey,
    crealm: client.realm,
    cname: client.name,
    transited: { trType: 1, contents: Buffer.alloc(0) },
    authTime: now,
    endTime: now + lifeMs,
  });
  const profile = getProfile(serviceKey.key.etype);
  const ticket = encodeTicket({
    realm: serviceKey.principal.realm,
    sname: serviceKey.principal.name,
    encPart: { etype: profile.etype, kvno: serviceKey.kvno, cipher: profile.encrypt(serviceKey.key.value, KEY_USAGE.KDC_REP_TICKET, part) },
  });
  return { client, server: serviceKey.principal, sessionKey, authTime: now, startTime: now, endTime: now + lifeMs, renewTill: 0, flags: 0, ticket };
}
