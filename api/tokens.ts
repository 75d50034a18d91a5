/**
 * `hsec/tokens`: Hadoop tokens in Hadoop's byte formats: Token (and its URL-safe string form),
 * delegation-token identifiers, Credentials and token storage files (HDTS, both versions, written
 * 0600), renewal and cancellation at the issuing service. See docs/tokens.md.
 */
export { Token } from '../security/token/token.ts';
export { DelegationTokenIdentifier, HDFS_DELEGATION_KIND, type DelegationTokenFields } from '../security/token/delegation-token-identifier.ts';
export type { TokenIdentifier } from '../security/token/token-identifier.ts';
export { Credentials, type CredentialsFormat } from '../security/token/credentials.ts';
export { readTokenStorageFile, writeTokenStorageFile } from '../security/token/credentials-file.ts';
export { renewToken, cancelToken, isManaged, serviceAddress } from '../cluster/client/token-renewer.ts';
