/**
 * The data-transfer handshake and protected streams end to end over real loopback TCP sockets:
 * client and DataNode glue (dataTransferClientHandshake / dataTransferServerHandshake) for every
 * QOP with and without AES/CTR (128 and 256 bits), the encrypted handshake with Hadoop's
 * DataEncryptionKey, the bytes on the wire (recorded by a relay: AES/CTR ciphertext decrypts with
 * plain node:crypto under the negotiated keys; SASL frames are length-prefixed), bytes that follow
 * the handshake in the same segment, refusals, a wrong magic number, timeouts, truncation,
 * tampering and oversized input. Every server and socket is closed by the test.
 */
import { expect } from 'chai';
import { createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { InvalidTokenError } from '../../../lib/errors/index.ts';
import type { Qop } from '../../../security/sasl/mechanism.ts';
import {
  dataTransferClientHandshake,
  dataTransferServerHandshake,
  encodeMagic,
  HandshakeDecoder,
  InvalidBlockTokenError,
  InvalidEncryptionKeyError,
  SaslDataTransferClient,
  unprotectedStreams,
  type DataTransferStreams,
  type SaslDataTransferClientOptions,
  type SaslDataTransferServerOptions,
} from '../../../security/datatransfer/index.ts';
import { rejectsCode } from '../../support/errors.ts';

const vectors = JSON.parse(readFileSync(new URL('../../vectors/block-token-identifiers.json', import.meta.url), 'utf8'));
const TOKEN = { identifier: Buffer.from('block-token-identifier'), password: Buffer.from('block-token-password') };
const AES = 'AES/CTR/NoPadding';

interface Listener {
  readonly port: number;
  accept(): Promise<Socket>;
  close(): Promise<void>;
}

const opened: Array<Server | Socket> = [];

async function listen(): Promise<Listener> {
  const server = createServer({ allowHalfOpen: true });
  opened.push(server);
  const waiting: Socket[] = [];
  const takers: Array<(s: Socket) => void> = [];
  server.on('connection', (s) => {
    opened.push(s);
    const t = takers.shift();
    if (t) t(s);
    else waiting.push(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    accept: () => new Promise((resolve) => (waiting.length > 0 ? resolve(waiting.shift()!) : takers.push(resolve))),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function dial(port: number): Promise<Socket> {
  const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  opened.push(s);
  await new Promise<void>((resolve, reject) => s.once('connect', resolve).once('error', reject));
  return s;
}

/** A TCP relay that records what the client sent and can alter the bytes after the handshake. */
async function relay(targetPort: number, alter?: (chunk: Buffer, offset: number) => Buffer): Promise<{ port: number; clientBytes: () => Buffer }> {
  const front = await listen();
  const recorded: Buffer[] = [];
  void front.accept().then(async (inbound) => {
    const outbound = await dial(targetPort);
    let offset = 0;
    inbound.on('data', (c: Buffer) => {
      const sent = alter ? alter(c, offset) : c;
      offset += c.length;
      recorded.push(c);
      outbound.write(sent);
    });
    inbound.on('end', () => outbound.end());
    outbound.pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  });
  return { port: front.port, clientBytes: () => Buffer.concat(recorded) };
}

/** Marks a promise handled now (the test awaits its rejection later). */
function later<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

async function readAll(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

function generalServer(extra: Partial<Extract<SaslDataTransferServerOptions, { handshake: 'general' }>> = {}): SaslDataTransferServerOptions {
  return {
    handshake: 'general',
    qop: ['auth-conf'],
    blockTokenPassword: (id) => {
      if (!Buffer.from(id).equals(TOKEN.identifier)) throw new InvalidTokenError('TOKEN_UNKNOWN', 'unknown block token');
      return TOKEN.password;
    },
    ...extra,
  };
}

function generalClient(extra: Partial<SaslDataTransferClientOptions> = {}): SaslDataTransferClientOptions {
  return { credentials: { kind: 'block-token', token: TOKEN }, qop: ['auth-conf'], ...extra };
}

/** Connects, runs both handshakes (optionally through `port`), returns both sides' streams. */
async function pair(
  serverOptions: SaslDataTransferServerOptions,
  clientOptions: SaslDataTransferClientOptions,
  via?: (port: number) => Promise<number>,
): Promise<{ client: DataTransferStreams; server: DataTransferStreams }> {
  const l = await listen();
  const port = via ? await via(l.port) : l.port;
  const serverSide = later(l.accept().then((s) => dataTransferServerHandshake(s, { ...serverOptions, remoteAddress: `${s.remoteAddress}:${s.remotePort}` })));
  const client = await dataTransferClientHandshake(await dial(port), { ...clientOptions, remoteAddress: `127.0.0.1:${l.port}` });
  return { client, server: await serverSide };
}

/** The client sends `data` and ends; the DataNode echoes everything back; the client reads it all. */
async function echo(p: { client: DataTransferStreams; server: DataTransferStreams }, data: Buffer): Promise<Buffer> {
  p.server.input.pipe(p.server.output);
  p.client.output.end(data);
  return readAll(p.client.input);
}

describe('data transfer SASL over loopback TCP', function () {
  this.timeout(30000);

  afterEach(() => {
    for (const o of opened.splice(0)) {
      if ('destroy' in o) o.destroy();
      else o.close();
    }
  });

  const dek = vectors.data_encryption_key;
  const blockKey = Buffer.from(vectors.formats.legacy.secret_manager.currentKey.key_hex, 'hex');
  const hadoopKey = { keyId: dek.keyId, blockPoolId: dek.blockPoolId, nonce: Buffer.from(dek.nonce_hex, 'hex'), encryptionKey: Buffer.from(dek.encryptionKey_hex, 'hex') };
  const encryptedServer = (extra: { cipherSuites?: string; cipherKeyBits?: 128 | 256 } = {}): SaslDataTransferServerOptions => ({
    handshake: 'encrypted',
    dataEncryptionKey: (name) => {
      if (name.keyId !== dek.keyId) throw new InvalidTokenError('TOKEN_UNKNOWN', `Can't re-compute encryption key for nonce, since the required block key (keyID=${name.keyId}) doesn't exist.`);
      return createHmac('sha1', blockKey).update(name.nonce).digest();
    },
    ...extra,
  });

  const cases: Array<{ qop: Qop; bits?: 128 | 256; expect: string }> = [
    { qop: 'auth', expect: 'plain' },
    { qop: 'auth-int', expect: 'sasl' },
    { qop: 'auth-conf', expect: 'sasl' },
    { qop: 'auth-conf', bits: 128, expect: 'aes-ctr' },
    { qop: 'auth-conf', bits: 256, expect: 'aes-ctr' },
  ];
  for (const c of cases) {
    it(`general handshake, ${c.qop}${c.bits ? ` + AES/CTR ${c.bits}` : ''}: 1 MiB each way`, async () => {
      const suites = c.bits ? AES : undefined;
      const p = await pair(generalServer({ qop: [c.qop], cipherSuites: suites, cipherKeyBits: c.bits }), generalClient({ qop: [c.qop], cipherSuites: suites }));
      expect(p.client.protection.kind).to.equal(c.expect);
      expect(p.server.protection.kind).to.equal(c.expect);
      const data = randomBytes(1 << 20);
      expect((await echo(p, data)).equals(data)).to.equal(true);
    });
  }

  for (const suites of [AES, undefined]) {
    it(`encrypted handshake with Hadoop's DataEncryptionKey (${suites ? 'AES/CTR 256' : '3des layer'}): 1 MiB each way`, async () => {
      const p = await pair(encryptedServer({ cipherSuites: suites, cipherKeyBits: 256 }), { credentials: { kind: 'encryption-key', key: hadoopKey }, cipherSuites: suites });
      expect(p.client.protection.kind).to.equal(suites ? 'aes-ctr' : 'sasl');
      const data = randomBytes(1 << 20);
      expect((await echo(p, data)).equals(data)).to.equal(true);
    });
  }

  it('on the wire, the data after the handshake is AES/CTR of the plaintext under the client\'s inKey/inIv from position 0', async () => {
    let r: Awaited<ReturnType<typeof relay>> | undefined;
    const p = await pair(generalServer({ cipherSuites: AES, cipherKeyBits: 256 }), generalClient({ cipherSuites: AES }), async (port) => {
      r = await relay(port);
      return r.port;
    });
    const data = randomBytes(100_000);
    p.client.output.end(data);
    expect((await readAll(p.server.input)).equals(data)).to.equal(true);
    const d = new HandshakeDecoder({ expectMagic: true });
    d.push(r!.clientBytes());
    expect([d.next()?.kind, d.next()?.kind, d.next()?.kind]).to.deep.equal(['magic', 'message', 'message']);
    const ciphertext = d.remainder();
    expect(ciphertext.length).to.equal(data.length);
    if (p.server.protection.kind !== 'aes-ctr') expect.fail('not AES');
    const { key, iv } = p.server.protection.decrypt;
    expect(createDecipheriv('aes-256-ctr', key, iv).update(ciphertext).equals(data)).to.equal(true);
  });

  it('on the wire, SASL-protected data is [int32 length][wrapped token] frames of at most the peer\'s buffer', async () => {
    let r: Awaited<ReturnType<typeof relay>> | undefined;
    const p = await pair(generalServer({ qop: ['auth-int'] }), generalClient({ qop: ['auth-int'] }), async (port) => {
      r = await relay(port);
      return r.port;
    });
    const data = randomBytes(200_000);
    p.client.output.end(data);
    expect((await readAll(p.server.input)).equals(data)).to.equal(true);
    const d = new HandshakeDecoder({ expectMagic: true });
    d.push(r!.clientBytes());
    d.next(), d.next(), d.next();
    const wire = d.remainder();
    let at = 0;
    let plain = 0;
    while (at < wire.length) {
      const n = wire.readUInt32BE(at);
      expect(n).to.be.at.most(65536);
      expect(wire.subarray(at + 4, at + 4 + n - 16).equals(data.subarray(plain, plain + n - 16))).to.equal(true); // auth-int: message | MAC(10) | type(2) | seq(4)
      plain += n - 16;
      at += 4 + n;
    }
    expect(plain).to.equal(data.length);
  });

  it('bytes that arrive in the same segment as the last handshake message reach the input first', async () => {
    const l = await listen();
    const serverSide = later(l.accept().then((s) => dataTransferServerHandshake(s, generalServer({ qop: ['auth'] }))));
    const socket = await dial(l.port);
    // a pipelining client: its digest response and the first op bytes in one write
    const machine = new SaslDataTransferClient(generalClient({ qop: ['auth'] }));
    socket.write(Buffer.concat((await machine.step(undefined)).send));
    const fromServer = new HandshakeDecoder({ expectMagic: false });
    const next = async (): Promise<Uint8Array[]> => {
      for (;;) {
        const f = fromServer.next();
        if (f && f.kind === 'message') return [...(await machine.step(f.message)).send];
        fromServer.push(await new Promise<Buffer>((resolve) => socket.once('data', resolve)));
      }
    };
    socket.write(Buffer.concat([...(await next()), Buffer.from('OP-BYTES')]));
    const server = await serverSide;
    server.output.end(Buffer.from('reply'));
    const input = server.input;
    const first = await new Promise<Buffer>((resolve) => input.once('data', resolve));
    expect(first.toString()).to.equal('OP-BYTES');
    await next(); // the client completes with the DataNode's last message
    const rest = (fromServer.remainder().toString() + (await readAll(unprotectedStreams(socket).input)).toString());
    expect(rest).to.equal('reply');
  });

  it('the DataNode writing right after the handshake: the client sees those bytes after the final message', async () => {
    const l = await listen();
    const serverSide = l.accept().then(async (s) => {
      const streams = await dataTransferServerHandshake(s, generalServer({ qop: ['auth-conf'], cipherSuites: AES }));
      streams.output.end(Buffer.from('pushed at once'));
      return streams;
    });
    const client = await dataTransferClientHandshake(await dial(l.port), generalClient({ cipherSuites: AES }));
    expect((await readAll(client.input)).toString()).to.equal('pushed at once');
    await serverSide;
  });

  describe('refusals and failures', () => {
    it('an expired block token: the client raises InvalidBlockTokenError, the DataNode the token error', async () => {
      const l = await listen();
      const expired = generalServer({
        blockTokenPassword: () => {
          throw new InvalidTokenError('TOKEN_EXPIRED', 'Block token with block_token_identifier (expiryDate=1) is expired.');
        },
      });
      const serverSide = later(l.accept().then((s) => dataTransferServerHandshake(s, expired)));
      const err = await rejectsCode(dataTransferClientHandshake(await dial(l.port), generalClient()), 'DATA_TRANSFER_BLOCK_TOKEN', InvalidBlockTokenError);
      expect(err.message).to.contain('is expired');
      const serverErr = await rejectsCode(serverSide, 'SASL_AUTH_FAILED');
      expect(serverErr.cause).to.be.instanceOf(InvalidTokenError);
    });

    it('an unknown data encryption key: the client raises InvalidEncryptionKeyError and can retry with a new key', async () => {
      const l = await listen();
      const first = later(l.accept().then((s) => dataTransferServerHandshake(s, encryptedServer())));
      await rejectsCode(dataTransferClientHandshake(await dial(l.port), { credentials: { kind: 'encryption-key', key: { ...hadoopKey, keyId: 42 } } }), 'DATA_TRANSFER_ENCRYPTION_KEY', InvalidEncryptionKeyError);
      await rejectsCode(first, 'SASL_AUTH_FAILED');
      const second = later(l.accept().then((s) => dataTransferServerHandshake(s, encryptedServer())));
      const ok = await dataTransferClientHandshake(await dial(l.port), { credentials: { kind: 'encryption-key', key: hadoopKey } });
      expect(ok.protection.kind).to.equal('sasl');
      await second;
    });

    it('a wrong password: both sides fail, the client with the DataNode\'s message', async () => {
      const l = await listen();
      const serverSide = later(l.accept().then((s) => dataTransferServerHandshake(s, generalServer())));
      await rejectsCode(dataTransferClientHandshake(await dial(l.port), generalClient({ credentials: { kind: 'block-token', token: { ...TOKEN, password: Buffer.from('x') } } })), 'DATA_TRANSFER_HANDSHAKE');
      await rejectsCode(serverSide, 'SASL_AUTH_FAILED');
    });

    it('a client that does not speak SASL (op bytes first): DATA_TRANSFER_BAD_MAGIC, connection closed without a reply', async () => {
      const l = await listen();
      const serverSide = later(l.accept().then((s) => dataTransferServerHandshake(s, generalServer())));
      const socket = await dial(l.port);
      socket.write(Buffer.from('001c510a0b0c0d0e', 'hex'));
      await rejectsCode(serverSide, 'DATA_TRANSFER_BAD_MAGIC');
      expect((await readAll(unprotectedStreams(socket).input)).length).to.equal(0);
    });

    it('a silent peer times out (TIMEOUT), a peer that hangs up mid-handshake is PROTOCOL_TRUNCATED', async () => {
      const timeoutServer = await listen();
      const timedOut = later(timeoutServer.accept().then((s) => dataTransferServerHandshake(s, { ...generalServer(), timeoutMs: 200 })));
      await dial(timeoutServer.port);
      await rejectsCode(timedOut, 'TIMEOUT');
      // client side: the DataNode accepts and closes at once
      const closing = await listen();
      void closing.accept().then((s) => s.end());
      await rejectsCode(dataTransferClientHandshake(await dial(closing.port), generalClient()), 'PROTOCOL_TRUNCATED');
      // server side: the client sends the magic number and half a message, then closes
      const half = await listen();
      const halfServer = later(half.accept().then((s) => dataTransferServerHandshake(s, generalServer())));
      const sock = await dial(half.port);
      sock.end(Buffer.concat([encodeMagic(), Buffer.from('0a0800', 'hex')]));
      await rejectsCode(halfServer, 'PROTOCOL_TRUNCATED');
    });

    it('an oversized handshake message is refused before it is buffered (PROTOCOL_TOO_LARGE)', async () => {
      const l = await listen();
      const serverSide = later(l.accept().then((s) => dataTransferServerHandshake(s, { ...generalServer(), maxMessageLength: 4096 })));
      (await dial(l.port)).write(Buffer.concat([encodeMagic(), Buffer.from('ffffff7f', 'hex')]));
      await rejectsCode(serverSide, 'PROTOCOL_TOO_LARGE');
    });

    it('a byte altered in transit after an auth-conf handshake fails the DataNode\'s input with SASL_INTEGRITY and closes the connection', async () => {
      let armed = false;
      const flip = (chunk: Buffer): Buffer => {
        if (!armed) return chunk;
        const altered = Buffer.from(chunk);
        altered[4]! ^= 0x01; // inside the first sealed token, after its length prefix
        return altered;
      };
      const p = await pair(generalServer({ qop: ['auth-conf'] }), generalClient({ qop: ['auth-conf'] }), async (port) => (await relay(port, flip)).port);
      armed = true;
      p.client.output.write(randomBytes(100));
      const err = await new Promise<Error>((resolve) => p.server.input.once('error', resolve).resume());
      expect((err as { code?: string }).code).to.equal('SASL_INTEGRITY');
      await new Promise<void>((resolve) => (p.client.input.destroyed ? resolve() : p.client.input.once('close', () => resolve()).on('error', () => undefined).resume()));
    });
  });
});
