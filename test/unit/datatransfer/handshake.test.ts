/**
 * The data-transfer SASL handshake state machines, in memory: every
 * transition of SaslDataTransferClient and SaslDataTransferServer, Hadoop 3.4.1's recorded
 * challenge and digest response reproduced from the trace's nonces, the encrypted handshake with
 * Hadoop's DataEncryptionKey re-derived from Hadoop's block key, AES option negotiation and its
 * fallbacks, the handshake secret, and each refusal Hadoop signals (ERROR_UNKNOWN_KEY,
 * accessTokenError, ERROR, no reply to a wrong magic number).
 */
import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { InvalidTokenError, SaslError } from '../../../lib/errors/index.ts';
import { DigestSecurityLayer } from '../../../security/sasl/mechanisms/digest-md5/security-layer.ts';
import {
  ClientState,
  DataTransferEncryptorStatus,
  DataTransferHandshakeError,
  decodeMessageBody,
  encodeMagic,
  encodeMessage,
  HandshakeDecoder,
  InvalidBlockTokenError,
  InvalidEncryptionKeyError,
  InvalidMagicNumberError,
  SaslDataTransferClient,
  SaslDataTransferServer,
  ServerState,
  type DataTransferEncryptorMessage,
  type DataTransferNegotiatedEvent,
  type DataTransferProtection,
  type HandshakeFrame,
  type SaslDataTransferClientOptions,
  type SaslDataTransferServerOptions,
} from '../../../security/datatransfer/index.ts';
import { rejectsCode, throwsCode } from '../../support/errors.ts';

const traces = JSON.parse(readFileSync(new URL('../../vectors/datatransfer-sasl-traces.json', import.meta.url), 'utf8'));
const vectors = JSON.parse(readFileSync(new URL('../../vectors/block-token-identifiers.json', import.meta.url), 'utf8'));
const hex = (s: string): Buffer => Buffer.from(s, 'hex');

const TOKEN = { identifier: Buffer.from('block-token-identifier'), password: Buffer.from('block-token-password') };
const AES = 'AES/CTR/NoPadding';

function clientOpts(extra: Partial<SaslDataTransferClientOptions> = {}): SaslDataTransferClientOptions {
  return { credentials: { kind: 'block-token', token: TOKEN }, qop: ['auth-conf'], ...extra };
}

function serverOpts(extra: Partial<Extract<SaslDataTransferServerOptions, { handshake: 'general' }>> = {}): SaslDataTransferServerOptions {
  return {
    handshake: 'general',
    qop: ['auth-conf'],
    blockTokenPassword: (identifier) => {
      if (!Buffer.from(identifier).equals(TOKEN.identifier)) throw new InvalidTokenError('TOKEN_UNKNOWN', 'unknown block token');
      return TOKEN.password;
    },
    ...extra,
  };
}

/** Frames of one side's output as the other side's decoder sees them. */
function frames(decoder: HandshakeDecoder, bytes: readonly Uint8Array[]): HandshakeFrame[] {
  for (const b of bytes) decoder.push(b);
  const out: HandshakeFrame[] = [];
  for (let f = decoder.next(); f; f = decoder.next()) out.push(f);
  return out;
}

/** One delimited message, decoded. */
function one(bytes: Uint8Array): DataTransferEncryptorMessage {
  return only(frames(new HandshakeDecoder({ expectMagic: false }), [bytes]));
}

function only(fs: HandshakeFrame[]): DataTransferEncryptorMessage {
  expect(fs).to.have.length(1);
  expect(fs[0]!.kind).to.equal('message');
  return (fs[0] as { message: DataTransferEncryptorMessage }).message;
}

interface Exchange {
  client: DataTransferProtection;
  server: DataTransferProtection;
  c2s: Uint8Array[];
  s2c: Uint8Array[];
}

