/**
 * Pipeline recovery end to end over a real MIT KDC: the hsec client writes through a three-DataNode
 * pipeline of the hsec DataNodes (four running, Kerberos RPC privacy, block tokens) and one of the
 * pipeline's DataNodes is stopped mid-block. The write completes (DataStreamer's recovery: the bad
 * node dropped, a new generation stamp from updateBlockForPipeline, WRITE_BLOCK in
 * PIPELINE_SETUP_STREAMING_RECOVERY to the survivors, the unacknowledged packets again,
 * updatePipeline), the file reads back byte for byte, and the NameNode's block carries the new
 * stamp with the survivors' replicas only. After an hflush, ReplaceDatanodeOnFailure's DEFAULT adds
 * the fourth DataNode (getAdditionalDatanode, TRANSFER_BLOCK from a survivor with TRANSFER_RBW), so
 * the block ends with three replicas again; that case runs with AES/CTR data-transfer encryption
 * (dfs.encrypt.data.transfer). A DataNode that restarts mid-block is dropped the same way, and an
 * append that loses a DataNode gets the fourth one too (DEFAULT counts an append).
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import type { INodeFile } from '../../../cluster/namenode/namespace/inode.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { until } from '../../support/until.ts';

const MiB = 1024 * 1024;

const write = (out: Writable, data: Buffer) => new Promise<void>((resolve, reject) => out.write(data, (e) => (e ? reject(e) : resolve())));
const end = (out: Writable) => new Promise<void>((resolve, reject) => {
  out.once('error', reject);
  out.end(() => resolve());
});

interface Case {
  readonly name: string;
  readonly conf: Record<string, string>;
  /** the index in the pipeline of the DataNode that goes */
  readonly victim: number;
  /** it restarts (on the same data directory) instead of staying down */
  readonly restart?: boolean;
  readonly hflush: boolean;
  /** the stream appends to a file of this many bytes (DataStreamer.isAppend: DEFAULT then replaces the node) */
  readonly appendTo?: number;
}

const CASES: Case[] = [
  {
    name: 'RPC privacy, data-transfer authentication; the first DataNode of the pipeline stops mid-block',
    conf: { 'dfs.data.transfer.protection': 'authentication' },
    victim: 0,
    hflush: false,
  },
  {
    name: 'AES/CTR data-transfer encryption; a downstream DataNode stops after an hflush, DEFAULT adds the fourth DataNode',
    conf: { 'dfs.data.transfer.protection': 'privacy', 'dfs.encrypt.data.transfer': 'true', 'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding' },
    victim: 1,
    hflush: true,
  },
  {
    name: 'RPC privacy, data-transfer integrity; the last DataNode of the pipeline restarts mid-block',
    conf: { 'dfs.data.transfer.protection': 'integrity' },
    victim: 2,
    restart: true,
    hflush: false,
  },
  {
    name: 'an append (RPC privacy, data-transfer privacy); the middle DataNode stops mid-block, DEFAULT adds the fourth DataNode',
    conf: { 'dfs.data.transfer.protection': 'privacy' },
    victim: 1,
    hflush: false,
    appendTo: 100_000,
  },
];

describe('hdfs: pipeline recovery of the hsec client through hsec DataNodes (MIT KDC, four DataNodes, replication 3)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();

  for (const c of CASES) {
    describe(c.name, () => {
      let dir: string;
      let hdfs: SecureHdfs;
      let fs: HdfsClient;

      before(async () => {
        dir = mkdtempSync(join(tmpdir(), 'hsec-pipeline-recovery-'));
        // no re-replication while the test looks at the replicas the write left
        hdfs = await startSecureHdfs(realm.kdc, dir, { dataNodes: 4, conf: { ...c.conf, 'dfs.replication': '3', 'dfs.namenode.redundancy.interval.seconds': '3600' } });
        fs = await hdfs.client('alice');
      });
      after(async () => {
        await hdfs?.stop();
        rmSync(dir, { recursive: true, force: true });
      });

      it('the write completes, reads back byte for byte, and the block has the new generation stamp and the right replicas', async () => {
        const before = randomBytes(c.appendTo ?? 0);
        if (c.appendTo) await fs.writeFile('recovered', before, { replication: 3 });
        const added = randomBytes(3 * MiB + 12345);
        const data = Buffer.concat([before, added]);
        const out = c.appendTo ? fs.append('recovered') : fs.createWriteStream('recovered', { replication: 3 });
        await write(out, added.subarray(0, MiB));
        if (c.hflush) await (out as unknown as { hflush(): Promise<void> }).hflush();
        const file = () => hdfs.nn.namesystem.fsd.resolveExisting('/user/alice/recovered') as INodeFile;
        expect(await until(() => (file().blocks[0]?.expected.length ?? 0) === 3, 10_000), 'the pipeline of the first block').to.equal(true);
        const block = file().blocks[0]!;
        const stampBefore = block.generationStamp;
        const pipeline = block.expected.map((s) => s.datanodeUuid);
        const victim = hdfs.dns.find((d) => d.datanodeUuid === pipeline[c.victim])!;
        if (c.restart) await hdfs.restartDataNode(hdfs.dns.indexOf(victim));
        else await victim.stop();

        await write(out, added.subarray(MiB));
        await end(out);

        expect(Buffer.compare(await fs.readFile('recovered'), data), 'the file reads back byte for byte').to.equal(0);
        expect(file().blocks).to.have.length(1);
        expect(block.state).to.equal('COMPLETE');
        expect(block.numBytes).to.equal(data.length);
        expect(block.generationStamp, 'a new generation stamp').to.be.greaterThan(stampBefore);
        const survivors = pipeline.filter((u) => u !== victim.datanodeUuid);
        const spare = hdfs.dns.map((d) => d.datanodeUuid).filter((u) => !pipeline.includes(u));
        const expected = (c.hflush || c.appendTo ? [...survivors, ...spare] : survivors).sort();
        expect(await until(() => block.replicas.size === expected.length, 10_000), 'the replicas are reported').to.equal(true);
        expect([...block.replicas.values()].map((r) => r.datanodeUuid).sort()).to.deep.equal(expected);
        for (const r of block.replicas.values()) expect(r).to.include({ generationStamp: block.generationStamp, numBytes: data.length });
        // every replica on disk: finalized with the new stamp and every byte
        const pool = hdfs.nn.namesystem.blocks.blockPoolId;
        for (const dn of hdfs.dns.filter((d) => expected.includes(d.datanodeUuid))) {
          expect(dn.dataset.getReplica(pool, block.blockId), `replica on ${dn.datanodeUuid}`).to.include({ state: 'FINALIZED', genStamp: block.generationStamp, numBytes: data.length });
        }
        // the located block a reader gets names the same DataNodes
        const [located] = await fs.getFileBlockLocations('recovered', 0, data.length);
        const addr = (uuid: string) => {
          const a = hdfs.dns.find((d) => d.datanodeUuid === uuid)!.xferAddress;
          return `${a.host}:${a.port}`;
        };
        expect([...located!.names].sort()).to.deep.equal(expected.map(addr).sort());
      });
    });
  }
});
