/**
 * Service-level authorization, as Hadoop's ServiceAuthorizationManager does it when
 * hadoop.security.authorization is true (hadoop-common security/authorize/): for each protocol a
 * server offers, the caller must be admitted by the protocol's ACL (`<aclKey>`, default `*`) and not
 * by its blocked list (`<aclKey>.blocked`, default empty), and when the protocol's @KerberosInfo names a client
 * principal (DatanodeProtocol: dfs.datanode.kerberos.principal) the caller must be exactly that
 * principal, with `_HOST` made the canonical host name of the address the call came from
 * (SecurityUtil.getServerPrincipal(conf.get(clientKey), addr)). A refusal is
 * AuthorizationException: "User dn/host@REALM (auth:KERBEROS) is not authorized for protocol
 * interface ...DatanodeProtocol: this service is only accessible by dn/otherhost@REALM".
 * With authorization off nothing is checked, as in Hadoop.
 */
import type { Configuration } from '../../lib/config/index.ts';
import { AccessControlError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { canonicalHostName } from '../../lib/net/resolve.ts';
import type { Groups } from '../identity/groups.ts';
import { substituteHost } from '../kerberos/names/index.ts';
import type { ProtocolSecurityInfo } from '../sasl/rpc/protocol-security.ts';
import { AccessControlList } from './access-control-list.ts';

const AUTHORIZATION_CLASS = 'org.apache.hadoop.security.authorize.AuthorizationException';
const audit = getLogger('security.service-authorization');

/** One protocol of a server's PolicyProvider: its security info, its ACL key (security.client.protocol.acl ...) and that key's `.blocked` twin. */
export interface PolicyEntry {
  readonly info: ProtocolSecurityInfo;
  readonly aclKey: string;
  readonly blockedKey: string;
}

/** What the check needs about a caller. */
export interface AuthorizationQuery {
  /** full user name (the Kerberos principal) */
  user: string;
  shortUser: string;
  authMethod: string;
  protocol?: string | undefined;
  remoteAddress: string;
}

interface Compiled {
  acl: AccessControlList;
  blocked: AccessControlList;
  clientPrincipal: string | undefined;
}

export class ServiceAuthorizer {
  readonly #protocols = new Map<string, Compiled>();
  readonly #groups: Groups;
  readonly #security: boolean;

  private constructor(groups: Groups, security: boolean) {
    this.#groups = groups;
    this.#security = security;
  }

  /** The authorizer of `entries`, or undefined when hadoop.security.authorization is false. */
  static fromConfiguration(conf: Configuration, entries: readonly PolicyEntry[], groups: Groups): ServiceAuthorizer | undefined {
    if (!conf.getBoolean('hadoop.security.authorization')) return undefined;
    const a = new ServiceAuthorizer(groups, conf.getTrimmed('hadoop.security.authentication') === 'kerberos');
    for (const { info, aclKey, blockedKey } of entries) {
      const clientKey = info.kerberos?.clientPrincipalKey;
      a.#protocols.set(info.protocol, {
        acl: new AccessControlList(conf.get(aclKey) ?? '*'),
        blocked: new AccessControlList(conf.get(blockedKey) ?? ''),
        clientPrincipal: clientKey ? conf.getTrimmed(clientKey) : undefined,
      });
    }
    return a;
  }

  /** ServiceAuthorizationManager.authorize; throws AuthorizationException (an AccessControlError). */
  async authorize(q: AuthorizationQuery): Promise<void> {
    const protocol = q.protocol ?? '';
    const entry = this.#protocols.get(protocol);
    const who = `${q.user} (auth:${q.authMethod})`;
    if (!entry) throw refuse(`Protocol interface ${protocol} is not known.`, q);
    let expected: string | undefined;
    if (this.#security && entry.clientPrincipal) {
      expected = substituteHost(entry.clientPrincipal, await canonicalHostName(q.remoteAddress));
    }
    const groups = await this.#groups.groups(q.shortUser);
    if ((expected !== undefined && expected !== q.user) || !entry.acl.isUserAllowed(q.shortUser, groups) || entry.blocked.isUserAllowed(q.shortUser, groups)) {
      const cause = expected !== undefined ? `: this service is only accessible by ${expected}` : ': denied by configured ACL';
      audit.warn({ user: who, protocol, remoteAddress: q.remoteAddress, expected }, `Authorization failed for ${who} for protocol=interface ${protocol}${cause}`);
      throw refuse(`User ${who} is not authorized for protocol interface ${protocol}${cause}`, q);
    }
    audit.debug({ user: who, protocol }, `Authorization successful for ${who} for protocol=interface ${protocol}`);
  }
}

function refuse(message: string, q: AuthorizationQuery): AccessControlError {
  return new AccessControlError('ACCESS_DENIED', message, { exceptionClassName: AUTHORIZATION_CLASS, user: q.user, protocol: q.protocol, remoteAddress: q.remoteAddress });
}