/** Runs both machines to completion, recording what each side sent. */
async function exchange(client: SaslDataTransferClient, server: SaslDataTransferServer): Promise<Exchange> {
  const toServer = new HandshakeDecoder({ expectMagic: true });
  const toClient = new HandshakeDecoder({ expectMagic: false });
  const c2s: Uint8Array[] = [];
  const s2c: Uint8Array[] = [];
  let c = await client.step(undefined);
  let serverDone: DataTransferProtection | undefined;
  for (;;) {
    c2s.push(...c.send);
    if (c.protection) {
      expect(serverDone, 'server finished first').to.not.equal(undefined);
      return { client: c.protection, server: serverDone!, c2s, s2c };
    }
    const replies: Uint8Array[] = [];
    for (const f of frames(toServer, c.send)) {
      const s = await server.step(f);
      replies.push(...s.send);
      if (s.protection) serverDone = s.protection;
    }
    s2c.push(...replies);
    c = await client.step(only(frames(toClient, replies)));
  }
}

/** Feeds each side until `fail` throws; returns the error and the failing side's reply. */
async function failing(client: SaslDataTransferClient, server: SaslDataTransferServer): Promise<{ side: 'client' | 'server'; err: unknown; reply: Uint8Array | undefined; clientErr?: unknown }> {
  const toServer = new HandshakeDecoder({ expectMagic: true });
  const toClient = new HandshakeDecoder({ expectMagic: false });
  let c = await client.step(undefined);
  for (;;) {
    const replies: Uint8Array[] = [];
    for (const f of frames(toServer, c.send)) {
      try {
        replies.push(...(await server.step(f)).send);
      } catch (err) {
        const reply = server.errorReply(err);
        let clientErr: unknown;
        if (reply) {
          try {
            await client.step(only(frames(toClient, [reply])));
          } catch (e) {
            clientErr = e;
          }
        }
        return { side: 'server', err, reply, clientErr };
      }
    }
    try {
      c = await client.step(only(frames(toClient, replies)));
      if (c.protection) expect.fail('the handshake completed');
    } catch (err) {
      return { side: 'client', err, reply: client.errorReply(err) };
    }
  }
}

/** `random` that hands out the given byte strings in order, then node's. */
function scripted(...chunks: Buffer[]): (n: number) => Uint8Array {
  return (n) => {
    const next = chunks.shift();
    if (next) {
      expect(next.length).to.equal(n);
      return next;
    }
    return Buffer.alloc(n, 0x33);
  };
}

