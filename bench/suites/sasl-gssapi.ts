/**
 * SASL GSSAPI (RFC 4752) as Hadoop's KERBEROS auth uses it: complete in-process handshakes per
 * second for each QOP (AP-REQ, AP-REP, the wrapped security-layer offer and choice), and the
 * negotiated layer's wrap (client) + unwrap (server) MB/s for auth-int and auth-conf on 1 KiB,
 * 60 KiB (just under the default 64 KiB max buffer) and 64 KiB messages (max buffer raised to 1 MiB
 * on both sides), relative to a plain copy. The ticket is made in-process (test/support/kerberos-tickets.ts)
 * with aes256-cts-hmac-sha1-96, the enctype MIT issues by default.
 *
 * The JDK in the same run, in slices alternating with ours (bench/java/JdkCryptoBench.java): the
 * JDK's own GssKrb5Client and GssKrb5Server, logged in from keytabs against a real MIT KDC (MiniKdc)
 * limited to aes256-cts-hmac-sha1-96, auth-conf with a 1 MiB max buffer, wrap + unwrap of the same sizes.
 * Goals (issue 11): auth-conf at 60 KiB and 64 KiB at least 3 times the JDK's.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Harness, InterleavedEntry } from '../harness.ts';
import { ETYPE } from '../../security/kerberos/crypto/profile.ts';
import { randomKey } from '../../security/kerberos/crypto/index.ts';
import { AcceptorCredential, type ServiceKey } from '../../security/kerberos/gss/acceptor-credential.ts';
import type { Qop, SaslSecurityLayer } from '../../security/sasl/mechanism.ts';
import { GssapiClient } from '../../security/sasl/mechanisms/gssapi/client.ts';
import { GssapiServer } from '../../security/sasl/mechanisms/gssapi/server.ts';
import { MiniKdc } from '../../cluster/mini/mini-kdc.ts';
import { whichBinary } from '../../cluster/mini/binaries.ts';
import { nn, ticketFor } from '../../test/support/kerberos-tickets.ts';
import { jdkAvailable, JavaMeter } from '../jdk.ts';

export const name = 'sasl-gssapi';

const SIZES = [1024, 60 * 1024, 64 * 1024];
/** SASL GSSAPI auth-conf wrap + unwrap of 1 KiB before issue 11, as the issue measured it on this machine. */
const BEFORE_1KIB_MBPS = 17.7;
const MAX_BUFFER = 1 << 20;
const label = (size: number): string => (size === 1024 ? '1 KiB' : `${size / 1024} KiB`);

async function handshake(service: ServiceKey, acceptor: AcceptorCredential, qop: Qop, maxBuffer?: number): Promise<{ client: SaslSecurityLayer; server: SaslSecurityLayer }> {
  const client = new GssapiClient({ protocol: 'nn', serverName: 'localhost', realm: nn.realm, credential: ticketFor(service), qop: [qop], ...(maxBuffer ? { maxBuffer } : {}) });
  const server = new GssapiServer({ credential: acceptor, protocol: 'nn', qop: [qop], ...(maxBuffer ? { maxBuffer } : {}) });
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
  const jdk = await startJdk(h);
  try {
    for (const size of SIZES) {
      const msg = Buffer.alloc(size, 0x5a);
      const group = `wrap+unwrap ${label(size)}`;
      const entries: InterleavedEntry[] = [{ name: `${group} auth (copy, no layer)`, fn: () => Buffer.from(msg), options: { bytesPerOp: size, group, baseline: true } }];
      for (const qop of ['auth-int', 'auth-conf'] as const) {
        const { client, server } = await handshake(service, acceptor, qop, MAX_BUFFER);
        entries.push({ name: `${group} ${qop}`, fn: () => server.unwrap(client.wrap(msg)), options: { bytesPerOp: size, group } });
      }
      if (jdk) entries.push({ name: `${group} auth-conf: JDK GssKrb5 (enctype ${String(jdk.meter.info.enctype)})`, slice: (ms) => jdk.meter.slice(size, ms), options: { bytesPerOp: size, group } });
      const [, , ours, theirs] = await h.measureInterleaved(entries, 6);
      if (size === 1024) h.note(`auth-conf 1 KiB: ${ours!.mbPerSec!.toFixed(1)} MB/s, ${(ours!.mbPerSec! / BEFORE_1KIB_MBPS).toFixed(2)} x the ${BEFORE_1KIB_MBPS} MB/s issue 11 measured before (goal 2 x; a quiet-machine figure, so compare in a quiet run)`);
      if (!theirs) continue;
      const ratio = ours!.mbPerSec! / theirs.mbPerSec!;
      h.note(`auth-conf ${label(size)}: hsec ${ours!.mbPerSec!.toFixed(1)} MB/s, JDK ${theirs.mbPerSec!.toFixed(1)} MB/s: ${ratio.toFixed(2)} x the JDK${size > 1024 ? ` (goal 3 x: ${ratio >= 3 ? 'MET' : 'MISSED'})` : ''}`);
    }
  } finally {
    await jdk?.meter.stop();
    await jdk?.kdc.stop();
  }
}

/**
 * The JDK's SASL GSSAPI, logged in from keytabs against a MiniKdc limited to aes256-cts-hmac-sha1-96
 * (the enctype hsec is measured with; the JDK's own default order may pick another), auth-conf with a
 * 1 MiB max buffer; undefined (with a note) when java or the MIT KDC is missing.
 */
async function startJdk(h: Harness): Promise<{ kdc: MiniKdc; meter: JavaMeter } | undefined> {
  if (!jdkAvailable() || !whichBinary('krb5kdc') || !whichBinary('kadmin.local')) {
    h.note('JDK GSSAPI skipped: needs java/javac and krb5kdc/kadmin.local (apt-get install openjdk-17-jdk-headless krb5-kdc krb5-admin-server)');
    return undefined;
  }
  const kdc = await MiniKdc.start({ realm: 'BENCH.TEST' });
  try {
    const aliceKt = join(kdc.dir, 'alice.keytab');
    const nnKt = join(kdc.dir, 'nn.keytab');
    await kdc.createKeytab(aliceKt, 'alice');
    await kdc.createKeytab(nnKt, 'nn/localhost');
    const krb5 = join(kdc.dir, 'krb5-aes256-sha1.conf');
    const aes = 'aes256-cts-hmac-sha1-96';
    writeFileSync(krb5, `[libdefaults]\n default_realm = ${kdc.realm}\n default_tkt_enctypes = ${aes}\n default_tgs_enctypes = ${aes}\n permitted_enctypes = ${aes}\n\n[realms]\n ${kdc.realm} = {\n  kdc = ${kdc.address}\n }\n`);
    const meter = await JavaMeter.start(['gssapi', kdc.principal('alice'), aliceKt, kdc.principal('nn/localhost'), nnKt], [`-Djava.security.krb5.conf=${krb5}`]);
    return { kdc, meter };
  } catch (err) {
    await kdc.stop();
    throw err;
  }
}
