// isFileClosed, getPreferredBlockSize, getLocatedFileInfo, createSymlink / getLinkTarget, the
// encryption-zone listings and listCorruptFileBlocks on a namesystem without RPC: Hadoop 3.4.1's
// answers, checks in its order, exception classes and texts, and audit lines (FSNamesystem,
// FSDirStatAndListingOp, FSDirAttrOp, NameNodeRpcServer).
import { expect } from 'chai';
import { CorruptFiles, intCookie } from '../../../cluster/namenode/corrupt-files.ts';
import { EncryptionZoneOps } from '../../../cluster/namenode/encryption-zone-ops.ts';
import { FileQueries } from '../../../cluster/namenode/file-queries.ts';
import { HadoopException } from '../../../cluster/namenode/namespace/fs-errors.ts';
import { isParentEntry } from '../../../cluster/namenode/namespace/paths.ts';
import { CreateFlag } from '../../../cluster/protocol/client-protocol.ts';
import { BlockTokenIdentifier } from '../../../security/token/block-token-identifier.ts';
import { refused } from '../../support/expect-code.ts';
import { auditLines } from '../../support/log-lines.ts';
import { MiB, alice, bob, datanode, hdfsUser, namesystem, writeFile, type TestNamesystem } from '../../support/namesystem.ts';

const ACE = HadoopException.ACCESS_CONTROL;
const FNF = HadoopException.FILE_NOT_FOUND;
const SUPERUSER = 'Access denied for user alice. Superuser privilege is required';

/** The audit lines as "allowed user cmd src". */
const brief = (lines: Record<string, unknown>[]) =>
  lines.map((l) => String(l['line']).replace(/^allowed=(\w+)\tugi=([^ @]+)\S* [^\t]+\tip=[^\t]+\tcmd=([^\t]+)\tsrc=([^\t]+)\t.*$/, '$1 $2 $3 $4'));
const sync = (f: () => unknown) => Promise.resolve().then(f);

