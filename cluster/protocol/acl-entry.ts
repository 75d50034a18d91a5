/**
 * POSIX ACL entries as Hadoop models them (hadoop-common org.apache.hadoop.fs.permission: AclEntry,
 * AclEntryScope, AclEntryType, FsAction, AclStatus, AclUtil, ScopedAclEntries) and their wire form
 * (acl.proto AclEntryProto / AclStatusProto, converted as PBHelperClient does). Shared by the
 * NameNode, the client library and `hsec fs -getfacl / -setfacl`.
 *
 * Text forms: `AclEntry.toStringStable` (`[default:]<type>:[<name>]:<perm>`, the permission as
 * FsAction.SYMBOL such as `r-x`) and `AclEntry.parseAclSpec` / `parseAclEntry` (comma-separated
 * entries, empty ones skipped as StringUtils.getStringCollection does; each split on `:` as
 * Java's String.split, which drops trailing empty fields), with HadoopIllegalArgumentException's
 * messages.
 */
import { FileSystemError } from '../../lib/errors/index.ts';

export type AclEntryScope = 'ACCESS' | 'DEFAULT';
export type AclEntryType = 'USER' | 'GROUP' | 'MASK' | 'OTHER';

/** One ACL entry. `permission` is FsAction bits (READ 4, WRITE 2, EXECUTE 1). */
export interface AclEntry {
  readonly scope: AclEntryScope;
  readonly type: AclEntryType;
  /** a user or group name; absent for the owner, owning group, mask and other entries */
  readonly name?: string;
  readonly permission: number;
}

/** An ACL as getAclStatus answers (AclStatus): the extended entries only, plus the permission bits. */
export interface AclStatus {
  readonly owner: string;
  readonly group: string;
  readonly stickyBit: boolean;
  /** the extended entries (named users, the owning group, named groups, then the default ACL); empty for a minimal ACL */
  readonly entries: readonly AclEntry[];
  /** the permission bits (mask in the group bits when there is an extended ACL); absent from old servers */
  readonly permission?: number;
}

/** FsActionProto names by FsAction bits (PERM_ALL is FsAction.ALL). */
export const FS_ACTION_PROTO = ['NONE', 'EXECUTE', 'WRITE', 'WRITE_EXECUTE', 'READ', 'READ_EXECUTE', 'READ_WRITE', 'PERM_ALL'] as const;
export type FsActionProtoName = (typeof FS_ACTION_PROTO)[number];

/** AclEntryProto as the codec reads and writes it. */
export interface AclEntryProto {
  type: AclEntryType;
  scope: AclEntryScope;
  permissions: FsActionProtoName;
  name?: string;
}

/** AclStatusProto. */
export interface AclStatusProto {
  owner: string;
  group: string;
  sticky: boolean;
  entries?: AclEntryProto[];
  permission?: { perm: number };
}

