/**
 * Renewing and cancelling a token wherever it was issued, by its kind, as Hadoop's Token.renew /
 * Token.cancel find a TokenRenewer (DFSClient.Renewer for HDFS_DELEGATION_TOKEN dials the NameNode
 * the token's service names, `ip:port`). Tokens of other kinds are not "managed" here: they are
 * renewed, if at all, by the service that issued them.
 */
import type { Configuration } from '../../lib/config/index.ts';
import { parseHostPort, type HostPort } from '../../lib/net/host-port.ts';
import { InvalidTokenError } from '../../lib/errors/index.ts';
import type { User } from '../../security/identity/user.ts';
import { HDFS_DELEGATION_KIND } from '../../security/token/delegation-token-identifier.ts';
import type { Token } from '../../security/token/token.ts';
import { HdfsClient } from './hdfs-client.ts';

/** Whether hsec can renew and cancel this token (Hadoop's TokenRenewer.handleKind / Token.isManaged). */
export function isManaged(token: Token): boolean {
  return token.kind === HDFS_DELEGATION_KIND;
}

/** The NameNode a token's service names. */
export function serviceAddress(token: Token): HostPort {
  try {
    return parseHostPort(token.service, 'token service');
  } catch (e) {
    throw new InvalidTokenError('TOKEN_BAD_FORMAT', `Token service "${token.service}" is not host:port; cannot find the NameNode that issued it`, { service: token.service }, { cause: e });
  }
}

function unmanaged(token: Token, what: string): InvalidTokenError {
  return new InvalidTokenError('TOKEN_UNKNOWN', `Cannot ${what} a ${token.kind} token: hsec renews and cancels ${HDFS_DELEGATION_KIND} tokens only`, { kind: token.kind, service: token.service });
}

async function atIssuer<T>(token: Token, conf: Configuration, user: User, fn: (nn: HdfsClient) => Promise<T>): Promise<T> {
  const nn = await HdfsClient.connect({ conf, user, nameNode: serviceAddress(token) });
  try {
    return await fn(nn);
  } finally {
    nn.close();
  }
}

/** Renews at the issuing NameNode as `user`; resolves to the new expiry time (ms since epoch). */
export function renewToken(token: Token, conf: Configuration, user: User): Promise<number> {
  if (!isManaged(token)) return Promise.reject(unmanaged(token, 'renew'));
  return atIssuer(token, conf, user, (nn) => nn.renewDelegationToken(token));
}

/** Cancels at the issuing NameNode as `user`. */
export function cancelToken(token: Token, conf: Configuration, user: User): Promise<void> {
  if (!isManaged(token)) return Promise.reject(unmanaged(token, 'cancel'));
  return atIssuer(token, conf, user, (nn) => nn.cancelDelegationToken(token));
}
