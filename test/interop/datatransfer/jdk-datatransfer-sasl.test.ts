/**
 * Data-transfer SASL interop with the real JDK: test/interop/java/DataTransferSaslPeer.java
 * runs Hadoop's handshake framing around javax.security.sasl DIGEST-MD5 and the JCE's
 * AES/CTR/NoPadding over TCP, as Hadoop's SaslDataTransferClient / SaslDataTransferServer do. Both
 * directions: a JDK client against hsec's DataNode side, hsec's client against a JDK DataNode
 * side, for every QOP, AES/CTR at 128 and 256 bits, the encrypted handshake with Hadoop's
 * DataEncryptionKey (AES, 3des and rc4 layers), then data echoed through the protected streams;
 * and the refusals (expired token -> accessTokenError, unknown key -> ERROR_UNKNOWN_KEY, wrong
 * password). Passwords are re-derived from Hadoop's block key (HmacSHA1) on whichever side is the
 * DataNode, with the block token and key from test/vectors/block-token-identifiers.json.
 */
import { expect } from 'chai';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { InvalidTokenError } from '../../../lib/errors/index.ts';
import {
  dataTransferClientHandshake,
  dataTransferServerHandshake,
  InvalidBlockTokenError,
  InvalidEncryptionKeyError,
  type DataTransferStreams,
  type SaslDataTransferClientOptions,
  type SaslDataTransferServerOptions,
} from '../../../security/datatransfer/index.ts';
import { requireBinariesOrSkip } from '../../support/binaries.ts';
import { compileJavaPeers, JavaPeer } from '../../support/java.ts';
import { rejectsCode } from '../../support/errors.ts';

const v = JSON.parse(readFileSync(new URL('../../vectors/block-token-identifiers.json', import.meta.url), 'utf8'));
const token = v.formats.legacy.tokens[0];
const blockKey = Buffer.from(v.formats.legacy.secret_manager.currentKey.key_hex, 'hex');
const blockKeyId = v.formats.legacy.secret_manager.currentKey.keyId as number;
const dek = v.data_encryption_key;
const AES = 'AES/CTR/NoPadding';
const SIZE = 300_000;

/** The peer's pattern: SHA-256("block " + i) blocks. */
function pattern(size: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0, n = 0; n < size; i++, n += 32) parts.push(createHash('sha256').update(`block ${i}`).digest());
  return Buffer.concat(parts).subarray(0, size);
}

function parseResult(text: string): Record<string, string> {
  return Object.fromEntries(text.split(' ').map((kv) => kv.split('=') as [string, string]));
}

let classDir: string;
const peers: JavaPeer[] = [];
const sockets: Array<Server | Socket> = [];

function peer(args: Record<string, string | number>): JavaPeer {
  const list = Object.entries(args).flatMap(([k, val]) => [`--${k}`, String(val)]);
  const p = new JavaPeer({ classDir, mainClass: 'DataTransferSaslPeer', args: list, timeoutMs: 30000 });
  peers.push(p);
  return p;
}

/** The DataNode's lookups, from Hadoop's block key. */
const blockTokenPassword = (identifier: Uint8Array): Buffer => createHmac('sha1', blockKey).update(identifier).digest();
const dataEncryptionKey = (name: { keyId: number; nonce: Uint8Array }): Buffer => {
  if (name.keyId !== blockKeyId) throw new InvalidTokenError('TOKEN_UNKNOWN', `Can't re-compute encryption key for nonce, since the required block key (keyID=${name.keyId}) doesn't exist.`);
  return createHmac('sha1', blockKey).update(name.nonce).digest();
};

const hadoopToken = { identifier: Buffer.from(token.identifier_hex, 'hex'), password: Buffer.from(token.password_hex, 'hex') };
const hadoopKey = { keyId: dek.keyId, blockPoolId: dek.blockPoolId, nonce: Buffer.from(dek.nonce_hex, 'hex'), encryptionKey: Buffer.from(dek.encryptionKey_hex, 'hex') };

interface Case {
  readonly name: string;
  readonly mode: 'general' | 'encrypted';
  readonly qop?: string;
  readonly bits?: 128 | 256;
  readonly algorithm?: string;
  readonly protection: string;
}

