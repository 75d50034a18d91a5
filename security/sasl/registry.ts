/**
 * The SASL mechanisms hsec has, as one explicit map from mechanism name (as IANA spells it) to its
 * client and server factories, after the mongodb driver's provider map (the JDK equivalent is
 * Sasl.createSaslClient / createSaslServer over the installed providers). Nothing registers itself
 * on import: what a process can negotiate is this table. Options are typed per mechanism from the
 * factories' parameters.
 */
import { SaslError } from '../../lib/errors/index.ts';
import type { SaslClient, SaslServer } from './mechanism.ts';
import { DigestMd5Client, type DigestMd5ClientOptions } from './mechanisms/digest-md5/client.ts';
import { DigestMd5Server, type DigestMd5ServerOptions } from './mechanisms/digest-md5/server.ts';
import { GssapiClient, type GssapiClientOptions } from './mechanisms/gssapi/client.ts';
import { GssapiServer, type GssapiServerOptions } from './mechanisms/gssapi/server.ts';

/** Every mechanism: DIGEST-MD5 (RFC 2831, Hadoop's TOKEN) and GSSAPI (RFC 4752, Hadoop's KERBEROS). */
export const SASL_MECHANISMS = {
  'DIGEST-MD5': {
    client: (options: DigestMd5ClientOptions): SaslClient => new DigestMd5Client(options),
    server: (options: DigestMd5ServerOptions): SaslServer => new DigestMd5Server(options),
  },
  GSSAPI: {
    client: (options: GssapiClientOptions): SaslClient => new GssapiClient(options),
    server: (options: GssapiServerOptions): SaslServer => new GssapiServer(options),
  },
} as const;

export type SaslMechanismName = keyof typeof SASL_MECHANISMS;
export type SaslClientOptionsFor<M extends SaslMechanismName> = Parameters<(typeof SASL_MECHANISMS)[M]['client']>[0];
export type SaslServerOptionsFor<M extends SaslMechanismName> = Parameters<(typeof SASL_MECHANISMS)[M]['server']>[0];

function lookup(mechanism: string, side: 'client' | 'server'): (options: never) => SaslClient | SaslServer {
  const entry = (SASL_MECHANISMS as Record<string, (typeof SASL_MECHANISMS)[SaslMechanismName]>)[mechanism.toUpperCase()];
  if (!entry) {
    const known = Object.keys(SASL_MECHANISMS);
    throw new SaslError('SASL_UNSUPPORTED', `No SASL ${side} for mechanism ${mechanism}; hsec has [${known.join(', ')}]`, { mechanism, side, registered: known });
  }
  return entry[side] as (options: never) => SaslClient | SaslServer;
}

/** Creates a client for `mechanism`; SASL_UNSUPPORTED for a mechanism hsec does not have. */
export function createSaslClient<M extends SaslMechanismName>(mechanism: M, options: SaslClientOptionsFor<M>): SaslClient {
  return (lookup(mechanism, 'client') as (o: SaslClientOptionsFor<M>) => SaslClient)(options);
}

/** Creates a server for `mechanism`; SASL_UNSUPPORTED for a mechanism hsec does not have. */
export function createSaslServer<M extends SaslMechanismName>(mechanism: M, options: SaslServerOptionsFor<M>): SaslServer {
  return (lookup(mechanism, 'server') as (o: SaslServerOptionsFor<M>) => SaslServer)(options);
}
