/**
 * The DIGEST-MD5 server state machine (RFC 2831 section 2.1; behaviour of the JDK's
 * DigestMD5Server as Hadoop's SaslRpcServer drives it for TOKEN authentication):
 *
 *   Initial --any (normally empty) response--> (send digest-challenge) AwaitResponse
 *   AwaitResponse --digest-response--> (verify, send rspauth) Complete
 *   any failure --> Failed; any step in Complete or Failed --> SASL_STATE
 *
 * Hadoop pre-computes the first challenge with an empty response and ships it inside NEGOTIATE
 * (Server.Connection.buildSaslNegotiateResponse). The password comes from
 * `passwordLookup(userName, realm)`; an InvalidTokenError (or any error) it throws becomes
 * SASL_AUTH_FAILED with the original as `cause` so the RPC layer can relay its class to the client
 * (Hadoop: Server.getTrueCause). Authorization defaults to Hadoop's rule: the authorization id must
 * equal the authentication id.
 */
import { timingSafeEqual } from 'node:crypto';
import { HsecError, SaslError } from '../../../../lib/errors/index.ts';
import type { Qop, SaslOptions, SaslSecurityLayer, SaslServer } from '../../mechanism.ts';
import { noCommonQop } from '../../qop.ts';
import { NoSecurityLayer } from '../../no-security-layer.ts';
import { notComplete, unexpectedStep } from '../../state.ts';
import { publishAuthFailure, publishNegotiated } from '../../events.ts';
import { ALL_CIPHER_NAMES, cipherSpec, type DigestCipherName } from './ciphers.ts';
import { generateNonce, MECHANISM } from './client.ts';
import { responseValue } from './digest.ts';
import { DEFAULT_MAXBUF, decodeResponse, encodeChallenge, encodeResponseAuth, type DigestResponse } from './messages.ts';
import { DigestSecurityLayer } from './security-layer.ts';

/** Returns the password characters for a user in a realm (Hadoop: Base64 of the token password). */
export type PasswordLookup = (userName: string, realm: string) => Promise<string> | string;

export interface DigestMd5ServerOptions extends SaslOptions {
  /** Service protocol (Hadoop tokens: ""). */
  readonly protocol: string;
  /** Server name (Hadoop tokens: "default"); also the default realm. */
  readonly serverName: string;
  /** Realms to offer (com.sun.security.sasl.digest.realm); default [serverName]. */
  readonly realms?: readonly string[];
  readonly passwordLookup: PasswordLookup;
  /** Authorization check; default authorizationId === authenticationId (Hadoop SaslDigestCallbackHandler). */
  readonly authorize?: (authenticationId: string, authorizationId: string) => boolean | Promise<boolean>;
  /** Ciphers offered for auth-conf; default all five, in the JDK's order. */
  readonly ciphers?: readonly DigestCipherName[];
  /** Our cap on the send buffer (javax.security.sasl.sendmaxbuffer); default the client's maxbuf. */
  readonly sendMaxBuffer?: number;
  /** Randomness for the nonce (tests inject it); default crypto.randomBytes. */
  readonly random?: (size: number) => Uint8Array;
}

export enum State {
  Initial = 'Initial',
  AwaitResponse = 'AwaitResponse',
  Complete = 'Complete',
  Failed = 'Failed',
}

export class DigestMd5Server implements SaslServer {
  readonly mechanism = MECHANISM;
  readonly #options: DigestMd5ServerOptions;
  readonly #qops: readonly Qop[];
  readonly #ciphers: readonly DigestCipherName[];
  readonly #realms: readonly string[];
  readonly #digestUri: string;
  #state = State.Initial;
  #nonce: Buffer | undefined;
  #layer: SaslSecurityLayer | undefined;
  #authenticationId: string | undefined;
  #authorizationId: string | undefined;

  constructor(options: DigestMd5ServerOptions) {
    this.#options = options;
    this.#qops = options.qop && options.qop.length > 0 ? options.qop : ['auth'];
    this.#ciphers = ALL_CIPHER_NAMES.filter((c) => (options.ciphers ?? ALL_CIPHER_NAMES).includes(c));
    this.#realms = options.realms && options.realms.length > 0 ? options.realms : [options.serverName];
    this.#digestUri = `${options.protocol}/${options.serverName}`;
  }

  get state(): State {
    return this.#state;
  }

  get isComplete(): boolean {
    return this.#state === State.Complete;
  }

  get authenticationId(): string | undefined {
    return this.#authenticationId;
  }

  get authorizationId(): string | undefined {
    return this.#authorizationId;
  }

  async step(response: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      switch (this.#state) {
        case State.Initial:
          return this.#challenge(); // an initial response (subsequent authentication) is ignored, as in the JDK
        case State.AwaitResponse:
          return await this.#verify(response);
        default:
          throw unexpectedStep(MECHANISM, 'server', this.#state, 'a client message');
      }
    } catch (err) {
      if (this.#state !== State.Complete && this.#state !== State.Failed) {
        this.#state = State.Failed;
        if (err instanceof HsecError && err.code === 'SASL_AUTH_FAILED') {
          publishAuthFailure({
            mechanism: MECHANISM, side: 'server', user: typeof err.details['user'] === 'string' ? err.details['user'] : undefined, code: err.code,
            ...(err.cause instanceof HsecError ? { reason: err.cause.code } : {}),
          });
        }
      }
      throw err;
    }
  }

