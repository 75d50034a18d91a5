// The xattr calls on the namesystem without RPC (a real journal store in a temp dir, a ManualClock):
// FSDirXAttrOp's flag check, size and count limits, XAttrSetFlag CREATE/REPLACE, the namespace rules
// of XAttrPermissionFilter, checkXAttrChangeAccess (WRITE, the sticky directory), READ for get and
// list, security.hdfs.unreadable.by.superuser, audit lines, and that xattrs come back after a
// restart from the journal and from a snapshot.
import { expect } from 'chai';
import { XAttrOps } from '../../../cluster/namenode/xattr-ops.ts';
import { parseXAttrName, prefixedName, XAttrSetFlag, type XAttr } from '../../../cluster/protocol/xattr.ts';
import { auditLines } from '../../support/log-lines.ts';
import { rejectsWithCode, expectCode } from '../../support/expect-code.ts';
import { alice, bob, hdfsUser, namesystem, writeFile, type TestNamesystem } from '../../support/namesystem.ts';

const BOTH = XAttrSetFlag.CREATE | XAttrSetFlag.REPLACE;
const x = (name: string, value?: string) => parseXAttrName(name, value === undefined ? undefined : new TextEncoder().encode(value));
const text = (xs: readonly XAttr[]) => xs.map((a) => `${prefixedName(a)}=${a.value ? Buffer.from(a.value).toString() : ''}`);

