/**
 * The NameNode's admin refresh calls (NameNodeRpcServer's RefreshAuthorizationPolicyProtocol and
 * RefreshUserMappingsProtocol methods, Hadoop 3.4.1), applied to the running server's own
 * authorizers, never to a second copy of them:
 *  - refreshServiceAcl: "Service Level Authorization not enabled!" (AuthorizationException) when
 *    hadoop.security.authorization was off at start; otherwise the configuration is loaded again,
 *    hadoop-policy.xml layered on it, and every service ACL swapped in (ServiceAuthorizationManager.refresh);
 *  - refreshUserToGroupsMappings: the group cache emptied (Groups.refresh);
 *  - refreshSuperUserGroupsConfiguration: the hadoop.proxyuser.* rules loaded again and swapped in
 *    (ProxyUsers.refreshSuperUserGroupsConfiguration).
 * Where the configuration comes from again is Hadoop's `new Configuration()`: the site files
 * (core-site.xml, hdfs-site.xml) of the configuration directory, not the -D / -conf options given at
 * start. Only the ACL refresh adds that directory's hadoop-policy.xml (ServiceAuthorizer.refresh);
 * ProxyUsers.refreshSuperUserGroupsConfiguration reads the site files alone.
 * Who may call is decided before a handler runs, by the protocols' service ACLs
 * (security.refresh.policy.protocol.acl, security.refresh.user.mappings.protocol.acl); Hadoop's
 * NameNode makes no superuser check of its own here, and neither does this. Each call is logged
 * with what changed (ACL, user, group and host names only) and audited as FSNamesystem's
 * logAuditEvent(true, "refreshServiceAcl", null) is.
 */
import type { Configuration } from '../../lib/config/index.ts';
import { AccessControlError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import type { CallContext, ProtocolHandlers } from '../../lib/rpc/call-context.ts';
import { ugiString } from '../../lib/rpc/ugi-string.ts';
import type { ServiceAuthorizer } from '../../security/authorize/service-authorization.ts';
import type { ProxyUsers } from '../../security/authorize/proxy-users.ts';
import type { Groups } from '../../security/identity/groups.ts';
import { REFRESH_AUTHORIZATION_POLICY_CODEC, REFRESH_USER_MAPPINGS_CODEC } from '../protocol/refresh-protocols.ts';
import type { FsNamesystem } from './namesystem.ts';

const AUTHORIZATION_CLASS = 'org.apache.hadoop.security.authorize.AuthorizationException';
const log = getLogger('namenode.admin');

export interface AdminServiceOptions {
  /** The running server's service authorizer (undefined: hadoop.security.authorization was off at start). */
  readonly authorizer: ServiceAuthorizer | undefined;
  readonly groups: Groups;
  readonly proxyUsers: ProxyUsers;
  readonly namesystem: FsNamesystem;
  /** Loads the configuration again, as Hadoop's `new Configuration()` would. */
  readonly reloadConfiguration: () => Configuration;
}

export class NameNodeAdminService {
  readonly #o: AdminServiceOptions;

  constructor(options: AdminServiceOptions) {
    this.#o = options;
  }

  /** RefreshAuthorizationPolicyProtocol's handlers. */
  refreshAuthorizationPolicyHandlers(): ProtocolHandlers {
    const codec = REFRESH_AUTHORIZATION_POLICY_CODEC;
    return {
      refreshServiceAcl: async (request, ctx) => {
        codec.decodeRequest('refreshServiceAcl', request);
        await this.refreshServiceAcl(ctx);
        return codec.encodeResponse('refreshServiceAcl', {});
      },
    };
  }

  /** RefreshUserMappingsProtocol's handlers. */
  refreshUserMappingsHandlers(): ProtocolHandlers {
    const codec = REFRESH_USER_MAPPINGS_CODEC;
    return {
      refreshUserToGroupsMappings: async (request, ctx) => {
        codec.decodeRequest('refreshUserToGroupsMappings', request);
        await this.refreshUserToGroupsMappings(ctx);
        return codec.encodeResponse('refreshUserToGroupsMappings', {});
      },
      refreshSuperUserGroupsConfiguration: async (request, ctx) => {
        codec.decodeRequest('refreshSuperUserGroupsConfiguration', request);
        await this.refreshSuperUserGroupsConfiguration(ctx);
        return codec.encodeResponse('refreshSuperUserGroupsConfiguration', {});
      },
    };
  }

  async refreshServiceAcl(ctx: CallContext): Promise<void> {
    const { authorizer } = this.#o;
    if (!authorizer) {
      throw new AccessControlError('ACCESS_DENIED', 'Service Level Authorization not enabled!', { exceptionClassName: AUTHORIZATION_CLASS, configKey: 'hadoop.security.authorization' });
    }
    const changes = authorizer.refresh(this.#o.reloadConfiguration());
    log.info({ user: ctx.user, remoteAddress: ctx.remoteAddress, changes }, `Refreshed service ACLs (${changes.length} changed). Requested by user: ${ctx.shortUser}`);
    await this.#audit(ctx, 'refreshServiceAcl');
  }

  async refreshUserToGroupsMappings(ctx: CallContext): Promise<void> {
    log.info({ user: ctx.user, remoteAddress: ctx.remoteAddress }, `Refreshing all user-to-groups mappings. Requested by user: ${ctx.shortUser}`);
    this.#o.groups.refresh();
    await this.#audit(ctx, 'refreshUserToGroupsMappings');
  }

  async refreshSuperUserGroupsConfiguration(ctx: CallContext): Promise<void> {
    const changes = this.#o.proxyUsers.refresh(this.#o.reloadConfiguration());
    log.info({ user: ctx.user, remoteAddress: ctx.remoteAddress, changes }, `Refreshing SuperUser proxy group mapping list (${changes.length} rules changed). Requested by user: ${ctx.shortUser}`);
    await this.#audit(ctx, 'refreshSuperUserGroupsConfiguration');
  }

  async #audit(ctx: CallContext, cmd: string): Promise<void> {
    const groups = await this.#o.groups.groups(ctx.shortUser);
    this.#o.namesystem.audit({ user: ctx.shortUser, groups, address: ctx.remoteAddress, ugi: ugiString(ctx.user, ctx.authMethod, ctx.realUser) }, cmd, null);
  }
}
