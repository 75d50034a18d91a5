/**
 * Hadoop tokens: Token and its encodings, token identifiers (delegation, block), Credentials / HDTS files,
 * master keys and HMAC passwords, the delegation-token secret manager and its stores. See
 * docs/tokens.md.
 */
export { Token, TOKEN_FIELD_MAX_LEN, type TokenProtoObject } from './token.ts';
export { trackingId, type TokenIdentifier, type TokenUser } from './token-identifier.ts';
export { decodeIdentifierOf, hasIdentifierCodec } from './identifier-codecs.ts';
export {
  DelegationTokenIdentifier, DELEGATION_TOKEN_KINDS, HDFS_DELEGATION_KIND, firstComponentShortName,
  type DelegationTokenFields, type ShortNameFn,
} from './delegation-token-identifier.ts';
export { Credentials, type CredentialsFormat } from './credentials.ts';
export { readTokenStorageFile, writeTokenStorageFile } from './credentials-file.ts';
export {
  BlockTokenIdentifier, HDFS_BLOCK_TOKEN_KIND, ACCESS_MODES, STORAGE_TYPES,
  type AccessMode, type BlockStorageType, type BlockTokenFields, type BlockTokenFormat,
} from './block-token-identifier.ts';
export { DelegationKey } from './keys/delegation-key.ts';
export { encodeExportedBlockKeys, decodeExportedBlockKeys, dummyExportedBlockKeys, type ExportedBlockKeys, type BlockKey } from './keys/exported-block-keys.ts';
export { KeyRing, type RollPlan } from './keys/key-ring.ts';
export { createPassword, generateSecret, passwordsEqual, cryptoRandom, DEFAULT_HMAC_ALGORITHM, DEFAULT_KEY_LENGTH_BITS, type RandomSource } from './keys/hmac.ts';
export {
  DelegationTokenSecretManager, SECRET_MANAGER_DEFAULTS,
  type SecretManagerOptions, type IssueRequest, type IssuedToken,
} from './secret-manager.ts';
export type { TokenStore, TokenStoreState, TokenInfo } from './store/token-store.ts';
export { TokenCache, type CachedToken, type TokenKey } from './store/token-cache.ts';
export { MemoryTokenStore } from './store/memory-token-store.ts';
export { JournalTokenStore, type JournalTokenStoreOptions, type JournalTokenStoreStats } from './store/journal/journal-token-store.ts';
export { invalidToken, accessDenied, INVALID_TOKEN_CLASS, ACCESS_CONTROL_CLASS, type InvalidTokenCode } from './token-errors.ts';
