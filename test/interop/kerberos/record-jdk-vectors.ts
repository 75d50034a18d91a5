/**
 * Records RFC 4121 per-message tokens produced by the JDK into
 * test/unit/kerberos/gss/vectors/jdk-rfc4121-tokens.json (run by hand:
 * `npx tsx test/interop/kerberos/record-jdk-vectors.ts`). Two JDK GssPeers (initiator and acceptor,
 * JAAS keytab logins against a throwaway MIT realm) establish a context per AES enctype with no
 * hsec code in the path; each side then wraps (with and without confidentiality) and MICs known
 * plaintexts, and the acceptor reports the context key. The unit test checks that we open exactly
 * these bytes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MiniKdc } from '../../../cluster/mini/mini-kdc.ts';
import { compileJavaPeers, JavaPeer } from '../../support/java.ts';
import { addServiceWithEnctype, ENCTYPES, tempDir } from './support.ts';

const OUT = fileURLToPath(new URL('../../unit/kerberos/gss/vectors/jdk-rfc4121-tokens.json', import.meta.url));
const MESSAGES = ['', 'a', 'hello, hadoop', 'x'.repeat(100)];

async function main(): Promise<void> {
  const kdc = await MiniKdc.start();
  const peers: JavaPeer[] = [];
  try {
    const classDir = compileJavaPeers();
    const dir = tempDir('jdk-vectors');
    await kdc.createKeytab(join(dir, 'alice.keytab'), 'alice');
    const vectors = [];
    for (const e of ENCTYPES) {
      const service = `v${e.etype}/localhost`;
      await addServiceWithEnctype(kdc, service, e.name, join(dir, `v${e.etype}.keytab`));
      const jvm = kdc.javaOptions();
      const acc = new JavaPeer({ mainClass: 'GssPeer', classDir, jvmOptions: jvm, args: ['--role', 'acceptor', '--principal', kdc.principal(service), '--keytab', join(dir, `v${e.etype}.keytab`)] });
      const ini = new JavaPeer({ mainClass: 'GssPeer', classDir, jvmOptions: jvm, args: ['--role', 'initiator', '--principal', kdc.principal('alice'), '--keytab', join(dir, 'alice.keytab'), '--service', `v${e.etype}@localhost`] });
      peers.push(acc, ini);
      acc.send('T', await ini.expect('T'));
      ini.send('T', await acc.expect('T'));
      await acc.expect('O');
      await ini.expect('O');
      acc.send('K');
      const k = await acc.expect('K');
      const tokens = [];
      for (const [side, peer] of [['initiator', ini], ['acceptor', acc]] as const) {
        for (const m of MESSAGES) {
          const msg = Buffer.from(m);
          for (const kind of ['wrap-conf', 'wrap-integ', 'mic'] as const) {
            peer.send(kind === 'wrap-conf' ? 'C' : kind === 'wrap-integ' ? 'I' : 'M', msg);
            const token = await peer.expect(kind === 'mic' ? 'M' : 'W');
            tokens.push({ sender: side, kind, plaintextHex: msg.toString('hex'), tokenHex: token.toString('hex') });
          }
        }
      }
      vectors.push({ enctype: e.name, keyEtype: k.readInt32BE(0), contextKeyHex: k.subarray(4).toString('hex'), tokens });
      await ini.stop();
      await acc.stop();
    }
    const doc = {
      source:
        'Produced by the JDK (OpenJDK 17 JGSS, sun.security.jgss.krb5) on both sides of a context: test/interop/java/GssPeer.java as ' +
        'initiator and acceptor, JAAS Krb5LoginModule keytab logins, tickets from a throwaway MIT krb5kdc realm; recorded by ' +
        'test/interop/kerberos/record-jdk-vectors.ts. contextKeyHex is ExtendedGSSContext.inquireSecContext(KRB5_GET_SESSION_KEY_EX) ' +
        'on the acceptor (the initiator subkey: the JDK acceptor sends no acceptor subkey). Tokens are in send order per sender, ' +
        'so sequence numbers increase by one within a sender.',
      vectors,
    };
    writeFileSync(OUT, JSON.stringify(doc, null, 1) + '\n');
    process.stdout.write(`wrote ${OUT}\n`);
  } finally {
    for (const p of peers) await p.stop();
    await kdc.stop();
  }
}

await main();
