// The trash (TrashPolicyDefault) over the NameNode's namesystem without RPC (a real journal store,
// a ManualClock): the emptier's round, checkpoint names as SimpleDateFormat writes and reads them,
// moves into Current with Hadoop's renaming of taken names, and rename2 TO_TRASH needing what a
// delete needs. The client and `hsec fs` run the same Trash over ClientProtocol
// (test/integration/hdfs/trash.test.ts).
import { expect } from 'chai';
import { checkpointName, checkpointTime, Trash } from '../../../cluster/client/trash.ts';
import { FileAttributes } from '../../../cluster/namenode/file-attributes.ts';
import { HadoopException } from '../../../cluster/namenode/namespace/fs-errors.ts';
import { TrashEmptier } from '../../../cluster/namenode/trash-emptier.ts';
import type { CallerInfo } from '../../../cluster/namenode/namesystem.ts';
import { Configuration } from '../../../lib/config/index.ts';
import { nameNodeSettings } from '../../../cluster/namenode/namenode-config.ts';
import { alice, bob, datanode, hdfsUser, namesystem, writeFile, type TestNamesystem } from '../../support/namesystem.ts';

const MINUTE = 60_000;

/** The namespace as alice's client sees it (the same operations HdfsClient's Trash uses). */
function asUser(t: TestNamesystem, caller: CallerInfo) {
  return {
    kind: async (p: string) => {
      const st = t.ns.getFileInfo(p, caller);
      return st ? (st.fileType === 'IS_DIR' ? ('directory' as const) : ('file' as const)) : undefined;
    },
    list: async (p: string) => t.ns.getListing(p, new Uint8Array(0), false, caller)?.partialListing?.map((e) => ({ name: Buffer.from(e.path).toString(), directory: e.fileType === 'IS_DIR' })),
    mkdirs: (p: string, permission: number) => t.ns.mkdirs(p, { perm: permission }, true, caller),
    rename: (src: string, dst: string, toTrash: boolean) => t.ns.rename2(src, dst, false, caller, toTrash),
    delete: (p: string, recursive: boolean) => t.ns.delete(p, recursive, caller),
  };
}

const names = (t: TestNamesystem, dir: string) => (t.ns.getListing(dir, new Uint8Array(0), false, hdfsUser)?.partialListing ?? []).map((e) => Buffer.from(e.path).toString());