describe('data transfer SASL handshake (state machines)', () => {
  describe("against stock Hadoop 3.4.1's recorded handshakes", () => {
    for (const name of ['encrypted', 'general'] as const) {
      const t = traces.traces[name];
      const challengeText: string = t.server_messages[0].payload_text;
      const responseText: string = t.client_messages[1].payload_text;
      const directive = (text: string, key: string): string => new RegExp(`${key}="([^"]*)"`).exec(text)![1]!;

      it(`${name}: the DataNode's DIGEST challenge is Hadoop's, byte for byte, given Hadoop's nonce`, async () => {
        const nonce = Buffer.from(directive(challengeText, 'nonce'), 'base64');
        const server =
          name === 'encrypted'
            ? new SaslDataTransferServer({ handshake: 'encrypted', dataEncryptionKey: () => Buffer.alloc(20), random: scripted(nonce) })
            : new SaslDataTransferServer(serverOpts({ qop: ['auth-conf'], random: scripted(nonce) }));
        expect((await server.step({ kind: 'magic', value: 0xdeadbeef })).send).to.deep.equal([]);
        const first = decodeMessageBody(Buffer.from(t.client_messages[0].hex_head, 'hex').subarray(1));
        const challenge = only(frames(new HandshakeDecoder({ expectMagic: false }), (await server.step({ kind: 'message', message: first })).send));
        expect(Buffer.from(challenge.payload!).toString()).to.equal(challengeText);
        expect(server.state).to.equal(ServerState.AwaitResponse);
      });

      it(`${name}: the client's digest response has Hadoop's directives in Hadoop's order (only the password-dependent response differs)`, async () => {
        const user = directive(responseText, 'username');
        const cnonce = Buffer.from(directive(responseText, 'cnonce'), 'base64');
        let options: SaslDataTransferClientOptions;
        if (name === 'encrypted') {
          const [keyId, blockPoolId, nonce] = user.split(' ');
          options = { credentials: { kind: 'encryption-key', key: { keyId: Number(keyId), blockPoolId: blockPoolId!, nonce: Buffer.from(nonce!, 'base64'), encryptionKey: Buffer.alloc(20, 9) } }, cipherSuites: AES, random: scripted(cnonce) };
        } else {
          options = { credentials: { kind: 'block-token', token: { identifier: Buffer.from(user, 'base64'), password: Buffer.from('unknown') } }, qop: ['auth-conf'], cipherSuites: AES, random: scripted(cnonce) };
        }
        const client = new SaslDataTransferClient(options);
        const start = await client.step(undefined);
        expect(Buffer.concat(start.send.map((b) => Buffer.from(b))).toString('hex')).to.equal(t.client_first_4_bytes_hex + t.client_messages[0].hex_head);
        const reply = await client.step({ status: DataTransferEncryptorStatus.SUCCESS, payload: Buffer.from(challengeText) });
        const m = only(frames(new HandshakeDecoder({ expectMagic: false }), reply.send));
        const strip = (s: string): string => s.replace(/response=[0-9a-f]{32}/, 'response=*');
        expect(strip(Buffer.from(m.payload!).toString())).to.equal(strip(responseText));
        expect(m.cipherOptions).to.deep.equal([{ suite: 2, inKey: undefined, inIv: undefined, outKey: undefined, outIv: undefined }]);
        expect(client.state).to.equal(ClientState.AwaitFinal);
      });
    }

    it("the DataNode's last message with 3des and a 128-bit AES option has the length and head Hadoop sent", async () => {
      const ex = await exchange(new SaslDataTransferClient(clientOpts({ cipherSuites: AES })), new SaslDataTransferServer(serverOpts({ cipherSuites: AES, cipherKeyBits: 128 })));
      const last = Buffer.from(ex.s2c[ex.s2c.length - 1]!);
      expect(last.length).to.equal(2 + 164);
      expect(last.toString('hex').startsWith('a40108001228727370617574683d')).to.equal(true); // {SUCCESS, "rspauth=..."}
      const m = one(last);
      const o = m.cipherOptions![0]!;
      expect([o.inKey!.length, o.inIv!.length, o.outKey!.length, o.outIv!.length]).to.deep.equal([38, 16, 38, 16]);
    });
  });

  describe('general handshake (block token)', () => {
    for (const qop of ['auth', 'auth-int', 'auth-conf'] as const) {
      it(`negotiates ${qop} without AES`, async () => {
        const ex = await exchange(new SaslDataTransferClient(clientOpts({ qop: [qop] })), new SaslDataTransferServer(serverOpts({ qop: [qop] })));
        expect(ex.client.qop).to.equal(qop);
        expect(ex.server.qop).to.equal(qop);
        expect(ex.client.kind).to.equal(qop === 'auth' ? 'plain' : 'sasl');
        expect(ex.server.kind).to.equal(ex.client.kind);
        expect(ex.c2s).to.have.length(3); // magic, first, response
        expect(ex.s2c).to.have.length(2); // challenge, rspauth
      });
    }

    for (const bits of [128, 192, 256] as const) {
      it(`switches to AES/CTR with ${bits}-bit keys the DataNode picks; the client's in/out are the DataNode's out/in`, async () => {
        const ex = await exchange(new SaslDataTransferClient(clientOpts({ cipherSuites: AES })), new SaslDataTransferServer(serverOpts({ cipherSuites: AES, cipherKeyBits: bits })));
        expect(ex.client.kind).to.equal('aes-ctr');
        expect(ex.server.kind).to.equal('aes-ctr');
        if (ex.client.kind !== 'aes-ctr' || ex.server.kind !== 'aes-ctr') return;
        expect(ex.client.keyBits).to.equal(bits);
        expect(ex.client.encrypt.key.length).to.equal(bits / 8);
        expect(ex.client.encrypt).to.deep.equal(ex.server.decrypt);
        expect(ex.client.decrypt).to.deep.equal(ex.server.encrypt);
        expect(ex.client.encrypt.key.equals(ex.client.decrypt.key)).to.equal(false);
      });
    }

    it('generates keys and IVs in Hadoop\'s order (inKey, inIv, outKey, outIv) from the DataNode\'s randomness', async () => {
      const [inKey, inIv, outKey, outIv] = [Buffer.alloc(32, 1), Buffer.alloc(16, 2), Buffer.alloc(32, 3), Buffer.alloc(16, 4)];
      const nonce = Buffer.alloc(30, 5);
      const ex = await exchange(
        new SaslDataTransferClient(clientOpts({ cipherSuites: AES })),
        new SaslDataTransferServer(serverOpts({ cipherSuites: AES, cipherKeyBits: 256, random: scripted(nonce, inKey, inIv, outKey, outIv) })),
      );
      expect(ex.server.kind === 'aes-ctr' && ex.server.decrypt).to.deep.equal({ key: inKey, iv: inIv });
      expect(ex.server.kind === 'aes-ctr' && ex.server.encrypt).to.deep.equal({ key: outKey, iv: outIv });
      // the keys are sent wrapped, the IVs in clear
      const last = one(ex.s2c[1]!).cipherOptions![0]!;
      expect(Buffer.from(last.inIv!).equals(inIv)).to.equal(true);
      expect(Buffer.from(last.inKey!).includes(inKey)).to.equal(false);
    });

    it('takes the first QOP of the client that the DataNode offers; AES only when that is auth-conf', async () => {
      const ex = await exchange(new SaslDataTransferClient(clientOpts({ qop: ['auth-conf', 'auth-int'], cipherSuites: AES })), new SaslDataTransferServer(serverOpts({ qop: ['auth-int', 'auth'], cipherSuites: AES })));
      expect(ex.client.kind).to.equal('sasl');
      expect(ex.client.qop).to.equal('auth-int');
      // the client offered AES (its list includes auth-conf), the DataNode did not take it (auth-int)
      expect(one(ex.c2s[2]!).cipherOptions).to.have.length(1);
    });

    it('falls back to the DIGEST-MD5 layer when the DataNode has no cipher suites, and says so on hsec:datatransfer:negotiated', async () => {
      const events: DataTransferNegotiatedEvent[] = [];
      const listener = (e: unknown): void => void events.push(e as DataTransferNegotiatedEvent);
      subscribe('hsec:datatransfer:negotiated', listener);
      try {
        const ex = await exchange(new SaslDataTransferClient(clientOpts({ cipherSuites: AES })), new SaslDataTransferServer(serverOpts({})));
        expect(ex.client.kind).to.equal('sasl');
        expect(ex.server.kind).to.equal('sasl');
        if (ex.client.kind === 'sasl') expect((ex.client.layer as DigestSecurityLayer).cipher).to.equal('3des');
      } finally {
        unsubscribe('hsec:datatransfer:negotiated', listener);
      }
      expect(events.map((e) => [e.side, e.protection, e.cipherFallback])).to.deep.equal([
        ['server', 'sasl', true],
        ['client', 'sasl', true],
      ]);
      expect(JSON.stringify(events)).to.not.contain('key":');
    });

    it('offers no AES when the client has no cipher suites (the DataNode then picks none)', async () => {
      const ex = await exchange(new SaslDataTransferClient(clientOpts({})), new SaslDataTransferServer(serverOpts({ cipherSuites: AES })));
      expect(one(ex.c2s[2]!).cipherOptions).to.deep.equal([]);
      expect(ex.server.kind).to.equal('sasl');
    });

    it('a handshake secret in the first message sets the DataNode\'s QOP (the NameNode\'s choice for this client)', async () => {
      const secret = { secret: Buffer.from('auth-conf'), bpid: 'BP-1' };
      const client = new SaslDataTransferClient(clientOpts({ qop: ['auth-conf'], handshakeSecret: secret }));
      const start = await client.step(undefined);
      expect(one(start.send[1]!).handshakeSecret!.bpid).to.equal('BP-1');
      const ex = await exchange(new SaslDataTransferClient(clientOpts({ qop: ['auth-conf'], handshakeSecret: secret })), new SaslDataTransferServer(serverOpts({ qop: ['auth'] })));
      expect(ex.server.qop).to.equal('auth-conf');
      const r = await failing(new SaslDataTransferClient(clientOpts({ qop: ['auth-conf'], handshakeSecret: { secret: Buffer.from('bogus'), bpid: 'BP-1' } })), new SaslDataTransferServer(serverOpts()));
      expect(r.side).to.equal('server');
    });

    it('an empty handshake secret is not sent (Hadoop: handshakeMsg empty -> plain first message)', async () => {
      const start = await new SaslDataTransferClient(clientOpts({ handshakeSecret: { secret: new Uint8Array(0), bpid: 'BP-1' } })).step(undefined);
      expect(Buffer.from(start.send[1]!).toString('hex')).to.equal('0408001200');
    });
  });

  describe('encrypted handshake (data encryption key)', () => {
    const dek = vectors.data_encryption_key;
    const blockKey = hex(vectors.formats.legacy.secret_manager.currentKey.key_hex);
    const key = { keyId: dek.keyId, blockPoolId: dek.blockPoolId, nonce: hex(dek.nonce_hex), encryptionKey: hex(dek.encryptionKey_hex) };
    /** The DataNode's retrieveDataEncryptionKey: HmacSHA1(block key of keyId, nonce). */
    const dataNodeKeys = (name: { keyId: number; blockPoolId: string; nonce: Uint8Array }): Buffer => {
      if (name.keyId !== dek.keyId) throw new InvalidTokenError('TOKEN_UNKNOWN', `Can't re-compute encryption key for nonce, since the required block key (keyID=${name.keyId}) doesn't exist.`);
      return createHmac('sha1', blockKey).update(name.nonce).digest();
    };

    for (const suites of [AES, undefined]) {
      it(`Hadoop's DataEncryptionKey against a DataNode that re-derives it from Hadoop's block key (${suites ?? 'no AES: 3des layer'})`, async () => {
        const ex = await exchange(
          new SaslDataTransferClient({ credentials: { kind: 'encryption-key', key }, cipherSuites: suites, qop: ['auth'] /* ignored: always auth-conf */ }),
          new SaslDataTransferServer({ handshake: 'encrypted', dataEncryptionKey: dataNodeKeys, cipherSuites: suites, cipherKeyBits: 256 }),
        );
        expect(ex.client.qop).to.equal('auth-conf');
        expect(ex.client.kind).to.equal(suites ? 'aes-ctr' : 'sasl');
      });
    }

    it("uses only the key's encryptionAlgorithm as DIGEST cipher (rc4 here)", async () => {
      const ex = await exchange(new SaslDataTransferClient({ credentials: { kind: 'encryption-key', key: { ...key, encryptionAlgorithm: 'rc4' } } }), new SaslDataTransferServer({ handshake: 'encrypted', dataEncryptionKey: dataNodeKeys }));
      expect(ex.client.kind === 'sasl' && (ex.client.layer as DigestSecurityLayer).cipher).to.equal('rc4');
      throwsCode(() => new SaslDataTransferClient({ credentials: { kind: 'encryption-key', key: { ...key, encryptionAlgorithm: 'aes' } } }), 'SASL_UNSUPPORTED');
    });

    it('an unknown key id gets ERROR_UNKNOWN_KEY, which the client raises as InvalidEncryptionKeyError (refetch the key)', async () => {
      const r = await failing(new SaslDataTransferClient({ credentials: { kind: 'encryption-key', key: { ...key, keyId: 12345 } } }), new SaslDataTransferServer({ handshake: 'encrypted', dataEncryptionKey: dataNodeKeys }));
      expect(r.side).to.equal('server');
      const reply = one(r.reply!);
      expect(reply.status).to.equal(DataTransferEncryptorStatus.ERROR_UNKNOWN_KEY);
      expect(reply.message).to.contain('keyID=12345');
      expect(r.clientErr).to.be.instanceOf(InvalidEncryptionKeyError);
      expect((r.clientErr as InvalidEncryptionKeyError).code).to.equal('DATA_TRANSFER_ENCRYPTION_KEY');
      expect((r.clientErr as InvalidEncryptionKeyError).retry).to.equal('refetch-encryption-key');
      expect((r.clientErr as Error).message).to.contain('12345');
    });

    it('a wrong encryption key fails the digest check: generic ERROR, no key error', async () => {
      const r = await failing(new SaslDataTransferClient({ credentials: { kind: 'encryption-key', key: { ...key, encryptionKey: Buffer.alloc(20) } } }), new SaslDataTransferServer({ handshake: 'encrypted', dataEncryptionKey: dataNodeKeys }));
      expect(one(r.reply!).status).to.equal(DataTransferEncryptorStatus.ERROR);
      expect(r.clientErr).to.be.instanceOf(DataTransferHandshakeError);
    });

    it('a user name that is not "<keyId> <pool> <nonce>" gets a generic ERROR', async () => {
      const r = await failing(new SaslDataTransferClient({ credentials: { kind: 'encryption-key', key: { ...key, blockPoolId: 'BP 1' } } }), new SaslDataTransferServer({ handshake: 'encrypted', dataEncryptionKey: dataNodeKeys }));
      const reply = one(r.reply!);
      expect([reply.status, reply.accessTokenError]).to.deep.equal([DataTransferEncryptorStatus.ERROR, undefined]);
    });
  });

  describe('refusals and unexpected input', () => {
    it('an expired block token: ERROR with accessTokenError, raised by the client as InvalidBlockTokenError (refetch the token)', async () => {
      const expired = serverOpts({
        blockTokenPassword: () => {
          throw new InvalidTokenError('TOKEN_EXPIRED', 'Block token with block_token_identifier (expiryDate=1, keyId=7, userId=alice) is expired.');
        },
      });
      const r = await failing(new SaslDataTransferClient(clientOpts()), new SaslDataTransferServer(expired));
      const reply = one(r.reply!);
      expect([reply.status, reply.accessTokenError]).to.deep.equal([DataTransferEncryptorStatus.ERROR, true]);
      expect(reply.message).to.equal('Block token with block_token_identifier (expiryDate=1, keyId=7, userId=alice) is expired.');
      expect(r.clientErr).to.be.instanceOf(InvalidBlockTokenError);
      expect((r.clientErr as InvalidBlockTokenError).retry).to.equal('refetch-block-token');
      expect((r.clientErr as Error).message).to.contain('is expired');
    });

    it('a wrong token password fails the digest: generic ERROR, DataTransferHandshakeError on the client, no password in either message', async () => {
      const r = await failing(new SaslDataTransferClient(clientOpts({ credentials: { kind: 'block-token', token: { ...TOKEN, password: Buffer.from('forged-password') } } })), new SaslDataTransferServer(serverOpts()));
      const reply = one(r.reply!);
      expect([reply.status, reply.accessTokenError]).to.deep.equal([DataTransferEncryptorStatus.ERROR, undefined]);
      expect(r.clientErr).to.be.instanceOf(DataTransferHandshakeError);
      expect((r.clientErr as DataTransferHandshakeError).code).to.equal('DATA_TRANSFER_HANDSHAKE');
      for (const text of [reply.message!, (r.clientErr as Error).message]) {
        expect(text).to.not.contain(TOKEN.password.toString('base64'));
        expect(text).to.not.contain('forged-password');
      }
    });

    it('no common QOP fails at the client, naming the DataNode, both lists, the key and what to set; the DataNode learns why', async () => {
      const server = new SaslDataTransferServer(serverOpts({ qop: ['auth'], remoteAddress: '127.0.0.9:40000' }));
      const r = await failing(new SaslDataTransferClient(clientOpts({ qop: ['auth-conf', 'auth-int'], remoteAddress: '127.0.0.1:9866' })), server);
      expect(r.side).to.equal('client');
      const err = r.err as SaslError;
      expect(err.code).to.equal('SASL_NO_COMMON_QOP');
      expect(err.message)
        .to.contain('DataNode at 127.0.0.1:9866')
        .and.contain('client accepts [auth-conf,auth-int] (dfs.data.transfer.protection)')
        .and.contain('DataNode offers [auth]')
        .and.contain('-D dfs.data.transfer.protection=authentication')
        .and.contain('dfs.data.transfer.saslproperties.resolver.class')
        .and.not.contain('hadoop.rpc.protection');
      expect(err.details).to.include({ remoteAddress: '127.0.0.1:9866', configKey: 'dfs.data.transfer.protection' });
      const reply = one(r.reply!);
      expect(reply.status).to.equal(DataTransferEncryptorStatus.ERROR);
      expect(reply.message).to.equal(err.message);
      // The DataNode's side: the client's reason plus what this DataNode offered it.
      const refused = await rejectsCode(server.step({ kind: 'message', message: reply }), 'DATA_TRANSFER_HANDSHAKE', DataTransferHandshakeError);
      expect(refused.message).to.contain('Client 127.0.0.9:40000 aborted').and.contain('client accepts [auth-conf,auth-int]').and.contain('this DataNode offered [auth] to this client (dfs.data.transfer.protection)');
    });

    it('a client with a handshake secret is told the DataNode\'s offer is the NameNode\'s choice', async () => {
      const secret = { secret: Buffer.from('auth-int'), bpid: 'BP-1' };
      const r = await failing(new SaslDataTransferClient(clientOpts({ qop: ['auth-conf'], handshakeSecret: secret, remoteAddress: '127.0.0.1:9866' })), new SaslDataTransferServer(serverOpts()));
      const err = r.err as SaslError;
      expect(err.code).to.equal('SASL_NO_COMMON_QOP');
      expect(err.message).to.contain('DataNode offers [auth-int] (the QOP the NameNode chose for this client, sent in the block token)').and.contain('dfs.data.transfer.protection=integrity');
    });

    it('a client choosing a QOP the DataNode did not offer (a downgraded challenge) is refused by the DataNode, which tells both sides what to set', async () => {
      const client = new SaslDataTransferClient(clientOpts({ qop: ['auth'], remoteAddress: '127.0.0.1:9866' }));
      const server = new SaslDataTransferServer(serverOpts({ qop: ['auth-conf'], remoteAddress: '127.0.0.9:40000' }));
      const toServer = new HandshakeDecoder({ expectMagic: true });
      let challenge: DataTransferEncryptorMessage | undefined;
      for (const f of frames(toServer, (await client.step(undefined)).send)) {
        const sent = (await server.step(f)).send;
        if (sent.length > 0) challenge = one(sent[0]!);
      }
      const text = Buffer.from(challenge!.payload!).toString('latin1');
      expect(text).to.contain('qop="auth-conf"');
      const downgraded = { ...challenge!, payload: Buffer.from(text.replace('qop="auth-conf"', 'qop="auth"'), 'latin1') };
      const response = (await client.step(downgraded)).send;
      let refusal: unknown;
      try {
        for (const f of frames(toServer, response)) await server.step(f);
      } catch (e) {
        refusal = e;
      }
      expect(refusal).to.be.instanceOf(SaslError);
      const err = refusal as SaslError;
      expect(err.code).to.equal('SASL_NO_COMMON_QOP');
      expect(err.message)
        .to.contain('client at 127.0.0.9:40000')
        .and.contain('it chose auth, this DataNode offers [auth-conf] to this client (dfs.data.transfer.protection)')
        .and.contain('set dfs.data.transfer.protection to privacy')
        .and.contain('should include authentication');
      expect(err.details).to.deep.include({ clientQop: ['auth'], serverQop: ['auth-conf'], configKey: 'dfs.data.transfer.protection' });
      // The client gets the DataNode's reason in the ERROR reply.
      const clientErr = await rejectsCode(client.step(one(server.errorReply(err)!)), 'DATA_TRANSFER_HANDSHAKE', DataTransferHandshakeError);
      expect(clientErr.message).to.contain('DataNode 127.0.0.1:9866 failed').and.contain('this DataNode offers [auth-conf]');
    });

    it('a wrong magic number: InvalidMagicNumberError and no reply (Hadoop answers nothing)', async () => {
      const server = new SaslDataTransferServer(serverOpts({ remoteAddress: '127.0.0.1:5000' }));
      const err = await rejectsCode(server.step({ kind: 'magic', value: 0x001c5100 }), 'DATA_TRANSFER_BAD_MAGIC', InvalidMagicNumberError);
      expect(err.message).to.contain('0x001c5100').and.contain('0xdeadbeef').and.contain('127.0.0.1:5000');
      expect(server.errorReply(err)).to.equal(undefined);
      expect(server.state).to.equal(ServerState.Failed);
      await rejectsCode(server.step({ kind: 'magic', value: 0xdeadbeef }), 'SASL_STATE');
    });

    it('frames out of order are SASL_STATE errors on both sides', async () => {
      await rejectsCode(new SaslDataTransferServer(serverOpts()).step({ kind: 'message', message: { status: 0 } }), 'SASL_STATE');
      const server = new SaslDataTransferServer(serverOpts());
      await server.step({ kind: 'magic', value: 0xdeadbeef });
      await rejectsCode(server.step({ kind: 'magic', value: 0xdeadbeef }), 'SASL_STATE');
      await rejectsCode(new SaslDataTransferClient(clientOpts()).step({ status: 0 }), 'SASL_STATE');
      const client = new SaslDataTransferClient(clientOpts());
      await client.step(undefined);
      await rejectsCode(client.step(undefined), 'SASL_STATE');
      expect(client.state).to.equal(ClientState.Failed);
    });

    it('a client that aborts (ERROR status) fails the DataNode with DataTransferHandshakeError', async () => {
      const server = new SaslDataTransferServer(serverOpts());
      await server.step({ kind: 'magic', value: 0xdeadbeef });
      await rejectsCode(server.step({ kind: 'message', message: { status: DataTransferEncryptorStatus.ERROR, message: 'client gave up' } }), 'DATA_TRANSFER_HANDSHAKE', DataTransferHandshakeError);
    });

    /** Runs a handshake up to the DataNode's last message, which the test then alters. */
    async function toFinal(clientSuites: string | undefined): Promise<{ client: SaslDataTransferClient; final: DataTransferEncryptorMessage }> {
      const client = new SaslDataTransferClient(clientOpts({ cipherSuites: clientSuites }));
      const server = new SaslDataTransferServer(serverOpts({ cipherSuites: AES }));
      const toServer = new HandshakeDecoder({ expectMagic: true });
      const toClient = new HandshakeDecoder({ expectMagic: false });
      let send: readonly Uint8Array[] = (await client.step(undefined)).send;
      for (const f of frames(toServer, send)) send = (await server.step(f)).send;
      send = (await client.step(only(frames(toClient, send)))).send;
      const [response] = frames(toServer, send);
      return { client, final: only(frames(toClient, (await server.step(response!)).send)) };
    }

    it('the client refuses a forged rspauth (SASL_AUTH_FAILED)', async () => {
      const { client, final } = await toFinal(AES);
      const text = Buffer.from(final.payload!).toString();
      const forged = text.slice(0, -1) + (text.endsWith('0') ? '1' : '0');
      await rejectsCode(client.step({ ...final, payload: Buffer.from(forged) }), 'SASL_AUTH_FAILED');
    });

    it('the client refuses a tampered wrapped key (SASL_INTEGRITY)', async () => {
      const { client, final } = await toFinal(AES);
      const o = final.cipherOptions![0]!;
      const inKey = Buffer.from(o.inKey!);
      inKey[0]! ^= 0x80;
      await rejectsCode(client.step({ ...final, cipherOptions: [{ ...o, inKey }] }), 'SASL_INTEGRITY');
    });

    it('the client refuses a cipher option it did not offer', async () => {
      const offered = await toFinal(AES);
      const { client, final } = await toFinal(undefined);
      expect(final.cipherOptions).to.deep.equal([]);
      await rejectsCode(client.step({ ...final, cipherOptions: offered.final.cipherOptions }), 'DATA_TRANSFER_HANDSHAKE');
    });
  });

  it('refuses to run twice and reports its state', async () => {
    const client = new SaslDataTransferClient(clientOpts());
    const server = new SaslDataTransferServer(serverOpts());
    await exchange(client, server);
    expect(client.state).to.equal(ClientState.Complete);
    expect(server.state).to.equal(ServerState.Complete);
    await rejectsCode(client.step({ status: 0 }), 'SASL_STATE');
    await rejectsCode(server.step({ kind: 'message', message: { status: 0 } }), 'SASL_STATE');
    expect(encodeMagic()).to.have.length(4);
    expect(encodeMessage({ status: 0 })).to.deep.equal(Uint8Array.from([2, 8, 0]));
  });
});