/** FsAction.SYMBOL: `rwx`, `r-x`, `---`. */
export function fsActionSymbol(bits: number): string {
  return `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
}

/** FsAction.getFsAction: the bits of an exact SYMBOL, undefined for anything else. */
export function parseFsActionSymbol(s: string): number | undefined {
  const m = /^([r-])([w-])([x-])$/.exec(s);
  if (!m) return undefined;
  return (m[1] === 'r' ? 4 : 0) | (m[2] === 'w' ? 2 : 0) | (m[3] === 'x' ? 1 : 0);
}

/** AclEntry.toStringStable (also what toString prints). A removal spec's entry (no permission) prints `---`, as its NONE on the wire. */
export function aclEntryString(e: AclEntry): string {
  return `${e.scope === 'DEFAULT' ? 'default:' : ''}${e.type.toLowerCase()}:${e.name ?? ''}:${fsActionSymbol(e.permission)}`;
}

const SCOPE_ORDER: Record<AclEntryScope, number> = { ACCESS: 0, DEFAULT: 1 };
const TYPE_ORDER: Record<AclEntryType, number> = { USER: 0, GROUP: 1, MASK: 2, OTHER: 3 };

/**
 * AclTransformation.ACL_ENTRY_COMPARATOR: access before default; owner, named users, owning group,
 * named groups, mask, other; names in natural (UTF-16) order, the unnamed entry first.
 */
export function compareAclEntries(a: AclEntry, b: AclEntry): number {
  const s = SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope];
  if (s !== 0) return s;
  const t = TYPE_ORDER[a.type] - TYPE_ORDER[b.type];
  if (t !== 0) return t;
  if (a.name === b.name) return 0;
  if (a.name === undefined) return -1;
  if (b.name === undefined) return 1;
  return a.name < b.name ? -1 : 1;
}

/** AclUtil.isMinimalAcl: exactly the owner, group and other entries. */
export function isMinimalAcl(entries: readonly AclEntry[]): boolean {
  return entries.length === 3;
}

/** AclUtil.getMinimalAcl: the three entries the permission bits stand for. */
export function minimalAcl(mode: number): AclEntry[] {
  return [
    { scope: 'ACCESS', type: 'USER', permission: (mode >> 6) & 7 },
    { scope: 'ACCESS', type: 'GROUP', permission: (mode >> 3) & 7 },
    { scope: 'ACCESS', type: 'OTHER', permission: mode & 7 },
  ];
}

/**
 * AclUtil.getAclFromPermAndEntries: the full ACL from the permission bits and getAclStatus's
 * entries (the group bits are the mask when there are access entries, else the group entry).
 */
export function aclFromPermAndEntries(mode: number, entries: readonly AclEntry[]): AclEntry[] {
  const access = entries.filter((e) => e.scope === 'ACCESS');
  const defaults = entries.filter((e) => e.scope === 'DEFAULT');
  return [
    { scope: 'ACCESS', type: 'USER', permission: (mode >> 6) & 7 },
    ...access,
    { scope: 'ACCESS', type: access.length > 0 ? 'MASK' : 'GROUP', permission: (mode >> 3) & 7 },
    { scope: 'ACCESS', type: 'OTHER', permission: mode & 7 },
    ...defaults,
  ];
}

/**
 * AclStatus.getEffectivePermission: a named entry or a group entry is limited by the mask (the
 * access mask is the permission's group bits; the default mask is the default ACL's mask entry).
 */
export function effectivePermission(status: AclStatus, entry: AclEntry, mode: number): number {
  if (entry.name === undefined && entry.type !== 'GROUP') return entry.permission;
  if (entry.scope === 'ACCESS') return entry.permission & (((status.permission ?? mode) >> 3) & 7);
  const mask = status.entries.find((e) => e.scope === 'DEFAULT' && e.type === 'MASK');
  return mask ? entry.permission & mask.permission : entry.permission;
}

/** HadoopIllegalArgumentException, as the shell reports it. */
function invalidSpec(message: string): FileSystemError {
  return new FileSystemError('FS_INVALID_ARGUMENT', message, { exceptionClassName: 'org.apache.hadoop.HadoopIllegalArgumentException' });
}

/** AclEntry.parseAclEntry: one entry; without `includePermission` (a removal spec) there is no permission field. */
export function parseAclEntry(text: string, includePermission: boolean): AclEntry {
  const split = javaSplit(text, ':');
  if (split.length === 0) throw invalidSpec(`Invalid <aclSpec> : ${text}`);
  let index = 0;
  let scope: AclEntryScope = 'ACCESS';
  if (split[0] === 'default') {
    index++;
    scope = 'DEFAULT';
  }
  if (split.length <= index) throw invalidSpec(`Invalid <aclSpec> : ${text}`);
  const type = split[index]!.toUpperCase();
  if (!Object.hasOwn(TYPE_ORDER, type)) throw invalidSpec(`Invalid type of acl in <aclSpec> :${text}`);
  index++;
  let name: string | undefined;
  if (split.length > index) {
    if (split[index] !== '') name = split[index];
    index++;
  }
  let permission = 0;
  if (includePermission) {
    if (split.length <= index) throw invalidSpec(`Invalid <aclSpec> : ${text}`);
    const bits = parseFsActionSymbol(split[index]!);
    if (bits === undefined) throw invalidSpec(`Invalid permission in <aclSpec> : ${text}`);
    permission = bits;
    index++;
  }
  if (split.length > index) throw invalidSpec(`Invalid <aclSpec> : ${text}`);
  return { scope, type: type as AclEntryType, ...(name !== undefined ? { name } : {}), permission };
}

/** AclEntry.parseAclSpec: comma-separated entries (empty ones skipped). */
export function parseAclSpec(spec: string, includePermission: boolean): AclEntry[] {
  return spec.split(',').filter((s) => s !== '').map((s) => parseAclEntry(s, includePermission));
}

/** String.split(regex) of a literal: the fields, trailing empty ones dropped. */
function javaSplit(s: string, sep: string): string[] {
  const parts = s.split(sep);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** PBHelperClient.convertAclEntryProto: a removal spec's missing permission travels as NONE. */
export function aclEntryToProto(e: AclEntry): AclEntryProto {
  return { type: e.type, scope: e.scope, permissions: FS_ACTION_PROTO[e.permission & 7]!, ...(e.name !== undefined ? { name: e.name } : {}) };
}

/** PBHelperClient.convertAclEntry: an empty name is no name (AclEntry.Builder.setName ignores it). */
export function aclEntryFromProto(p: AclEntryProto): AclEntry {
  return { scope: p.scope, type: p.type, ...(p.name ? { name: p.name } : {}), permission: FS_ACTION_PROTO.indexOf(p.permissions) & 7 };
}

export function aclStatusToProto(s: AclStatus): AclStatusProto {
  return {
    owner: s.owner, group: s.group, sticky: s.stickyBit, entries: s.entries.map(aclEntryToProto),
    ...(s.permission !== undefined ? { permission: { perm: s.permission } } : {}),
  };
}

export function aclStatusFromProto(p: AclStatusProto): AclStatus {
  return {
    owner: p.owner, group: p.group, stickyBit: p.sticky, entries: (p.entries ?? []).map(aclEntryFromProto),
    ...(p.permission ? { permission: p.permission.perm & 0o7777 } : {}),
  };
}
