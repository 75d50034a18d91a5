/**
 * How Hadoop's messages print a caller: UserGroupInformation.toString(), `name (auth:METHOD)`, and
 * for a proxy user ` via REAL (auth:METHOD)` after it. The real user carries the connection's
 * method; the effective user of a proxy is PROXY (UGI.createProxyUser), except on a TOKEN
 * connection, where Server.processConnectionContext sets TOKEN on the token's user
 * (AbstractDelegationTokenIdentifier.getUser makes it a proxy of the token's real user).
 */
export function ugiString(user: string, authMethod: string, realUser?: string): string {
  if (realUser === undefined) return `${user} (auth:${authMethod})`;
  return `${user} (auth:${authMethod === 'TOKEN' ? 'TOKEN' : 'PROXY'}) via ${realUser} (auth:${authMethod})`;
}
