/**
 * The SASL package entry: the mechanism interface, QOP helpers, the mechanism table
 * (createSaslClient / createSaslServer for DIGEST-MD5 and GSSAPI). GSSAPI's classes are exported
 * from ./mechanisms/gssapi/index.ts (their names overlap DIGEST-MD5's ClientState/ServerState).
 */
export * from './mechanism.ts';
export * from './qop.ts';
export * from './registry.ts';
export { NoSecurityLayer } from './no-security-layer.ts';
export * from './events.ts';
export * from './state.ts';
export * from './mechanisms/digest-md5/index.ts';
