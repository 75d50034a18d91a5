/**
 * The registry from SASL mechanism name to client and server factories (the model is the mongodb
 * driver's auth provider map; the JDK equivalent is Sasl.createSaslClient/createSaslServer over the
 * installed providers). Each mechanism registers itself once; callers create instances by name.
 * Options are typed per mechanism through declaration merging: a mechanism module adds
 *
 *   declare module '<path>/security/sasl/registry.ts' {
 *     interface SaslClientOptionsMap { 'GSSAPI': GssapiClientOptions }
 *     interface SaslServerOptionsMap { 'GSSAPI': GssapiServerOptions }
 *   }
 *
 * and calls `registerSaslMechanism('GSSAPI', { client, server })`.
 */
import { SaslError } from '../../lib/errors/index.ts';
import type { SaslClient, SaslServer } from './mechanism.ts';

/** Mechanism name -> client options type. Mechanisms extend this interface. */
export interface SaslClientOptionsMap {}
/** Mechanism name -> server options type. Mechanisms extend this interface. */
export interface SaslServerOptionsMap {}

export type SaslClientFactory<O> = (options: O) => SaslClient;
export type SaslServerFactory<O> = (options: O) => SaslServer;

export interface SaslMechanismFactories<C, S> {
  readonly client?: SaslClientFactory<C>;
  readonly server?: SaslServerFactory<S>;
}

type MechName = keyof SaslClientOptionsMap | keyof SaslServerOptionsMap;

const clients = new Map<string, SaslClientFactory<never>>();
const servers = new Map<string, SaslServerFactory<never>>();

/**
 * Registers the factories of one mechanism (name as IANA spells it, e.g. "DIGEST-MD5", "GSSAPI").
 * Registering the same name again replaces the earlier factories (tests may wrap a mechanism).
 */
export function registerSaslMechanism<M extends string>(
  mechanism: M,
  factories: SaslMechanismFactories<
    M extends keyof SaslClientOptionsMap ? SaslClientOptionsMap[M] : unknown,
    M extends keyof SaslServerOptionsMap ? SaslServerOptionsMap[M] : unknown
  >,
): void {
  const name = mechanism.toUpperCase();
  if (factories.client) clients.set(name, factories.client as SaslClientFactory<never>);
  if (factories.server) servers.set(name, factories.server as SaslServerFactory<never>);
}

/** Names of the mechanisms with a registered client (side 'client') or server factory. */
export function registeredSaslMechanisms(side: 'client' | 'server'): string[] {
  return [...(side === 'client' ? clients : servers).keys()];
}

/** Creates a client for `mechanism`; SASL_UNSUPPORTED when no client factory is registered. */
export function createSaslClient<M extends MechName>(
  mechanism: M,
  options: M extends keyof SaslClientOptionsMap ? SaslClientOptionsMap[M] : never,
): SaslClient {
  const factory = clients.get(String(mechanism).toUpperCase());
  if (!factory) throw unsupported(String(mechanism), 'client');
  return (factory as SaslClientFactory<unknown>)(options);
}

/** Creates a server for `mechanism`; SASL_UNSUPPORTED when no server factory is registered. */
export function createSaslServer<M extends MechName>(
  mechanism: M,
  options: M extends keyof SaslServerOptionsMap ? SaslServerOptionsMap[M] : never,
): SaslServer {
  const factory = servers.get(String(mechanism).toUpperCase());
  if (!factory) throw unsupported(String(mechanism), 'server');
  return (factory as SaslServerFactory<unknown>)(options);
}

function unsupported(mechanism: string, side: 'client' | 'server'): SaslError {
  const known = registeredSaslMechanisms(side);
  return new SaslError(
    'SASL_UNSUPPORTED',
    `No SASL ${side} is registered for mechanism ${mechanism}; registered: [${known.join(', ')}]. ` +
      "Import 'security/sasl/index.ts' (which registers the built-in mechanisms) or the mechanism's module",
    { mechanism, side, registered: known },
  );
}
