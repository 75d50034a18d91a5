/**
 * The DataNode half of the data-transfer SASL handshake, as an explicit state machine over
 * decoded frames (Hadoop's SaslDataTransferServer.doSaslHandshake):
 *
 *   AwaitMagic    --0xDEADBEEF-->                                                  AwaitInitial
 *   AwaitInitial  --{SUCCESS, payload[, handshakeSecret]}--> send challenge         AwaitResponse
 *   AwaitResponse --{digest-response[, cipherOptions]}--> verify, pick AES option,
 *                   send {SUCCESS, rspauth[, option with wrapped keys]}              Complete
 *   any failure   --> Failed; errorReply(err) is what Hadoop sends: ERROR_UNKNOWN_KEY for an
 *                   unknown data encryption key, ERROR + accessTokenError for a refused block
 *                   token, ERROR otherwise, nothing for a wrong magic number
 *
 * General handshake: the user name is a block token identifier; `blockTokenPassword` (the
 * DataNode's block key lookup, BlockPoolTokenSecretManager.retrievePassword) returns its password
 * or throws InvalidTokenError (expired, unknown key). Encrypted handshake: the user name names a
 * data encryption key; `dataEncryptionKey` (retrieveDataEncryptionKey) re-derives it or throws
 * InvalidTokenError. A handshake secret in the first message replaces the QOP list with its UTF-8
 * text (the QOP the NameNode chose for this client). Any authorization id is accepted, as Hadoop's
 * SaslServerCallbackHandler does: the identity is the token, not the name.
 */
