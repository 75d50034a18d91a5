/**
 * Fuzz targets for the texts hsec reads from configuration files, the command line and directory
 * listings: service-ACL and host-list values of hadoop-policy.xml compiled as the NameNode does
 * (ServiceAuthorizer, AccessControlList, MachineList), the hadoop.proxyuser.* values (ProxyUsers)
 * and the static group-mapping overrides, `hsec fs -chmod` modes and fs.permissions.umask-mode
 * (PermissionParser), path globs as the globber takes them apart (GlobExpander, GlobPattern,
 * unescaping, the URI order of results), and trash checkpoint names (TrashPolicyDefault). The
 * input is UTF-8 text; lines of it fill the configuration keys where a target reads several.
 */
import { Configuration } from '../../lib/config/configuration.ts';
import { AccessControlList } from '../../security/authorize/access-control-list.ts';
import { MachineList } from '../../security/authorize/machine-list.ts';
import { ProxyUsers } from '../../security/authorize/proxy-users.ts';
import { ServiceAuthorizer } from '../../security/authorize/service-authorization.ts';
import { Groups, NullGroupsMapping, parseOverrides } from '../../security/identity/groups.ts';
import { NAMENODE_POLICY } from '../../cluster/namenode/namenode.ts';
import { chmodResult, parseChmod, parseUmaskMode } from '../../cluster/client/permission-parser.ts';
import { compareUriPaths, compileComponentGlob, expandGlobBraces, unescapeGlobComponent } from '../../cluster/client/glob-pattern.ts';
import { checkpointName, checkpointTime } from '../../cluster/client/trash.ts';
import type { FuzzTarget } from './targets.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

/** The keys the policy target fills, one input line each (hadoop-policy.xml and core-site.xml names). */
const POLICY_KEYS = [
  'security.client.protocol.acl', 'security.client.protocol.acl.blocked', 'security.client.protocol.hosts', 'security.client.protocol.hosts.blocked',
  'security.datanode.protocol.acl', 'security.refresh.policy.protocol.hosts', 'security.service.authorization.default.acl',
  'hadoop.proxyuser.oozie.users', 'hadoop.proxyuser.oozie.groups', 'hadoop.proxyuser.oozie.hosts', 'hadoop.user.group.static.mapping.overrides',
];

const POLICY_SEED = [
  'alice,bob ops,admins', ' hadoop', '10.0.0.0/8,192.168.1.7,gateway.example.test,2001:db8::/32', '10.9.9.9',
  'dn hadoop', '*', 'hdfs supergroup', 'alice,*', 'etl', '127.0.0.1,fe80::/10,::ffff:10.1.2.3', 'dr.who=;hdfs=supergroup,hadoop',
].join('\n');

/** A resolver that answers every host name with one address (no DNS in the fuzzer). */
const FIXED_LOOKUP = async () => ({ address: '10.9.8.7' });

/**
 * What refreshServiceAcl and refreshSuperUserGroupsConfiguration do with reloaded values: compile
 * every list; then a host list's lookup table built and matched (names resolved by FIXED_LOOKUP).
 */
async function policyValues(b: Uint8Array): Promise<unknown> {
  const lines = str(b).split('\n');
  const conf = new Configuration();
  conf.set('hadoop.security.authorization', 'true');
  conf.set('hadoop.security.authentication', 'kerberos');
  POLICY_KEYS.forEach((key, i) => {
    if (lines[i] !== undefined) conf.set(key, lines[i]!);
  });
  const groups = new Groups({ mapping: new NullGroupsMapping(), overrides: parseOverrides(conf.get('hadoop.user.group.static.mapping.overrides') ?? '') });
  const authorizer = ServiceAuthorizer.fromConfiguration(conf, NAMENODE_POLICY, groups)!;
  const proxies = new ProxyUsers(conf, groups, (u) => u.split(/[/@]/)[0]!);
  const changes = [authorizer.refresh(new Configuration()), proxies.refresh(new Configuration())];
  // and the lookups that need no name resolution
  const acl = new AccessControlList(lines[0] ?? '');
  const hosts = new MachineList(lines[2] ?? '', 'fuzz', FIXED_LOOKUP);
  return [changes, acl.isUserAllowed('alice', ['ops']), new AccessControlList(lines[7], lines[8]).toString(), await hosts.includes('10.9.8.7'), await hosts.includes('2001:db8::1')];
}

/** `hsec fs -chmod MODE` on a file and a directory, and the same text as a umask. */
function permissionModes(b: Uint8Array): unknown {
  const text = str(b);
  const change = parseChmod(text);
  return [change && [chmodResult(change, 0o644, false), chmodResult(change, 0o1755, true)], parseUmaskMode(text)];
}

const GLOB_NAMES = ['part-00000', 'a.txt', '.Trash', 'x{y}', 'ünïcode-ß', '', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaab'];

/**
 * What globStatus does with a pattern before it lists anything: expand `{a/b}` groups, compile each
 * distinct component once, unescape literal ones; then match names and sort what matched.
 */
function globPattern(b: Uint8Array): unknown {
  const matched = new Map<string, string[]>();
  for (const flat of expandGlobBraces(str(b))) {
    for (const component of flat.split('/').filter((c) => c !== '')) {
      if (matched.has(component)) continue;
      const glob = compileComponentGlob(component);
      matched.set(component, glob.hasWildcard ? GLOB_NAMES.filter((n) => glob.matches(n)) : [unescapeGlobComponent(component)]);
    }
  }
  return [...matched.values()].flat().slice(0, 1000).sort(compareUriPaths);
}

export const TEXT_TARGETS: readonly FuzzTarget[] = [
  { name: 'service ACL, host list and proxy-user values', seeds: () => [utf8(POLICY_SEED)], run: policyValues, async: true },
  { name: 'chmod modes and umask', seeds: () => ['u+x,g-w,o=', '1755', '+0644', 'a+rwxXt', 'u=rwx,g=rx,o=', '022'].map(utf8), run: permissionModes },
  { name: 'path globs', seeds: () => ['/user/alice/{logs/2026,tmp}/part-*', 'a[!b-d]?.txt', '\\{x\\}', 'p{a,{b,c}}s/[]x]', '/.Trash/Current/*'].map(utf8), run: globPattern },
  {
    name: 'trash checkpoint names',
    seeds: () => [checkpointName(new Date(1_764_900_000_000)), '2612051230', '261305123000-1', 'Current'].map(utf8),
    run: (b) => checkpointTime(str(b), 1_764_900_000_000),
  },
];
