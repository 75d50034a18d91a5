/**
 * Typed errors of the data-transfer SASL handshake, after Hadoop's exceptions and
 * DataTransferEncryptorStatus replies: InvalidEncryptionKeyException (the DataNode cannot re-derive
 * the data encryption key: the client must fetch a new one from the NameNode and retry),
 * InvalidBlockTokenException (the block token was refused: the client must fetch a new one),
 * InvalidMagicNumberException (the peer does not speak the SASL handshake) and a peer's generic
 * ERROR. Each says what to do; none carries a key, password or token byte.
 */
import { InvalidTokenError, ProtocolError, SaslError, type ErrorDetails } from '../../lib/errors/index.ts';
import { SASL_TRANSFER_MAGIC_NUMBER } from './messages.ts';

/** What a client should do about a refusal: the label a retry loop switches on. */
export type DataTransferRetry = 'refetch-encryption-key' | 'refetch-block-token';

/** Hadoop's InvalidEncryptionKeyException: ERROR_UNKNOWN_KEY on the wire. */
export class InvalidEncryptionKeyError extends InvalidTokenError {
  readonly retry: DataTransferRetry = 'refetch-encryption-key';

  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('DATA_TRANSFER_ENCRYPTION_KEY', message, details, options);
  }
}

/** Hadoop's InvalidBlockTokenException: ERROR with accessTokenError = true on the wire. */
export class InvalidBlockTokenError extends InvalidTokenError {
  readonly retry: DataTransferRetry = 'refetch-block-token';

  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('DATA_TRANSFER_BLOCK_TOKEN', message, details, options);
  }
}

/** Hadoop's InvalidMagicNumberException: the first 4 bytes were not 0xDEADBEEF. */
export class InvalidMagicNumberError extends ProtocolError {
  constructor(received: number, encrypted: boolean, remoteAddress?: string) {
    const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
    const from = remoteAddress ? ` from ${remoteAddress}` : '';
    const what = encrypted ? 'encryption handshake (dfs.encrypt.data.transfer=true)' : 'SASL data transfer protection handshake (dfs.data.transfer.protection)';
    super(
      'DATA_TRANSFER_BAD_MAGIC',
      `Received ${hex(received)} instead of ${hex(SASL_TRANSFER_MAGIC_NUMBER)}${from}: the client did not start the ${what}; ` +
        'configure the client with the same dfs.encrypt.data.transfer / dfs.data.transfer.protection as the DataNode, or it runs a Hadoop without SASL on data transfer',
      { received: hex(received), encrypted, remoteAddress },
    );
  }
}

/** The peer answered ERROR (or sent a message this side cannot use) during the handshake. */
export class DataTransferHandshakeError extends SaslError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('DATA_TRANSFER_HANDSHAKE', message, details, options);
  }
}
