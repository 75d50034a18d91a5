// `hsec lsSnapshottableDir`, `hsec lsSnapshot`, `hsec snapshotDiff` without a NameNode: the usage
// texts of Hadoop 3.4.1's LsSnapshottableDir / LsSnapshot / SnapshotDiff for a wrong argument
// count (`hsec` where they say `hdfs`), SnapshotDiff.getSnapshotName, SnapshotDiffReport.toString, and the two print methods'
// columns (SnapshottableDirectoryStatus.print, SnapshotStatus.print).
import { expect } from 'chai';
import {
  diffReportString, printSnapshots, printSnapshottableDirs, runLsSnapshot, runLsSnapshottableDir, runSnapshotDiff, snapshotName,
} from '../../../cluster/cli/commands/snapshot.ts';
import { lsDate } from '../../../cluster/cli/fs-ls.ts';
import type { HdfsFileStatus } from '../../../cluster/protocol/hdfs-types.ts';

const utf8 = (s: string) => new Uint8Array(Buffer.from(s));
const MTIME = 1_700_000_000_000;
const dir = (name: string, owner: string, perm = 0o755): HdfsFileStatus => ({
  fileType: 'IS_DIR', path: utf8(name), length: 0, permission: { perm }, owner, group: 'supergroup',
  modification_time: MTIME, access_time: 0, block_replication: 0, blocksize: 0, fileId: 16386, childrenNum: 0, storagePolicy: 0, flags: 0,
});

async function run(tool: typeof runLsSnapshot, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await tool('/nonexistent-conf-dir', argv, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}

describe('cli/snapshot tools (LsSnapshottableDir, LsSnapshot, SnapshotDiff, Hadoop 3.4.1)', () => {
  it('a wrong argument count: "Usage: " and the tool\'s description on stderr, exit 1', async () => {
    expect(await run(runLsSnapshottableDir, 'x')).to.deep.equal({
      code: 1, out: '',
      err: 'Usage: \nhsec lsSnapshottableDir: \n\tGet the list of snapshottable directories that are owned by the current user.\n\tReturn all the snapshottable directories if the current user is a super user.\n\n',
    });
    expect(await run(runLsSnapshot)).to.deep.equal({
      code: 1, out: '', err: 'Invalid no of arguments\nUsage: \nhsec lsSnapshot <snapshotDir>: \n\tGet the list of snapshots for a snapshottable directory.\n\n',
    });
    const diff = await run(runSnapshotDiff, '/d', '.');
    expect(diff.code).to.equal(1);
    expect(diff.err).to.equal('Usage: \nhsec snapshotDiff <snapshotDir> <from> <to>:\n\tGet the difference between two snapshots, \n' +
      '\tor between a snapshot and the current tree of a directory.\n\tFor <from>/<to>, users can use "." to present the current status,\n' +
      '\tand use ".snapshot/snapshot_name" to present a snapshot,\n\twhere ".snapshot/" can be omitted\n\n');
  });

  it('SnapshotDiff.getSnapshotName: "." is the current tree; ".snapshot/" and "/.snapshot/" are dropped', () => {
    expect(['.', 's1', '.snapshot/s1', '/.snapshot/s1', './s1', '.snapshots1'].map(snapshotName)).to.deep.equal(['', 's1', 's1', 's1', './s1', '.snapshots1']);
  });

  it('SnapshotDiffReport.toString: "current directory" for "", entries as `label\\t./path`, a rename with its target', () => {
    expect(diffReportString({ snapshotRoot: '/', fromSnapshot: '', toSnapshot: '' })).to.equal('Difference between current directory and current directory under directory /:\n');
    expect(diffReportString({
      snapshotRoot: '/d', fromSnapshot: 's1', toSnapshot: '',
      diffReportEntries: [{ fullpath: utf8(''), modificationLabel: 'M' }, { fullpath: utf8('a'), modificationLabel: 'R', targetPath: utf8('b/c') }, { fullpath: utf8('x'), modificationLabel: '+' }],
    })).to.equal('Difference between snapshot s1 and current directory under directory /d:\nM\t.\nR\t./a -> ./b/c\n+\t./x\n');
  });

  it('print: an empty line for none; columns padded to their longest value, the path last', () => {
    expect(printSnapshottableDirs(undefined)).to.equal('\n');
    expect(printSnapshots([])).to.equal('\n');
    const when = lsDate(MTIME);
    expect(printSnapshottableDirs([
      { dirStatus: dir('', 'hdfs'), snapshot_number: 0, snapshot_quota: 0, parent_fullpath: new Uint8Array(0) },
      { dirStatus: dir('d', 'alice', 0o1777), snapshot_number: 12, snapshot_quota: 65536, parent_fullpath: utf8('/user') },
    ])).to.equal(`drwxr-xr-x 0 hdfs  supergroup 0 ${when}  0     0 /\n` + `drwxrwxrwt 0 alice supergroup 0 ${when} 12 65536 /user/d\n`);
    expect(printSnapshots([
      { dirStatus: dir('s1', 'alice'), snapshotID: 3, parent_fullpath: utf8('/d'), isDeleted: false },
      { dirStatus: dir('s10', 'alice'), snapshotID: 12, parent_fullpath: utf8('/'), isDeleted: true },
    ])).to.equal(`drwxr-xr-x 0 alice supergroup 0 ${when}  3 ACTIVE /d/.snapshot/s1\n` + `drwxr-xr-x 0 alice supergroup 0 ${when} 12 DELETED /.snapshot/s10\n`);
  });
});
