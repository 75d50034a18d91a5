// The pure ACL logic: AclTransformation's four changes (merge, filter by spec, filter default,
// replace) with mask recalculation, default copying and its "Invalid ACL" refusals; AclStorage's
// split into permission bits + feature entries and copyINodeDefaultAcl; AclEntry's text forms
// (parseAclSpec, toStringStable) with HadoopIllegalArgumentException's messages.
import { expect } from 'chai';
import {
  aclEntryString, aclFromPermAndEntries, effectivePermission, parseAclEntry, parseAclSpec, type AclEntry,
} from '../../../cluster/protocol/acl-entry.ts';
import { inheritedAcl, logicalAcl, storedAcl } from '../../../cluster/namenode/namespace/acl-storage.ts';
import {
  filterAclEntriesByAclSpec, filterDefaultAclEntries, mergeAclEntries, replaceAclEntries,
} from '../../../cluster/namenode/namespace/acl-transformation.ts';
import { expectCode } from '../../support/expect-code.ts';

const spec = (s: string): AclEntry[] => parseAclSpec(s, true);
const text = (acl: readonly AclEntry[]): string => acl.map(aclEntryString).join(',');

describe('namenode/ACL transformation, storage and text forms (AclTransformation, AclStorage, AclEntry)', () => {
  const minimal750 = spec('user::rwx,group::r-x,other::---');

  it('merge: a named user is added and a mask computed from the group class (union of group and named entries)', () => {
    expect(text(mergeAclEntries(minimal750, spec('user:bob:rw-')))).to.equal('user::rwx,user:bob:rw-,group::r-x,mask::rwx,other::---');
  });

  it('merge: an existing entry is replaced, a given mask kept as given, and default base entries copied from the access ones', () => {
    const acl = mergeAclEntries(minimal750, spec('user:bob:rwx,mask::r--'));
    expect(text(acl)).to.equal('user::rwx,user:bob:rwx,group::r-x,mask::r--,other::---');
    const withDefault = mergeAclEntries(acl, spec('default:user:carol:r-x'));
    expect(text(withDefault)).to.equal(
      'user::rwx,user:bob:rwx,group::r-x,mask::r--,other::---,default:user::rwx,default:user:carol:r-x,default:group::r-x,default:mask::r-x,default:other::---');
  });

  it('merge: a changed entry in a scope with an old mask recalculates it; the scope left alone keeps its mask', () => {
    const acl = spec('user::rwx,user:bob:r--,group::r--,mask::r--,other::---');
    expect(text(mergeAclEntries(acl, spec('user:bob:rwx')))).to.equal('user::rwx,user:bob:rwx,group::r--,mask::rwx,other::---');
  });

  it('filter by spec: removing the last named entry recalculates the mask (the ACL had one); removing it with the mask leaves a minimal ACL; removing a needed mask is refused', () => {
    const acl = mergeAclEntries(minimal750, spec('user:bob:rw-'));
    expect(text(filterAclEntriesByAclSpec(acl, parseAclSpec('user:bob', false)))).to.equal('user::rwx,group::r-x,mask::r-x,other::---');
    expect(text(filterAclEntriesByAclSpec(acl, parseAclSpec('user:bob,mask::', false)))).to.equal('user::rwx,group::r-x,other::---');
    // a scope that had only a mask keeps one, recalculated, when an entry of it changes
    expect(text(mergeAclEntries(spec('user::rwx,group::r--,mask::---,other::---'), spec('group::r-x')))).to.equal('user::rwx,group::r-x,mask::r-x,other::---');
    const e = expectCode(() => filterAclEntriesByAclSpec(acl, parseAclSpec('mask::', false)), 'FS_ACL');
    expect(e.message).to.equal('Invalid ACL: mask is required and cannot be deleted.');
    expect(e.details['exceptionClassName']).to.equal('org.apache.hadoop.hdfs.protocol.AclException');
  });

  it('filter default and replace: each scope is replaced only when the spec names it', () => {
    const acl = mergeAclEntries(minimal750, spec('user:bob:rw-,default:user:bob:r--'));
    expect(text(filterDefaultAclEntries(acl))).to.equal('user::rwx,user:bob:rw-,group::r-x,mask::rwx,other::---');
    expect(text(replaceAclEntries(acl, spec('user::rw-,group::r--,other::r--')))).to.equal(
      'user::rw-,group::r--,other::r--,default:user::rwx,default:user:bob:r--,default:group::r-x,default:mask::r-x,default:other::---');
  });

  it('validation: the base entries, duplicates, names on mask/other, and 32 entries at most, with Hadoop\'s messages', () => {
    const msg = (fn: () => unknown) => expectCode(fn, 'FS_ACL').message;
    expect(msg(() => replaceAclEntries(minimal750, spec('user::rwx,group::r--')))).to.equal('Invalid ACL: the user, group and other entries are required.');
    expect(msg(() => replaceAclEntries(minimal750, spec('user::rwx,group::r--,other::---,user:bob:r--,user:bob:rw-')))).to.equal('Invalid ACL: multiple entries with same scope, type and name.');
    expect(msg(() => replaceAclEntries(minimal750, spec('user::rwx,group::r--,other:bob:---')))).to.equal('Invalid ACL: this entry type must not have a name: other:bob:---.');
    const many = Array.from({ length: 33 }, (_, i) => `user:u${i}:r--`).join(',');
    expect(msg(() => mergeAclEntries(minimal750, spec(many)))).to.equal('Invalid ACL: ACL has 33 access entries, which exceeds maximum of 32.');
    const thirty = Array.from({ length: 30 }, (_, i) => `user:u${i}:r--`).join(',');
    expect(msg(() => mergeAclEntries(minimal750, spec(thirty)))).to.equal('Invalid ACL: ACL has 34 access entries, which exceeds maximum of 32.');
    // HDFS-7582: the limit is per scope, so 20 access and 20 default entries are one valid ACL
    const twenty = (prefix: string) => Array.from({ length: 20 }, (_, i) => `${prefix}user:u${i}:r--`).join(',');
    expect(mergeAclEntries(minimal750, spec(`${twenty('')},${twenty('default:')}`))).to.have.length(48);
    expect(msg(() => mergeAclEntries(minimal750, spec(many.replace(/user:/g, 'default:user:'))))).to.equal('Invalid ACL: ACL has 33 default entries, which exceeds maximum of 32.');
  });

  it('storage: the mask is kept in the group bits, the feature holds named entries, the owning group and the default ACL', () => {
    const acl = mergeAclEntries(minimal750, spec('user:bob:rw-,group:eng:r--,mask::r-x'));
    const stored = storedAcl({ mode: 0o1750, kind: 'directory' }, acl, '/d');
    expect(stored.mode).to.equal(0o1750);
    expect(text(stored.entries)).to.equal('user:bob:rw-,group::r-x,group:eng:r--');
    expect(text(logicalAcl({ mode: stored.mode, acl: stored.entries }))).to.equal(text(acl));
    const withDefault = mergeAclEntries(acl, spec('default:user:bob:rwx'));
    const e = expectCode(() => storedAcl({ mode: 0o640, kind: 'file' }, withDefault, '/f'), 'FS_ACL');
    expect(e.message).to.equal('Invalid ACL: only directories may have a default ACL. Path: /f');
  });

  it('inheritance: a new file takes the default ACL as its access ACL (mode filters owner, mask and other); a new directory also as its default', () => {
    const parent = storedAcl({ mode: 0o755, kind: 'directory' }, mergeAclEntries(spec('user::rwx,group::r-x,other::r-x'), spec('default:user:bob:rwx,default:other::r--')), '/p').entries;
    const file = inheritedAcl(parent, 'file', 0o640)!;
    expect(text(file.entries)).to.equal('user:bob:rwx,group::r-x');
    expect(file.mode).to.equal(0o640); // user rwx & rw-, mask rwx & r--, other r-- & ---
    const dir = inheritedAcl(parent, 'directory', 0o777)!;
    expect(dir.mode).to.equal(0o774);
    expect(text(dir.entries)).to.equal('user:bob:rwx,group::r-x,default:user::rwx,default:user:bob:rwx,default:group::r-x,default:mask::rwx,default:other::r--');
    expect(inheritedAcl([], 'file', 0o644)).to.equal(undefined);
  });

  it('text forms: parseAclSpec as AclEntry.parseAclSpec (Java split, empty entries skipped) and its refusals', () => {
    expect(parseAclSpec('user::rwx,,default:group:eng:r-x', true)).to.deep.equal([
      { scope: 'ACCESS', type: 'USER', permission: 7 }, { scope: 'DEFAULT', type: 'GROUP', name: 'eng', permission: 5 },
    ]);
    expect(parseAclEntry('user:bob:', false)).to.deep.equal({ scope: 'ACCESS', type: 'USER', name: 'bob', permission: 0 });
    const msg = (s: string, perm = true) => expectCode(() => parseAclEntry(s, perm), 'FS_INVALID_ARGUMENT').message;
    expect(msg('owner::rwx')).to.equal('Invalid type of acl in <aclSpec> :owner::rwx');
    expect(msg('user:bob:rwz')).to.equal('Invalid permission in <aclSpec> : user:bob:rwz');
    expect(msg('user:bob')).to.equal('Invalid <aclSpec> : user:bob');
    expect(msg('user:bob:rwx', false)).to.equal('Invalid <aclSpec> : user:bob:rwx');
    expect(msg('default')).to.equal('Invalid <aclSpec> : default');
  });

  it('effective permissions and the full ACL from bits and entries (AclStatus.getEffectivePermission, AclUtil.getAclFromPermAndEntries)', () => {
    const entries = spec('user:bob:rwx,group::r-x,default:user:bob:rwx,default:group::r-x,default:mask::r--,default:other::---');
    const status = { owner: 'a', group: 'g', stickyBit: false, entries, permission: 0o740 };
    expect(effectivePermission(status, entries[0]!, 0o740)).to.equal(4);
    expect(effectivePermission(status, entries[2]!, 0o740)).to.equal(4);
    expect(text(aclFromPermAndEntries(0o740, entries.slice(0, 2)))).to.equal('user::rwx,user:bob:rwx,group::r-x,mask::r--,other::---');
    expect(text(aclFromPermAndEntries(0o750, []))).to.equal('user::rwx,group::r-x,other::---');
  });
});
