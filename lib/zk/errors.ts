/**
 * KeeperException.Code (the `err` of a ReplyHeader) -> ZooKeeperError with an actionable message.
 * The message names the operation, the path and what to check; ZK_NO_AUTH also names the
 * identities the session holds (digest user names, the SASL principal: never a password).
 */
import { ZooKeeperError, type ZooKeeperErrorCode } from '../errors/index.ts';
import { KeeperCode, keeperCodeName } from './constants.ts';

export interface RequestContext {
  /** The operation, e.g. `setData`. */
  readonly op: string;
  /** The client path (before chroot), when the operation has one. */
  readonly path?: string | undefined;
  readonly connectString: string;
  /** The session's authenticated identities, e.g. ['digest:admin', 'sasl:alice@EXAMPLE.TEST']. */
  readonly identities: readonly string[];
  /** For compare-and-set operations: the version passed. */
  readonly version?: number | undefined;
}

const CODES: ReadonlyMap<number, ZooKeeperErrorCode> = new Map([
  [KeeperCode.NONODE, 'ZK_NO_NODE'],
  [KeeperCode.NOAUTH, 'ZK_NO_AUTH'],
  [KeeperCode.BADVERSION, 'ZK_BAD_VERSION'],
  [KeeperCode.NODEEXISTS, 'ZK_NODE_EXISTS'],
  [KeeperCode.NOTEMPTY, 'ZK_NOT_EMPTY'],
  [KeeperCode.INVALIDACL, 'ZK_INVALID_ACL'],
  [KeeperCode.BADARGUMENTS, 'ZK_BAD_ARGUMENTS'],
  [KeeperCode.SESSIONEXPIRED, 'ZK_SESSION_EXPIRED'],
  [KeeperCode.AUTHFAILED, 'ZK_AUTH_FAILED'],
  [KeeperCode.SESSIONCLOSEDREQUIRESASLAUTH, 'ZK_AUTH_FAILED'],
  [KeeperCode.CONNECTIONLOSS, 'ZK_CONNECTION_LOSS'],
  [KeeperCode.REQUESTTIMEOUT, 'ZK_TIMEOUT'],
  [KeeperCode.OPERATIONTIMEOUT, 'ZK_TIMEOUT'],
]);

function explain(code: ZooKeeperErrorCode, ctx: RequestContext): string {
  const on = ctx.path === undefined ? '' : ` on ${ctx.path}`;
  const who = ctx.identities.length > 0 ? `[${ctx.identities.join(', ')}]` : 'none (an anonymous session: world:anyone only)';
  switch (code) {
    case 'ZK_NO_NODE':
      return `ZooKeeper ${ctx.op}${on}: the node does not exist (or a parent is missing)`;
    case 'ZK_NODE_EXISTS':
      return `ZooKeeper ${ctx.op}${on}: the node already exists`;
    case 'ZK_BAD_VERSION':
      return `ZooKeeper ${ctx.op}${on}: version conflict (expected version ${ctx.version ?? '?'}): another client changed the node; re-read it and retry`;
    case 'ZK_NOT_EMPTY':
      return `ZooKeeper ${ctx.op}${on}: the node has children; delete them first`;
    case 'ZK_NO_AUTH':
      return (
        `ZooKeeper refused ${ctx.op}${on} at ${ctx.connectString}: not authorized by the node's ACL. ` +
        `The session's identities are ${who}; authenticate as an identity the ACL grants (hadoop.zk.auth for digest:, ` +
        `a Kerberos login for sasl:), or read the ACL with getAcl`
      );
    case 'ZK_INVALID_ACL':
      return `ZooKeeper ${ctx.op}${on}: the ACL is invalid (a digest: id must be user:BASE64-SHA1, an auth: ACL needs an authenticated session, see hadoop.zk.acl); session identities ${who}`;
    case 'ZK_SESSION_EXPIRED':
      return `ZooKeeper ${ctx.op}${on}: the session expired before the reply; ephemeral nodes of the session are gone (a new session is being established)`;
    case 'ZK_AUTH_FAILED':
      return `ZooKeeper at ${ctx.connectString} rejected the client's authentication (${ctx.op}); check hadoop.zk.auth and the Kerberos login`;
    default:
      return `ZooKeeper ${ctx.op}${on} failed`;
  }
}

/** The error for a non-zero reply `err`. */
export function keeperError(err: number, ctx: RequestContext): ZooKeeperError {
  const code = CODES.get(err) ?? 'ZK_ERROR';
  const name = keeperCodeName(err);
  const message = code === 'ZK_ERROR' ? `ZooKeeper ${ctx.op}${ctx.path === undefined ? '' : ` on ${ctx.path}`} failed with ${name} (${err}) at ${ctx.connectString}` : explain(code, ctx);
  return new ZooKeeperError(code, message, {
    op: ctx.op,
    path: ctx.path,
    connectString: ctx.connectString,
    keeperCode: err,
    keeperCodeName: name,
    ...(ctx.version !== undefined ? { version: ctx.version } : {}),
    ...(code === 'ZK_NO_AUTH' || code === 'ZK_INVALID_ACL' ? { identities: ctx.identities } : {}),
  });
}
