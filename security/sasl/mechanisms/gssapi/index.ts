/**
 * GSSAPI (RFC 4752) over our Kerberos V5 GSS mechanism (RFC 4121): the client and server state
 * machines and the security layer. Importing this module registers the mechanism in the SASL
 * registry under "GSSAPI".
 */
import { registerSaslMechanism } from '../../registry.ts';
import { GssapiClient, type GssapiClientOptions } from './client.ts';
import { GssapiServer, type GssapiServerOptions } from './server.ts';

declare module '../../registry.ts' {
  interface SaslClientOptionsMap {
    GSSAPI: GssapiClientOptions;
  }
  interface SaslServerOptionsMap {
    GSSAPI: GssapiServerOptions;
  }
}

registerSaslMechanism('GSSAPI', {
  client: (options: GssapiClientOptions) => new GssapiClient(options),
  server: (options: GssapiServerOptions) => new GssapiServer(options),
});

export { GssapiClient, State as ClientState, MECHANISM, type GssapiClientOptions, type ServiceTicketSource } from './client.ts';
export { GssapiServer, State as ServerState, type GssapiServerOptions } from './server.ts';
export { GssSaslSecurityLayer } from './security-layer.ts';
export * from './layer-message.ts';