const CASES: Case[] = [
  { name: 'general, auth', mode: 'general', qop: 'auth', protection: 'plain' },
  { name: 'general, auth-int', mode: 'general', qop: 'auth-int', protection: 'sasl' },
  { name: 'general, auth-conf (3des layer)', mode: 'general', qop: 'auth-conf', protection: 'sasl' },
  { name: 'general, privacy + AES/CTR 128', mode: 'general', qop: 'auth-conf', bits: 128, protection: 'aes-ctr' },
  { name: 'general, QOP list auth-conf,auth-int + AES/CTR 256', mode: 'general', qop: 'auth-conf,auth-int', bits: 256, protection: 'aes-ctr' },
  { name: 'encrypted (DataEncryptionKey), AES/CTR 256', mode: 'encrypted', bits: 256, protection: 'aes-ctr' },
  { name: 'encrypted (DataEncryptionKey), 3des layer', mode: 'encrypted', protection: 'sasl' },
  { name: 'encrypted (DataEncryptionKey), rc4 layer', mode: 'encrypted', algorithm: 'rc4', protection: 'sasl' },
];

function clientCredentialArgs(c: Case): Record<string, string> {
  return c.mode === 'encrypted'
    ? { 'key-id': String(dek.keyId), pool: dek.blockPoolId, nonce: dek.nonce_hex, 'encryption-key': dek.encryptionKey_hex, ...(c.algorithm ? { algorithm: c.algorithm } : {}) }
    : { identifier: token.identifier_hex, password: token.password_hex };
}

function hsecServerOptions(c: Case): SaslDataTransferServerOptions {
  const aes = c.bits ? { cipherSuites: AES, cipherKeyBits: c.bits } : {};
  return c.mode === 'encrypted' ? { handshake: 'encrypted', dataEncryptionKey, ...aes } : { handshake: 'general', qop: c.qop!.split(',') as never, blockTokenPassword, ...aes };
}

function hsecClientOptions(c: Case): SaslDataTransferClientOptions {
  const aes = c.bits ? { cipherSuites: AES } : {};
  return c.mode === 'encrypted'
    ? { credentials: { kind: 'encryption-key', key: { ...hadoopKey, encryptionAlgorithm: c.algorithm } }, ...aes }
    : { credentials: { kind: 'block-token', token: hadoopToken }, qop: c.qop!.split(',') as never, ...aes };
}

