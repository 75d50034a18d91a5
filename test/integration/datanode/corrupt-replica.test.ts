/**
 * A corrupt replica end to end over a real MIT KDC (Hadoop's DFSInputStream.reportCheckSumFailure ->
 * ClientProtocol.reportBadBlocks -> BlockManager.markBlockAsCorrupt -> re-replication ->
 * invalidateCorruptReplicas): a file written with replication 2 on three DataNodes has one byte of
 * one replica's block file flipped on disk; hsec's client reads the file back intact from the other
 * replica and reports the bad one; the NameNode marks it corrupt, stops giving it as a location,
 * has the good replica copied to the third DataNode, and then deletes the corrupt replica. With
 * both replicas corrupt the read fails and nothing is reported. And a
 * reportBadBlocks call as a stock client makes it (no storage IDs), with the IOException for an
 * unknown DataNode.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { DataNode } from '../../../cluster/datanode/datanode.ts';
import { EMPTY_TOKEN } from '../../../cluster/protocol/hdfs-types.ts';
import { clientProtocolCall, remoteFailure } from '../../support/client-protocol-call.ts';
import { locatedBlock, useTestClusters, waitFor } from './datanode-fixture.ts';

const CONF = {
  'dfs.namenode.redundancy.interval.seconds': '1',
  'dfs.heartbeat.interval': '500ms',
  'dfs.namenode.heartbeat.recheck-interval': '250',
};

describe('datanode: a corrupt replica is reported by the reader, re-replicated from the good one and deleted (MIT KDC)', function () {
  this.timeout(40_000);
  const clusters = useTestClusters('hsec-corrupt-', { conf: CONF, monitorIntervalMs: 200 });

  it('flip a byte of one of two replicas: the read is intact, the NameNode marks the replica corrupt, copies the block to the third node and deletes the bad one', async () => {
    const c = await clusters.cluster();
    const dns: DataNode[] = [await c.startDataNode('d1'), await c.startDataNode('d2'), await c.startDataNode('d3')];
    const fs = await c.client();
    const path = '/user/alice/corrupt-me';
    const data = randomBytes(300_000);
    await fs.writeFile(path, data, { replication: 2 });
    const lb = await locatedBlock(c.protocol(), path);
    expect(lb.locs!.length).to.equal(2);
    // the replica the client tries first (the NameNode's order) gets one byte flipped in its block file
    const bad = dns.find((d) => d.datanodeUuid === lb.locs![0]!.id.datanodeUuid)!;
    const good = dns.find((d) => d.datanodeUuid === lb.locs![1]!.id.datanodeUuid)!;
    const spare = dns.find((d) => d !== bad && d !== good)!;
    const replica = bad.dataset.getReplica(lb.b.poolId, lb.b.blockId)!;
    const bytes = readFileSync(replica.blockFile);
    bytes[123_456] ^= 0xff;
    writeFileSync(replica.blockFile, bytes);

    expect(Buffer.compare(await fs.readFile(path), data)).to.equal(0);

    const bm = c.nn.namesystem.blocks;
    const stored = bm.storedBlock(lb.b.blockId)!;
    // the report is made before the read's end: the replica is marked at once
    expect(bm.corruptReplicas.reason(stored, bad.datanodeUuid)).to.equal('CORRUPTION_REPORTED');
    expect((await locatedBlock(c.protocol(), path)).locs!.map((l) => l.id.datanodeUuid)).to.deep.equal([good.datanodeUuid]);
    expect((await c.protocol().getFsStats()).corrupt_blocks).to.equal(1);

    await waitFor(() => spare.dataset.getReplica(lb.b.poolId, lb.b.blockId)?.state === 'FINALIZED', 'a copy of the block on the third DataNode');
    await waitFor(() => bad.dataset.getReplica(lb.b.poolId, lb.b.blockId) === undefined, 'the corrupt replica deleted on its DataNode');
    expect(bm.corruptReplicas.size).to.equal(0);
    const after = await locatedBlock(c.protocol(), path);
    expect(after.locs!.map((l) => l.id.datanodeUuid).sort()).to.deep.equal([good.datanodeUuid, spare.datanodeUuid].sort());
    expect((await c.protocol().getFsStats()).corrupt_blocks).to.equal(0);
    expect(Buffer.compare(await fs.readFile(path), data)).to.equal(0);
  });

  it('every one of two replicas corrupt: the read fails and nothing is reported (DFSInputStream.reportCheckSumFailure)', async () => {
    const c = await clusters.cluster();
    const dns: DataNode[] = [await c.startDataNode('d1'), await c.startDataNode('d2')];
    const fs = await c.client();
    const path = '/user/alice/all-bad';
    await fs.writeFile(path, randomBytes(5000), { replication: 2 });
    const lb = await locatedBlock(c.protocol(), path);
    for (const dn of dns) {
      const file = dn.dataset.getReplica(lb.b.poolId, lb.b.blockId)!.blockFile;
      const bytes = readFileSync(file);
      bytes[10] ^= 0x01;
      writeFileSync(file, bytes);
    }
    const err = await fs.readFile(path).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.match(/every replica failed .*Checksum error/);
    expect(c.nn.namesystem.blocks.corruptReplicas.size).to.equal(0);
    expect((await locatedBlock(c.protocol(), path)).locs!.length).to.equal(2);
  });

  it('ClientProtocol.reportBadBlocks as a stock client sends it marks the replica; an unknown DataNode is an IOException', async () => {
    const c = await clusters.cluster();
    await c.startDataNode('d1');
    await c.startDataNode('d2');
    const fs = await c.client();
    const path = '/user/alice/reported';
    await fs.writeFile(path, randomBytes(1000), { replication: 2 });
    const lb = await locatedBlock(c.protocol(), path);
    const [first, second] = lb.locs!;
    expect(await clientProtocolCall(fs, 'reportBadBlocks', { blocks: [{ b: lb.b, offset: 0, locs: [first!], corrupt: false, blockToken: EMPTY_TOKEN }] })).to.deep.equal({});
    const stored = c.nn.namesystem.blocks.storedBlock(lb.b.blockId)!;
    expect(c.nn.namesystem.blocks.corruptReplicas.nodes(stored)).to.deep.equal([first!.id.datanodeUuid]);
    expect((await locatedBlock(c.protocol(), path)).locs!.map((l) => l.id.datanodeUuid)).to.deep.equal([second!.id.datanodeUuid]);
    const ghost = { ...first!, id: { ...first!.id, datanodeUuid: 'no-such-node' } };
    const failure = await remoteFailure(clientProtocolCall(fs, 'reportBadBlocks', { blocks: [{ b: lb.b, offset: 0, locs: [ghost], corrupt: false, blockToken: EMPTY_TOKEN }] }));
    expect(failure).to.deep.equal({
      cls: 'java.io.IOException',
      msg: `Cannot mark ${lb.b.poolId}:blk_${lb.b.blockId}_${lb.b.generationStamp} as corrupt because datanode ${first!.id.ipAddr}:${first!.id.xferPort} (no-such-node) does not exist`,
    });
  });
});
