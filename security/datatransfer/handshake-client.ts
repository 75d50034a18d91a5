/**
 * The client half of the data-transfer SASL handshake, as an explicit state machine over decoded
 * messages (Hadoop's SaslDataTransferClient.doSaslHandshake). Used by HDFS
 * clients and by DataNodes writing to the next DataNode of a pipeline.
 *
 *   Initial      --start--> send magic + {SUCCESS, payload empty[, handshakeSecret]}   AwaitChallenge
 *   AwaitChallenge --challenge--> send {SUCCESS, digest-response[, cipherOption AES]}   AwaitFinal
 *   AwaitFinal   --rspauth[, wrapped option]--> verify, check QOP, unwrap keys           Complete
 *   any failure  --> Failed (send errorReply(err) if the magic went out); ERROR from the
 *   DataNode becomes InvalidEncryptionKeyError / InvalidBlockTokenError / DataTransferHandshakeError
 *
 * DIGEST-MD5 runs with protocol "hdfs", server name "0" and the user name as authorization id
 * (SaslParticipant). General handshake: block-token credentials and the caller's QOP list
 * (SaslPropertiesResolver.getClientProperties). Encrypted handshake: data-encryption-key
 * credentials, QOP auth-conf, and the key's encryptionAlgorithm as the only DIGEST cipher allowed
 * (com.sun.security.sasl.digest.cipher).
 */
