/**
 * The ACL changes of the ACL calls (Hadoop 3.4.1's AclTransformation), pure functions from an
 * inode's full logical ACL (sorted: access before default; owner, named users, owning group, named
 * groups, mask, other) and a client's ACL spec to the new ACL:
 *
 *  - mergeAclEntries (modifyAclEntries): spec entries replace those with the same scope, type and
 *    name, the others are added;
 *  - filterAclEntriesByAclSpec (removeAclEntries): entries with a key of the spec are dropped;
 *  - filterDefaultAclEntries (removeDefaultAcl): only the access entries stay;
 *  - replaceAclEntries (setAcl): each scope the spec names is replaced, the other kept.
 *
 * Then, as Hadoop does: missing default owner/group/other entries are copied from the access ones;
 * each changed scope gets a mask, the one the spec gave or else the union of the group entry and
 * every named entry (an ACL with named entries must keep one, and one that had a mask keeps one); and the result is checked (at most
 * 32 entries in each scope, no duplicates, no name on mask or other, the owner, group and other entries present).
 * Refusals are AclException with Hadoop's "Invalid ACL: ..." messages.
 */
import { aclEntryString, compareAclEntries, type AclEntry, type AclEntryScope, type AclEntryType } from '../../protocol/acl-entry.ts';
import { aclError } from './fs-errors.ts';

/** AclTransformation.MAX_ENTRIES. */
export const MAX_ACL_ENTRIES = 32;

const BASE_TYPES: readonly AclEntryType[] = ['USER', 'GROUP', 'OTHER'];
const SCOPES: readonly AclEntryScope[] = ['ACCESS', 'DEFAULT'];

/** ValidatedAclSpec: sorted, at most 32 entries in each scope (the spec is untrusted input). */
function validatedSpec(spec: readonly AclEntry[]): AclEntry[] {
  const sorted = [...spec].sort(compareAclEntries);
  checkMaxEntries(sorted);
  return sorted;
}

/** checkMaxEntries: at most 32 access and 32 default entries (HDFS-7582 counts each scope on its own). */
function checkMaxEntries(acl: readonly AclEntry[]): void {
  for (const scope of SCOPES) {
    const n = acl.filter((e) => e.scope === scope).length;
    if (n > MAX_ACL_ENTRIES) throw aclError(`Invalid ACL: ACL has ${n} ${scope.toLowerCase()} entries, which exceeds maximum of ${MAX_ACL_ENTRIES}.`);
  }
}

/** Collections.binarySearch with the ACL comparator: the entry with `key`'s scope, type and name. */
function findByKey(sorted: readonly AclEntry[], key: Pick<AclEntry, 'scope' | 'type' | 'name'>): AclEntry | undefined {
  let lo = 0;
  let hi = sorted.length - 1;
  const k = key as AclEntry;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareAclEntries(sorted[mid]!, k);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid - 1;
    else return sorted[mid];
  }
  return undefined;
}

/** What the scopes of one change are: the masks kept or given, and which scopes (and masks) changed. */
class MaskState {
  readonly provided = new Map<AclEntryScope, AclEntry>();
  readonly maskDirty = new Set<AclEntryScope>();
  readonly scopeDirty = new Set<AclEntryScope>();
}

export function mergeAclEntries(existing: readonly AclEntry[], inSpec: readonly AclEntry[]): AclEntry[] {
  const spec = validatedSpec(inSpec);
  const out: AclEntry[] = [];
  const found: AclEntry[] = [];
  const m = new MaskState();
  const take = (e: AclEntry, dirty: boolean) => {
    if (dirty) m.scopeDirty.add(e.scope);
    if (e.type === 'MASK') {
      m.provided.set(e.scope, e);
      if (dirty) m.maskDirty.add(e.scope);
    } else {
      out.push(e);
    }
  };
  for (const e of existing) {
    const s = findByKey(spec, e);
    if (s) found.push(s);
    take(s ?? e, s !== undefined);
  }
  // spec entries that replaced nothing are additions
  for (const e of spec) if (!found.some((f) => compareAclEntries(f, e) === 0)) take(e, true);
  return finish(out, m);
}

export function filterAclEntriesByAclSpec(existing: readonly AclEntry[], inSpec: readonly AclEntry[]): AclEntry[] {
  const spec = validatedSpec(inSpec);
  const out: AclEntry[] = [];
  const m = new MaskState();
  for (const e of existing) {
    if (findByKey(spec, e)) {
      m.scopeDirty.add(e.scope);
      if (e.type === 'MASK') m.maskDirty.add(e.scope);
    } else if (e.type === 'MASK') {
      m.provided.set(e.scope, e);
    } else {
      out.push(e);
    }
  }
  return finish(out, m);
}

