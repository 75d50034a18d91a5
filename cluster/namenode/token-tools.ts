/**
 * The client-side token operations behind `hsec fetchdt` and `hsec dtutil` (Hadoop's
 * DelegationTokenFetcher and DtFileOperations): fetch a NameNode delegation token with the
 * caller's Kerberos login, renew or cancel a token at the NameNode its service names (`ip:port`,
 * as Token.renew/cancel reach it through DFSClient.Renewer), and print credentials files.
 */
import type { Configuration } from '../../lib/config/index.ts';
import { ConfigError, InvalidTokenError } from '../../lib/errors/index.ts';
import { rpcClientOptionsFromConfig } from '../../security/sasl/rpc/config.ts';
import { RpcClient } from '../../security/sasl/rpc/rpc-client.ts';
import type { Credentials } from '../../security/token/credentials.ts';
import { DelegationTokenIdentifier } from '../../security/token/delegation-token-identifier.ts';
import type { Token } from '../../security/token/token.ts';
import { ClientProtocolClient } from '../protocol/client-protocol-client.ts';
import { clientCredentials } from './client-credentials.ts';
import type { ClientLoginOptions } from './client-credentials.ts';
import { clientRpcAddress, parseHostPort } from './namenode-config.ts';

/** Runs `fn` with a ClientProtocol client for `address`, closing its connections afterwards. */
export async function withNameNode<T>(
  conf: Configuration,
  address: { host: string; port: number },
  login: ClientLoginOptions,
  fn: (nn: ClientProtocolClient) => Promise<T>,
): Promise<T> {
  const credentials = await clientCredentials(conf, login);
  // ipc.client.connect.timeout, ipc.ping.interval, ipc.maximum.response.length,
  // ipc.client.fallback-to-simple-auth-allowed, the QOP resolver and token.service.use_ip.
  const options = rpcClientOptionsFromConfig(conf);
  const rpc = new RpcClient(options);
  try {
    const nn = new ClientProtocolClient({ rpc, address, credentials, tokenServiceUseIp: options.tokenServiceUseIp });
    return await fn(nn);
  } finally {
    rpc.stop();
  }
}

/** Fetches a delegation token from the configured NameNode (service = its ip:port). */
export async function fetchDelegationToken(conf: Configuration, renewer: string, login: ClientLoginOptions = {}): Promise<Token> {
  const address = clientRpcAddress(conf);
  const token = await withNameNode(conf, address, { ...login, requireKerberos: true }, (nn) => nn.getDelegationToken(renewer));
  if (!token) {
    throw new ConfigError('CONFIG_INVALID', `NameNode ${address.host}:${address.port} issued no delegation token: security is off there (hadoop.security.authentication=simple)`, {
      remoteAddress: `${address.host}:${address.port}`,
    });
  }
  return token;
}

/** The NameNode address a token's service names. */
export function serviceAddress(token: Token): { host: string; port: number } {
  try {
    return parseHostPort(token.service, 'token service');
  } catch (e) {
    throw new InvalidTokenError('TOKEN_BAD_FORMAT', `Token service "${token.service}" is not host:port; cannot find the NameNode that issued it`, { service: token.service }, { cause: e });
  }
}

/** Renews at the token's NameNode; returns the new expiry time (ms). */
export function renewToken(conf: Configuration, token: Token, login: ClientLoginOptions = {}): Promise<number> {
  return withNameNode(conf, serviceAddress(token), login, (nn) => nn.renewDelegationToken(token));
}

export function cancelToken(conf: Configuration, token: Token, login: ClientLoginOptions = {}): Promise<void> {
  return withNameNode(conf, serviceAddress(token), login, (nn) => nn.cancelDelegationToken(token));
}

/** Whether a token can be renewed/cancelled here (Hadoop: "managed" tokens = NameNode delegation tokens). */
export function isManaged(token: Token): boolean {
  return token.kind === 'HDFS_DELEGATION_TOKEN';
}

/** Local date-time like Java's `DateFormat.getDateTimeInstance(SHORT, SHORT)` in en-US: `11/22/26, 7:40 AM`. */
export function formatDate(ms: number): string {
  return new Date(ms).toLocaleString('en-US', { year: '2-digit', month: 'numeric', day: 'numeric', hour: 'numeric', minute: '2-digit' });
}

/** `DtFileOperations.printCredentials`: one row per token (optionally only service = alias). */
export function printCredentials(creds: Credentials, alias?: string): string {
  const fmt = (kind: string, service: string, renewer: string, exp: string, url: string) =>
    `${kind.padEnd(24)} ${service.padEnd(20)} ${renewer.padEnd(15)} ${exp.padEnd(23)} ${url}\n`;
  let out = fmt('Token kind', 'Service', 'Renewer', 'Exp date', 'URL enc token') + `${'-'.repeat(80)}\n`;
  for (const [, token] of creds.tokens()) {
    if (alias !== undefined && token.service !== alias) continue;
    const id = token.decodeIdentifier();
    const adti = id instanceof DelegationTokenIdentifier ? id : undefined;
    out += fmt(token.kind, token.service, adti?.renewer ?? '', adti ? formatDate(adti.maxDate) : '', token.encodeToUrlString());
  }
  return out;
}
