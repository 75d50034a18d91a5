/**
 * A secure DataNode across restarts and key rolls, over a real MIT KDC, against the NameNode
 * stand-in (TEMPORARY, see namenode-stand-in.ts: switch to the real hsec NameNode once it lands):
 * block keys rolled while it runs arrive with a heartbeat (KeyUpdateCommand) and both the new and
 * the retired key keep working; a DataNode restarted keeps its identity and blocks and, restarted
 * while keys rolled, gets the current keys at registration; a NameNode restart (with new block keys)
 * makes it register again and report its replicas, which stay readable; an INVALIDATE deletes a
 * replica and is reported; a pipeline of two DataNodes stores the block on both.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataNode } from '../../../cluster/datanode/datanode.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { block, dataNodeConf, general, makeRealm, roundTrip, startDataNode, startNameNode, type Realm } from './datanode-fixture.ts';
import type { NameNodeStandIn } from './namenode-stand-in.ts';
import { readBlock, TransferConnection, writeBlock } from './transfer-client.ts';

const AES = { 'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding' };

describe('datanode: restarts, key rolls, commands and pipelines (real KDC)', function () {
  this.timeout(180_000);
  const kdcFixture = useMiniKdc();
  let dir: string;
  let realm: Realm;
  let nn: NameNodeStandIn;
  const running = new Set<DataNode>();
  let nextBlock = 1073750000;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-dn-life-'));
    realm = await makeRealm(kdcFixture.kdc, dir);
    nn = await startNameNode(realm);
  });
  after(async () => {
    for (const dn of running) await dn.stop().catch(() => undefined);
    await nn?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(name: string, extra: Record<string, string> = {}): Promise<DataNode> {
    const dn = await startDataNode(realm, dataNodeConf(realm, nn, join(dir, name), { ...AES, ...extra }));
    running.add(dn);
    return dn;
  }
  async function stop(dn: DataNode): Promise<void> {
    running.delete(dn);
    await dn.stop();
  }
  const hs = (id: number) => (mode: 'READ' | 'WRITE') => general(nn, id, mode, ['auth-conf'], true);

  async function read(dn: DataNode, id: number, size: number, key = nn.keys.current): Promise<Buffer> {
    const token = nn.token({ blockPoolId: nn.blockPoolId, blockId: id, modes: ['READ'], key });
    const c = await TransferConnection.open(dn.xferAddress.port, { kind: 'general', token, qop: ['auth-conf'] });
    try {
      const r = await readBlock(c, { block: block(nn, id, size), token, offset: 0, len: size });
      expect(r.response?.status, r.response?.message).to.equal('SUCCESS');
      return r.data;
    } finally {
      c.close();
    }
  }

  it('keys rolled while it runs arrive with a heartbeat: tokens of the new and of the retired key both work', async () => {
    const dn = await start('roll');
    const id = nextBlock++;
    await roundTrip(dn, nn, id, 100_000, hs(id));
    const retired = nn.keys.current;
    nn.rollKeys();
    expect(nn.keys.current.keyId).to.not.equal(retired.keyId);
    await nn.until(() => !nn.datanodes.get(dn.datanodeUuid)!.needKeys, 'the KeyUpdateCommand to be sent');
    await new Promise((r) => setTimeout(r, 200));
    expect((await read(dn, id, 100_000)).length).to.equal(100_000);
    expect((await read(dn, id, 100_000, retired)).length).to.equal(100_000);
    await stop(dn);
  });

  it('a restarted DataNode keeps its UUID, storage id and blocks, reports them, and serves them', async () => {
    const conf = dataNodeConf(realm, nn, join(dir, 'restart'), AES);
    const first = await startDataNode(realm, conf);
    running.add(first);
    const ids = [nextBlock++, nextBlock++];
    for (const id of ids) await roundTrip(first, nn, id, 300_000, hs(id));
    const { datanodeUuid, storageId } = first;
    await stop(first);
    const reports = nn.blockReports.length;
    const second = await startDataNode(realm, conf);
    running.add(second);
    expect([second.datanodeUuid, second.storageId]).to.deep.equal([datanodeUuid, storageId]);
    await nn.until(() => nn.blockReports.length > reports, 'the block report after the restart');
    const report = nn.blockReports.slice(reports).find((b) => b.datanodeUuid === datanodeUuid)!;
    expect(report.replicas.filter((r) => ids.includes(r.blockId)).map((r) => [r.blockId, r.numBytes, r.state])).to.deep.equal(ids.map((id) => [id, 300_000, 'FINALIZED']));
    for (const id of ids) expect((await read(second, id, 300_000)).length).to.equal(300_000);
    await stop(second);
  });

  it('a DataNode restarted while the keys rolled gets the current keys when it registers and serves tokens of them', async () => {
    const conf = dataNodeConf(realm, nn, join(dir, 'restart-roll'), AES);
    const first = await startDataNode(realm, conf);
    running.add(first);
    const id = nextBlock++;
    await roundTrip(first, nn, id, 50_000, hs(id));
    await stop(first);
    nn.rollKeys();
    nn.rollKeys(); // the DataNode never saw either of these keys
    const second = await startDataNode(realm, conf);
    running.add(second);
    expect((await read(second, id, 50_000)).length).to.equal(50_000);
    await stop(second);
  });

  it('a NameNode restart (new block keys, no memory of DataNodes): the DataNode registers again, reports its replicas, and they stay readable', async () => {
    const dn = await start('nn-restart');
    const id = nextBlock++;
    await roundTrip(dn, nn, id, 250_000, hs(id));
    const before = nn.keys.current.keyId;
    await nn.restart({ newKeys: true });
    expect(nn.keys.current.keyId).to.not.equal(before);
    await nn.until(() => nn.datanodes.has(dn.datanodeUuid), 'the DataNode to register again', 30_000);
    await nn.until(() => nn.blockReports.some((b) => b.datanodeUuid === dn.datanodeUuid && b.replicas.some((r) => r.blockId === id)), 'its block report', 30_000);
    expect(await dn.waitRegistered(10_000)).to.equal(true);
    expect((await read(dn, id, 250_000)).length).to.equal(250_000);
    // a block written after the restart is reported incrementally to the new NameNode
    const id2 = nextBlock++;
    await roundTrip(dn, nn, id2, 1000, hs(id2));
    await nn.until(() => nn.incremental.some((i) => i.blocks.some((b) => b.block.blockId === id2 && b.status === 'RECEIVED')), 'RECEIVED');
    await stop(dn);
  });

  it('an INVALIDATE command deletes the replica, reports it DELETED, and the block is no longer served', async () => {
    const dn = await start('invalidate');
    const id = nextBlock++;
    await roundTrip(dn, nn, id, 5000, hs(id));
    nn.queue(dn.datanodeUuid, { cmdType: 'BlockCommand', blkCmd: { action: 'INVALIDATE', blockPoolId: nn.blockPoolId, blocks: [{ blockId: id, genStamp: 1001, numBytes: 5000 }] } });
    dn.triggerHeartbeat();
    await nn.until(() => nn.incremental.some((i) => i.blocks.some((b) => b.block.blockId === id && b.status === 'DELETED')), 'DELETED');
    expect(dn.dataset.getReplica(nn.blockPoolId, id)).to.equal(undefined);
    const token = nn.token({ blockPoolId: nn.blockPoolId, blockId: id, modes: ['READ'] });
    const c = await TransferConnection.open(dn.xferAddress.port, { kind: 'general', token, qop: ['auth-conf'] });
    const r = await readBlock(c, { block: block(nn, id, 5000), token, offset: 0, len: 5000 });
    expect(r.response).to.deep.include({ status: 'ERROR' });
    expect(r.response!.message).to.contain('Replica not found');
    c.close();
    await stop(dn);
  });

  it('a pipeline of two DataNodes: the first mirrors the op and packets to the second over SASL, acks carry both statuses, both store the block', async () => {
    const dn1 = await start('pipe1');
    const dn2 = await start('pipe2');
    const id = nextBlock++;
    const target = nn.datanodes.get(dn2.datanodeUuid)!.registration.datanodeID;
    const data = Buffer.alloc(400_000, 0x33);
    const token = nn.token({ blockPoolId: nn.blockPoolId, blockId: id, modes: ['WRITE'], storageTypes: ['DISK', 'DISK'] });
    const c = await TransferConnection.open(dn1.xferAddress.port, { kind: 'general', token, qop: ['auth-conf'], cipherSuites: 'AES/CTR/NoPadding' });
    const w = await writeBlock(c, { block: block(nn, id), token, data, targets: [{ id: target }] });
    c.close();
    expect(w.connectAck).to.deep.equal({ status: 'SUCCESS', firstBadLink: '' });
    expect(w.acks.length).to.equal(Math.ceil(400_000 / 64_512) + 1);
    for (const ack of w.acks) expect([ack.reply, ack.flag]).to.deep.equal([['SUCCESS', 'SUCCESS'], [0, 0]]);
    for (const dn of [dn1, dn2]) expect(Buffer.compare(await read(dn, id, 400_000), data)).to.equal(0);
    await nn.until(() => [dn1, dn2].every((dn) => nn.incremental.some((i) => i.datanodeUuid === dn.datanodeUuid && i.blocks.some((b) => b.block.blockId === id && b.status === 'RECEIVED'))), 'RECEIVED from both');
    // a downstream node that is gone: {ERROR, firstBadLink = its address}
    const gone = { ...target, xferPort: 1 };
    const id2 = nextBlock++;
    const t2 = nn.token({ blockPoolId: nn.blockPoolId, blockId: id2, modes: ['WRITE'] });
    const c2 = await TransferConnection.open(dn1.xferAddress.port, { kind: 'general', token: t2, qop: ['auth-conf'] });
    const w2 = await writeBlock(c2, { block: block(nn, id2), token: t2, data: Buffer.alloc(10), targets: [{ id: gone }] });
    c2.close();
    expect(w2.connectAck).to.deep.include({ status: 'ERROR', firstBadLink: `${gone.ipAddr}:1` });
    await stop(dn1);
    await stop(dn2);
  });

  it('an encrypted pipeline (dfs.encrypt.data.transfer): the first DataNode opens the second with a data encryption key made from its current block key', async () => {
    const enc = { 'dfs.encrypt.data.transfer': 'true' };
    const dn1 = await start('enc-pipe1', enc);
    const dn2 = await start('enc-pipe2', enc);
    const id = nextBlock++;
    const data = Buffer.alloc(150_000, 0x44);
    const token = nn.token({ blockPoolId: nn.blockPoolId, blockId: id, modes: ['WRITE'] });
    const c = await TransferConnection.open(dn1.xferAddress.port, { kind: 'encrypted', key: nn.dataEncryptionKey(), cipherSuites: 'AES/CTR/NoPadding' });
    const w = await writeBlock(c, { block: block(nn, id), token, data, targets: [{ id: nn.datanodes.get(dn2.datanodeUuid)!.registration.datanodeID }] });
    c.close();
    expect(w.connectAck?.status).to.equal('SUCCESS');
    expect(w.acks.every((a) => a.reply?.join() === 'SUCCESS,SUCCESS')).to.equal(true);
    expect(dn2.dataset.getReplica(nn.blockPoolId, id)).to.deep.include({ numBytes: 150_000, state: 'FINALIZED' });
    await stop(dn1);
    await stop(dn2);
  });
});