export function filterDefaultAclEntries(existing: readonly AclEntry[]): AclEntry[] {
  return buildAndValidate(existing.filter((e) => e.scope === 'ACCESS'));
}

export function replaceAclEntries(existing: readonly AclEntry[], inSpec: readonly AclEntry[]): AclEntry[] {
  const spec = validatedSpec(inSpec);
  const out: AclEntry[] = [];
  const m = new MaskState();
  for (const e of spec) {
    m.scopeDirty.add(e.scope);
    if (e.type === 'MASK') {
      m.provided.set(e.scope, e);
      m.maskDirty.add(e.scope);
    } else {
      out.push(e);
    }
  }
  // a scope the spec does not name is kept as it is
  for (const e of existing) {
    if (m.scopeDirty.has(e.scope)) continue;
    if (e.type === 'MASK') m.provided.set(e.scope, e);
    else out.push(e);
  }
  return finish(out, m);
}

function finish(out: AclEntry[], m: MaskState): AclEntry[] {
  copyDefaultsIfNeeded(out);
  calculateMasks(out, m);
  return buildAndValidate(out);
}

/** copyDefaultsIfNeeded: a default ACL without an owner, group or other entry takes the access entry's permission. */
function copyDefaultsIfNeeded(out: AclEntry[]): void {
  out.sort(compareAclEntries);
  if (!out.some((e) => e.scope === 'DEFAULT')) return;
  const copied: AclEntry[] = [];
  for (const type of BASE_TYPES) {
    if (findByKey(out, { scope: 'DEFAULT', type })) continue;
    const access = findByKey(out, { scope: 'ACCESS', type });
    if (access) copied.push({ scope: 'DEFAULT', type, permission: access.permission });
  }
  out.push(...copied);
}

/**
 * calculateMasks, per scope present: a deleted mask that is still needed is refused; a given mask
 * is kept; else the mask is computed when named entries need one or the scope had a mask before
 * (removing the last named entry leaves a recalculated mask, and the ACL stays extended).
 */
function calculateMasks(out: AclEntry[], m: MaskState): void {
  const found = new Set<AclEntryScope>();
  const union = new Map<AclEntryScope, number>();
  const needed = new Set<AclEntryScope>();
  for (const e of out) {
    found.add(e.scope);
    if (e.type === 'GROUP' || e.name !== undefined) union.set(e.scope, (union.get(e.scope) ?? 0) | e.permission);
    if (e.name !== undefined) needed.add(e.scope);
  }
  for (const scope of SCOPES) {
    if (!found.has(scope)) continue;
    const provided = m.provided.get(scope);
    if (!provided && needed.has(scope) && m.maskDirty.has(scope)) throw aclError('Invalid ACL: mask is required and cannot be deleted.');
    if (provided && (!m.scopeDirty.has(scope) || m.maskDirty.has(scope))) out.push(provided);
    else if (needed.has(scope) || provided) out.push({ scope, type: 'MASK', permission: union.get(scope) ?? 0 });
  }
}

/** buildAndValidateAcl: sorted, no duplicate keys, no names on mask or other, at most 32 entries in each scope, the base entries of each scope present. */
function buildAndValidate(entries: readonly AclEntry[]): AclEntry[] {
  const acl = [...entries].sort(compareAclEntries);
  let prev: AclEntry | undefined;
  for (const e of acl) {
    if (prev && compareAclEntries(prev, e) === 0) throw aclError('Invalid ACL: multiple entries with same scope, type and name.');
    if (e.name !== undefined && (e.type === 'MASK' || e.type === 'OTHER')) throw aclError(`Invalid ACL: this entry type must not have a name: ${aclEntryString(e)}.`);
    prev = e;
  }
  checkMaxEntries(acl);
  const hasDefault = acl.some((e) => e.scope === 'DEFAULT');
  for (const type of BASE_TYPES) {
    if (!findByKey(acl, { scope: 'ACCESS', type })) throw aclError('Invalid ACL: the user, group and other entries are required.');
    if (hasDefault && !findByKey(acl, { scope: 'DEFAULT', type })) throw aclError('Invalid default ACL: the user, group and other entries are required.');
  }
  return acl;
}
