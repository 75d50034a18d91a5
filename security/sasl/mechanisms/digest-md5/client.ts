/**
 * The DIGEST-MD5 client state machine (RFC 2831 section 2.1; behaviour of the JDK's
 * DigestMD5Client, which Hadoop's SaslRpcClient drives for TOKEN authentication):
 *
 *   AwaitChallenge --digest-challenge--> (send digest-response) AwaitResponseAuth
 *   AwaitResponseAuth --rspauth--> (verify) Complete
 *   any failure --> Failed; any step in Complete or Failed --> SASL_STATE
 *
 * QOP: the first of our preference list that the server offers (SASL_NO_COMMON_QOP otherwise);
 * cipher: strongest first, JDK order (./ciphers.ts); rawSendSize = min(sendMaxBuffer, server
 * maxbuf) - 16 for auth-int, - 26 for auth-conf (JDK). The realm is the one the server offered
 * (Hadoop's client realm callback takes the default); with several, `realm` or the first.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { SaslError } from '../../../../lib/errors/index.ts';
import type { SaslClient, SaslOptions, SaslSecurityLayer, Qop } from '../../mechanism.ts';
import { chooseQop } from '../../qop.ts';
import { NoSecurityLayer } from '../../no-security-layer.ts';
import { notComplete, unexpectedStep } from '../../state.ts';
import { publishNegotiated } from '../../events.ts';
import { ALL_CIPHER_NAMES, DEFAULT_STRENGTHS, chooseCipher, type CipherStrength, type DigestCipherName } from './ciphers.ts';
import { responseValue, type ResponseValueInput } from './digest.ts';
import { DEFAULT_MAXBUF, decodeChallenge, decodeResponseAuth, encodeResponse } from './messages.ts';
import { DigestSecurityLayer } from './security-layer.ts';

export const MECHANISM = 'DIGEST-MD5';

export interface DigestMd5ClientOptions extends SaslOptions {
  /** Authentication id (Hadoop: Base64 of the token identifier). */
  readonly username: string;
  /** Password characters (Hadoop: Base64 of the token password). Never logged. */
  readonly password: string;
  /** Authorization id to request; Hadoop sends none. */
  readonly authorizationId?: string;
  /** Service protocol (Hadoop tokens: ""); digest-uri = protocol + "/" + serverName. */
  readonly protocol: string;
  /** Server name (Hadoop tokens: "default"). */
  readonly serverName: string;
  /** Realm to pick when the server offers several; default the first offered. */
  readonly realm?: string;
  /** Ciphers we accept for auth-conf; default all five. */
  readonly ciphers?: readonly DigestCipherName[];
  /** Cipher strength preference (javax.security.sasl.strength); default high, medium, low. */
  readonly strength?: readonly CipherStrength[];
  /** Our cap on the send buffer (javax.security.sasl.sendmaxbuffer); default the server's maxbuf. */
  readonly sendMaxBuffer?: number;
  /** Randomness for the cnonce (tests inject it); default crypto.randomBytes. */
  readonly random?: (size: number) => Uint8Array;
}

export enum State {
  AwaitChallenge = 'AwaitChallenge',
  AwaitResponseAuth = 'AwaitResponseAuth',
  Complete = 'Complete',
  Failed = 'Failed',
}

/** 30 random bytes in standard Base64 = 40 characters, the JDK's nonce/cnonce shape. */
export function generateNonce(random: (size: number) => Uint8Array = randomBytes): Buffer {
  return Buffer.from(Buffer.from(random(30)).toString('base64'), 'latin1');
}

export class DigestMd5Client implements SaslClient {
  readonly mechanism = MECHANISM;
  readonly hasInitialResponse = false;
  readonly #options: DigestMd5ClientOptions;
  readonly #qopPrefs: readonly Qop[];
  #state = State.AwaitChallenge;
  #expectedRspauth: Buffer | undefined;
  #pendingLayer: (() => SaslSecurityLayer) | undefined;
  #layer: SaslSecurityLayer | undefined;

  constructor(options: DigestMd5ClientOptions) {
    this.#options = options;
    this.#qopPrefs = options.qop && options.qop.length > 0 ? options.qop : ['auth'];
  }

  get state(): State {
    return this.#state;
  }

  get isComplete(): boolean {
    return this.#state === State.Complete;
  }

