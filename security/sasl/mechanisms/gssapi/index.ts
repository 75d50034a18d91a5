/**
 * GSSAPI (RFC 4752) over our Kerberos V5 GSS mechanism (RFC 4121): the client and server state
 * machines and the security layer.
 */
export { GssapiClient, State as ClientState, MECHANISM, type GssapiClientOptions, type ServiceTicketSource } from './client.ts';
export { GssapiServer, State as ServerState, type GssapiServerOptions } from './server.ts';
export { GssSaslSecurityLayer } from './security-layer.ts';
export * from './layer-message.ts';
