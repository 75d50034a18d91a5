/**
 * DIGEST-MD5 (RFC 2831) for hsec: the client and server state machines, the security layer and
 * Hadoop's token conventions.
 */
export { DigestMd5Client, State as ClientState, type DigestMd5ClientOptions } from './client.ts';
export { DigestMd5Server, State as ServerState, type DigestMd5ServerOptions, type PasswordLookup } from './server.ts';
export { DigestSecurityLayer } from './security-layer.ts';
export { ALL_CIPHER_NAMES, cipherBackend, opensslHasRc4, type DigestCipherName, type CipherStrength } from './ciphers.ts';
export * from './hadoop-token.ts';
