// The ACL calls on the namesystem without RPC (a real journal store in a temp dir, a ManualClock):
// FSDirAclOp's flag check, checkOwner, the stored bits and feature, HAS_ACL and the ACL bit in the
// file status, FSPermissionChecker.hasAclPermission (named user, group entries with the mask,
// other only when nothing matched), default ACL inheritance with and without the unmasked mode,
// audit lines, and that ACLs come back after a restart from the journal and from a snapshot.
import { expect } from 'chai';
import { AclOps } from '../../../cluster/namenode/acl-ops.ts';
import { FsAction } from '../../../cluster/namenode/namespace/permission-checker.ts';
import { aclEntryFromProto, aclEntryString, parseAclSpec } from '../../../cluster/protocol/acl-entry.ts';
import { auditLines } from '../../support/log-lines.ts';
import { rejectsWithCode } from '../../support/expect-code.ts';
import { alice, bob, carol, hdfsUser, namesystem, writeFile, type TestNamesystem } from '../../support/namesystem.ts';

const spec = (s: string) => parseAclSpec(s, true);

describe('namenode/ACL calls (FSDirAclOp, AclStorage, FSPermissionChecker with ACLs)', () => {
  let t: TestNamesystem;
  let acls: AclOps;
  beforeEach(async () => {
    t = await namesystem();
    acls = new AclOps(t.ns);
    await t.ns.mkdirs('/d', { perm: 0o755 }, true, hdfsUser);
    await t.attributes.setOwner('/d', 'alice', undefined, hdfsUser);
    await writeFile(t, '/d/f', 0, alice);
    await t.attributes.setPermission('/d/f', { perm: 0o600 }, alice);
  });
  afterEach(() => t.ns.store.close());

  const entries = (path: string) => acls.getAclStatus(path, alice).entries.map(aclEntryString).join(',');
  const allowed = (path: string, caller: typeof bob, mode: number) => {
    try {
      t.ns.checkAccess(path, mode, caller);
      return true;
    } catch {
      return false;
    }
  };

  it('a named user entry grants what the bits refuse; the mask limits it; the status shows HAS_ACL and the ACL bit', async () => {
    expect(allowed('/d/f', carol, FsAction.READ)).to.equal(false);
    await acls.modifyAclEntries('/d/f', spec('user:carol:r--'), alice);
    expect(allowed('/d/f', carol, FsAction.READ)).to.equal(true);
    expect(allowed('/d/f', carol, FsAction.WRITE)).to.equal(false);
    const st = t.ns.getFileInfo('/d/f', alice)!;
    expect(st.flags).to.equal(1);
    expect(st.permission.perm).to.equal(0x1000 | 0o640);
    expect(entries('/d/f')).to.equal('user:carol:r--,group::---');
    // chmod g-r sets the mask to ---: carol's entry no longer grants anything, and other does not apply to a matched user
    await t.attributes.setPermission('/d/f', { perm: 0o604 }, alice);
    expect(allowed('/d/f', carol, FsAction.READ)).to.equal(false);
    expect(allowed('/d/f', bob, FsAction.READ)).to.equal(true);
    expect(acls.getAclStatus('/d/f', alice)).to.deep.include({ owner: 'alice', stickyBit: false, permission: 0o604 });
  });

  it('group entries: any group entry of the caller that grants (masked) suffices; a matching group that does not blocks other', async () => {
    await acls.setAcl('/d/f', spec('user::rw-,group::---,group:staff:r--,other::r--'), alice);
    expect(allowed('/d/f', bob, FsAction.READ)).to.equal(true); // staff
    await acls.modifyAclEntries('/d/f', spec('group:staff:---'), alice);
    expect(allowed('/d/f', bob, FsAction.READ)).to.equal(false); // staff matched, denied: other is not consulted
    expect(allowed('/d/f', carol, FsAction.READ)).to.equal(true); // other
  });

  it('removeAcl puts the owning group entry back into the group bits; removeDefaultAcl keeps the access ACL', async () => {
    await acls.setAcl('/d', spec('user::rwx,group::r-x,user:bob:rwx,other::---,default:user:bob:r-x'), alice);
    expect(t.ns.getFileInfo('/d', alice)!.permission.perm & 0o7777).to.equal(0o770);
    await acls.removeDefaultAcl('/d', alice);
    expect(entries('/d')).to.equal('user:bob:rwx,group::r-x');
    await acls.removeAcl('/d', alice);
    const st = t.ns.getFileInfo('/d', alice)!;
    expect(st.permission.perm).to.equal(0o750);
    expect(st.flags).to.equal(0);
    expect(entries('/d')).to.equal('');
  });

  it('default ACLs are inherited by new files and directories: unmasked mode with POSIX inheritance, the masked mode without a default ACL', async () => {
    await acls.modifyAclEntries('/d', spec('default:user:bob:rwx'), alice);
    await t.ns.mkdirs('/d/sub/deeper', { perm: 0o755 }, true, alice, { perm: 0o777 });
    expect(entries('/d/sub/deeper')).to.equal('user:bob:rwx,group::r-x,default:user::rwx,default:user:bob:rwx,default:group::r-x,default:mask::rwx,default:other::r-x');
    expect(t.ns.getFileInfo('/d/sub/deeper', alice)!.permission.perm & 0o777).to.equal(0o775);
    await t.writes.create({ src: '/d/new', masked: { perm: 0o644 }, unmasked: { perm: 0o666 }, clientName: 'c1', createFlag: 1, createParent: true, replication: 1, blockSize: 1 << 20 }, alice);
    expect(entries('/d/new')).to.equal('user:bob:rwx,group::r-x');
    expect(t.ns.getFileInfo('/d/new', alice)!.permission.perm & 0o777).to.equal(0o664); // mask rwx & rw- (unmasked), no umask
    await t.ns.mkdirs('/plain', { perm: 0o755 }, true, hdfsUser, { perm: 0o777 });
    expect(t.ns.getFileInfo('/plain', alice)!.permission.perm).to.equal(0o755);
    // bob may write in the new directory through the inherited entry
    expect(allowed('/d/sub/deeper', bob, FsAction.WRITE)).to.equal(true);
  });

  it('mkdirs -p: the implicit parents under a default ACL start from the unmasked mode too (HDFS-14359)', async () => {
    await acls.modifyAclEntries('/d', spec('default:user:bob:rwx'), alice);
    await t.ns.mkdirs('/d/p1/p2', { perm: 0o755 }, true, alice, { perm: 0o777 });
    // FSDirMkdirOp.addImplicitUwx keeps the unmasked 0777: mask rwx, not rwx & r-x
    expect(t.ns.getFileInfo('/d/p1', alice)!.permission.perm & 0o777).to.equal(0o775);
    expect(allowed('/d/p1', bob, FsAction.WRITE)).to.equal(true);
    // without a default ACL above them, implicit parents keep the masked mode with u+wx
    await t.ns.mkdirs('/q1/q2', { perm: 0o555 }, true, hdfsUser, { perm: 0o777 });
    expect(t.ns.getFileInfo('/q1', hdfsUser)!.permission.perm & 0o777).to.equal(0o755);
  });

  it('an entry that arrives with an empty name is the unnamed entry (AclEntry.Builder.setName ignores "")', async () => {
    const wire = [
      { type: 'USER', scope: 'ACCESS', permissions: 'READ_WRITE', name: '' },
      { type: 'GROUP', scope: 'ACCESS', permissions: 'READ', name: '' },
      { type: 'MASK', scope: 'ACCESS', permissions: 'READ', name: '' },
      { type: 'OTHER', scope: 'ACCESS', permissions: 'NONE', name: '' },
    ] as const;
    await acls.setAcl('/d/f', wire.map((e) => aclEntryFromProto({ ...e })), alice);
    // a given mask makes the ACL extended (four entries), as in Hadoop
    expect(t.ns.getFileInfo('/d/f', alice)!.permission.perm).to.equal(0x1000 | 0o640);
    expect(entries('/d/f')).to.equal('group::r--');
  });

  it('only the owner or the superuser changes an ACL; refusals are audited as allowed=false, changes with the status', async () => {
    const lines = await auditLines(async () => {
      const e = await rejectsWithCode(acls.setAcl('/d/f', spec('user::rw-,group::---,other::---'), bob), 'ACCESS_DENIED');
      expect(e.message).to.equal('Permission denied. user=bob is not the owner of inode=/d/f');
      await acls.modifyAclEntries('/d/f', spec('user:bob:r--'), hdfsUser);
      acls.getAclStatus('/d/f', bob);
    });
    expect(lines.map((l) => [l['allowed'], l['cmd'], l['src'], l['perm']])).to.deep.equal([
      [false, 'setAcl', '/d/f', null], [true, 'modifyAclEntries', '/d/f', 'alice:supergroup:rw-r-----'], [true, 'getAclStatus', '/d/f', null],
    ]);
  });

  it('an invalid ACL is refused with " Path: <src>" after AclTransformation\'s or AclStorage\'s message, as FSDirAclOp rethrows the AclException', async () => {
    const refusal = async (p: Promise<void>) => (await rejectsWithCode(p, 'FS_ACL')).message;
    expect(await refusal(acls.setAcl('/d/f', spec('user::rwx,group::r-x'), alice))).to.equal('Invalid ACL: the user, group and other entries are required. Path: /d/f');
    expect(await refusal(acls.modifyAclEntries('/d/f', spec('other:bob:r--'), alice))).to.equal('Invalid ACL: this entry type must not have a name: other:bob:r--. Path: /d/f');
    // AclStorage.updateINodeAcl's message already names the path; FSDirAclOp adds it again
    expect(await refusal(acls.modifyAclEntries('/d/f', spec('default:user:bob:r--'), alice))).to.equal('Invalid ACL: only directories may have a default ACL. Path: /d/f Path: /d/f');
    await acls.setAcl('/d/f', spec('user::rw-,user:bob:r--,group::---,mask::r--,other::---'), alice);
    expect(await refusal(acls.removeAclEntries('/d/f', parseAclSpec('mask::', false), alice))).to.equal('Invalid ACL: mask is required and cannot be deleted. Path: /d/f');
    const many = Array.from({ length: 33 }, (_, i) => `user:u${i}:r--`).join(',');
    expect(await refusal(acls.modifyAclEntries('/d', spec(many), alice))).to.equal('Invalid ACL: ACL has 33 access entries, which exceeds maximum of 32. Path: /d');
  });

  it('dfs.namenode.acls.enabled=false refuses every ACL call with the AclException naming the key', async () => {
    const t2 = await namesystem({ settings: { aclsEnabled: false } });
    try {
      const e = await rejectsWithCode(new AclOps(t2.ns).setAcl('/', spec('user::rwx,group::r-x,other::r-x'), hdfsUser), 'FS_ACL');
      expect(e.message).to.equal('The ACL operation has been rejected.  Support for ACLs has been disabled by setting dfs.namenode.acls.enabled to false.');
      expect(() => new AclOps(t2.ns).getAclStatus('/', hdfsUser)).to.throw('dfs.namenode.acls.enabled');
    } finally {
      await t2.ns.store.close();
    }
  });

  it('the largest ACL (32 access and 32 default entries, HDFS-7582) is stored, journaled and read back', async () => {
    const named = (prefix: string) => Array.from({ length: 28 }, (_, i) => `${prefix}user:u${i}:r--`).join(',');
    await acls.setAcl('/d', spec(`user::rwx,group::r-x,other::---,${named('')},default:user::rwx,default:group::r-x,default:other::---,${named('default:')}`), alice);
    const before = entries('/d');
    expect(acls.getAclStatus('/d', alice).entries).to.have.length(29 + 32);
    t = await t.restart();
    acls = new AclOps(t.ns);
    expect(entries('/d')).to.equal(before);
    await t.ns.write(() => t.ns.store.compact(t.ns.fsd));
    t = await t.restart();
    acls = new AclOps(t.ns);
    expect(entries('/d')).to.equal(before);
  });

  it('ACLs survive a restart, from the journal and from a snapshot', async () => {
    await acls.modifyAclEntries('/d', spec('user:bob:rwx,default:group:staff:r-x'), alice);
    await t.ns.mkdirs('/d/child', { perm: 0o700 }, true, alice, { perm: 0o777 });
    const before = [entries('/d'), entries('/d/child'), t.ns.getFileInfo('/d/child', alice)!.permission.perm];
    t = await t.restart();
    acls = new AclOps(t.ns);
    expect([entries('/d'), entries('/d/child'), t.ns.getFileInfo('/d/child', alice)!.permission.perm]).to.deep.equal(before);
    await t.ns.write(() => t.ns.store.compact(t.ns.fsd));
    t = await t.restart();
    acls = new AclOps(t.ns);
    expect([entries('/d'), entries('/d/child'), t.ns.getFileInfo('/d/child', alice)!.permission.perm]).to.deep.equal(before);
    expect(allowed('/d/child', bob, FsAction.READ_EXECUTE)).to.equal(true);
  });
});
