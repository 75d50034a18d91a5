// What survives a NameNode restart and what time does (MIT KDC, real IPC, a ManualClock for the
// NameNode's and the DataNodes' token, lease and heartbeat logic; Kerberos keeps real time): the
// namespace and an open file's lease come back from the journal, the block locations from the
// DataNodes' reports after they are told to register again, and the blocks are readable with new
// tokens; block keys roll every dfs.block.access.key.update.interval and reach the DataNodes in
// heartbeats, a DataNode restarted during the rotation gets the current keys at registration and
// verifies tokens from before and after; expired tokens are refused; a silent DataNode is
// declared dead; a lease past the hard limit is recovered (block recovery, the DataNode's part played by the test).
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../lib/time/clock.ts';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { CreateFlag } from '../../../cluster/protocol/client-protocol.ts';
import type { ExtendedBlock, LocatedBlock } from '../../../cluster/protocol/hdfs-types.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { TestDataNode, clientAs, clientName, secureConf, setUpRealm, type Session } from './hdfs-fixture.ts';

const MiB = 1024 * 1024;
const MIN = 60_000;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

describe('namenode: restart, key rotation, dead DataNodes and lease recovery (MIT KDC, ManualClock)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  const clock = new ManualClock(Date.now());
  let dir: string;
  let keytab: string;
  let nn: NameNode;
  let port: number;
  let dn1: TestDataNode;
  let alice: Session;

  const start = async (p = 0) => {
    // key interval (5 min), token lifetime (10 min) and lease hard limit shorter than the 630 s a
    // silent DataNode lives, so one clock jump tests one thing
    nn = await NameNode.start(secureConf(realm.kdc, dir, keytab, {
      'dfs.namenode.rpc-address': `127.0.0.1:${p}`, 'dfs.namenode.lease-recheck-interval-ms': '50',
      'dfs.block.access.key.update.interval': '5', 'dfs.block.access.token.lifetime': '10', 'dfs.namenode.lease-hard-limit-sec': '600',
    }), { clock, monitorIntervalMs: 50 });
    port = nn.address.port;
  };

  /** create + addBlock (+ the DataNode's RECEIVED + complete when `close`) as a stock client writes a one-block file. */
  async function put(path: string, bytes: number, close = true): Promise<{ lb: LocatedBlock; last: ExtendedBlock; fileId: number; client: string }> {
    const client = clientName(path.replace(/\W/g, ''));
    const st = (await alice.nn.create({ src: path, masked: { perm: 0o644 }, clientName: client, createFlag: CreateFlag.CREATE, createParent: true, replication: 1, blockSize: 128 * MiB }))!;
    const lb = await alice.nn.addBlock({ src: path, clientName: client, fileId: st.fileId, favoredNodes: ['127.0.0.1:19866'] });
    const last = { ...lb.b, numBytes: bytes };
    if (close) {
      await dn1.incremental(last, 'RECEIVED');
      expect(await alice.nn.complete(path, client, last, st.fileId)).to.equal(true);
    }
    return { lb, last, fileId: st.fileId!, client };
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-nn-restart-'));
    keytab = join(dir, 'service.keytab');
    await setUpRealm(realm.kdc, keytab, ['hdfs', 'alice']);
    await start();
    dn1 = await TestDataNode.login(realm.kdc, keytab, nn.address, { uuid: 'dn-1', xferPort: 19866, storageUuid: 'DS-1', clock });
    await dn1.start();
    alice = await clientAs(realm.kdc, 'alice', nn.address);
    const hdfs = await clientAs(realm.kdc, 'hdfs', nn.address);
    await hdfs.nn.mkdirs({ src: '/user/alice', masked: { perm: 0o777 }, createParent: true });
    hdfs.close();
  });

  after(async () => {
    alice?.close();
    dn1?.close();
    await nn?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a restart keeps the namespace and an open file\'s lease; DataNodes re-register and report; blocks are readable again, old tokens too', async () => {
    const { lb: written } = await put('/user/alice/kept', 4096);
    const open = await put('/user/alice/open', 0, false);
    const before = (await alice.nn.getBlockLocations('/user/alice/kept', 0, 4096))!;
    const oldToken = before.blocks![0]!;
    const bpid = dn1.info!.blockPoolID;

    await nn.stop();
    await start(port);

    expect((await alice.nn.getFileInfo('/user/alice/kept'))).to.include({ length: 4096, owner: 'alice', group: 'supergroup' });
    expect((await alice.nn.getFileInfo('/user/alice'))!.permission.perm).to.equal(0o777);
    const unlocated = (await alice.nn.getBlockLocations('/user/alice/kept', 0, 4096))!;
    expect(unlocated.blocks![0]!.locs ?? []).to.deep.equal([]); // no DataNode has reported yet

    const hb = await dn1.heartbeat();
    expect(hb.cmds!.map((c) => c.cmdType)).to.deep.equal(['RegisterCommand']);
    await dn1.start([{ blockId: written.b.blockId, numBytes: 4096, generationStamp: written.b.generationStamp, state: 'FINALIZED' }]);
    expect(dn1.info!.blockPoolID).to.equal(bpid);

    const after = (await alice.nn.getBlockLocations('/user/alice/kept', 0, 4096))!;
    const lb = after.blocks![0]!;
    expect(lb.locs!.map((l) => l.id.datanodeUuid)).to.deep.equal(['dn-1']);
    dn1.check(lb, 'READ');
    dn1.check(oldToken, 'READ'); // issued before the restart, signed with a key the DataNode kept

    // the open file is still open under its holder's lease, which can finish it
    const last = { ...open.last, numBytes: 100 };
    await dn1.incremental(last, 'RECEIVED');
    expect(await alice.nn.complete('/user/alice/open', open.client, last, open.fileId)).to.equal(true);
    expect((await alice.nn.getFileInfo('/user/alice/open'))!.length).to.equal(100);
  });

  it('block keys roll every interval and reach DataNodes in heartbeats; a DataNode restarted during the rotation fetches the current keys and keeps verifying', async () => {
    const { lb: beforeRoll } = await put('/user/alice/k1', 10);
    const readBefore = (await alice.nn.getBlockLocations('/user/alice/k1', 0, 10))!.blocks![0]!;
    const k1 = nn.blockTokens!.currentKeyId;
    clock.advance(5 * MIN + 1);
    await until('the key roll', async () => (nn.blockTokens!.currentKeyId !== k1 ? true : undefined));
    const update = await until('a KeyUpdateCommand', async () => (await dn1.heartbeat()).cmds?.find((c) => c.cmdType === 'KeyUpdateCommand'));
    expect(update.keyUpdateCmd!.keys.currentKey.keyId).to.equal(nn.blockTokens!.currentKeyId);
    expect(dn1.tokens!.currentKeyId).to.equal(nn.blockTokens!.currentKeyId);

    // a second DataNode process, as a restarted one: nothing but what registration gives it
    const restarted = await TestDataNode.login(realm.kdc, keytab, nn.address, { uuid: 'dn-2', xferPort: 29866, storageUuid: 'DS-2', clock });
    try {
      await restarted.start();
      expect(restarted.tokens!.currentKeyId).to.equal(nn.blockTokens!.currentKeyId);
      const readAfter = (await alice.nn.getBlockLocations('/user/alice/k1', 0, 10))!.blocks![0]!;
      restarted.check(readAfter, 'READ'); // new key
      restarted.check(readBefore, 'READ'); // the retired key is still exported
      restarted.check(beforeRoll, 'WRITE', beforeRoll.b, [], []);
      // once the lifetime (10 min) has passed the old tokens are refused
      clock.advance(5 * MIN + 1);
      expect(() => restarted.check(readBefore, 'READ')).to.throw(/is expired/);
    } finally {
      restarted.close();
    }
  });

  it('a DataNode silent past the expiry interval is dead: its replicas are no locations and its next heartbeat gets RegisterCommand', async () => {
    await put('/user/alice/dead', 10);
    await dn1.heartbeat();
    clock.advance(2 * 300_000 + 10 * 3000 + 1);
    await until('dn-1 declared dead', async () => (nn.namesystem.datanodes.get('dn-1')!.alive ? undefined : true));
    expect((await alice.nn.getBlockLocations('/user/alice/dead', 0, 10))!.blocks![0]!.locs ?? []).to.deep.equal([]);
    expect((await dn1.heartbeat()).cmds!.map((c) => c.cmdType)).to.deep.equal(['RegisterCommand']);
    await dn1.start(); // re-registers with an empty report: the replica is gone for good
  });

  it('a lease past the hard limit is recovered through the DataNode: the file is closed at the length it commits, an empty block it does not have is deleted', async () => {
    const open = await put('/user/alice/abandoned', 0, false);
    await dn1.incremental({ ...open.last, numBytes: 777 }, 'RECEIVED');
    const dropped = await put('/user/alice/never', 0, false);
    clock.advance(600_000 + 1);
    // the lease monitor starts block recovery under HDFS_NameNode; dn1, the primary, hears of it in its next
    // heartbeats (one command, or two when the monitor's passes straddle a heartbeat)
    const byId = new Map<number, { newGenStamp: number; block: LocatedBlock }>();
    await until('the recovery commands', async () => {
      for (const c of (await dn1.heartbeat()).cmds ?? []) for (const rb of c.recoveryCmd?.blocks ?? []) byId.set(rb.block.b.blockId, rb);
      return byId.size === 2 ? true : undefined;
    });
    const a = byId.get(open.last.blockId)!;
    const n = byId.get(dropped.last.blockId)!;
    expect(a.block.locs!.map((l) => l.id.datanodeUuid)).to.deep.equal([dn1.o.uuid]);
    // BlockRecoveryWorker: dn1 holds 777 finalized bytes of one block and nothing of the other
    await dn1.client.commitBlockSynchronization({ block: a.block.b, newGenStamp: a.newGenStamp, newLength: 777, closeFile: true, deleteBlock: false, newTaragets: [dn1.registration!.datanodeID], newTargetStorages: [dn1.o.storageUuid] });
    await dn1.client.commitBlockSynchronization({ block: n.block.b, newGenStamp: n.newGenStamp, newLength: 0, closeFile: true, deleteBlock: true, newTaragets: [], newTargetStorages: [] });
    await until('the lease recovery', async () => ((await alice.nn.getFileInfo('/user/alice/never'))!.length === 0 && nn.namesystem.leases.size === 0 ? true : undefined));
    expect((await alice.nn.getFileInfo('/user/alice/abandoned'))!.length).to.equal(777);
    const lbs = (await alice.nn.getBlockLocations('/user/alice/never', 0, 1))!;
    expect(lbs).to.include({ fileLength: 0, underConstruction: false });
    expect(lbs.blocks ?? []).to.deep.equal([]);
    // the holder's later calls see the lease gone
    const e = await alice.nn.complete('/user/alice/never', dropped.client, dropped.last, dropped.fileId).catch((x: Error) => x);
    expect((e as Error & { details: Record<string, unknown> }).details['exceptionClassName']).to.equal('org.apache.hadoop.hdfs.server.namenode.LeaseExpiredException');
  });
});
