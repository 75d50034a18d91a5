/**
 * Service-level authorization, as Hadoop's ServiceAuthorizationManager does it when
 * hadoop.security.authorization is true (hadoop-common security/authorize/): for each protocol a
 * server offers, the caller must be admitted by the protocol's ACL (`<aclKey>`, default
 * security.service.authorization.default.acl, else `*`) and not by its blocked list
 * (`<aclKey>.blocked`, default security.service.authorization.default.acl.blocked, else empty), its
 * address must be in the protocol's host list (`security.x.protocol.hosts`, MachineList syntax,
 * default security.service.authorization.default.hosts, else `*`) and not in `<hosts>.blocked`
 * ("Host 10.0.0.9 is not authorized for protocol interface ..."), and when the protocol's @KerberosInfo names a client
 * principal (DatanodeProtocol: dfs.datanode.kerberos.principal) the caller must be exactly that
 * principal, with `_HOST` made the canonical host name of the address the call came from
 * (SecurityUtil.getServerPrincipal(conf.get(clientKey), addr)). A refusal is
 * AuthorizationException: "User dn/host@REALM (auth:KERBEROS) is not authorized for protocol
 * interface ...DatanodeProtocol: this service is only accessible by dn/otherhost@REALM".
 * The caller is the connection's effective user (after the proxy-user check, Server.authorizeConnection),
 * printed as UGI.toString does: `bob (auth:PROXY) via oozie/host@REALM (auth:KERBEROS)` for a proxy.
 * With authorization off nothing is checked, as in Hadoop. The lists are read from the server's
 * configuration with hadoop-policy.xml of its configuration directory layered on top
 * (ServiceAuthorizationManager.refresh: `new Configuration(conf)` + `addResource("hadoop-policy.xml")`,
 * lib/config withPolicyFile), at start and again by `refresh(conf)` from a newly loaded configuration,
 * swapped in at once (what `hdfs dfsadmin -refreshServiceAcl` triggers); connections and calls checked
 * afterwards see the new lists. Whether authorization is on and the expected client principal come
 * from the server's own configuration of the start, never from hadoop-policy.xml or a refresh
 * (NameNodeRpcServer reads hadoop.security.authorization from it; Server.authorize hands
 * ServiceAuthorizationManager.authorize the server's conf for the @KerberosInfo client key).
 */
