/**
 * A JDK peer against the hsec NameNode (issue 4, "Done when": a JDK client using
 * javax.security.sasl, speaking the IPC preamble and RpcSaslProto, negotiates KERBEROS and TOKEN
 * with each QOP and calls getDelegationToken / renewDelegationToken). The peer is
 * test/interop/java/NameNodeTokenClient.java (JAAS Krb5LoginModule keytab login + the JDK's GSSAPI
 * for KERBEROS; the JDK's DIGEST-MD5 with Hadoop's Base64 identifier/password for TOKEN;
 * hand-encoded ClientNamenodeProtocol messages; SASL WRAP framing as Hadoop's client). The server
 * is `NameNode.start(...)` over a real MIT KDC, once per hadoop.rpc.protection value.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { DelegationTokenIdentifier } from '../../../security/token/delegation-token-identifier.ts';
import { Token } from '../../../security/token/token.ts';
import { requireBinariesOrSkip } from '../../support/binaries.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { compileJavaPeers } from '../../support/java.ts';
import { PROTECTION, nnConf } from '../../integration/namenode/namenode-fixture.ts';

const DAY = 86_400_000;
const b64 = (b: Uint8Array | string): string => Buffer.from(b).toString('base64');

interface JavaRun { code: number | null; stdout: string; stderr: string }

function runPeer(classDir: string, args: string[], jvmOptions: readonly string[], timeoutMs = 60_000): Promise<JavaRun> {
  return new Promise((resolve) => {
    const child = spawn('java', [...jvmOptions, '-cp', classDir, 'NameNodeTokenClient', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const lines = (out: string, key: string): string[] => out.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
const line = (out: string, key: string): string | undefined => lines(out, key)[0];

interface WireToken { identifier: Buffer; password: Buffer; kind: string; service: string }
function parseToken(text: string): WireToken {
  const [id, pw, kind, service] = text.split(':').map((f) => Buffer.from(f, 'base64'));
  return { identifier: id!, password: pw!, kind: kind!.toString('utf8'), service: service!.toString('utf8') };
}
const renewOp = (t: WireToken): string => `renew:${b64(t.identifier)}:${b64(t.password)}:${b64(t.kind)}:${b64(t.service)}`;

describe('interop: JDK ClientProtocol client (JAAS + javax.security.sasl) -> hsec NameNode over the MIT KDC', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  let classDir: string;
  let dir: string;
  let jvm: string[];

  before(async function () {
    requireBinariesOrSkip(this, 'java', 'javac');
    classDir = compileJavaPeers();
    dir = mkdtempSync(join(tmpdir(), 'hsec-nn-jdk-'));
    await realm.kdc.createKeytab(join(dir, 'nn.keytab'), 'nn/localhost');
    await realm.kdc.createKeytab(join(dir, 'alice.keytab'), 'alice');
    await realm.kdc.createKeytab(join(dir, 'yarn.keytab'), 'yarn');
    jvm = realm.kdc.javaOptions();
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  for (const qop of ['auth', 'auth-int', 'auth-conf'] as const) {
    describe(`hadoop.rpc.protection=${PROTECTION[qop]}`, () => {
      let nn: NameNode;
      before(async () => {
        nn = await NameNode.start(nnConf(realm.kdc, join(dir, qop), join(dir, 'nn.keytab'), PROTECTION[qop]));
      });
      after(async () => nn?.stop());

      const krb = (user: string, ...ops: string[]): Promise<JavaRun> =>
        runPeer(classDir, ['localhost', String(nn.address.port), qop, 'krb', realm.kdc.principal(user), join(dir, `${user}.keytab`), ...ops], jvm);

      it(`KERBEROS (${qop}): the JDK gets a token as alice and renews it as the renewer yarn; TOKEN (${qop}) authenticates but is refused both operations`, async () => {
        const kdc = realm.kdc;
        // 1. alice over KERBEROS: getDelegationToken(renewer yarn), twice on the one connection.
        const t0 = Date.now();
        const got = await krb('alice', 'getdt:yarn', `getdt:yarn@${kdc.realm}`);
        expect(got.code, got.stdout + got.stderr).to.equal(0);
        expect(line(got.stdout, 'QOP')).to.equal(qop);
        expect(line(got.stdout, 'SERVER')).to.equal('nn/localhost');
        const tokens = lines(got.stdout, 'TOKEN').map(parseToken);
        expect(tokens).to.have.length(2);
        for (const t of tokens) {
          expect(t.kind).to.equal('HDFS_DELEGATION_TOKEN');
          expect(t.service).to.equal(''); // the NameNode leaves it to the client (DFSClient sets ip:port)
          const id = DelegationTokenIdentifier.decode(t.identifier);
          expect(id.owner).to.equal(kdc.principal('alice'));
          expect(id.renewer).to.equal('yarn');
          expect(id.realUser).to.equal('');
          expect(id.issueDate).to.be.within(t0 - 1000, Date.now());
          expect(id.maxDate - id.issueDate).to.equal(7 * DAY);
          expect(id.masterKeyId).to.equal(nn.secretManager.currentKeyId);
          // The password is the HMAC the NameNode's secret manager computes for this identifier.
          await nn.secretManager.verifyToken(t.identifier, t.password); // rejects for an unknown or forged token
        }
        const [token, other] = tokens as [WireToken, WireToken];
        expect(DelegationTokenIdentifier.decode(other.identifier).sequenceNumber).to.equal(DelegationTokenIdentifier.decode(token.identifier).sequenceNumber + 1);

        // 2. yarn over KERBEROS renews it (Hadoop: renewal only over Kerberos, only by the renewer).
        const before = Date.now();
        const renewed = await krb('yarn', renewOp(token));
        expect(renewed.code, renewed.stdout + renewed.stderr).to.equal(0);
        expect(line(renewed.stdout, 'QOP')).to.equal(qop);
        const expiry = Number(line(renewed.stdout, 'EXPIRY'));
        expect(expiry).to.be.within(before + DAY, Date.now() + DAY);
        expect(nn.secretManager.renewDateOf(token.identifier)).to.equal(expiry);
        // ...but alice, not the renewer, is refused with Hadoop's AccessControlException.
        const notRenewer = await krb('alice', renewOp(other));
        expect(notRenewer.code, notRenewer.stdout + notRenewer.stderr).to.equal(0);
        expect(line(notRenewer.stdout, 'RPC_ERROR')).to.match(/^org\.apache\.hadoop\.security\.AccessControlException: alice tries to renew a token .* with non-matching renewer yarn/);

        // 3. TOKEN (DIGEST-MD5) with the token itself: the connection authenticates at this QOP, and
        //    both token operations come back as Hadoop's IOException on the same (still open) connection.
        const viaToken = await runPeer(classDir, ['localhost', String(nn.address.port), qop, 'token', b64(token.identifier), b64(token.password), 'getdt:yarn', renewOp(token), 'getdt:yarn'], jvm);
        expect(viaToken.code, viaToken.stdout + viaToken.stderr).to.equal(0);
        expect(line(viaToken.stdout, 'SERVER')).to.equal('/default');
        expect(line(viaToken.stdout, 'QOP')).to.equal(qop);
        expect(lines(viaToken.stdout, 'TOKEN')).to.deep.equal([]);
        expect(lines(viaToken.stdout, 'RPC_ERROR')).to.deep.equal([
          'java.io.IOException: Delegation Token can be issued only with kerberos or web authentication',
          'java.io.IOException: Delegation Token can be renewed only with kerberos or web authentication',
          'java.io.IOException: Delegation Token can be issued only with kerberos or web authentication',
        ]);
        // The refused renewal did not touch the token.
        expect(nn.secretManager.renewDateOf(token.identifier)).to.equal(expiry);
      });

      it(`TOKEN (${qop}): a tampered or cancelled token fails SASL with a FATAL reply and the NameNode keeps serving`, async () => {
        const got = await krb('alice', 'getdt:yarn');
        const token = parseToken(line(got.stdout, 'TOKEN')!);
        const bad = Buffer.from(token.password);
        bad[0] ^= 0x01;
        const r = await runPeer(classDir, ['localhost', String(nn.address.port), qop, 'token', b64(token.identifier), b64(bad), 'getdt:yarn'], jvm);
        expect(r.code).to.equal(2);
        expect(line(r.stdout, 'QOP')).to.equal(undefined);
        expect(line(r.stdout, 'ERROR')).to.match(/^javax\.security\.sasl\.SaslException: DIGEST-MD5/);
        const again = await runPeer(classDir, ['localhost', String(nn.address.port), qop, 'token', b64(token.identifier), b64(token.password), 'getdt:yarn'], jvm);
        expect(line(again.stdout, 'QOP'), again.stdout + again.stderr).to.equal(qop);
        expect(line(again.stdout, 'RPC_ERROR')).to.contain('can be issued only with kerberos');
        // Cancelled by its owner: the NameNode answers the TOKEN connection with Hadoop's InvalidToken.
        await nn.secretManager.cancelToken(new Token(token.identifier, token.password, token.kind, token.service), realm.kdc.principal('alice'));
        const cancelled = await runPeer(classDir, ['localhost', String(nn.address.port), qop, 'token', b64(token.identifier), b64(token.password), 'getdt:yarn'], jvm);
        expect(cancelled.code, cancelled.stdout + cancelled.stderr).to.equal(2);
        expect(line(cancelled.stdout, 'ERROR')).to.match(/^org\.apache\.hadoop\.security\.token\.SecretManager\$InvalidToken: Token for real user: , can't be found in cache/);
      });
    });
  }
});
