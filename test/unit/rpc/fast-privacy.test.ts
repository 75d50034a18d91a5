// hsec fast privacy (docs/fast-privacy.md), the parts that need no socket: the RpcSaslProto field
// (field 1000, what stock protobuf readers skip), the key message codec, the negotiation rules, and
// the SASL state machines offering in INITIATE and accepting in SUCCESS (DIGEST-MD5 run in-process).
import { expect } from 'chai';
import { decodeSasl, encodeSasl } from '../../../lib/rpc/messages.ts';
import { SaslState, FAST_PRIVACY_KEY_MAGIC } from '../../../lib/rpc/constants.ts';
import type { RpcSaslMessage } from '../../../lib/rpc/messages.ts';
import {
  FAST_PRIVACY_SUITE,
  checkFastPrivacyAcceptance,
  decodeKeyMessage,
  encodeKeyMessage,
  fastPrivacyAcceptance,
  fastPrivacyOffer,
  KEY_MESSAGE_BYTES,
} from '../../../security/sasl/rpc/fast-privacy/index.ts';
import { SaslRpcClient } from '../../../security/sasl/rpc/sasl-rpc-client.ts';
import { SaslRpcServer, type TokenAuthority } from '../../../security/sasl/rpc/sasl-rpc-server.ts';
import { defaultTokenClient } from '../../../security/sasl/rpc/rpc-client.ts';
import { defaultTokenServer } from '../../../security/sasl/rpc/rpc-server.ts';
import type { Qop } from '../../../security/sasl/mechanism.ts';
import { expectCode } from '../../support/expect-code.ts';

const OFFER = { suites: [FAST_PRIVACY_SUITE] };

describe('fast privacy: the RpcSaslProto field', () => {
  it('travels as field 1000 (tag bytes c2 3e, length-delimited) after the standard fields, and decodes back', () => {
    const msg: RpcSaslMessage = { state: SaslState.INITIATE, token: Uint8Array.of(1, 2), auths: [{ method: 'TOKEN', mechanism: 'DIGEST-MD5', protocol: '', serverId: 'default' }], fastPrivacy: OFFER };
    const bytes = Buffer.from(encodeSasl(msg));
    const standard = Buffer.from(encodeSasl({ state: msg.state, token: msg.token!, auths: msg.auths! }));
    // A stock reader sees exactly the standard message followed by one field it does not know.
    expect(bytes.subarray(0, standard.length).equals(standard)).to.equal(true);
    const rest = bytes.subarray(standard.length);
    expect([...rest.subarray(0, 2)]).to.deep.equal([0xc2, 0x3e]); // (1000 << 3) | 2 as a varint
    expect(decodeSasl(bytes)).to.deep.equal(msg);
  });

  it('is absent unless set, so messages to stock peers are byte for byte the standard ones', () => {
    const bytes = Buffer.from(encodeSasl({ state: SaslState.SUCCESS, token: Uint8Array.of(9) }));
    expect(bytes.includes(Buffer.of(0xc2, 0x3e))).to.equal(false);
    expect(decodeSasl(bytes)).to.not.have.property('fastPrivacy');
  });
});

describe('fast privacy: the key message', () => {
  const psk = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

  it('is HSFP | version 1 | suite 1 | 32-byte key, and decodes to a copy of the key', () => {
    const m = encodeKeyMessage(psk);
    expect(m.length).to.equal(KEY_MESSAGE_BYTES);
    expect([...m.subarray(0, 6)]).to.deep.equal([...FAST_PRIVACY_KEY_MAGIC, 1, 1]);
    const key = decodeKeyMessage(m);
    expect(Buffer.from(key).equals(Buffer.from(psk))).to.equal(true);
    m.fill(0);
    expect(key[0]).to.equal(1); // not a view of the message the caller wipes
  });

  it('refuses anything else with SASL_STATE naming what is wrong', () => {
    const good = encodeKeyMessage(psk);
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['data instead of a key', Uint8Array.of(0, 0, 0, 10, 1, 2, 3), /does not start with HSFP/],
      ['short', good.subarray(0, 20), /has 20 bytes/],
      ['long', Uint8Array.from([...good, 0]), /has 39 bytes/],
      ['version', Uint8Array.from(good).fill(2, 4, 5), /version 2/],
      ['suite', Uint8Array.from(good).fill(7, 5, 6), /suite 7/],
    ];
    for (const [what, bytes, message] of cases) {
      const err = expectCode(() => decodeKeyMessage(bytes), 'SASL_STATE');
      expect(err.message, what).to.match(message);
    }
    expect(() => encodeKeyMessage(new Uint8Array(16))).to.throw(RangeError);
  });
});