import { withPolicyFile, type Configuration } from '../../lib/config/index.ts';
import { AccessControlError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { javaHostAddress } from '../../lib/net/ip-address.ts';
import { canonicalHostName } from '../../lib/net/resolve.ts';
import { ugiString } from '../../lib/rpc/ugi-string.ts';
import type { Groups } from '../identity/groups.ts';
import { substituteHost } from '../kerberos/names/index.ts';
import type { ProtocolSecurityInfo } from '../sasl/rpc/protocol-security.ts';
import { AccessControlList } from './access-control-list.ts';
import { MachineList } from './machine-list.ts';

const AUTHORIZATION_CLASS = 'org.apache.hadoop.security.authorize.AuthorizationException';
const audit = getLogger('security.service-authorization');

/**
 * One protocol of a server's PolicyProvider: its security info, its ACL key (security.client.protocol.acl ...),
 * that key's `.blocked` twin, and its host-list keys (ServiceAuthorizationManager.getHostKey: the ACL key with
 * `.hosts` for its last part, and that key's `.blocked` twin).
 */
export interface PolicyEntry {
  readonly info: ProtocolSecurityInfo;
  readonly aclKey: string;
  readonly blockedKey: string;
  readonly hostsKey: string;
  readonly blockedHostsKey: string;
}

/** What the check needs about a caller. */
export interface AuthorizationQuery {
  /** full user name (the Kerberos principal) */
  user: string;
  shortUser: string;
  /** the authenticated user when `user` is a proxy (hadoop.proxyuser rules already admitted it) */
  realUser?: string | undefined;
  authMethod: string;
  protocol?: string | undefined;
  remoteAddress: string;
}

interface Compiled {
  acl: AccessControlList;
  blocked: AccessControlList;
  hosts: MachineList;
  blockedHosts: MachineList;
}

/** CommonConfigurationKeys' defaults for protocols whose own keys are unset. */
const DEFAULTS = {
  acl: 'security.service.authorization.default.acl',
  blocked: 'security.service.authorization.default.acl.blocked',
  hosts: 'security.service.authorization.default.hosts',
  blockedHosts: 'security.service.authorization.default.hosts.blocked',
} as const;

/** One ACL whose value a refresh changed (ACLs name users and groups, never secrets: safe to log). */
export interface AclChange {
  readonly key: string;
  readonly from: string;
  readonly to: string;
}

export class ServiceAuthorizer {
  #protocols: ReadonlyMap<string, Compiled>;
  readonly #entries: readonly PolicyEntry[];
  readonly #groups: Groups;
  readonly #security: boolean;
  /** Per protocol, the configured client principal (`_HOST` unresolved) of its @KerberosInfo, if any. */
  readonly #clientPrincipals: ReadonlyMap<string, string>;

  private constructor(conf: Configuration, entries: readonly PolicyEntry[], groups: Groups) {
    this.#entries = entries;
    this.#groups = groups;
    this.#security = conf.getTrimmed('hadoop.security.authentication') === 'kerberos';
    this.#clientPrincipals = clientPrincipals(conf, entries);
    this.#protocols = compile(withPolicyFile(conf), entries);
  }

  /**
   * The authorizer of `entries` for a server started with `conf`, or undefined when `conf` has
   * hadoop.security.authorization false (set in hadoop-policy.xml only, it turns nothing on).
   */
  static fromConfiguration(conf: Configuration, entries: readonly PolicyEntry[], groups: Groups): ServiceAuthorizer | undefined {
    if (!conf.getBoolean('hadoop.security.authorization')) return undefined;
    return new ServiceAuthorizer(conf, entries, groups);
  }

  /**
   * ServiceAuthorizationManager.refresh: every protocol's ACL, blocked list and host lists from `conf`
   * with its directory's hadoop-policy.xml layered on, flipped in at once. Returns the lists that
   * changed. A policy file that does not parse throws before anything is swapped.
   */
  refresh(conf: Configuration): AclChange[] {
    const next = compile(withPolicyFile(conf), this.#entries);
    const changes: AclChange[] = [];
    for (const { info, aclKey, blockedKey, hostsKey, blockedHostsKey } of this.#entries) {
      const before = this.#protocols.get(info.protocol)!;
      const after = next.get(info.protocol)!;
      const lists: Array<[string, keyof Compiled]> = [[aclKey, 'acl'], [blockedKey, 'blocked'], [hostsKey, 'hosts'], [blockedHostsKey, 'blockedHosts']];
      for (const [key, field] of lists) {
        const from = String(before[field]);
        const to = String(after[field]);
        if (from !== to) changes.push({ key, from, to });
      }
    }
    this.#protocols = next;
    return changes;
  }

  /** ServiceAuthorizationManager.authorize; throws AuthorizationException (an AccessControlError). */
  async authorize(q: AuthorizationQuery): Promise<void> {
    const protocol = q.protocol ?? '';
    const entry = this.#protocols.get(protocol);
    const who = ugiString(q.user, q.authMethod, q.realUser);
    if (!entry) throw refuse(`Protocol interface ${protocol} is not known.`, q);
    const clientPrincipal = this.#clientPrincipals.get(protocol);
    let expected: string | undefined;
    if (this.#security && clientPrincipal) {
      expected = substituteHost(clientPrincipal, await canonicalHostName(q.remoteAddress));
    }
    const groups = await this.#groups.groups(q.shortUser);
    if ((expected !== undefined && expected !== q.user) || !entry.acl.isUserAllowed(q.shortUser, groups) || entry.blocked.isUserAllowed(q.shortUser, groups)) {
      const cause = expected !== undefined ? `: this service is only accessible by ${expected}` : ': denied by configured ACL';
      audit.warn({ user: who, protocol, remoteAddress: q.remoteAddress, expected }, `Authorization failed for ${who} for protocol=interface ${protocol}${cause}`);
      throw refuse(`User ${who} is not authorized for protocol interface ${protocol}${cause}`, q);
    }
    if (!(await entry.hosts.includes(q.remoteAddress)) || (await entry.blockedHosts.includes(q.remoteAddress))) {
      const host = javaHostAddress(q.remoteAddress);
      audit.warn({ user: who, protocol, remoteAddress: q.remoteAddress }, `Authorization failed for  for protocol=interface ${protocol} from host = ${host}`);
      throw refuse(`Host ${host} is not authorized for protocol interface ${protocol}`, q);
    }
    audit.debug({ user: who, protocol }, `Authorization successful for ${who} for protocol=interface ${protocol}`);
  }
}

/** refreshWithLoadedConfiguration: the ACLs and host lists of `entries` as the policy configuration `conf` sets them, else the defaults. */
function compile(conf: Configuration, entries: readonly PolicyEntry[]): Map<string, Compiled> {
  const defaultAcl = conf.get(DEFAULTS.acl) ?? '*';
  const defaultBlocked = conf.get(DEFAULTS.blocked) ?? '';
  const defaultHosts = conf.get(DEFAULTS.hosts) ?? '*';
  const defaultBlockedHosts = conf.get(DEFAULTS.blockedHosts) ?? '';
  const out = new Map<string, Compiled>();
  for (const { info, aclKey, blockedKey, hostsKey, blockedHostsKey } of entries) {
    out.set(info.protocol, {
      acl: new AccessControlList(conf.get(aclKey) ?? defaultAcl),
      blocked: new AccessControlList(conf.get(blockedKey) ?? defaultBlocked),
      hosts: new MachineList(conf.get(hostsKey) ?? defaultHosts, hostsKey),
      blockedHosts: new MachineList(conf.get(blockedHostsKey) ?? defaultBlockedHosts, blockedHostsKey),
    });
  }
  return out;
}

/** The @KerberosInfo client principal each protocol names (SecurityUtil.getServerPrincipal's input), from the server's conf. */
function clientPrincipals(conf: Configuration, entries: readonly PolicyEntry[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const { info } of entries) {
    const clientKey = info.kerberos?.clientPrincipalKey;
    const principal = clientKey ? conf.getTrimmed(clientKey) : undefined;
    if (principal) out.set(info.protocol, principal);
  }
  return out;
}

function refuse(message: string, q: AuthorizationQuery): AccessControlError {
  return new AccessControlError('ACCESS_DENIED', message, { exceptionClassName: AUTHORIZATION_CLASS, user: q.user, protocol: q.protocol, remoteAddress: q.remoteAddress });
}