describe('namenode/file queries: isFileClosed, getPreferredBlockSize, getLocatedFileInfo, symlinks', () => {
  let t: TestNamesystem;
  let q: FileQueries;
  beforeEach(async () => {
    t = await namesystem();
    q = new FileQueries(t.ns);
    datanode(t.ns, 'dn-1');
    await t.ns.mkdirs('/d', { perm: 0o755 }, true, hdfsUser);
    await t.attributes.setOwner('/d', 'alice', undefined, hdfsUser);
    await t.ns.mkdirs('/d/private', { perm: 0o700 }, true, alice);
    await writeFile(t, '/d/closed', 3000);
    await t.writes.create({ src: '/d/open', masked: { perm: 0o644 }, clientName: 'DFSClient_w', createFlag: CreateFlag.CREATE, createParent: false, replication: 1, blockSize: 4 * MiB }, alice);
    await t.writes.addBlock({ src: '/d/open', clientName: 'DFSClient_w' }, alice);
  });
  afterEach(() => t.ns.store.close());

  it('isFileClosed: true for a closed file, false while it is written; a directory, a missing path, a file ancestor, no traverse', async () => {
    expect(q.isFileClosed('/d/closed', bob)).to.equal(true);
    expect(q.isFileClosed('/d/open', bob)).to.equal(false);
    await refused(sync(() => q.isFileClosed('/d', bob)), FNF, 'Path is not a file: /d');
    await refused(sync(() => q.isFileClosed('/d/none', bob)), FNF, 'File does not exist: /d/none');
    await refused(sync(() => q.isFileClosed('/d/closed/x', bob)), ACE, '/d/closed (is not a directory)');
    await refused(sync(() => q.isFileClosed('/d/private/x', bob)), ACE, 'Permission denied: user=bob, access=EXECUTE, inode="/d/private":alice:supergroup:drwx------');
  });

  it('isFileClosed audit: a closed file is logged, an open one not at all, a refusal as allowed=false', async () => {
    const lines = await auditLines(async () => {
      q.isFileClosed('/d/closed', bob);
      q.isFileClosed('/d/open', bob);
      await refused(sync(() => q.isFileClosed('/d/private/x', bob)), ACE);
      await refused(sync(() => q.isFileClosed('/d/none', bob)), FNF);
    });
    expect(brief(lines)).to.deep.equal(['true bob isFileClosed /d/closed', 'false bob isFileClosed /d/private/x']);
  });

  it('getPreferredBlockSize: the file\'s block size; "Path is not a file" with the resolved path; never audited', async () => {
    const lines = await auditLines(async () => {
      expect(q.getPreferredBlockSize('/d/open', bob)).to.equal(4 * MiB);
      expect(q.getPreferredBlockSize('/d/closed', bob)).to.equal(128 * MiB);
      await refused(sync(() => q.getPreferredBlockSize('/d/', bob)), FNF, 'Path is not a file: /d');
      await refused(sync(() => q.getPreferredBlockSize('/d/none', bob)), FNF, 'File does not exist: /d/none');
      await refused(sync(() => q.getPreferredBlockSize('/d/private/x', bob)), ACE, /access=EXECUTE/);
    });
    expect(lines).to.deep.equal([]);
  });

  it('getLocatedFileInfo: the status with all its blocks (an open file\'s last block too), READ tokens only when asked; directories without locations', async () => {
    const plain = q.getLocatedFileInfo('/d/closed', false, bob)!;
    expect(plain).to.deep.include({ fileType: 'IS_FILE', length: 3000, blocksize: 128 * MiB });
    expect(plain.path).to.deep.equal(new Uint8Array(0));
    expect(plain.locations).to.deep.include({ fileLength: 3000, underConstruction: false, isLastBlockComplete: true });
    expect(plain.locations!.blocks![0]!.blockToken.identifier).to.have.length(0);
    const withTokens = q.getLocatedFileInfo('/d/closed', true, bob)!;
    const id = BlockTokenIdentifier.decode(withTokens.locations!.blocks![0]!.blockToken.identifier);
    expect(id.userId).to.equal('bob');
    expect(id.modes).to.deep.equal(['READ']);
    const open = q.getLocatedFileInfo('/d/open', false, bob)!;
    expect(open.locations).to.deep.include({ underConstruction: true, isLastBlockComplete: false, fileLength: 0 });
    expect(open.locations!.blocks).to.have.length(1);
    const dir = q.getLocatedFileInfo('/d', true, bob)!;
    expect(dir.fileType).to.equal('IS_DIR');
    expect(dir.locations).to.equal(undefined);
    expect(q.getLocatedFileInfo('/d/none', false, bob)).to.equal(undefined);
  });

  it('getLocatedFileInfo audit: "open" with block tokens, "getfileinfo" without, a missing path allowed too, a refusal as allowed=false', async () => {
    const lines = await auditLines(async () => {
      q.getLocatedFileInfo('/d/closed', true, bob);
      q.getLocatedFileInfo('/d/closed', false, bob);
      q.getLocatedFileInfo('/d/none', false, bob);
      await refused(sync(() => q.getLocatedFileInfo('/d/private/x', true, bob)), ACE);
    });
    expect(brief(lines)).to.deep.equal(['true bob open /d/closed', 'true bob getfileinfo /d/closed', 'true bob getfileinfo /d/none', 'false bob open /d/private/x']);
  });

  it('a file ancestor: AccessControlException for a user, nothing (null) for the superuser, as FSDirStatAndListingOp.getFileInfo', async () => {
    await refused(sync(() => q.getLocatedFileInfo('/d/closed/x', false, bob)), ACE, '/d/closed (is not a directory)');
    expect(q.getLocatedFileInfo('/d/closed/x', false, hdfsUser)).to.equal(undefined);
    expect(t.ns.getFileInfo('/d/closed/x', hdfsUser)).to.equal(undefined);
    await refused(sync(() => t.ns.getFileInfo('/d/closed/x', bob)), ACE, '/d/closed (is not a directory)');
  });

  it('createSymlink: the link\'s length first, then UnsupportedOperationException "Symlinks not supported", nothing created or audited', async () => {
    const lines = await auditLines(async () => {
      await refused(sync(() => q.createSymlink('/d/closed', '/d/link', { perm: 0o755 }, false)), HadoopException.UNSUPPORTED, 'Symlinks not supported');
      await refused(sync(() => q.createSymlink('/d/closed', `/${'x'.repeat(8000)}`, { perm: 0o755 }, false)), HadoopException.IO, 'Symlink path exceeds 8000 character limit');
      await refused(sync(() => q.createSymlink('/d/closed', '', { perm: 0o755 }, false)), HadoopException.JAVA_ILLEGAL_ARGUMENT, 'Can not create a Path from an empty string');
    });
    expect(lines).to.deep.equal([]);
    expect(t.ns.getFileInfo('/d/link', alice)).to.equal(undefined);
    await t.ns.enterSafeMode();
    await refused(sync(() => q.createSymlink('/d/closed', '/d/link', { perm: 0o755 }, true)), HadoopException.UNSUPPORTED, 'Symlinks not supported'); // before safe mode
  });

  it('getLinkTarget: "File does not exist" for nothing, "is not a symbolic link" for anything else; audited as getfileinfo', async () => {
    const lines = await auditLines(async () => {
      await refused(sync(() => q.getLinkTarget('/d/none', bob)), FNF, 'File does not exist: /d/none');
      await refused(sync(() => q.getLinkTarget('/d/closed', bob)), HadoopException.IO, 'Path /d/closed is not a symbolic link');
      await refused(sync(() => q.getLinkTarget('/d', bob)), HadoopException.IO, 'Path /d is not a symbolic link');
      await refused(sync(() => q.getLinkTarget('/d/private/x', bob)), ACE, /access=EXECUTE/);
    });
    expect(brief(lines)).to.deep.equal(['true bob getfileinfo /d/none', 'true bob getfileinfo /d/closed', 'true bob getfileinfo /d', 'false bob getfileinfo /d/private/x']);
  });
});

