/**
 * A JDK client (test/interop/java/IpcSaslClient.java: javax.security.sasl DIGEST-MD5 and GSSAPI, hand-encoded
 * RpcHeader protobufs) against the hsec RpcServer: preamble, RpcSaslProto negotiation with the
 * server's embedded TOKEN challenge, connection context and two calls, for each QOP.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { compileJavaPeers } from '../../support/java.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RpcServer, delegationTokenAuthority, kerberosServer } from '../../../security/sasl/rpc/index.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { requireBinariesOrSkip } from '../../support/binaries.ts';
import { DefaultSaslPropertiesResolver } from '../../../security/resolver/index.ts';
import { DelegationTokenSecretManager } from '../../../security/token/secret-manager.ts';
import { ECHO, echoHandlers } from '../../integration/rpc/support.ts';

function runJava(classDir: string, args: string[], timeoutMs = 30_000, jvmOptions: readonly string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('java', [...jvmOptions, '-cp', classDir, 'IpcSaslClient', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const line = (out: string, key: string): string | undefined => out.split('\n').find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);

describe('interop: JDK IPC client (javax.security.sasl DIGEST-MD5) -> hsec RpcServer', function () {
  this.timeout(120_000);
  let classDir: string;
  const secretManager = new DelegationTokenSecretManager();

  before(async () => {
    classDir = compileJavaPeers();
    await secretManager.start(false);
  });
  after(async () => {
    await secretManager.stop();
  });

  for (const [protection, qop] of [
    ['authentication', 'auth'],
    ['integrity', 'auth-int'],
    ['privacy', 'auth-conf'],
  ] as const) {
    it(`TOKEN with ${qop}: negotiates, wraps, and the call runs as the token owner`, async () => {
      const resolver = new DefaultSaslPropertiesResolver({ get: (k) => (k === 'hadoop.rpc.protection' ? protection : undefined) });
      const server = new RpcServer({ authentication: 'simple', tokenAuthority: delegationTokenAuthority(secretManager), resolver });
      server.registerProtocol(ECHO, echoHandlers());
      const { port } = await server.start('127.0.0.1', 0);
      try {
        const { token } = await secretManager.createToken({ owner: 'alice@EXAMPLE.TEST', renewer: 'yarn', service: `127.0.0.1:${port}` });
        const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
        const r = await runJava(classDir, ['127.0.0.1', String(port), ECHO, qop, b64(token.identifier), b64(token.password), '150000']);
        expect(r.code, r.stdout + r.stderr).to.equal(0);
        expect(line(r.stdout, 'QOP')).to.equal(qop);
        expect(JSON.parse(line(r.stdout, 'WHOAMI')!)).to.include({ user: 'alice@EXAMPLE.TEST', authMethod: 'TOKEN', qop, connectionProtocol: ECHO });
        expect(line(r.stdout, 'ECHO')).to.equal('OK');
      } finally {
        await server.stop();
      }
    });
  }

  it('a wrong token password: the JDK client gets a FATAL reply (no crash, server keeps serving)', async () => {
    const server = new RpcServer({ authentication: 'simple', tokenAuthority: delegationTokenAuthority(secretManager) });
    server.registerProtocol(ECHO, echoHandlers());
    const { port } = await server.start('127.0.0.1', 0);
    try {
      const { token } = await secretManager.createToken({ owner: 'bob@EXAMPLE.TEST', renewer: 'yarn', service: `127.0.0.1:${port}` });
      const r = await runJava(classDir, ['127.0.0.1', String(port), ECHO, 'auth', Buffer.from(token.identifier).toString('base64'), Buffer.from('wrong').toString('base64'), '10']);
      expect(r.code).to.equal(2);
      expect(line(r.stdout, 'ERROR')).to.match(/^javax\.security\.sasl\.SaslException: DIGEST-MD5 authentication failed/);
      const ok = await runJava(classDir, ['127.0.0.1', String(port), ECHO, 'auth', Buffer.from(token.identifier).toString('base64'), Buffer.from(token.password).toString('base64'), '10']);
      expect(line(ok.stdout, 'ECHO'), ok.stdout + ok.stderr).to.equal('OK');
    } finally {
      await server.stop();
    }
  });
});

describe('interop: JDK IPC client (JAAS keytab login + javax.security.sasl GSSAPI) -> hsec RpcServer over the MIT KDC', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let classDir: string;
  let dir: string;

  before(async function () {
    requireBinariesOrSkip(this, 'java', 'javac');
    classDir = compileJavaPeers();
    dir = mkdtempSync(join(tmpdir(), 'hsec-rpc-jdk-krb-'));
    await realm.kdc.createKeytab(join(dir, 'nn.keytab'), 'nn/localhost');
    await realm.kdc.createKeytab(join(dir, 'alice.keytab'), 'alice');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [protection, qop] of [
    ['authentication', 'auth'],
    ['integrity', 'auth-int'],
    ['privacy', 'auth-conf'],
  ] as const) {
    it(`KERBEROS with ${qop}: the JDK's GSSAPI authenticates alice to our keytab server`, async () => {
      const resolver = new DefaultSaslPropertiesResolver({ get: (k) => (k === 'hadoop.rpc.protection' ? protection : undefined) });
      const server = new RpcServer({ authentication: 'kerberos', kerberos: kerberosServer(realm.kdc.principal('nn/localhost'), join(dir, 'nn.keytab')), resolver });
      server.registerProtocol(ECHO, echoHandlers());
      const { port } = await server.start('127.0.0.1', 0);
      try {
        const r = await runJava(classDir, ['localhost', String(port), ECHO, qop, `krb:${realm.kdc.principal('alice')}`, join(dir, 'alice.keytab'), '150000'], 60_000, realm.kdc.javaOptions());
        expect(r.code, r.stdout + r.stderr).to.equal(0);
        expect(line(r.stdout, 'QOP')).to.equal(qop);
        expect(JSON.parse(line(r.stdout, 'WHOAMI')!)).to.include({ user: realm.kdc.principal('alice'), shortUser: 'alice', authMethod: 'KERBEROS', qop });
        expect(line(r.stdout, 'ECHO')).to.equal('OK');
      } finally {
        await server.stop();
      }
    });
  }
});
