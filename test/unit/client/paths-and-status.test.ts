// The pure parts of the HDFS client: path resolution as DistributedFileSystem does it, the umask of
// fs.permissions.umask-mode (octal and symbolic), FsPermission's ls form, FileStatus from the wire.
import { expect } from 'chai';
import { normalizePath, resolveHdfsPath } from '../../../cluster/client/hdfs-path.ts';
import { parseUmask } from '../../../cluster/client/hdfs-client.ts';
import { permissionString, toFileStatus } from '../../../cluster/client/file-status.ts';

const nn = { host: 'nn.example.test', port: 8020 };

describe('client: HDFS paths, umask and file status', () => {
  it('resolves absolute, relative (to the working directory) and hdfs:// paths of this NameNode; another NameNode is Wrong FS', () => {
    expect(resolveHdfsPath('/a//b/', nn, '/user/alice')).to.equal('/a/b');
    expect(resolveHdfsPath('d/f', nn, '/user/alice')).to.equal('/user/alice/d/f');
    // java.net.URI.normalize, as Hadoop's Path: `.` goes, `..` takes the segment before it, not above the root
    expect(resolveHdfsPath('.', nn, '/user/alice')).to.equal('/user/alice');
    expect(resolveHdfsPath('./d/./f/.', nn, '/user/alice')).to.equal('/user/alice/d/f');
    expect(resolveHdfsPath('../bob/x', nn, '/user/alice')).to.equal('/user/bob/x');
    expect(resolveHdfsPath('/a/b/../../..', nn, '/user/alice')).to.equal('/..');
    expect(resolveHdfsPath('/a/../../b', nn, '/user/alice')).to.equal('/../b');
    expect(resolveHdfsPath('hdfs://nn.example.test:8020/x/./y/..', nn, '/user/alice')).to.equal('/x');
    expect(resolveHdfsPath('hdfs://nn.example.test:8020/x', nn, '/user/alice')).to.equal('/x');
    expect(resolveHdfsPath('hdfs://nn.example.test/', nn, '/user/alice')).to.equal('/');
    expect(() => resolveHdfsPath('hdfs://other:8020/x', nn, '/user/alice')).to.throw(/Wrong FS: hdfs:\/\/other:8020\/x, expected: hdfs:\/\/nn.example.test:8020 .*; for the other one use -fs hdfs:\/\/other:8020$/);
    expect(() => resolveHdfsPath('file:///etc/passwd', nn, '/user/alice')).to.throw(/not an hdfs:\/\/ path/);
    expect(() => resolveHdfsPath('', nn, '/user/alice')).to.throw(/empty string/);
    expect(normalizePath('/')).to.equal('/');
  });

  it('reads fs.permissions.umask-mode in octal or symbolic form (UmaskParser; more in permission-parser.test.ts)', () => {
    expect(parseUmask('022')).to.equal(0o022);
    expect(parseUmask('077')).to.equal(0o077);
    expect(parseUmask('u=rwx,g=rx,o=rx')).to.equal(0o022);
    expect(parseUmask('u=rwx,g=rx,o=')).to.equal(0o027);
    expect(() => parseUmask('rwx')).to.throw(/Unable to parse configuration fs.permissions.umask-mode with value rwx as octal or symbolic umask/);
    expect(() => parseUmask('u=rwx,g=r-x,o=')).to.throw(/fs.permissions.umask-mode/); // '-' is not a permission letter
  });

  it('prints permissions as FsPermission.toString, the sticky bit as t/T', () => {
    expect(permissionString(0o755)).to.equal('rwxr-xr-x');
    expect(permissionString(0o644)).to.equal('rw-r--r--');
    expect(permissionString(0o1777)).to.equal('rwxrwxrwt');
    expect(permissionString(0o1776)).to.equal('rwxrwxrwT');
  });

  it('turns HdfsFileStatusProto into a FileStatus', () => {
    const s = toFileStatus(
      { fileType: 'IS_FILE', path: new Uint8Array(), length: 5, permission: { perm: 0o644 }, owner: 'alice', group: 'supergroup', modification_time: 1, access_time: 2, block_replication: 3, blocksize: 134217728, fileId: 16390 },
      '/user/alice/f',
    );
    expect(s).to.deep.equal({ path: '/user/alice/f', type: 'file', length: 5, owner: 'alice', group: 'supergroup', permission: 0o644, modificationTime: 1, accessTime: 2, replication: 3, blockSize: 134217728, fileId: 16390, childrenNum: -1 });
  });
});

describe('client: the progress line of hsec fs', () => {
  it('draws a bar, the bytes, the share and the rate on a terminal, and nothing when piped', async () => {
    const { progressBar, progressMeter, formatBytes } = await import('../../../cluster/cli/progress.ts');
    expect(progressBar(0, 10)).to.equal('>         ');
    expect(progressBar(0.5, 10)).to.equal('=====>    ');
    expect(progressBar(1, 10)).to.equal('==========');
    expect(formatBytes(1536)).to.equal('1.5 KiB');
    const lines: string[] = [];
    const piped = progressMeter('put f', 10, { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream);
    piped.end(Buffer.alloc(10));
    for await (const _ of piped) void _;
    expect(lines).to.deep.equal([]);
  });
});