describe('namenode/listEncryptionZones and listReencryptionStatus (no zones)', () => {
  let t: TestNamesystem;
  beforeEach(async () => {
    t = await namesystem();
  });
  afterEach(() => t.ns.store.close());

  it('the superuser gets an empty batch, hasMore false; others are refused (audited with src=/); success is audited with src=null', async () => {
    const z = new EncryptionZoneOps(t.ns);
    const lines = await auditLines(async () => {
      expect(z.listEncryptionZones(0, hdfsUser)).to.deep.equal({ entries: [], hasMore: false });
      expect(z.listReencryptionStatus(16390, hdfsUser)).to.deep.equal({ entries: [], hasMore: false });
      await refused(sync(() => z.listEncryptionZones(0, alice)), ACE, SUPERUSER);
      await refused(sync(() => z.listReencryptionStatus(0, alice)), ACE, SUPERUSER);
    });
    expect(brief(lines)).to.deep.equal([
      'true hdfs/nn.example.com listEncryptionZones null', 'true hdfs/nn.example.com listReencryptionStatus null', 'false alice listEncryptionZones /', 'false alice listReencryptionStatus /',
    ]);
  });

  it('with dfs.permissions.enabled false anyone may list', async () => {
    const open = await namesystem({ settings: { permissions: { enabled: false, superUser: 'hdfs', superGroup: 'supergroup' } } });
    try {
      expect(new EncryptionZoneOps(open.ns).listEncryptionZones(0, alice)).to.deep.equal({ entries: [], hasMore: false });
    } finally {
      await open.ns.store.close();
    }
  });
});