describe('fast privacy: negotiation rules', () => {
  it('the client offers only when enabled and its QOP list allows auth-conf', () => {
    expect(fastPrivacyOffer(true, ['auth-conf'])).to.deep.equal(OFFER);
    expect(fastPrivacyOffer(true, ['auth', 'auth-conf'])).to.deep.equal(OFFER);
    expect(fastPrivacyOffer(true, ['auth', 'auth-int'])).to.equal(undefined);
    expect(fastPrivacyOffer(false, ['auth-conf'])).to.equal(undefined);
  });

  it('the server accepts only when enabled, offered the suite, and the negotiated QOP is auth-conf', () => {
    expect(fastPrivacyAcceptance(true, OFFER, 'auth-conf')).to.deep.equal(OFFER);
    expect(fastPrivacyAcceptance(true, OFFER, 'auth-int')).to.equal(undefined);
    expect(fastPrivacyAcceptance(true, undefined, 'auth-conf')).to.equal(undefined);
    expect(fastPrivacyAcceptance(true, { suites: ['SOMETHING-ELSE'] }, 'auth-conf')).to.equal(undefined);
    expect(fastPrivacyAcceptance(false, OFFER, 'auth-conf')).to.equal(undefined);
  });

  it('the client switches on a matching acceptance, stays standard without one, and refuses any other', () => {
    expect(checkFastPrivacyAcceptance(OFFER, OFFER, 'auth-conf')).to.equal(true);
    expect(checkFastPrivacyAcceptance(OFFER, undefined, 'auth-conf')).to.equal(false);
    expect(checkFastPrivacyAcceptance(undefined, undefined, 'auth-int')).to.equal(false);
    expect(expectCode(() => checkFastPrivacyAcceptance(undefined, OFFER, 'auth-conf'), 'SASL_STATE').message).to.match(/did not offer/);
    expect(expectCode(() => checkFastPrivacyAcceptance(OFFER, OFFER, 'auth-int'), 'SASL_STATE').message).to.match(/QOP is auth-int/);
    expect(expectCode(() => checkFastPrivacyAcceptance(OFFER, { suites: ['X'] }, 'auth-conf'), 'SASL_STATE').message).to.match(/not exactly one of the offered/);
    expect(expectCode(() => checkFastPrivacyAcceptance(OFFER, { suites: [FAST_PRIVACY_SUITE, FAST_PRIVACY_SUITE] }, 'auth-conf'), 'SASL_STATE').message).to.match(/not exactly one/);
  });
});

describe('fast privacy: the SASL state machines (TOKEN / DIGEST-MD5 in-process)', () => {
  const identifier = Buffer.from('owner-identifier');
  const password = Buffer.from('token-password');
  const token = { identifier, password, kind: 'HDFS_DELEGATION_TOKEN', service: '127.0.0.1:8020' };
  const authority: TokenAuthority = { retrievePassword: () => password, identify: () => ({ user: 'alice@EXAMPLE.TEST' }) };

  async function run(clientQop: Qop[], serverQop: Qop[], clientFast: boolean, serverFast: boolean, tamper: (m: RpcSaslMessage) => RpcSaslMessage = (m) => m) {
    const c = new SaslRpcClient({ server: { host: '127.0.0.1', port: 8020 }, qop: clientQop, tokens: [token], createTokenClient: defaultTokenClient, fastPrivacy: clientFast });
    const s = new SaslRpcServer({ authentication: 'simple', qop: serverQop, tokenAuthority: authority, createTokenServer: defaultTokenServer, fastPrivacy: serverFast });
    const sent: RpcSaslMessage[] = [];
    let toServer: RpcSaslMessage | undefined = c.initial();
    let server;
    for (let i = 0; i < 6 && toServer; i++) {
      sent.push(toServer);
      const r = await s.step(toServer);
      if (r.done) server = r.result;
      const reply = tamper(r.reply!);
      sent.push(reply);
      const next = await c.step(reply);
      toServer = next.reply;
      if (next.done) break;
    }
    return { sent, client: c.result(), server: server! };
  }

  it('offer in INITIATE, acceptance in SUCCESS, a switch on both sides when both allow auth-conf', async () => {
    const { sent, client, server } = await run(['auth-conf'], ['auth-conf'], true, true);
    expect(sent.map((m) => m.state)).to.deep.equal([SaslState.NEGOTIATE, SaslState.NEGOTIATE, SaslState.INITIATE, SaslState.SUCCESS]);
    expect(sent[2]!.fastPrivacy).to.deep.equal(OFFER);
    expect(sent[3]!.fastPrivacy).to.deep.equal(OFFER);
    expect(sent[0]!.fastPrivacy).to.equal(undefined); // NEGOTIATE carries nothing extra
    expect(client.qop).to.equal('auth-conf');
    expect(client.layerSwitch?.keyMessage.length).to.equal(KEY_MESSAGE_BYTES);
    expect(server.layerSwitch).to.not.equal(undefined);
    expect(client.securityLayer).to.not.equal(undefined); // the key message still needs the SASL layer
  });

  it('stays on standard wrapping when either side has it off, or the QOP is not auth-conf', async () => {
    for (const [cq, sq, cf, sf] of [
      [['auth-conf'], ['auth-conf'], false, true],
      [['auth-conf'], ['auth-conf'], true, false],
      [['auth-int', 'auth-conf'], ['auth-int'], true, true],
    ] as const) {
      const { sent, client, server } = await run([...cq], [...sq], cf, sf);
      expect(client.layerSwitch, `${cq} ${sq} ${cf} ${sf}`).to.equal(undefined);
      expect(server.layerSwitch).to.equal(undefined);
      expect(sent.at(-1)!.fastPrivacy).to.equal(undefined);
    }
  });

  it('a stripped acceptance leaves the client standard (the server then refuses its frames); an injected one is refused', async () => {
    const stripped = await run(['auth-conf'], ['auth-conf'], true, true, (m) => ({ ...m, fastPrivacy: undefined }));
    expect(stripped.client.layerSwitch).to.equal(undefined);
    expect(stripped.server.layerSwitch).to.not.equal(undefined); // its first WRAP must be a key message: decodeKeyMessage refuses data
    let err: unknown;
    try {
      await run(['auth-conf'], ['auth-conf'], false, true, (m) => (m.state === SaslState.SUCCESS ? { ...m, fastPrivacy: OFFER } : m));
    } catch (e) {
      err = e;
    }
    expect(err).to.have.property('code', 'SASL_STATE');
    expect((err as Error).message).to.match(/did not offer/);
  });
});
