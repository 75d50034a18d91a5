/**
 * The SASL package entry: the mechanism interface, QOP helpers, the mechanism registry, and the
 * built-in mechanisms (importing this module registers DIGEST-MD5; GSSAPI registers itself from
 * security/sasl/mechanisms/gssapi when that module is imported).
 */
export * from './mechanism.ts';
export * from './qop.ts';
export * from './registry.ts';
export { NoSecurityLayer } from './no-security-layer.ts';
export * from './events.ts';
export * from './state.ts';
export * from './mechanisms/digest-md5/index.ts';
