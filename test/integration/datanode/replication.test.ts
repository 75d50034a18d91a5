/**
 * Re-replication end to end over a real MIT KDC: the hsec NameNode's redundancy monitor asks a
 * DataNode (BlockCommand DNA_TRANSFER) to copy a block, the DataNode connects to the target with
 * the data-transfer SASL handshake as itself (privacy with the AES/CTR cipher option) and a WRITE
 * block token it made from the NameNode's keys, streams the block as a DataNode sender, and the
 * target finalizes it and reports it RECEIVED (with dfs.encrypt.data.transfer: the encrypted
 * handshake with a data encryption key from the DataNode's block keys). Three DataNodes: a file written with replication 1
 * and raised to 3 (every copy reads back byte for byte from its own DataNode), a DataNode stopped
 * under replication 2 (its blocks copied once the NameNode declares it dead), and a decommissioned
 * DataNode (its blocks copied from it, then the decommission completes); a restarted NameNode copies
and deletes nothing while the DataNodes report their replicas again.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataNode } from '../../../cluster/datanode/datanode.ts';
import type { LocatedBlock } from '../../../cluster/protocol/hdfs-types.ts';
import { handshakesDuring, locatedBlock, useTestClusters, waitFor, type TestCluster } from './datanode-fixture.ts';

const MiB = 1024 * 1024;
const CONF = {
  'dfs.data.transfer.protection': 'privacy',
  'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding',
  'dfs.blocksize': String(MiB),
  'dfs.namenode.redundancy.interval.seconds': '1',
  'dfs.heartbeat.interval': '500ms',
  'dfs.namenode.heartbeat.recheck-interval': '250',
};

describe('datanode: re-replication between DataNodes (DNA_TRANSFER over SASL privacy with AES/CTR, MIT KDC)', function () {
  this.timeout(60_000);
  const clusters = useTestClusters('hsec-repl-', { conf: CONF, monitorIntervalMs: 200 });

  async function threeDataNodes(c: TestCluster): Promise<DataNode[]> {
    return [await c.startDataNode('d1'), await c.startDataNode('d2'), await c.startDataNode('d3')];
  }

  /** Every block of `path`, each with the uuids of its locations. */
  async function blocksOf(c: TestCluster, path: string): Promise<LocatedBlock[]> {
    const located = await c.protocol().getBlockLocations(path, 0, Number.MAX_SAFE_INTEGER);
    return located?.blocks ?? [];
  }

  /** Reads every block of `path` from each of its locations and compares it with `data`. */
  async function expectCopiesOf(c: TestCluster, path: string, data: Buffer, replicas: number): Promise<void> {
    const io = c.blockIo();
    let offset = 0;
    for (const lb of await blocksOf(c, path)) {
      const want = data.subarray(offset, offset + (lb.b.numBytes ?? 0));
      expect(lb.locs!.length, `locations of blk_${lb.b.blockId}`).to.equal(replicas);
      for (const dn of lb.locs!) {
        expect(Buffer.compare(await io.read(lb, { dn }), want), `blk_${lb.b.blockId} read from ${dn.id.xferPort}`).to.equal(0);
      }
      offset += want.length;
    }
    expect(offset).to.equal(data.length);
  }

  it('setReplication 1 -> 3: each block is copied to the two other DataNodes, and every copy reads back identical', async () => {
    const c = await clusters.cluster();
    const dns = await threeDataNodes(c);
    const fs = await c.client();
    const path = '/user/alice/grow';
    const data = randomBytes(MiB + 300_000); // two blocks, the second over several packets
    await fs.writeFile(path, data);
    expect((await blocksOf(c, path)).map((b) => b.locs!.length)).to.deep.equal([1, 1]);
    const events = await handshakesDuring(async () => {
      expect(await fs.setReplication(path, 3)).to.equal(true);
      await waitFor(async () => (await blocksOf(c, path)).every((b) => b.locs!.length === 3), 'three replicas of each block');
    });
    // the copies went DataNode to DataNode over SASL privacy with AES/CTR (both ends of each are in this process)
    const copies = events.filter((e) => e.protection === 'aes-ctr' && e.qop === 'auth-conf');
    expect(copies.filter((e) => e.side === 'client').length).to.be.greaterThanOrEqual(2);
    expect(copies.filter((e) => e.side === 'server').length).to.be.greaterThanOrEqual(2);
    await expectCopiesOf(c, path, data, 3);
    for (const lb of await blocksOf(c, path)) {
      for (const dn of dns) expect(dn.dataset.getReplica(lb.b.poolId, lb.b.blockId), `${dn.datanodeUuid}`).to.deep.include({ state: 'FINALIZED', numBytes: lb.b.numBytes });
    }
    const r = c.nn.namesystem.blocks.redundancy;
    expect(r.pending.size).to.equal(0);
    expect(r.needed.size).to.equal(0);
    // and back down to 1: two replicas of each block are deleted (INVALIDATE), one stays readable
    expect(await fs.setReplication(path, 1)).to.equal(true);
    await waitFor(async () => (await blocksOf(c, path)).every((b) => b.locs!.length === 1), 'one replica of each block');
    await expectCopiesOf(c, path, data, 1);
    expect(Buffer.compare(await fs.readFile(path), data)).to.equal(0);
  });

  it('with dfs.encrypt.data.transfer the copy uses the encrypted handshake with a key from the DataNode\'s own block keys', async () => {
    const c = await clusters.cluster({ conf: { 'dfs.encrypt.data.transfer': 'true' } });
    await threeDataNodes(c);
    const fs = await c.client();
    const path = '/user/alice/sealed';
    const data = randomBytes(200_000);
    await fs.writeFile(path, data);
    const events = await handshakesDuring(async () => {
      expect(await fs.setReplication(path, 2)).to.equal(true);
      await waitFor(async () => (await blocksOf(c, path))[0]!.locs!.length === 2, 'two replicas');
    });
    const copies = events.filter((e) => e.handshake === 'encrypted' && e.protection === 'aes-ctr');
    expect(copies.map((e) => e.side).sort()).to.deep.equal(['client', 'server']);
    await expectCopiesOf(c, path, data, 2);
  });

  it('a restarted NameNode learns the replicas from the block reports and copies nothing, deletes nothing', async () => {
    const c = await clusters.cluster();
    const dns = await threeDataNodes(c);
    const fs = await c.client();
    const path = '/user/alice/kept';
    const data = randomBytes(300_000);
    await fs.writeFile(path, data, { replication: 3 });
    await waitFor(async () => (await blocksOf(c, path))[0]!.locs!.length === 3, 'three replicas');
    await c.restartNameNode();
    await waitFor(async () => (await blocksOf(c, path).catch(() => []))[0]?.locs?.length === 3, 'the three replicas reported to the new NameNode');
    await new Promise((resolve) => setTimeout(resolve, 2500)); // two redundancy monitor runs and a few heartbeats
    const r = c.nn.namesystem.blocks.redundancy;
    expect([r.pending.size, r.needed.size, r.postponedCount]).to.deep.equal([0, 0, 0]);
    for (const d of c.nn.namesystem.datanodes.live()) expect(d.invalidate).to.deep.equal([]);
    const [lb] = await blocksOf(c, path);
    for (const dn of dns) expect(dn.dataset.getReplica(lb!.b.poolId, lb!.b.blockId)).to.deep.include({ state: 'FINALIZED', numBytes: data.length });
    await expectCopiesOf(c, path, data, 3);
  });

  it('a DataNode stopped under replication 2: once it is declared dead its blocks are copied to the third node', async () => {
    const c = await clusters.cluster();
    const dns = await threeDataNodes(c);
    const fs = await c.client();
    const path = '/user/alice/survive';
    const data = randomBytes(700_000);
    await fs.writeFile(path, data, { replication: 2 });
    const [before] = await blocksOf(c, path);
    const holders = before!.locs!.map((l) => l.id.datanodeUuid);
    expect(holders.length).to.equal(2);
    const victim = dns.find((d) => d.datanodeUuid === holders[0])!;
    const spare = dns.find((d) => !holders.includes(d.datanodeUuid))!;
    await c.stopDataNode(victim);
    await waitFor(() => c.nn.namesystem.datanodes.get(victim.datanodeUuid)!.alive === false, 'the NameNode to declare the stopped DataNode dead');
    await waitFor(async () => (await blocksOf(c, path))[0]!.locs!.length === 2, 'a second live replica again');
    const [after] = await blocksOf(c, path);
    expect(after!.locs!.map((l) => l.id.datanodeUuid).sort()).to.deep.equal([holders[1]!, spare.datanodeUuid].sort());
    await expectCopiesOf(c, path, data, 2);
  });

  it('decommissioning: the node\'s blocks are copied from it to nodes in service, then it is DECOMMISSIONED', async () => {
    const excludes = join(clusters.dir, `excludes-${Date.now()}`);
    writeFileSync(excludes, '');
    const c = await clusters.cluster({ conf: { 'dfs.hosts.exclude': excludes } });
    const dns = await threeDataNodes(c);
    const fs = await c.client();
    const path = '/user/alice/leave';
    const data = randomBytes(400_000);
    await fs.writeFile(path, data); // replication 1
    const lb = await locatedBlock(c.protocol(), path);
    const holder = dns.find((d) => d.datanodeUuid === lb.locs![0]!.id.datanodeUuid)!;
    writeFileSync(excludes, `127.0.0.1:${holder.xferAddress.port}\n`);
    const dm = c.nn.namesystem.datanodes;
    await dm.refreshNodes({ includes: '', excludes }, Date.now());
    const desc = dm.get(holder.datanodeUuid)!;
    expect(desc.adminState).to.equal('DECOMMISSION_INPROGRESS');
    await waitFor(() => desc.adminState === 'DECOMMISSIONED', 'the decommission to complete');
    const [after] = await blocksOf(c, path);
    const uuids = after!.locs!.map((l) => l.id.datanodeUuid);
    expect(uuids).to.include(holder.datanodeUuid); // still readable there
    expect(uuids.length).to.equal(2);
    const copy = after!.locs!.find((l) => l.id.datanodeUuid !== holder.datanodeUuid)!;
    expect(Buffer.compare(await c.blockIo().read(after!, { dn: copy }), data)).to.equal(0);
    expect(c.nn.namesystem.blocks.redundancy.countNodes(c.nn.namesystem.fsd.block(lb.b.blockId)!)).to.deep.equal({ live: 1, decommissioning: 0, decommissioned: 1, excess: 0, corrupt: 0 });
  });
});