describe('namenode/listCorruptFileBlocks (from the blocks no live DataNode holds)', () => {
  let t: TestNamesystem;
  let c: CorruptFiles;
  beforeEach(async () => {
    t = await namesystem({ settings: { maxCorruptFileBlocksReturned: 2 } });
    c = new CorruptFiles(t.ns);
    await t.ns.mkdirs('/a', { perm: 0o777 }, true, hdfsUser);
    await t.ns.mkdirs('/ab', { perm: 0o777 }, true, hdfsUser);
  });
  afterEach(() => t.ns.store.close());

  it('none missing: empty, the cookie "0" when none was sent, else the one sent untouched; superuser only (audited with the path)', async () => {
    await writeFile(t, '/a/f', 100, alice, datanode(t.ns, 'dn-1'));
    expect(c.listCorruptFileBlocks('/', undefined, hdfsUser)).to.deep.equal({ files: [], cookie: '0' });
    expect(c.listCorruptFileBlocks('/', 'abc', hdfsUser)).to.deep.equal({ files: [], cookie: 'abc' });
    const lines = await auditLines(async () => {
      await refused(sync(() => c.listCorruptFileBlocks('/a', undefined, alice)), ACE, SUPERUSER);
      c.listCorruptFileBlocks('/', undefined, hdfsUser);
    });
    expect(brief(lines)).to.deep.equal(['false alice listCorruptFileBlocks /a']);
  });

  it('files whose blocks lost every live replica, under the path as a string prefix, paged by the cookie of blocks walked', async () => {
    const dn1 = datanode(t.ns, 'dn-1');
    const dn2 = datanode(t.ns, 'dn-2', '127.0.0.2');
    await writeFile(t, '/a/f1', 100, alice, dn1);
    await writeFile(t, '/ab/f2', 100, alice, dn1);
    await writeFile(t, '/a/f3', 100, alice, dn1);
    await writeFile(t, '/a/safe', 100, alice, dn2);
    await writeFile(t, '/a/f4', 100, alice, dn1);
    t.ns.datanodes.remove(dn1.registration);
    expect(c.listCorruptFileBlocks('/', undefined, hdfsUser)).to.deep.equal({ files: ['/a/f1', '/ab/f2'], cookie: '2' });
    expect(c.listCorruptFileBlocks('/', '2', hdfsUser)).to.deep.equal({ files: ['/a/f3', '/a/f4'], cookie: '4' });
    expect(c.listCorruptFileBlocks('/', '4', hdfsUser)).to.deep.equal({ files: [], cookie: '4' });
    // /a matches /a/... but not /ab/...; the blocks walked past count in the cookie
    expect(c.listCorruptFileBlocks('/a', '1', hdfsUser)).to.deep.equal({ files: ['/a/f3', '/a/f4'], cookie: '4' });
    expect(c.listCorruptFileBlocks('/a', 'junk', hdfsUser)).to.deep.equal({ files: ['/a/f1', '/a/f3'], cookie: '3' });
    expect(c.listCorruptFileBlocks('/a', '-5', hdfsUser)).to.deep.equal({ files: ['/a/f1', '/a/f3'], cookie: '3' });
    expect(c.listCorruptFileBlocks('/a', '10', hdfsUser)).to.deep.equal({ files: [], cookie: '10' });
    // a deleted file's blocks leave the queue with it
    await t.ns.delete('/a/f1', false, alice);
    expect(c.listCorruptFileBlocks('/a', undefined, hdfsUser)).to.deep.equal({ files: ['/a/f3', '/a/f4'], cookie: '3' });
  });

  it('getIntCookie and DFSUtil.isParentEntry', () => {
    expect([intCookie(undefined), intCookie('7'), intCookie('+7'), intCookie('-1'), intCookie('x'), intCookie('99999999999')]).to.deep.equal([0, 7, 7, 0, 0, 0]);
    expect(isParentEntry('/a/b', '/a')).to.equal(true);
    expect(isParentEntry('/ab', '/a')).to.equal(false);
    expect(isParentEntry('/a', '/a')).to.equal(true);
    expect(isParentEntry('/a/b', '/')).to.equal(true);
    expect(isParentEntry('/a/b', '/a/')).to.equal(false); // Hadoop compares strings: a trailing slash matches only itself
  });
});
