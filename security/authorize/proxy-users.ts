/**
 * Who may impersonate whom, as Hadoop's ProxyUsers with its DefaultImpersonationProvider
 * (hadoop-common security/authorize/) decides it for a server: a real user R (by short name) may
 * act for an effective user E only when `hadoop.proxyuser.R.users` lists E or
 * `hadoop.proxyuser.R.groups` lists one of E's groups (either being `*` admits anyone; neither set
 * admits no one), and the connection comes from a machine in `hadoop.proxyuser.R.hosts` (MachineList
 * syntax; unset admits none). Refusals are AuthorizationException with Hadoop's texts ("User:
 * R is not allowed to impersonate E", "Unauthorized connection for super-user: R from IP /ADDR").
 * `refresh(conf)` re-reads every rule from a newly loaded configuration and swaps them in at once
 * (ProxyUsers.refreshSuperUserGroupsConfiguration, what `hdfs dfsadmin
 * -refreshSuperUserGroupsConfiguration` triggers).
 */
import type { Configuration } from '../../lib/config/index.ts';
import { AccessControlError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { javaHostAddress } from '../../lib/net/ip-address.ts';
import type { Groups } from '../identity/groups.ts';
import { AccessControlList } from './access-control-list.ts';
import { MachineList } from './machine-list.ts';

/** ProxyUsers.CONF_HADOOP_PROXYUSER. */
export const PROXYUSER_PREFIX = 'hadoop.proxyuser.';
const AUTHORIZATION_CLASS = 'org.apache.hadoop.security.authorize.AuthorizationException';
const audit = getLogger('security.proxy-users');

/** One real user's rule. */
interface Rule {
  readonly acl: AccessControlList | undefined;
  readonly hosts: MachineList | undefined;
}

/** A proxied connection to check. */
export interface ProxyQuery {
  /** The authenticated (real) user's full name, e.g. `oozie/host@REALM`. */
  readonly realUser: string;
  /** The user it acts for, as the connection context names it. */
  readonly effectiveUser: string;
  /** The client's IP address. */
  readonly remoteAddress: string;
}

/** Rule values a refresh changed: the key and its old and new text (user, group and host names only). */
export interface ProxyRuleChange {
  readonly key: string;
  readonly from: string | undefined;
  readonly to: string | undefined;
}

export class ProxyUsers {
  #rules: ReadonlyMap<string, Rule>;
  #values: ReadonlyMap<string, string>;
  readonly #groups: Groups;
  readonly #shortName: (user: string) => string;

  /** `shortName`: the auth_to_local short name of a full user name (UGI.getShortUserName). */
  constructor(conf: Configuration, groups: Groups, shortName: (user: string) => string) {
    this.#groups = groups;
    this.#shortName = shortName;
    this.#values = ruleValues(conf);
    this.#rules = compile(this.#values);
  }

  /** DefaultImpersonationProvider.init on a new configuration, swapped in whole; returns the keys that changed. */
  refresh(conf: Configuration): ProxyRuleChange[] {
    const values = ruleValues(conf);
    const rules = compile(values);
    const changes: ProxyRuleChange[] = [];
    for (const key of new Set([...this.#values.keys(), ...values.keys()])) {
      const from = this.#values.get(key);
      const to = values.get(key);
      if (from !== to) changes.push({ key, from, to });
    }
    this.#values = values;
    this.#rules = rules;
    return changes;
  }

  /** DefaultImpersonationProvider.authorize; throws AuthorizationException (an AccessControlError). */
  async authorize(q: ProxyQuery): Promise<void> {
    const realShort = this.#shortName(q.realUser);
    const rule = this.#rules.get(realShort);
    const effectiveShort = shortOrSelf(this.#shortName, q.effectiveUser);
    const groups = rule?.acl && !rule.acl.allAllowed ? await this.#groups.groups(effectiveShort) : [];
    if (!rule?.acl || !rule.acl.isUserAllowed(effectiveShort, groups)) {
      throw this.#refuse(`User: ${q.realUser} is not allowed to impersonate ${q.effectiveUser}`, q);
    }
    if (!rule.hosts || !(await rule.hosts.includes(q.remoteAddress))) {
      // InetAddress.toString of the client's address: "/" + getHostAddress()
      throw this.#refuse(`Unauthorized connection for super-user: ${q.realUser} from IP /${javaHostAddress(q.remoteAddress)}`, q);
    }
  }

  #refuse(message: string, q: ProxyQuery): AccessControlError {
    audit.warn({ realUser: q.realUser, effectiveUser: q.effectiveUser, remoteAddress: q.remoteAddress }, `impersonation refused: ${message}`);
    return new AccessControlError('ACCESS_DENIED', message, { exceptionClassName: AUTHORIZATION_CLASS, user: q.realUser, remoteAddress: q.remoteAddress });
  }
}

function shortOrSelf(shortName: (user: string) => string, user: string): string {
  try {
    return shortName(user);
  } catch {
    return user;
  }
}

/**
 * The `hadoop.proxyuser.NAME.users|groups|hosts` values. NAME is any run of non-space characters,
 * dots included (DefaultImpersonationProvider.init's `[\\S]*`; a short name like `svc.etl` has its
 * rules), and ends at the key's last dot (getAclKey).
 */
function ruleValues(conf: Configuration): Map<string, string> {
  return conf.getValByRegex(/^hadoop\.proxyuser\.\S*\.(users|groups|hosts)$/);
}

function compile(values: ReadonlyMap<string, string>): Map<string, Rule> {
  const names = new Set([...values.keys()].map((k) => k.slice(PROXYUSER_PREFIX.length, k.lastIndexOf('.'))));
  const rules = new Map<string, Rule>();
  for (const name of names) {
    const key = (suffix: string) => `${PROXYUSER_PREFIX}${name}.${suffix}`;
    const users = values.get(key('users'));
    const groups = values.get(key('groups'));
    const hosts = values.get(key('hosts'));
    rules.set(name, {
      acl: users !== undefined || groups !== undefined ? new AccessControlList(users, groups) : undefined,
      hosts: hosts !== undefined ? new MachineList(hosts, key('hosts')) : undefined,
    });
  }
  return rules;
}