  securityLayer(): SaslSecurityLayer {
    if (this.#state !== State.Complete || this.#layer === undefined) throw notComplete(MECHANISM, 'server', this.#state);
    return this.#layer;
  }

  #challenge(): Buffer {
    this.#nonce = generateNonce(this.#options.random);
    this.#state = State.AwaitResponse;
    return encodeChallenge({
      realms: this.#realms,
      nonce: this.#nonce,
      qop: this.#qops,
      maxbuf: this.#options.maxBuffer ?? DEFAULT_MAXBUF,
      utf8: true,
      ciphers: this.#qops.includes('auth-conf') ? this.#ciphers : [],
    });
  }

  async #verify(bytes: Uint8Array): Promise<Buffer> {
    const r = decodeResponse(bytes);
    this.#checkResponseShape(r);
    const cipher = this.#checkQopAndCipher(r);
    const password = await this.#lookupPassword(r);
    const authzidBytes = r.authzid === undefined ? undefined : Buffer.from(r.authzid, 'utf8');
    const input = { digestUri: r.digestUri, qop: r.qop, username: r.username, realm: r.realm, password, nonce: this.#nonce!, cnonce: r.cnonce, nonceCount: 1, authzid: authzidBytes, utf8: r.utf8 };
    const { value: expected, hA1 } = responseValue('AUTHENTICATE', input);
    if (!timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(r.response, 'latin1'))) {
      throw new SaslError('SASL_AUTH_FAILED', `DIGEST-MD5 authentication failed for user ${r.username}: the response does not match the password on record (wrong or stale token password)`, {
        mechanism: MECHANISM,
        user: r.username,
        realm: r.realm,
      });
    }
    const authzid = r.authzid ?? r.username;
    const allowed = this.#options.authorize ? await this.#options.authorize(r.username, authzid) : authzid === r.username;
    if (!allowed) {
      throw new SaslError('SASL_AUTH_FAILED', `DIGEST-MD5: ${r.username} is not authorized to act as ${authzid}`, { mechanism: MECHANISM, user: r.username, authorizationId: authzid });
    }
    const sendMax = this.#options.sendMaxBuffer && this.#options.sendMaxBuffer > 0 ? Math.min(this.#options.sendMaxBuffer, r.maxbuf) : r.maxbuf;
    this.#layer =
      r.qop === 'auth'
        ? new NoSecurityLayer(MECHANISM)
        : new DigestSecurityLayer({ side: 'server', qop: r.qop, hA1, cipher, rawSendSize: sendMax - (r.qop === 'auth-int' ? 16 : 26) });
    this.#authenticationId = r.username;
    this.#authorizationId = authzid;
    this.#state = State.Complete;
    publishNegotiated({ mechanism: MECHANISM, side: 'server', qop: r.qop, cipher, user: r.username });
    return encodeResponseAuth(responseValue('', input).value);
  }

  #checkResponseShape(r: DigestResponse): void {
    const fail = (why: string, directive: string): never => {
      throw new SaslError('SASL_BAD_RESPONSE', `Malformed DIGEST-MD5 response from ${r.username}: ${why}`, { directive, user: r.username });
    };
    if (!this.#realms.includes(r.realm)) fail(`realm "${r.realm}" is not one of [${this.#realms.join(', ')}]`, 'realm');
    if (!this.#nonce!.equals(r.nonce)) fail('nonce does not match the one in our challenge', 'nonce');
    if (r.nonceCount !== 1) fail(`nonce count ${r.nonceCount}; only initial authentication (1) is supported`, 'nc');
    if (r.digestUri.toLowerCase() !== this.#digestUri.toLowerCase()) fail(`digest-uri "${r.digestUri}", expected "${this.#digestUri}"`, 'digest-uri');
  }

  #checkQopAndCipher(r: DigestResponse): DigestCipherName | undefined {
    if (!this.#qops.includes(r.qop)) throw noCommonQop([r.qop], this.#qops);
    if (r.qop !== 'auth-conf') return undefined;
    if (r.cipher === undefined) {
      throw new SaslError('SASL_BAD_RESPONSE', `Malformed DIGEST-MD5 response from ${r.username}: qop auth-conf without a cipher`, { directive: 'cipher' });
    }
    const spec = cipherSpec(r.cipher);
    if (spec === undefined || !this.#ciphers.includes(spec.name)) {
      throw new SaslError('SASL_NO_COMMON_QOP', `DIGEST-MD5 client chose cipher "${r.cipher}", which this server does not offer [${this.#ciphers.join(',')}]`, {
        clientCiphers: [r.cipher],
        serverCiphers: [...this.#ciphers],
      });
    }
    return spec.name;
  }

  async #lookupPassword(r: DigestResponse): Promise<string> {
    try {
      return await this.#options.passwordLookup(r.username, r.realm);
    } catch (err) {
      const why = err instanceof HsecError ? `${err.code}: ${err.message}` : 'the password lookup failed';
      throw new SaslError('SASL_AUTH_FAILED', `DIGEST-MD5 authentication failed for user ${r.username}: ${why}`, { mechanism: MECHANISM, user: r.username, realm: r.realm }, { cause: err });
    }
  }
}
