// setPermission and setOwner on the namesystem without RPC (a real journal store in a temp dir, a
// ManualClock): FSDirAttrOp's checks in Hadoop's order with its exception classes and messages
// (checkOwner, the superuser, group membership, the reserved name), the 0o1777 mask, the audit
// lines, no journal record for a change that changes nothing, and that every change comes back
// after a restart, from journal replay and from a snapshot.
import { expect } from 'chai';
import { auditLines } from '../../support/log-lines.ts';
import { HadoopException } from '../../../cluster/namenode/namespace/fs-errors.ts';
import type { CallerInfo } from '../../../cluster/namenode/namesystem.ts';
import { alice, bob, carol, hdfsUser, namesystem, writeFile, type TestNamesystem } from '../../support/namesystem.ts';
import { refused } from '../../support/expect-code.ts';

const mode = (t: TestNamesystem, path: string) => t.ns.getFileInfo(path, hdfsUser)!.permission.perm;
const owner = (t: TestNamesystem, path: string) => {
  const s = t.ns.getFileInfo(path, hdfsUser)!;
  return `${s.owner}:${s.group}`;
};

describe('namenode/file attributes: setPermission and setOwner (FSDirAttrOp)', () => {
  let t: TestNamesystem;
  beforeEach(async () => {
    t = await namesystem();
    await t.ns.mkdirs('/tmp', { perm: 0o1777 }, true, hdfsUser);
    await t.ns.mkdirs('/tmp/a', { perm: 0o755 }, true, alice);
    await writeFile(t, '/tmp/a/f', 0, alice);
  });
  afterEach(() => t.ns.store.close());

  it('setPermission: the owner sets the bits FsPermission.toShort keeps (sticky yes, setuid/setgid no); the mtime stays', async () => {
    const mtime = t.ns.getFileInfo('/tmp/a/f', alice)!.modification_time;
    t.clock.advance(5000);
    await t.attributes.setPermission('/tmp/a/f', { perm: 0o600 }, alice);
    expect(mode(t, '/tmp/a/f')).to.equal(0o600);
    await t.attributes.setPermission('/tmp/a', { perm: 0o7751 }, alice);
    expect(mode(t, '/tmp/a')).to.equal(0o1751);
    await t.attributes.setPermission('/tmp/a/f', { perm: 0o177777 }, alice); // bits above the mode are not kept either
    expect(mode(t, '/tmp/a/f')).to.equal(0o1777);
    expect(t.ns.getFileInfo('/tmp/a/f', alice)!.modification_time).to.equal(mtime);
    await t.attributes.setPermission('/tmp/a/f', { perm: 0o640 }, hdfsUser); // the superuser may change anyone's
    await t.attributes.setPermission('/', { perm: 0o775 }, hdfsUser);
    expect([mode(t, '/tmp/a/f'), mode(t, '/')]).to.deep.equal([0o640, 0o775]);
  });

  it('setPermission refusals in Hadoop\'s order: the reserved name, the traverse check, a missing path, a caller who is not the owner', async () => {
    await refused(t.attributes.setPermission('/.reserved', { perm: 0o777 }, hdfsUser), HadoopException.INVALID_PATH, 'Invalid path name /.reserved');
    await t.attributes.setPermission('/tmp/a', { perm: 0o700 }, alice);
    await refused(t.attributes.setPermission('/tmp/a/f', { perm: 0o777 }, bob), HadoopException.ACCESS_CONTROL,
      'Permission denied: user=bob, access=EXECUTE, inode="/tmp/a":alice:supergroup:drwx------');
    await refused(t.attributes.setPermission('/tmp/none', { perm: 0o777 }, bob), HadoopException.FILE_NOT_FOUND, 'Directory/File does not exist /tmp/none');
    await refused(t.attributes.setPermission('/tmp/a/f/g', { perm: 0o777 }, alice), HadoopException.ACCESS_CONTROL, '/tmp/a/f (is not a directory)');
    await t.attributes.setPermission('/tmp/a', { perm: 0o777 }, alice);
    await refused(t.attributes.setPermission('/tmp/a/f', { perm: 0o777 }, bob), HadoopException.ACCESS_CONTROL,
      'Permission denied. user=bob is not the owner of inode=/tmp/a/f');
    await refused(t.attributes.setPermission('/', { perm: 0o777 }, alice), HadoopException.ACCESS_CONTROL,
      'Permission denied. user=alice is not the owner of inode=/');
    expect(mode(t, '/tmp/a/f')).to.equal(0o644);
  });

  it('with dfs.permissions.enabled=false the bits are not checked, but only the owner or the superuser may still chmod and chown', async () => {
    const open = await namesystem({ settings: { permissions: { enabled: false, superUser: 'hdfs', superGroup: 'supergroup' } } });
    try {
      await open.ns.mkdirs('/d', { perm: 0o700 }, true, alice);
      await writeFile(open, '/d/f', 0, carol); // no bit checks: carol writes into alice's 0700 directory
      await refused(open.attributes.setPermission('/d', { perm: 0o777 }, carol), HadoopException.ACCESS_CONTROL,
        'Permission denied. user=carol is not the owner of inode=/d');
      // the owner check still walks the path with EXECUTE, as FSPermissionChecker.checkPermission does
      await refused(open.attributes.setOwner('/d/f', undefined, 'staff', carol), HadoopException.ACCESS_CONTROL,
        'Permission denied: user=carol, access=EXECUTE, inode="/d":alice:supergroup:drwx------');
      await open.attributes.setPermission('/d', { perm: 0o711 }, alice);
      await open.attributes.setPermission('/d/f', { perm: 0o600 }, carol);
      expect(mode(open, '/d/f')).to.equal(0o600);
    } finally {
      await open.ns.store.close();
    }
  });

  it('setOwner: the superuser gives files to anyone and any group; an owner may keep themself as owner and pick one of their groups', async () => {
    await t.attributes.setOwner('/tmp/a/f', 'bob', 'nobody-has-this-group', hdfsUser);
    expect(owner(t, '/tmp/a/f')).to.equal('bob:nobody-has-this-group');
    await t.attributes.setOwner('/tmp/a', 'alice', 'staff', alice); // alice owns /tmp/a and is in staff
    expect(owner(t, '/tmp/a')).to.equal('alice:staff');
    await refused(t.attributes.setOwner('/tmp/a', 'bob', undefined, alice), HadoopException.ACCESS_CONTROL,
      'User alice is not a super user (non-super user cannot change owner).');
    await refused(t.attributes.setOwner('/tmp/a', undefined, 'hadoop', alice), HadoopException.ACCESS_CONTROL, 'User alice does not belong to hadoop');
    await refused(t.attributes.setOwner('/tmp/a', 'alice', 'hadoop', alice), HadoopException.ACCESS_CONTROL, 'User alice does not belong to hadoop');
    await refused(t.attributes.setOwner('/tmp/a', undefined, 'staff', bob), HadoopException.ACCESS_CONTROL,
      'Permission denied. user=bob is not the owner of inode=/tmp/a'); // bob is in staff, but not the owner
    await refused(t.attributes.setOwner('/tmp/none', 'alice', undefined, hdfsUser), HadoopException.FILE_NOT_FOUND, 'Directory/File does not exist /tmp/none');
    const admin: CallerInfo = { user: 'dave', groups: ['supergroup'], address: '127.0.0.1', ugi: 'dave (auth:SIMPLE)' };
    await t.attributes.setOwner('/tmp/a', 'carol', undefined, admin); // a member of dfs.permissions.superusergroup
    expect(owner(t, '/tmp/a')).to.equal('carol:staff');
  });

  it('setOwner: an absent or empty name leaves that attribute as it is (SetOwnerOp reads "" as null)', async () => {
    await t.attributes.setOwner('/tmp/a', '', 'staff', alice);
    expect(owner(t, '/tmp/a')).to.equal('alice:staff');
    await t.attributes.setOwner('/tmp/a', 'bob', '', hdfsUser);
    expect(owner(t, '/tmp/a')).to.equal('bob:staff');
    await t.attributes.setOwner('/tmp/a', undefined, undefined, bob);
    expect(owner(t, '/tmp/a')).to.equal('bob:staff');
  });

  it('a change that changes nothing writes no journal record; each real change is one record', async () => {
    const records = () => t.ns.store.stats.records;
    const before = records();
    await t.attributes.setPermission('/tmp/a/f', { perm: 0o644 }, alice);
    await t.attributes.setOwner('/tmp/a/f', 'alice', 'supergroup', hdfsUser);
    expect(records()).to.equal(before);
    await t.attributes.setPermission('/tmp/a/f', { perm: 0o1644 }, alice); // the sticky bit alone is a change
    await t.attributes.setOwner('/tmp/a/f', undefined, 'staff', alice);
    expect(records()).to.equal(before + 2);
  });

  it('audit lines: cmd setPermission / setOwner with the new owner:group:mode; refusals with allowed=false', async () => {
    const lines = await auditLines(async () => {
      await t.attributes.setPermission('/tmp/a', { perm: 0o1750 }, alice);
      await t.attributes.setOwner('/tmp/a', undefined, 'staff', alice);
      await t.attributes.setPermission('/tmp/a', { perm: 0o777 }, bob).catch(() => undefined);
      await t.attributes.setOwner('/tmp/none', 'x', undefined, alice).catch(() => undefined); // not found: no audit line, as Hadoop
    });
    expect(lines.map((l) => l['line'])).to.deep.equal([
      'allowed=true\tugi=alice@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.1\tcmd=setPermission\tsrc=/tmp/a\tdst=null\tperm=alice:supergroup:rwxr-x--T\tproto=rpc',
      'allowed=true\tugi=alice@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.1\tcmd=setOwner\tsrc=/tmp/a\tdst=null\tperm=alice:staff:rwxr-x--T\tproto=rpc',
      'allowed=false\tugi=bob@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.2\tcmd=setPermission\tsrc=/tmp/a\tdst=null\tperm=null\tproto=rpc',
    ]);
  });

  it('changes come back after a restart: from the journal, then from a snapshot', async () => {
    await t.attributes.setPermission('/tmp/a', { perm: 0o1750 }, alice);
    await t.attributes.setOwner('/tmp/a', undefined, 'staff', alice);
    await t.attributes.setOwner('/tmp/a/f', 'bob', 'hadoop', hdfsUser);
    await t.attributes.setOwner('/tmp/a/f', '', 'staff', hdfsUser); // the empty owner stays bob after replay too
    const replayed = await t.restart();
    t = replayed;
    expect(replayed.ns.store.stats.replayed).to.be.greaterThan(0);
    expect([mode(replayed, '/tmp/a'), owner(replayed, '/tmp/a'), owner(replayed, '/tmp/a/f')]).to.deep.equal([0o1750, 'alice:staff', 'bob:staff']);

    await replayed.attributes.setPermission('/tmp/a/f', { perm: 0o400 }, bob);
    await replayed.ns.write(() => replayed.ns.store.compact(replayed.ns.fsd));
    const fromSnapshot = await replayed.restart();
    t = fromSnapshot;
    expect(fromSnapshot.ns.store.stats.replayed).to.equal(0);
    expect([mode(fromSnapshot, '/tmp/a'), owner(fromSnapshot, '/tmp/a'), mode(fromSnapshot, '/tmp/a/f'), owner(fromSnapshot, '/tmp/a/f')])
      .to.deep.equal([0o1750, 'alice:staff', 0o400, 'bob:staff']);
    // the restored attributes are the ones the checks use
    await refused(fromSnapshot.attributes.setPermission('/tmp/a/f', { perm: 0o777 }, alice), HadoopException.ACCESS_CONTROL,
      'Permission denied. user=alice is not the owner of inode=/tmp/a/f');
  });
});