  async step(challenge: Uint8Array | undefined): Promise<Uint8Array | undefined> {
    try {
      switch (this.#state) {
        case State.AwaitChallenge:
          if (challenge === undefined || challenge.length === 0) return undefined; // no initial response
          return this.#respond(challenge);
        case State.AwaitResponseAuth:
          this.#verifyResponseAuth(challenge ?? new Uint8Array(0));
          return undefined;
        default:
          throw unexpectedStep(MECHANISM, 'client', this.#state, 'a server message');
      }
    } catch (err) {
      if (this.#state !== State.Complete) this.#state = State.Failed;
      throw err;
    }
  }

  securityLayer(): SaslSecurityLayer {
    if (this.#state !== State.Complete || this.#layer === undefined) throw notComplete(MECHANISM, 'client', this.#state);
    return this.#layer;
  }

  #respond(challengeBytes: Uint8Array): Buffer {
    const o = this.#options;
    const challenge = decodeChallenge(challengeBytes);
    const qop = chooseQop(this.#qopPrefs, challenge.qop);
    let cipher: DigestCipherName | undefined;
    if (qop === 'auth-conf') {
      if (challenge.ciphers.length === 0) throw new SaslError('SASL_BAD_CHALLENGE', 'Malformed DIGEST-MD5 challenge: auth-conf offered without a cipher directive');
      cipher = chooseCipher(challenge.ciphers, o.ciphers ?? ALL_CIPHER_NAMES, o.strength ?? DEFAULT_STRENGTHS);
      if (cipher === undefined) {
        throw new SaslError(
          'SASL_NO_COMMON_QOP',
          `DIGEST-MD5 auth-conf: no common cipher: server offers [${challenge.ciphers.join(',')}], client accepts [${(o.ciphers ?? ALL_CIPHER_NAMES).join(',')}]`,
          { serverCiphers: challenge.ciphers, clientCiphers: [...(o.ciphers ?? ALL_CIPHER_NAMES)], clientQop: [...this.#qopPrefs], serverQop: [...challenge.qop] },
        );
      }
    }
    const realm = challenge.realms.length === 0 ? '' : o.realm !== undefined && challenge.realms.includes(o.realm) ? o.realm : challenge.realms[0]!;
    const cnonce = generateNonce(o.random);
    const input: ResponseValueInput = {
      digestUri: `${o.protocol}/${o.serverName}`,
      qop,
      username: o.username,
      realm,
      password: o.password,
      nonce: challenge.nonce,
      cnonce,
      nonceCount: 1,
      authzid: o.authorizationId === undefined ? undefined : Buffer.from(o.authorizationId, 'utf8'),
      utf8: challenge.utf8,
    };
    const { value, hA1 } = responseValue('AUTHENTICATE', input);
    this.#expectedRspauth = Buffer.from(responseValue('', input).value, 'latin1');
    const sendMax = o.sendMaxBuffer && o.sendMaxBuffer > 0 ? Math.min(o.sendMaxBuffer, challenge.maxbuf) : challenge.maxbuf;
    this.#pendingLayer =
      qop === 'auth'
        ? () => new NoSecurityLayer(MECHANISM)
        : () => new DigestSecurityLayer({ side: 'client', qop, hA1, cipher, rawSendSize: sendMax - (qop === 'auth-int' ? 16 : 26) });
    this.#state = State.AwaitResponseAuth;
    return encodeResponse({
      utf8: challenge.utf8,
      username: o.username,
      realm,
      nonce: challenge.nonce,
      nonceCount: 1,
      cnonce,
      digestUri: input.digestUri,
      maxbuf: o.maxBuffer ?? DEFAULT_MAXBUF,
      response: value,
      qop,
      cipher,
      authzid: o.authorizationId,
    });
  }

  #verifyResponseAuth(message: Uint8Array): void {
    const got = Buffer.from(decodeResponseAuth(message), 'latin1');
    const expected = this.#expectedRspauth!;
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
      throw new SaslError(
        'SASL_AUTH_FAILED',
        `DIGEST-MD5 server failed mutual authentication for user ${this.#options.username}: its rspauth does not match; ` +
          'the server does not know this token password (wrong server, or a forged reply)',
        { mechanism: MECHANISM, user: this.#options.username },
      );
    }
    this.#layer = this.#pendingLayer!();
    this.#state = State.Complete;
    const cipher = this.#layer instanceof DigestSecurityLayer ? this.#layer.cipher : undefined;
    publishNegotiated({ mechanism: MECHANISM, side: 'client', qop: this.#layer.qop, cipher, user: this.#options.username });
  }
}

