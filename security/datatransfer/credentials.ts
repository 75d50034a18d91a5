/**
 * The DIGEST-MD5 credentials of the two data-transfer handshakes (Hadoop's
 * SaslDataTransferClient.buildUserName / buildClientPassword / getUserNameFromEncryptionKey,
 * DataTransferSaslUtil.encryptionKeyToPassword, SaslDataTransferServer.getEncryptionKeyFromUserName):
 *
 *   general    user name = Base64(block token identifier bytes), password = Base64(token password)
 *   encrypted  user name = "<keyId> <blockPoolId> <Base64(nonce)>", password = Base64(encryptionKey)
 *
 * Base64 is the standard padded alphabet without line breaks. The DataNode reverses the user name
 * to find the password: the identifier (its block key recomputes the HMAC) or the key id, pool and
 * nonce (its block key recomputes the data encryption key).
 */
import { ProtocolError } from '../../lib/errors/index.ts';
import { decodeBase64, encodeBase64 } from '../../lib/codec/base64.ts';

/** DataTransferSaslUtil.NAME_DELIMITER. */
export const NAME_DELIMITER = ' ';

/** What the handshake needs of a Token<BlockTokenIdentifier>: its raw identifier and password bytes. */
export interface BlockTokenCredentials {
  readonly identifier: Uint8Array;
  readonly password: Uint8Array;
}

/**
 * What the handshake needs of Hadoop's DataEncryptionKey (DataEncryptionKeyProto), as the NameNode's
 * getDataEncryptionKey returns it. encryptionAlgorithm is dfs.encrypt.data.transfer.algorithm on
 * the NameNode (a DIGEST-MD5 cipher: 3des, rc4); unset = the SASL default.
 */
export interface DataEncryptionKeyLike {
  readonly keyId: number;
  readonly blockPoolId: string;
  readonly nonce: Uint8Array;
  readonly encryptionKey: Uint8Array;
  readonly encryptionAlgorithm?: string | undefined;
}

/** General handshake user name (SaslDataTransferClient.buildUserName). */
export function buildUserName(identifier: Uint8Array): string {
  return encodeBase64(identifier);
}

/** General handshake password characters (buildClientPassword; the DataNode's buildServerPassword). */
export function buildClientPassword(tokenPassword: Uint8Array): string {
  return encodeBase64(tokenPassword);
}

/** The block token identifier bytes a general-handshake user name carries. */
export function identifierFromUserName(userName: string): Uint8Array {
  const identifier = decodeBase64(userName);
  if (identifier.length === 0) {
    throw new ProtocolError('PROTOCOL_MALFORMED', 'Data transfer SASL user name is not a Base64 block token identifier', { what: 'block token user name' });
  }
  return identifier;
}

/** Encrypted handshake user name (getUserNameFromEncryptionKey). */
export function userNameFromEncryptionKey(key: DataEncryptionKeyLike): string {
  return [String(key.keyId), key.blockPoolId, encodeBase64(key.nonce)].join(NAME_DELIMITER);
}

/** Encrypted handshake password characters (encryptionKeyToPassword). */
export function encryptionKeyToPassword(encryptionKey: Uint8Array): string {
  return encodeBase64(encryptionKey);
}

/** The parts of an encrypted-handshake user name. */
export interface EncryptionKeyName {
  readonly keyId: number;
  readonly blockPoolId: string;
  readonly nonce: Uint8Array;
}

/**
 * Splits an encrypted-handshake user name as the DataNode does (getEncryptionKeyFromUserName):
 * exactly three parts on single spaces (Java's split drops trailing empty parts), a decimal Java
 * int key id, the pool id, the Base64 nonce. Anything else is PROTOCOL_MALFORMED.
 */
export function parseEncryptionKeyUserName(userName: string): EncryptionKeyName {
  const parts = userName.split(NAME_DELIMITER);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length !== 3) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `Provided name '${userName}' has ${parts.length} components instead of the expected 3.`, { what: 'data encryption key user name' });
  }
  const [id, blockPoolId, nonce] = parts as [string, string, string];
  const keyId = /^[+-]?\d{1,10}$/.test(id) ? Number(id) : Number.NaN;
  if (!Number.isInteger(keyId) || keyId < -(2 ** 31) || keyId >= 2 ** 31) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `Data encryption key id "${id}" in the SASL user name is not a 32-bit integer`, { what: 'data encryption key user name' });
  }
  return { keyId, blockPoolId, nonce: decodeBase64(nonce) };
}