import { randomBytes } from 'node:crypto';
import { HsecError, InvalidTokenError, SaslError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import type { Qop, SaslServer } from '../sasl/mechanism.ts';
import { DigestMd5Server } from '../sasl/mechanisms/digest-md5/server.ts';
import { formatQopList, parseQopList, qopToHadoopProtection } from '../sasl/qop.ts';
import { negotiateCipherOption, wrapCipherOption, type AesCtrOption, type AesKeyBits } from './cipher-option.ts';
import { buildClientPassword, encryptionKeyToPassword, identifierFromUserName, parseEncryptionKeyUserName, type EncryptionKeyName } from './credentials.ts';
import { DATA_TRANSFER_PROTECTION_KEY, DATA_TRANSFER_RESOLVER_CLASS_KEY, ENCRYPT_DATA_TRANSFER_KEY } from './config.ts';
import { DataTransferHandshakeError, InvalidEncryptionKeyError, InvalidMagicNumberError } from './errors.ts';
import { publishNegotiated } from './events.ts';
import { DATA_TRANSFER_SASL_PROTOCOL, DATA_TRANSFER_SASL_SERVER_NAME, type HandshakeStep } from './handshake-client.ts';
import { DataTransferEncryptorStatus, encodeMessage, SASL_TRANSFER_MAGIC_NUMBER, type DataTransferEncryptorMessage, type HandshakeFrame } from './messages.ts';
import { describeProtection, protectionAfterSasl } from './protection.ts';

const log = getLogger('datatransfer.sasl.server');

/** The DataNode's block key lookup: the password of a block token identifier, or InvalidTokenError. */
export type BlockTokenPasswordLookup = (identifier: Uint8Array) => Uint8Array | Promise<Uint8Array>;
/** The DataNode's data encryption key lookup: the 20-byte key for (keyId, pool, nonce), or InvalidTokenError. */
export type DataEncryptionKeyLookup = (name: EncryptionKeyName) => Uint8Array | Promise<Uint8Array>;

export type SaslDataTransferServerOptions =
  | {
      /** General handshake (dfs.data.transfer.protection). */
      readonly handshake: 'general';
      /** QOP list for this client (resolver.getServerProperties(clientAddress)). */
      readonly qop: readonly Qop[];
      readonly blockTokenPassword: BlockTokenPasswordLookup;
      readonly cipherSuites?: string | undefined;
      readonly cipherKeyBits?: AesKeyBits;
      readonly remoteAddress?: string | undefined;
      readonly random?: (size: number) => Uint8Array;
    }
  | {
      /** Encrypted handshake (dfs.encrypt.data.transfer=true): QOP auth-conf. */
      readonly handshake: 'encrypted';
      readonly dataEncryptionKey: DataEncryptionKeyLookup;
      readonly cipherSuites?: string | undefined;
      readonly cipherKeyBits?: AesKeyBits;
      readonly remoteAddress?: string | undefined;
      readonly random?: (size: number) => Uint8Array;
    };

export enum ServerState {
  AwaitMagic = 'AwaitMagic',
  AwaitInitial = 'AwaitInitial',
  AwaitResponse = 'AwaitResponse',
  Complete = 'Complete',
  Failed = 'Failed',
}

export class SaslDataTransferServer {
  readonly #o: SaslDataTransferServerOptions;
  #state = ServerState.AwaitMagic;
  #qop: readonly Qop[];
  /** Whether #qop is the NameNode's choice from the client's handshake secret rather than this DataNode's own. */
  #qopFromSecret = false;
  #sasl: SaslServer | undefined;

  constructor(options: SaslDataTransferServerOptions) {
    this.#o = options;
    this.#qop = options.handshake === 'encrypted' ? ['auth-conf'] : options.qop.length > 0 ? options.qop : ['auth'];
  }

  get state(): ServerState {
    return this.#state;
  }

  /** Feed each decoded frame: the magic number first, then the client's messages. */
  async step(frame: HandshakeFrame): Promise<HandshakeStep> {
    try {
      switch (this.#state) {
        case ServerState.AwaitMagic:
          return this.#magic(frame);
        case ServerState.AwaitInitial:
          return await this.#initial(this.#expectMessage(frame));
        case ServerState.AwaitResponse:
          return await this.#response(this.#expectMessage(frame));
        default:
          throw this.#unexpected(frame.kind);
      }
    } catch (err) {
      this.#state = ServerState.Failed;
      throw err;
    }
  }

  /** The message Hadoop's DataNode sends when the handshake fails with `err` (undefined: send nothing). */
  errorReply(err: unknown): Uint8Array | undefined {
    if (err instanceof InvalidMagicNumberError) return undefined;
    const cause = rootCause(err);
    if (cause instanceof InvalidEncryptionKeyError) {
      return encodeMessage({ status: DataTransferEncryptorStatus.ERROR_UNKNOWN_KEY, message: cause.message });
    }
    if (cause instanceof InvalidTokenError) {
      return encodeMessage({ status: DataTransferEncryptorStatus.ERROR, message: cause.message, accessTokenError: true });
    }
    return encodeMessage({ status: DataTransferEncryptorStatus.ERROR, message: err instanceof Error ? err.message : String(err) });
  }

  #magic(frame: HandshakeFrame): HandshakeStep {
    if (frame.kind !== 'magic') throw this.#unexpected(frame.kind);
    if (frame.value !== SASL_TRANSFER_MAGIC_NUMBER) throw new InvalidMagicNumberError(frame.value, this.#o.handshake === 'encrypted', this.#o.remoteAddress);
    this.#state = ServerState.AwaitInitial;
    return { send: [] };
  }

  async #initial(first: DataTransferEncryptorMessage): Promise<HandshakeStep> {
    if (first.handshakeSecret !== undefined) {
      // The NameNode's QOP for this client, carried in the block token (SaslMessageWithHandshake).
      const text = Buffer.from(first.handshakeSecret.secret).toString('utf8');
      this.#qop = parseQopList(text);
      this.#qopFromSecret = true;
      if (this.#qop.length === 0) throw new DataTransferHandshakeError(`Handshake secret "${text}" names no SASL QOP`, this.#where());
    }
    this.#sasl = new DigestMd5Server({
      protocol: DATA_TRANSFER_SASL_PROTOCOL,
      serverName: DATA_TRANSFER_SASL_SERVER_NAME,
      qop: this.#qop,
      passwordLookup: (userName) => this.#password(userName),
      authorize: () => true,
      random: this.#o.random ?? randomBytes,
    });
    const challenge = await this.#sasl.step(first.payload ?? new Uint8Array(0));
    this.#state = ServerState.AwaitResponse;
    return { send: [encodeMessage({ status: DataTransferEncryptorStatus.SUCCESS, payload: challenge ?? new Uint8Array(0) })] };
  }

  async #response(response: DataTransferEncryptorMessage): Promise<HandshakeStep> {
    const sasl = this.#sasl!;
    let rspauth: Uint8Array | undefined;
    try {
      rspauth = await sasl.step(response.payload ?? new Uint8Array(0));
    } catch (err) {
      // DIGEST-MD5 refuses a response naming a QOP this DataNode did not offer.
      if (err instanceof SaslError && err.code === 'SASL_NO_COMMON_QOP' && Array.isArray(err.details.clientQop) && err.details.clientQop.length === 1) {
        throw this.#refusedQop(err.details.clientQop[0] as Qop, err);
      }
      throw err;
    }
    if (!sasl.isComplete) throw new DataTransferHandshakeError('Failed to complete SASL handshake', this.#where());
    const layer = sasl.securityLayer();
    // DataTransferSaslUtil.checkSaslComplete
    if (!this.#qop.includes(layer.qop)) throw this.#refusedQop(layer.qop);
    const offered = response.cipherOptions ?? [];
    let option: AesCtrOption | undefined;
    if (layer.qop === 'auth-conf') option = negotiateCipherOption(this.#o.cipherSuites, this.#o.cipherKeyBits ?? 128, offered, this.#o.random ?? randomBytes);
    const reply = encodeMessage({
      status: DataTransferEncryptorStatus.SUCCESS,
      payload: rspauth ?? new Uint8Array(0),
      cipherOptions: option ? [wrapCipherOption(option, layer)] : undefined,
    });
    const protection = protectionAfterSasl('server', layer, option);
    this.#state = ServerState.Complete;
    const fallback = layer.qop === 'auth-conf' && offered.length > 0 && option === undefined;
    if (fallback) log.debug({ remoteAddress: this.#o.remoteAddress }, 'client offered cipher suites but dfs.encrypt.data.transfer.cipher.suites is unset here; data is protected by the DIGEST-MD5 security layer instead');
    log.debug({ remoteAddress: this.#o.remoteAddress, handshake: this.#o.handshake, protection: describeProtection(protection) }, 'data transfer SASL handshake complete');
    publishNegotiated({
      side: 'server',
      handshake: this.#o.handshake,
      qop: layer.qop,
      protection: protection.kind,
      keyBits: protection.kind === 'aes-ctr' ? protection.keyBits : undefined,
      cipherFallback: fallback,
      remoteAddress: this.#o.remoteAddress,
    });
    return { send: [reply], protection };
  }

  /** The password characters for a SASL user name (SaslDataTransferServer's PasswordFunction). */
  async #password(userName: string): Promise<string> {
    const o = this.#o;
    if (o.handshake === 'general') {
      return buildClientPassword(await o.blockTokenPassword(identifierFromUserName(userName)));
    }
    const name = parseEncryptionKeyUserName(userName);
    try {
      return encryptionKeyToPassword(await o.dataEncryptionKey(name));
    } catch (err) {
      if (err instanceof InvalidTokenError && !(err instanceof InvalidEncryptionKeyError)) {
        throw new InvalidEncryptionKeyError(err.message, { keyId: name.keyId, blockPoolId: name.blockPoolId }, { cause: err });
      }
      throw err;
    }
  }

  #expectMessage(frame: HandshakeFrame): DataTransferEncryptorMessage {
    if (frame.kind !== 'message') throw this.#unexpected(frame.kind);
    const m = frame.message;
    if (m.status !== DataTransferEncryptorStatus.SUCCESS) {
      // After our challenge the client may have refused our QOP offer: say what it was.
      const offer = this.#state === ServerState.AwaitResponse && this.#o.handshake === 'general' ? ` (this DataNode offered [${formatQopList(this.#qop)}]${this.#qopSource()})` : '';
      throw new DataTransferHandshakeError(`Client${this.#o.remoteAddress ? ` ${this.#o.remoteAddress}` : ''} aborted the data transfer SASL handshake: ${m.message ?? ''}${offer}`, {
        ...this.#where(),
        ...(offer ? { serverQop: [...this.#qop] } : {}),
      });
    }
    return m;
  }

  /**
   * The client chose (or the exchange ended with) a QOP this DataNode does not offer it. The text
   * also goes back to the client in the ERROR reply, so it says what either side can set.
   */
  #refusedQop(chosen: Qop, cause?: SaslError): SaslError {
    const remote = this.#o.remoteAddress;
    const details = { ...this.#where(), clientQop: [chosen], serverQop: [...this.#qop] };
    if (this.#o.handshake === 'encrypted') {
      return new SaslError(
        'SASL_NO_COMMON_QOP',
        `The client${remote ? ` at ${remote}` : ''} chose SASL quality of protection ${chosen} in an encrypted data transfer handshake, which needs auth-conf (${ENCRYPT_DATA_TRANSFER_KEY}=true)`,
        { ...details, configKey: ENCRYPT_DATA_TRANSFER_KEY },
        cause ? { cause } : undefined,
      );
    }
    const usable = this.#qop.map((q) => qopToHadoopProtection(q)).join(' or ');
    return new SaslError(
      'SASL_NO_COMMON_QOP',
      `No common SASL quality of protection with the client${remote ? ` at ${remote}` : ''}: it chose ${chosen}, this DataNode offers [${formatQopList(this.#qop)}]${this.#qopSource()}; ` +
        `the client should set ${DATA_TRANSFER_PROTECTION_KEY} to ${usable}, or this DataNode's ${DATA_TRANSFER_PROTECTION_KEY} should include ${qopToHadoopProtection(chosen)}` +
        (this.#qopFromSecret ? '' : ` (or its ${DATA_TRANSFER_RESOLVER_CLASS_KEY} offer it for this client's address)`),
      { ...details, configKey: DATA_TRANSFER_PROTECTION_KEY },
      cause ? { cause } : undefined,
    );
  }

  /** Where this DataNode's QOP list for the client came from, for messages. */
  #qopSource(): string {
    return this.#qopFromSecret ? ', the QOP the NameNode chose for this client (handshake secret in its block token)' : ` to this client (${DATA_TRANSFER_PROTECTION_KEY})`;
  }

  #where(): { remoteAddress?: string; handshake: string } {
    return { ...(this.#o.remoteAddress ? { remoteAddress: this.#o.remoteAddress } : {}), handshake: this.#o.handshake };
  }

  #unexpected(what: string): SaslError {
    return new SaslError('SASL_STATE', `Data transfer SASL server received ${what === 'magic' ? 'a magic number' : 'a message'} in state ${this.#state}`, { state: this.#state });
  }
}

/** Follows `cause` links through HsecErrors (the SASL layer wraps the password lookup's error). */
function rootCause(err: unknown): unknown {
  let e = err;
  for (let i = 0; i < 5 && e instanceof HsecError && e.cause !== undefined && !(e instanceof InvalidTokenError); i++) e = e.cause;
  return e;
}
