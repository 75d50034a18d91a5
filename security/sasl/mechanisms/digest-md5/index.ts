/**
 * DIGEST-MD5 (RFC 2831) for hsec: the client and server state machines, the security layer and
 * Hadoop's token conventions. Importing this module registers the mechanism in the SASL registry.
 */
import { registerSaslMechanism } from '../../registry.ts';
import { DigestMd5Client, type DigestMd5ClientOptions } from './client.ts';
import { DigestMd5Server, type DigestMd5ServerOptions } from './server.ts';

declare module '../../registry.ts' {
  interface SaslClientOptionsMap {
    'DIGEST-MD5': DigestMd5ClientOptions;
  }
  interface SaslServerOptionsMap {
    'DIGEST-MD5': DigestMd5ServerOptions;
  }
}

registerSaslMechanism('DIGEST-MD5', {
  client: (options: DigestMd5ClientOptions) => new DigestMd5Client(options),
  server: (options: DigestMd5ServerOptions) => new DigestMd5Server(options),
});

export { DigestMd5Client, State as ClientState, type DigestMd5ClientOptions } from './client.ts';
export { DigestMd5Server, State as ServerState, type DigestMd5ServerOptions, type PasswordLookup } from './server.ts';
export { DigestSecurityLayer } from './security-layer.ts';
export { ALL_CIPHER_NAMES, cipherBackend, opensslHasRc4, type DigestCipherName, type CipherStrength } from './ciphers.ts';
export * from './hadoop-token.ts';
