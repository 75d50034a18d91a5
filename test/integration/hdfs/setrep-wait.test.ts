/**
 * `hsec fs -setrep -w` on a secure cluster of three hsec DataNodes (MIT KDC, SASL privacy with
 * AES/CTR on the data path): the NameNode re-replicates the file's blocks and the shell waits as
 * SetReplication.waitForReplication does (a dot per 10 s look until every block has as many
 * locations as asked), then says done.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { fsShellUser, type FsShellUser } from '../../support/fs-shell.ts';

describe('hdfs: fs -setrep -w waits for the re-replication (three DataNodes, MIT KDC)', function () {
  this.timeout(60_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let shell: FsShellUser;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-setrep-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, {
      dataNodes: 3,
      conf: {
        'dfs.data.transfer.protection': 'privacy', 'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding',
        'dfs.blocksize': String(1024 * 1024), 'dfs.namenode.redundancy.interval.seconds': '1',
      },
    });
    shell = await fsShellUser(hdfs, 'alice');
  });

  after(async () => {
    await hdfs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('-setrep -w 3: "Replication 3 set", then "Waiting for f ..." with a dot per look, " done" once every block has three locations', async () => {
    const fs = await hdfs.client('alice');
    const data = randomBytes(1024 * 1024 + 1000);
    await fs.writeFile('f', data);
    const run = await shell.fs('-setrep', '-w', '3', 'f');
    expect(run.err).to.equal('');
    expect(run.code).to.equal(0);
    expect(run.out).to.match(/^Replication 3 set: f\nWaiting for f \.\.\.\.* done\n$/);
    const locations = await fs.getFileBlockLocations('f', 0, data.length);
    expect(locations.map((l) => l.hosts.length)).to.deep.equal([3, 3]);
    expect(locations.map((l) => [l.offset, l.length])).to.deep.equal([[0, 1024 * 1024], [1024 * 1024, 1000]]);
    expect(new Set(locations.flatMap((l) => l.names)).size).to.equal(3);
    expect(Buffer.compare(await fs.readFile('f'), data)).to.equal(0);
  });

  it('-setrep -w on a file already at that replication is done at once; -help setrep names -w', async () => {
    const fs = await hdfs.client('alice');
    await fs.writeFile('g', 'small');
    const started = Date.now();
    expect((await shell.fs('-setrep', '-w', '1', 'g')).out).to.equal('Replication 1 set: g\nWaiting for g ... done\n');
    expect(Date.now() - started).to.be.lessThan(5000);
    expect((await shell.fs('-help', 'setrep')).out).to.contain('-w  It requests that the command waits for the replication to complete.');
  });
});