describe('namenode/xattr calls (FSDirXAttrOp, XAttrPermissionFilter, XAttrStorage)', () => {
  let t: TestNamesystem;
  let ops: XAttrOps;
  beforeEach(async () => {
    t = await namesystem();
    ops = new XAttrOps(t.ns);
    await t.ns.mkdirs('/d', { perm: 0o755 }, true, hdfsUser);
    await t.attributes.setOwner('/d', 'alice', undefined, hdfsUser);
    await writeFile(t, '/d/f', 0, alice);
    await t.attributes.setPermission('/d/f', { perm: 0o644 }, alice);
  });
  afterEach(() => t.ns.store.close());

  it('set, get one, get all, list, remove; the newest first; an empty value is stored as none', async () => {
    await ops.setXAttr('/d/f', x('user.a', '1'), XAttrSetFlag.CREATE, alice);
    await ops.setXAttr('/d/f', x('user.b', ''), XAttrSetFlag.CREATE, alice);
    expect(text(ops.getXAttrs('/d/f', [], alice))).to.deep.equal(['user.b=', 'user.a=1']);
    expect(ops.getXAttrs('/d/f', [], alice)[0]).to.deep.equal({ namespace: 'USER', name: 'b' });
    expect(text(ops.getXAttrs('/d/f', [x('user.a')], bob))).to.deep.equal(['user.a=1']);
    expect(text(ops.listXAttrs('/d/f', bob))).to.deep.equal(['user.b=', 'user.a=1']);
    await ops.removeXAttr('/d/f', x('user.b'), alice);
    expect(text(ops.listXAttrs('/d/f', alice))).to.deep.equal(['user.a=1']);
  });

  it('CREATE refuses an existing name, REPLACE a missing one, no flag at all is an illegal argument', async () => {
    await ops.setXAttr('/d/f', x('user.a', '1'), XAttrSetFlag.CREATE, alice);
    let e = await rejectsWithCode(ops.setXAttr('/d/f', x('user.a', '2'), XAttrSetFlag.CREATE, alice), 'FS_XATTR');
    expect(e.message).to.equal('XAttr: a already exists. The REPLACE flag must be specified.');
    e = await rejectsWithCode(ops.setXAttr('/d/f', x('user.z', '2'), XAttrSetFlag.REPLACE, alice), 'FS_XATTR');
    expect(e.message).to.equal('XAttr: z does not exist. The CREATE flag must be specified.');
    e = await rejectsWithCode(ops.setXAttr('/d/f', x('user.z', '2'), 0, alice), 'FS_INVALID_ARGUMENT');
    expect(e.message).to.equal('A flag must be specified.');
    await ops.setXAttr('/d/f', x('user.a', '2'), XAttrSetFlag.REPLACE, alice);
    await ops.setXAttr('/d/f', x('user.a', '3'), BOTH, alice);
    expect(text(ops.getXAttrs('/d/f', [x('user.a')], alice))).to.deep.equal(['user.a=3']);
  });

  it('getXAttrs of a missing name is XAttrNotFoundException; removing one the inode lacks is an IOException', async () => {
    let e = await rejectsWithCode(Promise.resolve().then(() => ops.getXAttrs('/d/f', [x('user.nope')], alice)), 'FS_XATTR');
    expect(e.message).to.equal('At least one of the attributes provided was not found.');
    expect(e.details['exceptionClassName']).to.equal('org.apache.hadoop.hdfs.protocol.XAttrNotFoundException');
    await ops.setXAttr('/d/f', x('user.a', '1'), XAttrSetFlag.CREATE, alice);
    e = await rejectsWithCode(Promise.resolve().then(() => ops.getXAttrs('/d/f', [x('user.a'), x('user.b')], alice)), 'FS_XATTR');
    e = await rejectsWithCode(ops.removeXAttr('/d/f', x('user.b'), alice), 'FS_XATTR');
    expect(e.message).to.equal('No matching attributes found for remove operation');
    e = await rejectsWithCode(ops.setXAttr('/d/none', x('user.a', '1'), BOTH, alice), 'FS_NOT_FOUND');
    expect(e.message).to.equal('cannot find /d/none');
  });

  it('namespaces: trusted only for the superuser (hidden from others), system and raw for nobody, security only the unreadable marker', async () => {
    let e = await rejectsWithCode(ops.setXAttr('/d/f', x('trusted.t', 'v'), BOTH, alice), 'ACCESS_DENIED');
    expect(e.message).to.equal("User doesn't have permission for xattr: trusted.t");
    await ops.setXAttr('/d/f', x('trusted.t', 'v'), BOTH, hdfsUser);
    await ops.setXAttr('/d/f', x('user.u', 'w'), BOTH, alice);
    expect(text(ops.listXAttrs('/d/f', alice))).to.deep.equal(['user.u=w']);
    expect(text(ops.listXAttrs('/d/f', hdfsUser))).to.deep.equal(['user.u=w', 'trusted.t=v']);
    e = await rejectsWithCode(Promise.resolve().then(() => ops.getXAttrs('/d/f', [x('trusted.t')], alice)), 'ACCESS_DENIED');
    for (const name of ['system.s', 'raw.r', 'security.other']) {
      e = await rejectsWithCode(ops.setXAttr('/d/f', x(name, 'v'), BOTH, hdfsUser), 'ACCESS_DENIED');
      expect(e.message).to.equal(`User doesn't have permission for xattr: ${name}`);
    }
  });

  it('security.hdfs.unreadable.by.superuser: no value, files only, set once, never removed, visible to all', async () => {
    const marker = 'security.hdfs.unreadable.by.superuser';
    let e = await rejectsWithCode(ops.setXAttr('/d/f', x(marker, 'v'), BOTH, alice), 'ACCESS_DENIED');
    expect(e.message).to.equal(`Attempt to set a value for '${marker}'. Values are not allowed for this xattr.`);
    e = await rejectsWithCode(ops.setXAttr('/d', x(marker), BOTH, alice), 'FS_XATTR');
    expect(e.message).to.equal(`Can only set '${marker}' on a file.`);
    await ops.setXAttr('/d/f', x(marker), XAttrSetFlag.CREATE, alice);
    e = await rejectsWithCode(ops.setXAttr('/d/f', x(marker), XAttrSetFlag.CREATE, alice), 'FS_XATTR');
    expect(e.message).to.equal('XAttr: hdfs.unreadable.by.superuser already exists. The REPLACE flag must be specified.');
    e = await rejectsWithCode(ops.removeXAttr('/d/f', x(marker), hdfsUser), 'ACCESS_DENIED');
    expect(e.message).to.equal(`The xattr '${marker}' can not be deleted.`);
    expect(text(ops.listXAttrs('/d/f', bob))).to.deep.equal([`${marker}=`]);
    // the superuser can no longer open it (FSDirectory.checkUnreadableBySuperuser); its owner can
    e = await rejectsWithCode(t.ns.getBlockLocations('/d/f', 0, 1, hdfsUser), 'ACCESS_DENIED');
    expect(e.message).to.equal('Access is denied for hdfs since the superuser is not allowed to perform this operation.');
    await t.ns.getBlockLocations('/d/f', 0, 1, alice);
  });

  it('user namespace: WRITE on the inode to change, READ to get or list; in a sticky directory only its owner', async () => {
    let e = await rejectsWithCode(ops.setXAttr('/d/f', x('user.a', '1'), BOTH, bob), 'ACCESS_DENIED');
    expect(e.message).to.equal('Permission denied: user=bob, access=WRITE, inode="/d/f":alice:supergroup:-rw-r--r--');
    await ops.setXAttr('/d/f', x('user.a', '1'), BOTH, alice);
    await t.attributes.setPermission('/d/f', { perm: 0o600 }, alice);
    expect(() => ops.listXAttrs('/d/f', bob)).to.throw('access=READ');
    expect(() => ops.getXAttrs('/d/f', [], bob)).to.throw('access=READ');
    e = await rejectsWithCode(ops.removeXAttr('/d/f', x('user.a'), bob), 'ACCESS_DENIED');
    // a sticky directory writable by all: bob may not, its owner may
    await t.attributes.setPermission('/d', { perm: 0o1777 }, alice);
    e = await rejectsWithCode(ops.setXAttr('/d', x('user.s', '1'), BOTH, bob), 'ACCESS_DENIED');
    expect(e.message).to.equal('Permission denied. user=bob is not the owner of inode=/d');
    await ops.setXAttr('/d', x('user.s', '1'), BOTH, alice);
    await ops.setXAttr('/d', x('user.s', '2'), BOTH, hdfsUser);
  });

  it('limits: name + value bytes against max-xattr-size, user-visible xattrs against max-xattrs-per-inode', async () => {
    const t2 = await namesystem({ settings: { maxXAttrSize: 10, maxXAttrsPerInode: 2 } });
    try {
      const o = new XAttrOps(t2.ns);
      // 'ab' (2 bytes) + 8 bytes = 10: allowed; 'ä' is 2 UTF-8 bytes
      await o.setXAttr('/', x('user.ab', '12345678'), BOTH, hdfsUser);
      const e = await rejectsWithCode(o.setXAttr('/', x('user.\u00e4', '123456789'), BOTH, hdfsUser), 'FS_INVALID_ARGUMENT');
      expect(e.message).to.equal('The XAttr is too big. The maximum combined size of the name and value is 10, but the total size is 11');
      await o.setXAttr('/', x('trusted.c'), BOTH, hdfsUser);
      const e2 = await rejectsWithCode(o.setXAttr('/', x('user.d'), BOTH, hdfsUser), 'FS_XATTR');
      expect(e2.message).to.equal('Cannot add additional XAttr to inode, would exceed limit of 2');
      // replacing one keeps the count
      await o.setXAttr('/', x('user.ab', 'z'), BOTH, hdfsUser);
    } finally {
      await t2.ns.store.close();
    }
  });

  it('dfs.namenode.xattrs.enabled=false refuses every call with the IOException naming the key', async () => {
    const t2 = await namesystem({ settings: { xattrsEnabled: false } });
    try {
      const o = new XAttrOps(t2.ns);
      const e = await rejectsWithCode(o.setXAttr('/', x('user.a'), BOTH, hdfsUser), 'FS_XATTR');
      expect(e.message).to.equal('The XAttr operation has been rejected.  Support for XAttrs has been disabled by setting dfs.namenode.xattrs.enabled to false.');
      expect(e.details['exceptionClassName']).to.equal('java.io.IOException');
      expectCode(() => o.listXAttrs('/', hdfsUser), 'FS_XATTR');
      expectCode(() => o.getXAttrs('/', [], hdfsUser), 'FS_XATTR');
      await rejectsWithCode(o.removeXAttr('/', x('user.a'), hdfsUser), 'FS_XATTR');
    } finally {
      await t2.ns.store.close();
    }
  });

  it('audit lines: changes with the status, reads without, refusals as allowed=false, other errors not at all', async () => {
    const lines = await auditLines(async () => {
      await ops.setXAttr('/d/f', x('user.a', '1'), BOTH, alice);
      await rejectsWithCode(ops.setXAttr('/d/f', x('user.a', '1'), BOTH, bob), 'ACCESS_DENIED');
      await rejectsWithCode(ops.setXAttr('/d/f', x('user.a', '1'), XAttrSetFlag.CREATE, alice), 'FS_XATTR');
      ops.getXAttrs('/d/f', [], bob);
      ops.listXAttrs('/d/f', bob);
      await ops.removeXAttr('/d/f', x('user.a'), alice);
    });
    expect(lines.map((l) => [l['allowed'], l['cmd'], l['src'], l['perm']])).to.deep.equal([
      [true, 'setXAttr', '/d/f', 'alice:supergroup:rw-r--r--'], [false, 'setXAttr', '/d/f', null],
      [true, 'getXAttrs', '/d/f', null], [true, 'listXAttrs', '/d/f', null], [true, 'removeXAttr', '/d/f', 'alice:supergroup:rw-r--r--'],
    ]);
  });

  it('xattrs survive a restart, from the journal and from a snapshot', async () => {
    await ops.setXAttr('/d/f', { namespace: 'USER', name: 'bin', value: new Uint8Array([0, 0xff, 7]) }, BOTH, alice);
    await ops.setXAttr('/d', x('trusted.t', 'v'), BOTH, hdfsUser);
    await ops.setXAttr('/', x('user.root'), BOTH, hdfsUser);
    const before = [ops.listXAttrs('/', hdfsUser), ops.listXAttrs('/d', hdfsUser), ops.listXAttrs('/d/f', hdfsUser)];
    t = await t.restart();
    ops = new XAttrOps(t.ns);
    expect([ops.listXAttrs('/', hdfsUser), ops.listXAttrs('/d', hdfsUser), ops.listXAttrs('/d/f', hdfsUser)]).to.deep.equal(before);
    await t.ns.write(() => t.ns.store.compact(t.ns.fsd));
    t = await t.restart();
    ops = new XAttrOps(t.ns);
    expect([ops.listXAttrs('/', hdfsUser), ops.listXAttrs('/d', hdfsUser), ops.listXAttrs('/d/f', hdfsUser)]).to.deep.equal(before);
    expect(Array.from(ops.getXAttrs('/d/f', [], alice)[0]!.value!)).to.deep.equal([0, 0xff, 7]);
  });
});
