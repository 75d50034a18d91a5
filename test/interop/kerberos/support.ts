/**
 * Shared pieces of the Kerberos interop suites: principals and keytabs in the MiniKdc (service
 * principals restricted to one enctype with kadmin `-e`), MIT-issued service tickets read from a
 * ccache into our Credential type (kinit -kt + kvno, then our ccache reader), and a driver that
 * runs our SASL/GSS side against a Java peer's frame protocol (test/support/java.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MiniKdc } from '../../../cluster/mini/mini-kdc.ts';
import { findTicket, readCcacheSync } from '../../../security/kerberos/ccache/index.ts';
import type { Credential } from '../../../security/kerberos/types.ts';
import type { SaslClient, SaslServer } from '../../../security/sasl/mechanism.ts';
import type { JavaPeer } from '../../support/java.ts';
import { kinit, kvno } from '../../support/krb5-clients.ts';

/** The four AES enctypes of the MIT KDC, by the etype number our registry uses. */
export const ENCTYPES: ReadonlyArray<{ etype: number; name: string }> = [
  { etype: 17, name: 'aes128-cts-hmac-sha1-96' },
  { etype: 18, name: 'aes256-cts-hmac-sha1-96' },
  { etype: 19, name: 'aes128-cts-hmac-sha256-128' },
  { etype: 20, name: 'aes256-cts-hmac-sha384-192' },
];

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `hsec-${prefix}-`));
}

/**
 * Creates a service principal whose only key has `enctype` (kadmin addprinc -e) and whose session
 * keys are of that enctype too (string attribute session_enctypes: otherwise MIT assumes every
 * service supports aes256-cts-hmac-sha1-96 session keys), and exports it.
 */
export async function addServiceWithEnctype(kdc: MiniKdc, name: string, enctype: string, keytab: string): Promise<void> {
  await kdc.kadmin(`addprinc -randkey -e ${enctype}:normal ${kdc.principal(name)}`);
  await kdc.kadmin(`setstr ${kdc.principal(name)} session_enctypes ${enctype}`);
  await kdc.createKeytab(keytab, name);
}

/**
 * A service ticket issued by the MIT KDC: kinit from the client keytab into a private ccache, kvno
 * for the service, then our ccache reader. Returns our Credential.
 */
export async function mitServiceTicket(kdc: MiniKdc, clientKeytab: string, client: string, service: string, dir: string): Promise<Credential> {
  const ccache = join(dir, `cc-${client.replace(/\W/g, '_')}-${Math.random().toString(36).slice(2)}`);
  const env = kdc.env(ccache);
  await kinit(env, ['-kt', clientKeytab, kdc.principal(client)]);
  await kvno(env, kdc.principal(service));
  const cred = findTicket(readCcacheSync(ccache), kdc.principal(service));
  if (!cred) throw new Error(`kvno did not leave a ticket for ${service} in ${ccache}`);
  return cred;
}

/** Drives our SASL client against a Java peer server (SaslPeer frames: 'T' tokens, 'O' success). */
export async function saslClientVsPeer(client: SaslClient, peer: JavaPeer): Promise<void> {
  peer.send('T', (await client.step(undefined)) ?? new Uint8Array(0));
  for (;;) {
    const f = await peer.receive();
    if (f.type === 'E') throw new Error(`Java server failed: ${f.payload.toString()}`);
    if (f.type === 'O') {
      if (!client.isComplete) {
        const extra = await client.step(f.payload);
        if (extra && extra.length > 0) throw new Error('client produced data after success');
      }
      return;
    }
    peer.send('T', (await client.step(f.payload)) ?? new Uint8Array(0));
  }
}

/** Drives our SASL server against a Java peer client (which sends its initial response first). */
export async function saslServerVsPeer(server: SaslServer, peer: JavaPeer): Promise<void> {
  for (;;) {
    const f = await peer.receive();
    if (f.type === 'E') throw new Error(`Java client failed: ${f.payload.toString()}`);
    if (f.type !== 'T') throw new Error(`unexpected frame ${f.type}`);
    const out = await server.step(f.payload);
    if (server.isComplete) {
      peer.send('O', out ?? new Uint8Array(0));
      await peer.expect('O');
      return;
    }
    peer.send('T', out ?? new Uint8Array(0));
  }
}
