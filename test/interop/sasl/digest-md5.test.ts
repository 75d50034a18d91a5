/**
 * DIGEST-MD5 interop with the JDK's own javax.security.sasl implementation (what Hadoop runs):
 * hsec client <-> JDK server and JDK client <-> hsec server at auth, auth-int and auth-conf with
 * every cipher, application messages of several sizes wrapped both ways, chunking above the
 * peer's buffer, and the failure cases (wrong password, no common QOP, tampered / replayed /
 * reordered wrapped messages, malformed challenge), each asserting its typed error code.
 */
import { expect } from 'chai';
import { HsecError } from '../../../lib/errors/index.ts';
import type { Qop, SaslSecurityLayer } from '../../../security/sasl/mechanism.ts';
import { DigestMd5Client } from '../../../security/sasl/mechanisms/digest-md5/client.ts';
import { DigestMd5Server } from '../../../security/sasl/mechanisms/digest-md5/server.ts';
import { DigestSecurityLayer } from '../../../security/sasl/mechanisms/digest-md5/security-layer.ts';
import { tokenClientCredentials } from '../../../security/sasl/mechanisms/digest-md5/hadoop-token.ts';
import type { DigestCipherName } from '../../../security/sasl/mechanisms/digest-md5/ciphers.ts';
import { requireBinariesOrSkip } from '../../support/binaries.ts';
import { JavaPeer, compileJavaPeers, remoteError } from '../../support/java.ts';

const IDENT = Buffer.from('00126a646f6540455841'.repeat(3), 'hex');
const PASSWORD = Buffer.from('interop-token-password-bytes');
const CREDS = tokenClientCredentials(IDENT, PASSWORD);

let classDir: string;
const peers: JavaPeer[] = [];

function peer(role: 'client' | 'server', qop: string, extra: Record<string, string> = {}, password = CREDS.password): JavaPeer {
  const args = ['--role', role, '--mechanism', 'DIGEST-MD5', '--qop', qop, '--user', CREDS.username, '--password', password, '--protocol', '', '--server-name', 'default'];
  for (const [k, v] of Object.entries(extra)) args.push(`--${k}`, v);
  const p = new JavaPeer({ classDir, mainClass: 'SaslPeer', args });
  peers.push(p);
  return p;
}

function hsecServer(qop: Qop[], ciphers?: DigestCipherName[]): DigestMd5Server {
  return new DigestMd5Server({
    protocol: '',
    serverName: 'default',
    qop,
    ciphers,
    passwordLookup: (user) => {
      if (user !== CREDS.username) throw new Error('unknown token');
      return CREDS.password;
    },
  });
}

/** hsec client against the JDK server; returns the client's layer. */
async function hsecClientVsJdk(jdk: JavaPeer, client: DigestMd5Client): Promise<SaslSecurityLayer> {
  const challenge = await jdk.expect('T');
  jdk.send('T', await client.step(challenge));
  const f = await jdk.receive();
  if (f.type === 'E') throw remoteError(f.payload);
  expect(f.type).to.equal('O');
  expect(await client.step(f.payload)).to.equal(undefined);
  expect(client.isComplete).to.equal(true);
  return client.securityLayer();
}

/** JDK client against the hsec server; returns the server's layer. */
async function jdkVsHsecServer(jdk: JavaPeer, server: DigestMd5Server): Promise<SaslSecurityLayer> {
  jdk.send('T', await server.step(new Uint8Array(0)));
  const response = await jdk.expect('T');
  let rspauth: Uint8Array | undefined;
  try {
    rspauth = await server.step(response);
  } catch (err) {
    jdk.send('E', Buffer.from(`${(err as Error).name}: ${(err as Error).message}`));
    throw err;
  }
  jdk.send('O', rspauth);
  await jdk.expect('O');
  return server.securityLayer();
}

async function peerInfo(jdk: JavaPeer): Promise<Record<string, string>> {
  jdk.send('I');
  const text = (await jdk.expect('I')).toString('utf8');
  return Object.fromEntries(text.trim().split('\n').map((l) => l.split('=', 2) as [string, string]));
}

