/**
 * Token selection for the TOKEN auth method, after Hadoop's AbstractDelegationTokenSelector and
 * SecurityUtil.buildTokenService: the client uses the first token whose service equals the
 * server's `ip:port` (or `host:port` when hadoop.security.token.service.use_ip=false), optionally
 * restricted to one token kind (e.g. HDFS_DELEGATION_TOKEN).
 */

/** What the RPC layer needs of a token (security/token Token fits). */
export interface RpcToken {
  readonly identifier: Uint8Array;
  readonly password: Uint8Array;
  readonly kind: string;
  readonly service: string;
}

export type TokenSelector = (service: string, tokens: readonly RpcToken[]) => RpcToken | undefined;

/** SecurityUtil.buildTokenService: "ip:port" (IPv6 in brackets) or "host:port". */
export function buildTokenService(address: { host: string; port: number }): string {
  const host = address.host.includes(':') && !address.host.startsWith('[') ? `[${address.host}]` : address.host;
  return `${host}:${address.port}`;
}

/** A selector matching the service exactly and, if given, the kind. */
export function serviceTokenSelector(kind?: string): TokenSelector {
  return (service, tokens) => tokens.find((t) => t.service === service && (kind === undefined || t.kind === kind));
}
