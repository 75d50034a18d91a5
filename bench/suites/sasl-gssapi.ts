/**
 * SASL GSSAPI (RFC 4752) as Hadoop's KERBEROS auth uses it: complete in-process handshakes per
 * second for each QOP (AP-REQ, AP-REP, the wrapped security-layer offer and choice), and the
 * negotiated layer's wrap (client) + unwrap (server) MB/s for auth-int and auth-conf on 60 KiB
 * (just under the default 64 KiB max buffer) and 1 KiB messages, relative to a plain copy. The
 * ticket is made in-process (test/support/kerberos-tickets.ts) with aes256-cts-hmac-sha1-96, the
 * enctype MIT issues by default.
 */
import type { Harness } from '../harness.ts';
import { ETYPE } from '../../security/kerberos/crypto/profile.ts';
import { randomKey } from '../../security/kerberos/crypto/index.ts';
import { AcceptorCredential, type ServiceKey } from '../../security/kerberos/gss/acceptor-credential.ts';
import type { Qop, SaslSecurityLayer } from '../../security/sasl/mechanism.ts';
import { GssapiClient } from '../../security/sasl/mechanisms/gssapi/client.ts';
import { GssapiServer } from '../../security/sasl/mechanisms/gssapi/server.ts';
import { nn, ticketFor } from '../../test/support/kerberos-tickets.ts';

export const name = 'sasl-gssapi';

async function handshake(service: ServiceKey, acceptor: AcceptorCredential, qop: Qop): Promise<{ client: SaslSecurityLayer; server: SaslSecurityLayer }> {
  const client = new GssapiClient({ protocol: 'nn', serverName: 'localhost', realm: nn.realm, credential: ticketFor(service), qop: [qop] });
  const server = new GssapiServer({ credential: acceptor, protocol: 'nn', qop: [qop] });
  let token = await client.step(undefined);
  while (!(client.isComplete && server.isComplete)) {
    const challenge = await server.step(token ?? new Uint8Array(0));
    if (client.isComplete) break;
    token = await client.step(challenge ?? new Uint8Array(0));
  }
  return { client: client.securityLayer(), server: server.securityLayer() };
}

export async function run(h: Harness): Promise<void> {
  const service: ServiceKey = { principal: nn, kvno: 1, key: randomKey(ETYPE.AES256_CTS_HMAC_SHA1_96) };
  const acceptor = new AcceptorCredential([service]);
  for (const qop of ['auth', 'auth-int', 'auth-conf'] as const) {
    await h.measure(`handshake ${qop}`, () => handshake(service, acceptor, qop), { group: 'sasl-gssapi handshake', baseline: qop === 'auth' });
  }
  for (const size of [60 * 1024, 1024]) {
    const msg = Buffer.alloc(size, 0x5a);
    const group = `wrap+unwrap ${size === 1024 ? '1 KiB' : '60 KiB'}`;
    await h.measure(`${group} auth (copy, no layer)`, () => Buffer.from(msg), { bytesPerOp: size, group, baseline: true });
    for (const qop of ['auth-int', 'auth-conf'] as const) {
      const { client, server } = await handshake(service, acceptor, qop);
      await h.measure(`${group} ${qop}`, () => server.unwrap(client.wrap(msg)), { bytesPerOp: size, group });
    }
  }
}