function pattern(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** Token echo at several sizes, then one message above the peer's buffer, chunked both ways. */
async function exerciseLayer(layer: SaslSecurityLayer, jdk: JavaPeer): Promise<void> {
  const info = await peerInfo(jdk);
  expect(info['qop']).to.equal(layer.qop);
  for (const size of [0, 1, 1000, 65536 - 100]) {
    const msg = pattern(size, size);
    const token = layer.wrap(msg);
    if (size === 0) expect(token.length).to.equal(0);
    jdk.send('W', token);
    const back = await jdk.expect('W');
    expect(Buffer.from(layer.unwrap(back)).equals(msg), `echo of ${size} bytes`).to.equal(true);
  }
  const big = pattern(200_000, 7);
  const chunks: Uint8Array[] = [];
  for (let off = 0; off < big.length; off += layer.rawSendSize) chunks.push(layer.wrap(big.subarray(off, off + layer.rawSendSize)));
  expect(chunks.length).to.equal(Math.ceil(big.length / layer.rawSendSize));
  for (const c of chunks) expect(c.length).to.be.at.most(65536); // fits the peer's maxbuf
  const head = Buffer.alloc(4);
  head.writeUInt32BE(chunks.length);
  jdk.send('S', Buffer.concat([head, ...chunks.flatMap((c) => [u32(c.length), Buffer.from(c)])]));
  const reply = await jdk.expect('S');
  const n = reply.readUInt32BE(0);
  expect(n).to.equal(Math.ceil(big.length / Number(info['rawsendsize'])));
  const parts: Uint8Array[] = [];
  let off = 4;
  for (let i = 0; i < n; i++) {
    const len = reply.readUInt32BE(off);
    parts.push(layer.unwrap(reply.subarray(off + 4, off + 4 + len)));
    off += 4 + len;
  }
  expect(Buffer.concat(parts).equals(big)).to.equal(true);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

async function rejectsWith(p: Promise<unknown>): Promise<HsecError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(HsecError);
    return err as HsecError;
  }
  expect.fail('expected a failure');
}

const CASES: Array<{ qop: Qop; cipher?: DigestCipherName }> = [
  { qop: 'auth' },
  { qop: 'auth-int' },
  { qop: 'auth-conf', cipher: '3des' },
  { qop: 'auth-conf', cipher: 'rc4' },
  { qop: 'auth-conf', cipher: 'des' },
  { qop: 'auth-conf', cipher: 'rc4-56' },
  { qop: 'auth-conf', cipher: 'rc4-40' },
];

