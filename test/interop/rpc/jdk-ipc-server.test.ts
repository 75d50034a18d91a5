/**
 * The hsec RpcClient against a JDK IPC server (test/interop/java/IpcSaslServer.java: the JDK's
 * javax.security.sasl DIGEST-MD5 / GSSAPI servers, Hadoop's wire behaviour including one WRAP per
 * response whatever its size), for each QOP: our NEGOTIATE/INITIATE, our rawSendSize WRAP stream
 * and our unwrapping must satisfy the JDK exactly as a stock NameNode would require.
 */
import { expect } from 'chai';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileJavaPeers } from '../../support/java.ts';
import { requireBinariesOrSkip } from '../../support/binaries.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { DefaultSaslPropertiesResolver } from '../../../security/resolver/index.ts';
import { kerberosClient, RpcClient } from '../../../security/sasl/rpc/index.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';
import { loginFromKeytab } from '../../../security/kerberos/login/index.ts';

const PROTOCOL = 'org.apache.hadoop.hdfs.protocol.ClientProtocol';

class JavaServer {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  constructor(classDir: string, args: string[], jvmOptions: readonly string[] = []) {
    this.child = spawn('java', [...jvmOptions, '-cp', classDir, 'IpcSaslServer', ...args], { stdio: 'pipe' });
    this.child.stdout.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((r) => this.child.on('exit', (code) => r(code)));
  }
  async port(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = /PORT=(\d+)/.exec(this.stdout);
      if (m) return Number(m[1]);
      if (this.child.exitCode !== null) throw new Error(`Java server exited: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`Java server did not start: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  /** The peer's stdout arrives through a pipe: wait (bounded) until `pattern` has matched `count` times. */
  async waitForLines(pattern: RegExp, count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.stdout.match(pattern) ?? []).length < count) {
      if (Date.now() > deadline) throw new Error(`Java server printed ${pattern} fewer than ${count} times: ${this.stdout}${this.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  line(key: string): string | undefined {
    return this.stdout.split('\n').find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);
  }
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.pid) process.kill(this.child.pid, 'SIGKILL');
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 5000))]);
  }
}

function expectBody(body: Uint8Array, size: number, callSeed: (i: number) => number): void {
  expect(body.length).to.equal(size);
  for (const i of [0, 1, size >> 1, size - 1]) expect(body[i], `byte ${i}`).to.equal(callSeed(i) & 0xff);
}

const QOPS = [
  ['authentication', 'auth'],
  ['integrity', 'auth-int'],
  ['privacy', 'auth-conf'],
] as const;

describe('interop: hsec RpcClient -> JDK IPC server (javax.security.sasl)', function () {
  this.timeout(120_000);
  let classDir: string;
  const servers: JavaServer[] = [];
  before(function () {
    requireBinariesOrSkip(this, 'java', 'javac');
    classDir = compileJavaPeers();
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.stop();
  });

  for (const [protection, qop] of QOPS) {
    for (const size of [1000, 200_000]) {
      it(`TOKEN/DIGEST-MD5 ${qop}: two calls, ${size}-byte responses (one WRAP each)`, async () => {
        const identifier = Buffer.from('hsec-interop-token-identifier');
        const password = Buffer.from('hsec-interop-token-password');
        const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
        const server = new JavaServer(classDir, ['token', qop, b64(identifier), b64(password), String(size), '2']);
        servers.push(server);
        const port = await server.port();
        const resolver = new DefaultSaslPropertiesResolver({ get: (k) => (k === 'hadoop.rpc.protection' ? protection : undefined) });
        const client = new RpcClient({ resolver });
        const token = { identifier, password, kind: 'HDFS_DELEGATION_TOKEN', service: `127.0.0.1:${port}` };
        try {
          const [a, b] = await Promise.all([
            client.call({ host: '127.0.0.1', port }, PROTOCOL, 'getFileInfo', Buffer.alloc(10), { tokens: [token] }),
            client.call({ host: '127.0.0.1', port }, PROTOCOL, 'getListing', Buffer.alloc(70_000, 1), { tokens: [token] }),
          ]);
          const seeds = [a, b].map((x) => Buffer.from(x)[0]!); // byte 0 = callId
          expectBody(a, size, (i) => i * 13 + seeds[0]!);
          expectBody(b, size, (i) => i * 13 + seeds[1]!);
          await server.waitForLines(/^CALL=/gm, 2);
          expect(server.line('QOP')).to.equal(qop);
          expect(server.line('USER')).to.equal(b64(identifier));
          expect(server.line('CONTEXT_PROTOCOL')).to.equal(PROTOCOL);
          expect(server.line('CONTEXT_USER')).to.equal(undefined); // TOKEN sends no userInfo
          expect(server.stdout.match(/^CALL=/gm)).to.have.length(2);
        } finally {
          client.stop();
        }
      });
    }
  }

  describe('KERBEROS over the MIT KDC', () => {
    const realm = useMiniKdc();
    let dir: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'hsec-rpc-jdk-srv-'));
      await realm.kdc.createKeytab(join(dir, 'nn.keytab'), 'nn/localhost');
      await realm.kdc.createKeytab(join(dir, 'alice.keytab'), 'alice');
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    for (const [protection, qop] of QOPS) {
      it(`KERBEROS/GSSAPI ${qop}: our login and GSSAPI client against the JDK's GSSAPI server`, async () => {
        const server = new JavaServer(classDir, ['kerberos', qop, realm.kdc.principal('nn/localhost'), join(dir, 'nn.keytab'), '200000', '1'], realm.kdc.javaOptions());
        servers.push(server);
        const port = await server.port();
        const login = await loginFromKeytab(realm.kdc.principal('alice'), join(dir, 'alice.keytab'), { conf: loadKrb5Config(realm.kdc.krb5ConfPath), autoRefresh: false });
        const resolver = new DefaultSaslPropertiesResolver({ get: (k) => (k === 'hadoop.rpc.protection' ? protection : undefined) });
        const client = new RpcClient({ resolver });
        try {
          const body = await client.call({ host: 'localhost', port }, PROTOCOL, 'getFileInfo', Buffer.alloc(100_000, 2), {
            kerberos: kerberosClient(login, { principal: realm.kdc.principal('alice'), serverPrincipal: `nn/_HOST@${realm.kdc.realm}` }),
          });
          expect(body.length).to.equal(200_000);
          await server.waitForLines(/^CALL=/gm, 1);
          expect(server.line('QOP')).to.equal(qop);
          expect(server.line('USER')).to.equal(realm.kdc.principal('alice'));
          expect(server.line('CONTEXT_USER')).to.equal(realm.kdc.principal('alice'));
        } finally {
          client.stop();
          login.close();
        }
      });
    }
  });
});