async function listenOnce(): Promise<{ port: number; socket: Promise<Socket> }> {
  const server = createServer({ allowHalfOpen: true });
  sockets.push(server);
  const socket = new Promise<Socket>((resolve) =>
    server.once('connection', (s) => {
      sockets.push(s);
      resolve(s);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, socket };
}

async function dial(port: number): Promise<Socket> {
  const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  sockets.push(s);
  await new Promise<void>((resolve, reject) => s.once('connect', resolve).once('error', reject));
  return s;
}

/** The text of the peer's 'E' report (it must fail). */
async function peerFailure(jdk: JavaPeer): Promise<string> {
  try {
    await jdk.expect('R');
  } catch (err) {
    return (err as Error).message;
  }
  expect.fail('the JDK peer succeeded');
}

/** Echoes everything from input to output and returns what went through. */
async function echoAll(s: DataTransferStreams): Promise<Buffer> {
  const seen: Buffer[] = [];
  for await (const chunk of s.input) {
    seen.push(chunk as Buffer);
    if (!s.output.write(chunk)) await new Promise((r) => s.output.once('drain', r));
  }
  await new Promise<void>((resolve) => s.output.end(resolve));
  return Buffer.concat(seen);
}

describe('data transfer SASL interop with the JDK (javax.security.sasl DIGEST-MD5, JCE AES/CTR)', function () {
  this.timeout(120000);

  before(function () {
    requireBinariesOrSkip(this, 'java', 'javac');
    classDir = compileJavaPeers();
  });

  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.stop()));
    for (const s of sockets.splice(0)) {
      if ('destroy' in s) s.destroy();
      else s.close();
    }
  });

  describe('JDK client -> hsec DataNode side', () => {
    for (const c of CASES) {
      it(`${c.name}: handshake, then ${SIZE} bytes echoed`, async () => {
        const l = await listenOnce();
        const jdk = peer({ role: 'client', port: l.port, mode: c.mode, size: SIZE, ...(c.qop ? { qop: c.qop } : {}), ...(c.bits ? { 'cipher-suites': AES } : {}), ...clientCredentialArgs(c) });
        const streams = await dataTransferServerHandshake(await l.socket, hsecServerOptions(c));
        expect(streams.protection.kind).to.equal(c.protection);
        if (streams.protection.kind === 'aes-ctr') expect(streams.protection.keyBits).to.equal(c.bits);
        const echoed = echoAll(streams);
        const result = parseResult((await jdk.expect('R')).toString());
        expect(result).to.include({ protection: c.protection, bytes: String(SIZE), qop: streams.protection.qop });
        if (c.bits) expect(result['keybits']).to.equal(String(c.bits));
        expect((await echoed).equals(pattern(SIZE))).to.equal(true);
      });
    }
  });

  describe('hsec client -> JDK DataNode side', () => {
    for (const c of CASES) {
      it(`${c.name}: handshake, then ${SIZE} bytes echoed`, async () => {
        const jdk = peer({
          role: 'server',
          mode: c.mode,
          'block-key': blockKey.toString('hex'),
          'block-key-id': blockKeyId,
          ...(c.qop ? { qop: c.qop } : {}),
          ...(c.bits ? { 'cipher-suites': AES, 'key-bits': c.bits } : {}),
        });
        const port = Number((await jdk.expect('P')).toString());
        const streams = await dataTransferClientHandshake(await dial(port), hsecClientOptions(c));
        expect(streams.protection.kind).to.equal(c.protection);
        const data = pattern(SIZE);
        streams.output.end(data);
        const back: Buffer[] = [];
        for await (const chunk of streams.input) back.push(chunk as Buffer);
        expect(Buffer.concat(back).equals(data)).to.equal(true);
        expect(parseResult((await jdk.expect('R')).toString())).to.include({ protection: c.protection, bytes: String(SIZE) });
      });
    }
  });

  describe('refusals', () => {
    it('a JDK DataNode refusing the block token (accessTokenError): hsec raises InvalidBlockTokenError', async () => {
      const jdk = peer({ role: 'server', mode: 'general', qop: 'auth-conf', 'block-key': blockKey.toString('hex'), 'block-key-id': blockKeyId, 'refuse-token': 'true' });
      const port = Number((await jdk.expect('P')).toString());
      const err = await rejectsCode(dataTransferClientHandshake(await dial(port), hsecClientOptions(CASES[2]!)), 'DATA_TRANSFER_BLOCK_TOKEN', InvalidBlockTokenError);
      expect(err.message).to.contain('is expired');
      expect(await peerFailure(jdk)).to.contain('caused by InvalidToken');
    });

    it('a JDK DataNode without the key id (ERROR_UNKNOWN_KEY): hsec raises InvalidEncryptionKeyError', async () => {
      const jdk = peer({ role: 'server', mode: 'encrypted', 'block-key': blockKey.toString('hex'), 'block-key-id': blockKeyId + 1 });
      const port = Number((await jdk.expect('P')).toString());
      const err = await rejectsCode(dataTransferClientHandshake(await dial(port), hsecClientOptions(CASES[5]!)), 'DATA_TRANSFER_ENCRYPTION_KEY', InvalidEncryptionKeyError);
      expect(err.message).to.contain(`keyID=${blockKeyId}`);
    });

    it('hsec DataNode with an expired token: the JDK client reads accessTokenError', async () => {
      const l = await listenOnce();
      const jdk = peer({ role: 'client', port: l.port, mode: 'general', qop: 'auth-conf', size: 10, ...clientCredentialArgs(CASES[2]!) });
      const expired = {
        handshake: 'general' as const,
        qop: ['auth-conf' as const],
        blockTokenPassword: () => {
          throw new InvalidTokenError('TOKEN_EXPIRED', 'Block token with block_token_identifier (expiryDate=1) is expired.');
        },
      };
      await rejectsCode(dataTransferServerHandshake(await l.socket, expired), 'SASL_AUTH_FAILED');
      expect(await peerFailure(jdk)).to.contain('InvalidToken: Block token with block_token_identifier (expiryDate=1) is expired.');
    });

    it('hsec DataNode, JDK client with the wrong password: refused with a generic ERROR the JDK reports', async () => {
      const l = await listenOnce();
      const jdk = peer({ role: 'client', port: l.port, mode: 'general', qop: 'auth-conf', size: 10, identifier: token.identifier_hex, password: '00' });
      await rejectsCode(dataTransferServerHandshake(await l.socket, hsecServerOptions(CASES[2]!)), 'SASL_AUTH_FAILED');
      expect(await peerFailure(jdk)).to.match(/IOException: DIGEST-MD5 authentication failed/);
    });
  });
});
