/**
 * ACLs and authentication infos as Hadoop configures them for ZooKeeper:
 * - `parseAcls` is ZKUtil.parseACLs (`hadoop.zk.acl`): a comma list (empty items dropped, items
 *   trimmed) of `scheme:id:perms`, split at the first and the last colon, perms from the letters
 *   r w c d a (ZKUtil.getPermFromString). `digest:admin:HASH:cdrwa,world:anyone:r`.
 * - `parseAuthInfos` is ZKUtil.parseAuth (`hadoop.zk.auth`): a comma list of `scheme:auth`, split
 *   at the first colon, the auth as UTF-8 bytes. `digest:admin:secret`.
 * - `digestId` is ZooKeeper's DigestAuthenticationProvider.generateDigest: `user:` + base64 of the
 *   SHA-1 of the whole `user:password` string: the id a `digest:` ACL names.
 * Messages never contain an auth's secret part.
 */
import { createHash } from 'node:crypto';
import { ConfigError } from '../errors/index.ts';
import { Perms } from './constants.ts';
import type { Acl } from './jute.ts';

/** One `scheme:auth` identity sent with AuthPacket after connecting (ZKUtil.ZKAuthInfo). */
export interface ZkAuthInfo {
  readonly scheme: string;
  readonly auth: Uint8Array;
}

const PERM_LETTERS: ReadonlyArray<readonly [string, number]> = [
  ['r', Perms.READ],
  ['w', Perms.WRITE],
  ['c', Perms.CREATE],
  ['d', Perms.DELETE],
  ['a', Perms.ADMIN],
];

/** ZooDefs.Ids.OPEN_ACL_UNSAFE: world:anyone:cdrwa. */
export const OPEN_ACL_UNSAFE: readonly Acl[] = [{ perms: Perms.ALL, scheme: 'world', id: 'anyone' }];
/** ZooDefs.Ids.READ_ACL_UNSAFE: world:anyone:r. */
export const READ_ACL_UNSAFE: readonly Acl[] = [{ perms: Perms.READ, scheme: 'world', id: 'anyone' }];
/** ZooDefs.Ids.CREATOR_ALL_ACL: every identity of the creating session gets cdrwa. */
export const CREATOR_ALL_ACL: readonly Acl[] = [{ perms: Perms.ALL, scheme: 'auth', id: '' }];

function items(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Permission letters -> bits; an unknown letter is a ConfigError, as in ZKUtil. */
export function parsePerms(letters: string, configKey = 'hadoop.zk.acl'): number {
  let perms = 0;
  for (const c of letters) {
    const bit = PERM_LETTERS.find(([l]) => l === c)?.[1];
    if (bit === undefined) throw new ConfigError('CONFIG_INVALID', `Invalid permission '${c}' in permission string '${letters}' (${configKey}): use the letters r w c d a`, { configKey });
    perms |= bit;
  }
  return perms;
}

/** Bits -> letters in Hadoop's `rwcda` order (ZooKeeper's shell prints `cdrwa`). */
export function formatPerms(perms: number): string {
  return PERM_LETTERS.filter(([, bit]) => (perms & bit) !== 0)
    .map(([l]) => l)
    .join('');
}

/** ZKUtil.parseACLs. */
export function parseAcls(text: string | undefined, configKey = 'hadoop.zk.acl'): Acl[] {
  if (text === undefined) return [];
  return items(text).map((a) => {
    const first = a.indexOf(':');
    const last = a.lastIndexOf(':');
    if (first === -1 || first === last) {
      throw new ConfigError('CONFIG_INVALID', `ACL '${a}' not of expected form scheme:id:perm (${configKey})`, { configKey });
    }
    return { scheme: a.slice(0, first), id: a.slice(first + 1, last), perms: parsePerms(a.slice(last + 1), configKey) };
  });
}

/** `scheme:id:perms` (rwcda letters). */
export function formatAcl(acl: Acl): string {
  return `${acl.scheme}:${acl.id}:${formatPerms(acl.perms)}`;
}

/** ZKUtil.parseAuth. */
export function parseAuthInfos(text: string | undefined, configKey = 'hadoop.zk.auth'): ZkAuthInfo[] {
  if (text === undefined) return [];
  return items(text).map((comp) => {
    const colon = comp.indexOf(':');
    if (colon < 0) {
      // Only the scheme is named here: the item may be a secret with its colon missing.
      throw new ConfigError('CONFIG_INVALID', `An auth in ${configKey} is not of the form scheme:auth (e.g. digest:user:password)`, { configKey });
    }
    return { scheme: comp.slice(0, colon), auth: new TextEncoder().encode(comp.slice(colon + 1)) };
  });
}

/** DigestAuthenticationProvider.generateDigest(`user:password`): `user:base64(sha1(user:password))`. */
export function digestId(userColonPassword: string): string {
  const user = userColonPassword.split(':', 1)[0]!;
  return `${user}:${createHash('sha1').update(userColonPassword, 'utf8').digest('base64')}`;
}

/** The identity an auth info gives the session, for messages: digest user names, never passwords. */
export function describeAuthInfo(info: ZkAuthInfo): string {
  if (info.scheme === 'digest') return `digest:${new TextDecoder().decode(info.auth).split(':', 1)[0]}`;
  return `${info.scheme}:(…)`;
}