import { randomBytes } from 'node:crypto';
import { SaslError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import type { Qop, SaslClient } from '../sasl/mechanism.ts';
import { DigestMd5Client } from '../sasl/mechanisms/digest-md5/client.ts';
import { ALL_CIPHER_NAMES, type DigestCipherName } from '../sasl/mechanisms/digest-md5/ciphers.ts';
import { formatQopList, qopToHadoopProtection } from '../sasl/qop.ts';
import { clientCipherOptions, unwrapCipherOption, type AesCtrOption } from './cipher-option.ts';
import { buildClientPassword, buildUserName, encryptionKeyToPassword, userNameFromEncryptionKey, type BlockTokenCredentials, type DataEncryptionKeyLike } from './credentials.ts';
import { DATA_TRANSFER_PROTECTION_KEY, DATA_TRANSFER_RESOLVER_CLASS_KEY } from './config.ts';
import { DataTransferHandshakeError, InvalidBlockTokenError, InvalidEncryptionKeyError } from './errors.ts';
import { publishNegotiated } from './events.ts';
import { DataTransferEncryptorStatus, encodeMagic, encodeMessage, type DataTransferEncryptorMessage, type HandshakeSecret } from './messages.ts';
import { protectionAfterSasl, describeProtection, type DataTransferProtection } from './protection.ts';

/** SaslParticipant's fixed DIGEST-MD5 parameters. */
export const DATA_TRANSFER_SASL_PROTOCOL = 'hdfs';
export const DATA_TRANSFER_SASL_SERVER_NAME = '0';

const log = getLogger('datatransfer.sasl.client');

/** Which credentials the client authenticates with: a block token (general) or a data encryption key (encrypted). */
export type DataTransferClientCredentials =
  | { readonly kind: 'block-token'; readonly token: BlockTokenCredentials }
  | { readonly kind: 'encryption-key'; readonly key: DataEncryptionKeyLike };

export interface SaslDataTransferClientOptions {
  readonly credentials: DataTransferClientCredentials;
  /** General handshake: the QOP list for this DataNode (resolver.getClientProperties). Ignored when encrypted. */
  readonly qop?: readonly Qop[];
  /** The block token's handshakeMsg and pool id, when the NameNode put a QOP there. */
  readonly handshakeSecret?: HandshakeSecret | undefined;
  /** dfs.encrypt.data.transfer.cipher.suites of this client (AES/CTR/NoPadding or unset). */
  readonly cipherSuites?: string | undefined;
  /** The DataNode's address, for messages. */
  readonly remoteAddress?: string | undefined;
  /** Randomness for the DIGEST cnonce (tests); default node:crypto. */
  readonly random?: (size: number) => Uint8Array;
}

export enum ClientState {
  Initial = 'Initial',
  AwaitChallenge = 'AwaitChallenge',
  AwaitFinal = 'AwaitFinal',
  Complete = 'Complete',
  Failed = 'Failed',
}

/** What one step produces: bytes to write, and once complete, the protection to apply. */
export interface HandshakeStep {
  readonly send: readonly Uint8Array[];
  readonly protection?: DataTransferProtection;
}

export class SaslDataTransferClient {
  readonly #o: SaslDataTransferClientOptions;
  readonly #qop: readonly Qop[];
  readonly #sasl: SaslClient;
  readonly #handshake: 'general' | 'encrypted';
  #state = ClientState.Initial;
  #offeredCipher = false;

  constructor(options: SaslDataTransferClientOptions) {
    this.#o = options;
    const c = options.credentials;
    this.#handshake = c.kind === 'encryption-key' ? 'encrypted' : 'general';
    this.#qop = c.kind === 'encryption-key' ? ['auth-conf'] : options.qop && options.qop.length > 0 ? options.qop : ['auth'];
    const username = c.kind === 'encryption-key' ? userNameFromEncryptionKey(c.key) : buildUserName(c.token.identifier);
    const password = c.kind === 'encryption-key' ? encryptionKeyToPassword(c.key.encryptionKey) : buildClientPassword(c.token.password);
    this.#sasl = new DigestMd5Client({
      username,
      password,
      authorizationId: username,
      protocol: DATA_TRANSFER_SASL_PROTOCOL,
      serverName: DATA_TRANSFER_SASL_SERVER_NAME,
      qop: this.#qop,
      random: options.random ?? randomBytes,
      ...(c.kind === 'encryption-key' ? { ciphers: digestCiphersFor(c.key.encryptionAlgorithm) } : {}),
    });
  }

  get state(): ClientState {
    return this.#state;
  }

  /** Which handshake this client runs. */
  get handshake(): 'general' | 'encrypted' {
    return this.#handshake;
  }

  /** Pass `undefined` first (to start), then each message from the DataNode. */
  async step(message: DataTransferEncryptorMessage | undefined): Promise<HandshakeStep> {
    try {
      switch (this.#state) {
        case ClientState.Initial:
          if (message !== undefined) throw this.#unexpected('a message before the handshake started');
          return this.#start();
        case ClientState.AwaitChallenge:
          return await this.#respond(this.#expectSuccess(message));
        case ClientState.AwaitFinal:
          return await this.#finish(this.#expectSuccess(message));
        default:
          throw this.#unexpected('a message');
      }
    } catch (err) {
      this.#state = ClientState.Failed;
      if (isQopMismatch(err)) throw this.#noCommonQop(err);
      throw err;
    }
  }

  /**
   * DIGEST-MD5's SASL_NO_COMMON_QOP with what a data-transfer client can add: the DataNode, the key
   * that sets the client's list, and the values of it that would work. The DataNode's offer comes
   * from its dfs.data.transfer.protection, may depend on the client's address (its
   * dfs.data.transfer.saslproperties.resolver.class), or is the NameNode's choice carried in the
   * block token (handshake secret).
   */
  #noCommonQop(err: SaslError): SaslError {
    const client = err.details.clientQop as readonly Qop[];
    const server = err.details.serverQop as readonly Qop[];
    const remote = this.#o.remoteAddress;
    const fromSecret = this.#o.handshakeSecret !== undefined && this.#o.handshakeSecret.secret.length > 0;
    const usable = server.map((q) => qopToHadoopProtection(q)).join(' or ');
    const origin = fromSecret ? ' (the QOP the NameNode chose for this client, sent in the block token)' : ' to this client';
    return new SaslError(
      'SASL_NO_COMMON_QOP',
      `No common SASL quality of protection with the DataNode${remote ? ` at ${remote}` : ''}: client accepts [${formatQopList(client)}] (${DATA_TRANSFER_PROTECTION_KEY}), ` +
        `DataNode offers [${formatQopList(server)}]${origin}; set ${DATA_TRANSFER_PROTECTION_KEY} to ${usable} on this client (e.g. -D ${DATA_TRANSFER_PROTECTION_KEY}=${qopToHadoopProtection(server[0]!)}), ` +
        `or ask the DataNode's operator: its offer is its ${DATA_TRANSFER_PROTECTION_KEY}, or its ${DATA_TRANSFER_RESOLVER_CLASS_KEY}'s choice for this client's address`,
      { ...err.details, ...this.#where(), configKey: DATA_TRANSFER_PROTECTION_KEY },
      { cause: err },
    );
  }

  /**
   * What Hadoop's client sends when its handshake fails after the magic number went out
   * (sendGenericSaslErrorMessage): {ERROR, message}. Undefined before the magic.
   */
  errorReply(err: unknown): Uint8Array | undefined {
    if (this.#state === ClientState.Initial) return undefined;
    return encodeMessage({ status: DataTransferEncryptorStatus.ERROR, message: err instanceof Error ? err.message : String(err) });
  }

  #start(): HandshakeStep {
    const secret = this.#o.handshakeSecret;
    const first: DataTransferEncryptorMessage =
      secret && secret.secret.length > 0
        ? { status: DataTransferEncryptorStatus.SUCCESS, payload: new Uint8Array(0), handshakeSecret: secret }
        : { status: DataTransferEncryptorStatus.SUCCESS, payload: new Uint8Array(0) };
    this.#state = ClientState.AwaitChallenge;
    return { send: [encodeMagic(), encodeMessage(first)] };
  }

  async #respond(challenge: DataTransferEncryptorMessage): Promise<HandshakeStep> {
    const response = await this.#sasl.step(challenge.payload ?? new Uint8Array(0));
    if (response === undefined) throw new DataTransferHandshakeError('DIGEST-MD5 produced no response to the DataNode challenge', { ...this.#where() });
    const options = clientCipherOptions(this.#qop, this.#o.cipherSuites);
    this.#offeredCipher = options !== undefined;
    this.#state = ClientState.AwaitFinal;
    return { send: [encodeMessage({ status: DataTransferEncryptorStatus.SUCCESS, payload: response, cipherOptions: options })] };
  }

  async #finish(final: DataTransferEncryptorMessage): Promise<HandshakeStep> {
    const extra = await this.#sasl.step(final.payload ?? new Uint8Array(0));
    if (!this.#sasl.isComplete || (extra !== undefined && extra.length > 0)) {
      throw new DataTransferHandshakeError('Failed to complete SASL handshake', { ...this.#where() });
    }
    const layer = this.#sasl.securityLayer();
    if (!this.#qop.includes(layer.qop)) {
      // DataTransferSaslUtil.checkSaslComplete
      throw new SaslError(
        'SASL_NO_COMMON_QOP',
        `SASL handshake completed, but channel does not have acceptable quality of protection, requested = [${formatQopList(this.#qop)}], negotiated = ${layer.qop}`,
        { clientQop: [...this.#qop], qop: layer.qop },
      );
    }
    let option: AesCtrOption | undefined;
    const offeredBack = final.cipherOptions?.[0];
    if (layer.qop === 'auth-conf' && offeredBack !== undefined) {
      if (!this.#offeredCipher) throw new DataTransferHandshakeError('DataNode sent a cipher option this client did not offer', { ...this.#where() });
      option = unwrapCipherOption(offeredBack, layer);
    }
    const fallback = layer.qop === 'auth-conf' && this.#offeredCipher && option === undefined;
    const protection = protectionAfterSasl('client', layer, option);
    this.#state = ClientState.Complete;
    if (fallback) {
      log.debug({ remoteAddress: this.#o.remoteAddress, cipherSuites: this.#o.cipherSuites }, 'DataNode accepts none of the offered cipher suites; data is protected by the DIGEST-MD5 security layer instead');
    }
    log.debug({ remoteAddress: this.#o.remoteAddress, handshake: this.#handshake, protection: describeProtection(protection) }, 'data transfer SASL handshake complete');
    publishNegotiated({
      side: 'client',
      handshake: this.#handshake,
      qop: layer.qop,
      protection: protection.kind,
      keyBits: protection.kind === 'aes-ctr' ? protection.keyBits : undefined,
      cipherFallback: fallback,
      remoteAddress: this.#o.remoteAddress,
    });
    return { send: [], protection };
  }

  /** The DataNode's message must be SUCCESS; its errors become the typed refusals (DataTransferSaslUtil.readSaslMessage). */
  #expectSuccess(message: DataTransferEncryptorMessage | undefined): DataTransferEncryptorMessage {
    if (message === undefined) throw this.#unexpected('no message');
    const where = this.#where();
    const text = message.message ?? '';
    if (message.status === DataTransferEncryptorStatus.ERROR_UNKNOWN_KEY) {
      const c = this.#o.credentials;
      const keyId = c.kind === 'encryption-key' ? c.key.keyId : undefined;
      throw new InvalidEncryptionKeyError(
        `DataNode${where.remoteAddress ? ` ${where.remoteAddress}` : ''} cannot use data encryption key${keyId !== undefined ? ` ${keyId}` : ''}: ${text}; fetch a new data encryption key from the NameNode and retry`,
        { ...where, keyId },
      );
    }
    if (message.status === DataTransferEncryptorStatus.ERROR) {
      if (message.accessTokenError) {
        throw new InvalidBlockTokenError(`DataNode${where.remoteAddress ? ` ${where.remoteAddress}` : ''} refused the block access token: ${text}; fetch a new block token from the NameNode and retry`, where);
      }
      throw new DataTransferHandshakeError(`DataNode${where.remoteAddress ? ` ${where.remoteAddress}` : ''} failed the data transfer SASL handshake: ${text}`, where);
    }
    return message;
  }

  #where(): { remoteAddress?: string; handshake: string } {
    return { ...(this.#o.remoteAddress ? { remoteAddress: this.#o.remoteAddress } : {}), handshake: this.#handshake };
  }

  #unexpected(what: string): SaslError {
    return new SaslError('SASL_STATE', `Data transfer SASL client received ${what} in state ${this.#state}`, { state: this.#state });
  }
}

/**
 * A DIGEST-MD5 refusal because the two QOP lists share nothing (not one for want of a common
 * cipher, which carries the same code and both QOP lists).
 */
function isQopMismatch(err: unknown): err is SaslError {
  if (!(err instanceof SaslError) || err.code !== 'SASL_NO_COMMON_QOP') return false;
  const { clientQop, serverQop } = err.details;
  if (!Array.isArray(clientQop) || !Array.isArray(serverQop) || serverQop.length === 0) return false;
  return !clientQop.some((q) => serverQop.includes(q));
}

/**
 * The DIGEST ciphers an encrypted handshake may use: the data encryption key's algorithm only, or
 * all of them when it names none (the JDK's choice then: 3des first).
 */
export function digestCiphersFor(algorithm: string | undefined): readonly DigestCipherName[] {
  if (algorithm === undefined || algorithm === '') return ALL_CIPHER_NAMES;
  const name = ALL_CIPHER_NAMES.find((c) => c === algorithm);
  if (!name) {
    throw new SaslError(
      'SASL_UNSUPPORTED',
      `Data encryption key names algorithm "${algorithm}" (dfs.encrypt.data.transfer.algorithm on the NameNode); DIGEST-MD5 ciphers are ${ALL_CIPHER_NAMES.join(', ')}`,
      { algorithm, configKey: 'dfs.encrypt.data.transfer.algorithm' },
    );
  }
  return [name];
}