describe('interop: DIGEST-MD5 with the JDK (javax.security.sasl)', function () {
  this.timeout(60000);

  before(function () {
    requireBinariesOrSkip(this, 'java', 'javac');
    classDir = compileJavaPeers();
  });

  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.stop()));
  });

  describe('hsec client <-> JDK server', () => {
    for (const c of CASES) {
      it(`${c.qop}${c.cipher ? ` (${c.cipher})` : ''}: authenticates, wraps and unwraps both ways`, async () => {
        const jdk = peer('server', 'auth-conf,auth-int,auth');
        const client = new DigestMd5Client({ ...CREDS, qop: [c.qop], ciphers: c.cipher ? [c.cipher] : undefined });
        const layer = await hsecClientVsJdk(jdk, client);
        expect(layer.qop).to.equal(c.qop);
        if (c.qop === 'auth') {
          expect((await peerInfo(jdk))['qop']).to.equal('auth');
          return;
        }
        if (c.cipher) expect((layer as DigestSecurityLayer).cipher).to.equal(c.cipher);
        await exerciseLayer(layer, jdk);
      });
    }

    it('picks 3des from the JDK server\'s full cipher offer, as the JDK client does', async () => {
      const jdk = peer('server', 'auth-conf');
      const layer = await hsecClientVsJdk(jdk, new DigestMd5Client({ ...CREDS, qop: ['auth-conf'] }));
      expect((layer as DigestSecurityLayer).cipher).to.equal('3des');
      expect((await peerInfo(jdk))['strength']).to.equal('high');
    });

    it('wrong password: the JDK server refuses (relayed as RPC_REMOTE SaslException)', async () => {
      const jdk = peer('server', 'auth');
      const client = new DigestMd5Client({ ...CREDS, password: Buffer.from('wrong').toString('base64') });
      const err = await rejectsWith(hsecClientVsJdk(jdk, client));
      expect(err.code).to.equal('RPC_REMOTE');
      expect(err.details['exceptionClass']).to.equal('javax.security.sasl.SaslException');
      expect(err.message).to.contain('Mismatched response');
    });

    it('no common QOP: the hsec client refuses the JDK offer, naming both lists', async () => {
      const jdk = peer('server', 'auth,auth-int');
      const err = await rejectsWith(hsecClientVsJdk(jdk, new DigestMd5Client({ ...CREDS, qop: ['auth-conf'] })));
      expect(err.code).to.equal('SASL_NO_COMMON_QOP');
      expect(err.message).to.contain('[auth-conf]').and.contain('[auth,auth-int]');
    });

    it('malformed challenge: a corrupted JDK challenge is SASL_BAD_CHALLENGE', async () => {
      const jdk = peer('server', 'auth');
      const challenge = (await jdk.expect('T')).toString('latin1');
      const client = new DigestMd5Client({ ...CREDS });
      const err = await rejectsWith(client.step(Buffer.from(challenge.replace('nonce="', 'nonce='))));
      expect(err.code).to.equal('SASL_BAD_CHALLENGE');
      const err2 = await rejectsWith(new DigestMd5Client({ ...CREDS }).step(Buffer.from(challenge.replace('algorithm=md5-sess', 'algorithm=md5'))));
      expect(err2.code).to.equal('SASL_BAD_CHALLENGE');
    });

    for (const qop of ['auth-int', 'auth-conf'] as const) {
      it(`${qop}: tampered, replayed and reordered JDK tokens are refused with typed codes`, async () => {
        const jdk = peer('server', qop);
        const layer = await hsecClientVsJdk(jdk, new DigestMd5Client({ ...CREDS, qop: [qop] }));
        const tokens: Buffer[] = [];
        for (const m of ['zero', 'one', 'two', 'three']) {
          jdk.send('P', Buffer.from(`message ${m} from the JDK`));
          tokens.push(await jdk.expect('W'));
        }
        expect(() => layer.unwrap(tokens[1]!)).to.throw(HsecError).with.property('code', 'SASL_SEQUENCE');
        expect(Buffer.from(layer.unwrap(tokens[0]!)).toString()).to.equal('message zero from the JDK');
        expect(() => layer.unwrap(tokens[0]!)).to.throw(HsecError).with.property('code', 'SASL_REPLAY');
        expect(Buffer.from(layer.unwrap(tokens[1]!)).toString()).to.equal('message one from the JDK');
        const tampered = Buffer.from(tokens[2]!);
        tampered[3]! ^= 0x40;
        expect(() => layer.unwrap(tampered)).to.throw(HsecError).with.property('code', 'SASL_INTEGRITY');
      });
    }
  });

  describe('data-transfer style (protocol hdfs, server name 0, authzid = user name)', () => {
    it('hsec client with authzid <-> JDK server, auth-conf', async () => {
      const jdk = peer('server', 'auth-conf', { protocol: 'hdfs', 'server-name': '0' });
      const client = new DigestMd5Client({ ...CREDS, protocol: 'hdfs', serverName: '0', authorizationId: CREDS.username, qop: ['auth-conf'] });
      const layer = await hsecClientVsJdk(jdk, client);
      expect((await peerInfo(jdk))['authzid']).to.equal(CREDS.username);
      await exerciseLayer(layer, jdk);
    });

    it('JDK client with authzid <-> hsec server, auth-conf', async () => {
      const jdk = peer('client', 'auth-conf', { protocol: 'hdfs', 'server-name': '0', authzid: CREDS.username });
      const server = new DigestMd5Server({ protocol: 'hdfs', serverName: '0', qop: ['auth-conf'], passwordLookup: () => CREDS.password });
      const layer = await jdkVsHsecServer(jdk, server);
      expect(server.authorizationId).to.equal(CREDS.username);
      await exerciseLayer(layer, jdk);
    });
  });

  describe('JDK client <-> hsec server', () => {
    for (const c of CASES) {
      it(`${c.qop}${c.cipher ? ` (${c.cipher})` : ''}: authenticates, wraps and unwraps both ways`, async () => {
        const jdk = peer('client', c.qop);
        const server = hsecServer(['auth-conf', 'auth-int', 'auth'], c.cipher ? [c.cipher] : undefined);
        const layer = await jdkVsHsecServer(jdk, server);
        expect(layer.qop).to.equal(c.qop);
        expect(server.authenticationId).to.equal(CREDS.username);
        if (c.qop === 'auth') {
          expect((await peerInfo(jdk))['qop']).to.equal('auth');
          return;
        }
        if (c.cipher) expect((layer as DigestSecurityLayer).cipher).to.equal(c.cipher);
        await exerciseLayer(layer, jdk);
      });
    }

    it('the JDK client picks 3des from the hsec server\'s full offer', async () => {
      const jdk = peer('client', 'auth-conf');
      const layer = await jdkVsHsecServer(jdk, hsecServer(['auth-conf']));
      expect((layer as DigestSecurityLayer).cipher).to.equal('3des');
    });

    it('wrong password: the hsec server fails with SASL_AUTH_FAILED naming the user', async () => {
      const jdk = peer('client', 'auth', {}, Buffer.from('wrong').toString('base64'));
      const err = await rejectsWith(jdkVsHsecServer(jdk, hsecServer(['auth'])));
      expect(err.code).to.equal('SASL_AUTH_FAILED');
      expect(err.message).to.contain(CREDS.username).and.not.contain(CREDS.password);
    });

    it('no common QOP: the JDK client refuses the hsec offer (RPC_REMOTE SaslException)', async () => {
      const jdk = peer('client', 'auth-conf');
      const server = hsecServer(['auth', 'auth-int']);
      jdk.send('T', await server.step(new Uint8Array(0)));
      const err = await rejectsWith(jdk.expect('T'));
      expect(err.code).to.equal('RPC_REMOTE');
      expect(err.message).to.contain('No common protection layer');
    });

    it('malformed challenge from a server: the JDK client rejects it too (RPC_REMOTE)', async () => {
      const jdk = peer('client', 'auth');
      const challenge = Buffer.from((await hsecServer(['auth']).step(new Uint8Array(0)))!).toString('latin1');
      jdk.send('T', Buffer.from(challenge.replace(',algorithm=md5-sess', '')));
      const err = await rejectsWith(jdk.expect('T'));
      expect(err.code).to.equal('RPC_REMOTE');
      expect(err.message).to.contain('algorithm');
    });

    for (const qop of ['auth-int', 'auth-conf'] as const) {
      it(`${qop}: hsec refuses tampered/replayed/reordered JDK tokens; the JDK refuses ours alike`, async () => {
        const jdk = peer('client', qop);
        const layer = await jdkVsHsecServer(jdk, hsecServer([qop]));
        // JDK -> hsec
        const tokens: Buffer[] = [];
        for (const m of ['a', 'b', 'c']) {
          jdk.send('P', Buffer.from(`JDK message ${m}`));
          tokens.push(await jdk.expect('W'));
        }
        expect(() => layer.unwrap(tokens[1]!)).to.throw(HsecError).with.property('code', 'SASL_SEQUENCE');
        expect(Buffer.from(layer.unwrap(tokens[0]!)).toString()).to.equal('JDK message a');
        expect(() => layer.unwrap(tokens[0]!)).to.throw(HsecError).with.property('code', 'SASL_REPLAY');
        const tampered = Buffer.from(tokens[1]!);
        tampered[0]! ^= 0x01;
        expect(() => layer.unwrap(tampered)).to.throw(HsecError).with.property('code', 'SASL_INTEGRITY');
        // hsec -> JDK: the JDK silently discards a bad MAC (returns no bytes) and throws on replay
        const t0 = Buffer.from(layer.wrap(Buffer.from('hsec message 0')));
        const bad = Buffer.from(t0);
        bad[1]! ^= 0x01;
        jdk.send('U', bad);
        expect((await jdk.expect('P')).length).to.equal(0);
        if (qop === 'auth-int') {
          // (auth-conf cannot continue after a tampered block: the JDK's CBC chain has moved on)
          jdk.send('U', t0);
          expect((await jdk.expect('P')).toString()).to.equal('hsec message 0');
          jdk.send('U', t0);
          const err = await rejectsWith(jdk.expect('P'));
          expect(err.code).to.equal('RPC_REMOTE');
          expect(err.message).to.contain('Out of order');
        }
      });
    }
  });
});