describe('namenode/trash: TrashPolicyDefault over the namesystem', () => {
  let t: TestNamesystem;
  beforeEach(async () => {
    t = await namesystem();
    datanode(t.ns, 'dn-1');
    await t.ns.mkdirs('/user/alice', { perm: 0o755 }, true, hdfsUser);
    await new FileAttributes(t.ns).setOwner('/user/alice', 'alice', undefined, hdfsUser);
  });
  afterEach(() => t.ns.store.close());

  it('checkpoint names: yyMMddHHmmss in local time; a suffix like -1 is ignored, Hadoop 1\'s yyMMddHHmm still reads, other names are not checkpoints', () => {
    const d = new Date(2026, 11, 5, 7, 8, 9);
    expect(checkpointName(d)).to.equal('261205070809');
    expect(checkpointTime('261205070809')).to.equal(d.getTime());
    expect(checkpointTime('261205070809-3')).to.equal(d.getTime());
    expect(checkpointTime('2612050708')).to.equal(new Date(2026, 11, 5, 7, 8, 0).getTime());
    expect(checkpointTime('991231235959', new Date(2026, 0, 1).getTime())).to.equal(new Date(1999, 11, 31, 23, 59, 59).getTime());
    for (const notOne of ['Current', 'junk', '2612', 'x261205070809']) expect(checkpointTime(notOne)).to.equal(undefined);
  });

  it('moveToTrash keeps the path under Current (0700 directories), appends the time to a taken name and to a file in the way; in the trash it is not moved', async () => {
    await t.ns.mkdirs('/user/alice/d', { perm: 0o755 }, true, alice);
    await writeFile(t, '/user/alice/d/f', 10, alice);
    const trash = new Trash(asUser(t, alice), { intervalMinutes: 60, now: () => t.clock.now() });
    const root = '/user/alice/.Trash';
    expect(await trash.moveToTrash('/user/alice/d/f', root)).to.equal('/user/alice/.Trash/Current/user/alice/d/f');
    expect(t.ns.getFileInfo('/user/alice/d/f', alice)).to.equal(undefined);
    expect(t.ns.getFileInfo('/user/alice/.Trash/Current', alice)!.permission.perm & 0o777).to.equal(0o700);
    await writeFile(t, '/user/alice/d/f', 10, alice);
    expect(await trash.moveToTrash('/user/alice/d/f', root)).to.equal(`/user/alice/.Trash/Current/user/alice/d/f${t.clock.now()}`);
    // a file now stands where the trash directory of d/f/g must go: the directory gets the time appended
    t.clock.advance(1);
    await t.ns.mkdirs('/user/alice/d/f', { perm: 0o755 }, true, alice);
    await writeFile(t, '/user/alice/d/f/g', 1, alice);
    expect(await trash.moveToTrash('/user/alice/d/f/g', root)).to.equal(`/user/alice/.Trash/Current/user/alice/d/f${t.clock.now()}/g`);
    expect(await trash.moveToTrash('/user/alice/.Trash/Current/user/alice/d/f', root)).to.equal(undefined);
    await rejects(trash.moveToTrash('/user/alice', root), /Cannot move "\/user\/alice" to the trash, as it contains the trash/);
    await rejects(trash.moveToTrash('/user/alice/none', root), /File does not exist: \/user\/alice\/none/);
    expect(await new Trash(asUser(t, alice), { intervalMinutes: 0 }).moveToTrash('/user/alice/d', root)).to.equal(undefined); // the trash is off
  });

  it('rename2 with TO_TRASH needs ALL on the whole subtree, as a delete does (plain rename2 does not)', async () => {
    await t.ns.mkdirs('/shared', { perm: 0o777 }, true, hdfsUser);
    await t.ns.mkdirs('/shared/d/locked', { perm: 0o777 }, true, alice);
    await writeFile(t, '/shared/d/locked/f', 1, alice);
    await t.ns.mkdirs('/user/bob', { perm: 0o777 }, true, hdfsUser);
    await setPermission(t, '/shared/d/locked', 0o555);
    const e = await t.ns.rename2('/shared/d', '/user/bob/x', false, bob, true).then(() => undefined, (x: Error & { details: Record<string, unknown> }) => x);
    expect(e?.details['exceptionClassName']).to.equal(HadoopException.ACCESS_CONTROL);
    expect(e?.message).to.match(/^Permission denied: user=bob, access=ALL, inode="\/shared\/d\/locked"/);
    await t.ns.rename2('/shared/d', '/user/bob/x', false, bob); // without TO_TRASH only the parents are checked
    expect(t.ns.getFileInfo('/user/bob/x/locked/f', bob)).to.not.equal(undefined);
  });

  it('in a sticky directory of the subtree every entry must be the caller\'s (checkSubAccess): neither -rm nor a recursive delete takes others\' files out of it', async () => {
    await t.ns.mkdirs('/user/bob/tree/drop', { perm: 0o777 }, true, hdfsUser);
    await new FileAttributes(t.ns).setOwner('/user/bob', 'bob', undefined, hdfsUser);
    await new FileAttributes(t.ns).setOwner('/user/bob/tree', 'bob', undefined, hdfsUser);
    await setPermission(t, '/user/bob/tree/drop', 0o1777); // a shared drop box, owned by hdfs
    await writeFile(t, '/user/bob/tree/drop/alices', 1, alice);
    const expected = 'Permission denied by sticky bit: user=bob, path="/user/bob/tree/drop/alices":alice:supergroup:-rw-r--r--, parent="/user/bob/tree/drop":hdfs:supergroup:drwxrwxrwt';
    const toTrash = await t.ns.rename2('/user/bob/tree', '/user/bob/.Trash', false, bob, true).then(() => undefined, (x: Error) => x);
    expect(toTrash?.message).to.equal(expected);
    const del = await t.ns.delete('/user/bob/tree', true, bob).then(() => undefined, (x: Error) => x);
    expect(del?.message).to.equal(expected);
    expect(t.ns.getFileInfo('/user/bob/tree/drop/alices', alice)).to.not.equal(undefined);
  });

  it('the emptier: deletes checkpoints older than fs.trash.interval, leaves an entry that is no checkpoint alone, checkpoints Current; -1 when the name is taken', async () => {
    const trash = new Trash(asUser(t, alice), { intervalMinutes: 60, now: () => t.clock.now() });
    await writeFile(t, '/user/alice/f', 10, alice);
    await trash.moveToTrash('/user/alice/f', '/user/alice/.Trash');
    await t.ns.mkdirs('/user/alice/.Trash/200101000000', { perm: 0o700 }, true, alice); // older than the interval
    await t.ns.mkdirs('/user/alice/.Trash/junk', { perm: 0o700 }, true, alice);
    const young = checkpointName(new Date(t.clock.now() - 30 * MINUTE));
    await t.ns.mkdirs(`/user/alice/.Trash/${young}`, { perm: 0o700 }, true, alice);
    const emptier = TrashEmptier.start(t.ns, { intervalMinutes: 60, checkpointMinutes: 0, homePrefix: '/user', cleanNonCheckpoints: false }, t.clock, 'hdfs/nn.example.com@EXAMPLE.COM (auth:KERBEROS)');
    try {
      const now = new Date(t.clock.now());
      await emptier.emptyOnce(now);
      // TrashPolicyDefault 3.4.1: "Unexpected item in trash: ... Ignoring." (fs.trash.clean.trashroot.enable false)
      expect(names(t, '/user/alice/.Trash').sort()).to.deep.equal([checkpointName(now), 'junk', young].sort());
      expect(t.ns.getFileInfo(`/user/alice/.Trash/${checkpointName(now)}/user/alice/f`, alice)).to.not.equal(undefined);
      expect(t.ns.getFileInfo('/user/alice/.Trash/junk', alice)?.owner).to.equal('alice');
      // a second checkpoint in the same second is <name>-1
      await writeFile(t, '/user/alice/g', 1, alice);
      await trash.moveToTrash('/user/alice/g', '/user/alice/.Trash');
      await emptier.emptyOnce(now);
      expect(names(t, '/user/alice/.Trash')).to.include(`${checkpointName(now)}-1`);
      // an hour later every checkpoint is older than the interval; junk stays
      t.clock.advance(61 * MINUTE);
      await emptier.emptyOnce(new Date(t.clock.now()));
      expect(names(t, '/user/alice/.Trash')).to.deep.equal(['junk']);
    } finally {
      await emptier.stop();
    }
  });

  it('with fs.trash.clean.trashroot.enable an entry that is no checkpoint is deleted with the old checkpoints; the emptier touches nothing outside <home>/.Trash', async () => {
    await t.ns.mkdirs('/user/alice/.Trash/junk/deep', { perm: 0o700 }, true, alice);
    await t.ns.mkdirs('/user/alice/keep', { perm: 0o700 }, true, alice);
    await t.ns.mkdirs('/user/alice/200101000000', { perm: 0o700 }, true, alice); // a checkpoint-like name outside the trash
    const emptier = TrashEmptier.start(t.ns, { intervalMinutes: 60, checkpointMinutes: 0, homePrefix: '/user', cleanNonCheckpoints: true }, t.clock, 'hdfs/nn.example.com@EXAMPLE.COM (auth:KERBEROS)');
    try {
      await emptier.emptyOnce(new Date(t.clock.now()));
      expect(names(t, '/user/alice/.Trash')).to.deep.equal([]);
      expect(names(t, '/user/alice').sort()).to.deep.equal(['.Trash', '200101000000', 'keep']);
    } finally {
      await emptier.stop();
    }
  });

  it('the NameNode refuses a negative fs.trash.interval (NameNode.startTrashEmptier); 0 runs no emptier', () => {
    const conf = (v: string) => {
      const c = new Configuration();
      c.set('fs.defaultFS', 'hdfs://localhost:8020');
      c.set('fs.trash.interval', v);
      c.set('fs.trash.checkpoint.interval', '0.5');
      return c;
    };
    expect(() => nameNodeSettings(conf('-1'))).to.throw(/Cannot start trash emptier with negative interval.*Set fs.trash.interval to a positive value/);
    expect(nameNodeSettings(conf('0')).trash).to.equal(undefined);
    expect(nameNodeSettings(conf('1440')).trash).to.deep.include({ intervalMinutes: 1440, checkpointMinutes: 0.5, homePrefix: '/user', cleanNonCheckpoints: false });
    expect(() => nameNodeSettings(conf('0.5'))).to.throw(/fs.trash.interval/); // the NameNode reads whole minutes (getLong)
  });
});

async function rejects(p: Promise<unknown>, message: RegExp): Promise<void> {
  const e = await p.then(() => undefined, (x: Error) => x);
  expect(e, 'expected a rejection').to.be.instanceOf(Error);
  expect(e!.message).to.match(message);
}

async function setPermission(t: TestNamesystem, path: string, mode: number): Promise<void> {
  await new FileAttributes(t.ns).setPermission(path, { perm: mode }, hdfsUser);
}
