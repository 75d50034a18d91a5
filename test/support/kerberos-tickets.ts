/**
 * In-process Kerberos material for the benchmarks: a client and a service principal, and a
 * service ticket encrypted in the service's key exactly as a KDC would issue it (RFC 4120 5.3),
 * so handshake rates measure our GSS code and not a KDC round trip.
 */
import { getProfile, KEY_USAGE, randomKey } from '../../security/kerberos/crypto/index.ts';
import type { ServiceKey } from '../../security/kerberos/gss/acceptor-credential.ts';
import { encodeEncTicketPart, encodeTicket } from '../../security/kerberos/messages/ticket.ts';
import type { Credential, Principal } from '../../security/kerberos/types.ts';

export const alice: Principal = { name: { nameType: 1, components: ['alice'] }, realm: 'BENCH.TEST' };
export const nn: Principal = { name: { nameType: 3, components: ['nn', 'localhost'] }, realm: 'BENCH.TEST' };

/** A ticket for `nn` encrypted in `service`'s key, valid for an hour. */
export function ticketFor(service: ServiceKey): Credential {
  const sessionKey = randomKey(service.key.etype);
  const now = Math.floor(Date.now() / 1000) * 1000;
  const end = now + 3_600_000;
  const part = encodeEncTicketPart({ flags: 0, key: sessionKey, crealm: alice.realm, cname: alice.name, transited: { trType: 1, contents: Buffer.alloc(0) }, authTime: now, endTime: end });
  const p = getProfile(service.key.etype);
  const ticket = encodeTicket({ realm: nn.realm, sname: nn.name, encPart: { etype: p.etype, kvno: service.kvno, cipher: p.encrypt(service.key.value, KEY_USAGE.KDC_REP_TICKET, part) } });
  return { client: alice, server: nn, sessionKey, authTime: now, startTime: now, endTime: end, renewTill: 0, flags: 0, ticket };
}
