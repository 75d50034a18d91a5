/**
 * A secure DataNode across key rolls, restarts, commands and pipelines, over a real MIT KDC and the
 * real hsec NameNode (Kerberos IPC with privacy). The NameNode and its DataNodes share a
 * ManualClock so a test jumps over block-key update intervals (dfs.block.access.key.update.interval
 * and dfs.block.access.token.lifetime count in minutes) while the NameNode's monitor, ticking every
 * 50 ms, rolls the keys as it would in production; heartbeats and Kerberos keep real time.
 *
 * Keys rolled while a DataNode runs reach it in a heartbeat (KeyUpdateCommand) and tokens of the new
 * and of the retired key both work; a restarted DataNode keeps its identity and blocks and reports
 * them in a full block report; a DataNode restarted while the keys rotated registers again, gets
 * the current keys, serves fresh tokens, and refuses a token whose key expired out of its set; a
 * NameNode restart (new block keys, no memory of DataNodes) makes it register and report again; a
 * deleted file's replica is invalidated by the NameNode's command; pipelines of two DataNodes, plain
 * SASL and encrypted, store the block on both.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import type { DataNode } from '../../../cluster/datanode/datanode.ts';
import type { ClientProtocolClient } from '../../../cluster/protocol/client-protocol-client.ts';
import type { LocatedBlock } from '../../../cluster/protocol/hdfs-types.ts';
import { ManualClock } from '../../../lib/time/clock.ts';
import { InvalidBlockTokenError } from '../../../security/datatransfer/errors.ts';
import { BlockTokenIdentifier } from '../../../security/token/block-token-identifier.ts';
import { createPassword } from '../../../security/token/keys/hmac.ts';
import {
  completeFile, keyIdOf, locatedBlock, openBlock, roundTrip, useTestClusters, waitFor,
  type ClusterOptions, type TestCluster,
} from './datanode-fixture.ts';
import { readBlock, TransferConnection, writeBlock } from './transfer-client.ts';

const AES = { 'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding' };
const MINUTE = 60_000;

describe('datanode: key rolls, restarts, commands and pipelines (real KDC, hsec NameNode)', function () {
  this.timeout(180_000);
  const suite = useTestClusters('hsec-dn-life-', { conf: AES });
  const cluster = (options?: ClusterOptions): Promise<TestCluster> => suite.cluster(options);

  /** A cluster on a ManualClock with block keys rolling every `interval` minutes, tokens living `lifetime` minutes. */
  async function rollingCluster(interval: number, lifetime: number): Promise<{ c: TestCluster; clock: ManualClock }> {
    const clock = new ManualClock(Date.now());
    const c = await cluster({ clock, monitorIntervalMs: 50, conf: { 'dfs.block.access.key.update.interval': String(interval), 'dfs.block.access.token.lifetime': String(lifetime) } });
    return { c, clock };
  }

  /** Moves the clock past one key update interval and waits for the NameNode's monitor to roll the keys. */
  async function roll(c: TestCluster, clock: ManualClock): Promise<number> {
    const before = c.nn.blockTokens!.currentKeyId;
    clock.advance(c.nn.blockTokens!.keyUpdateInterval + 1);
    await waitFor(() => c.nn.blockTokens!.currentKeyId !== before, 'the NameNode to roll its block keys', 10_000);
    return c.nn.blockTokens!.currentKeyId;
  }

  /** Reads a whole block from `dn` over the SASL data port with the token the LocatedBlock carries. */
  async function read(dn: DataNode, lb: LocatedBlock): Promise<Buffer> {
    const t = await TransferConnection.open(dn.xferAddress.port, { kind: 'general', token: lb.blockToken, qop: ['auth-conf'], cipherSuites: AES['dfs.encrypt.data.transfer.cipher.suites'] });
    try {
      const r = await readBlock(t, { block: lb.b, token: lb.blockToken, offset: 0, len: lb.b.numBytes ?? 0 });
      expect(r.response?.status, r.response?.message).to.equal('SUCCESS');
      return r.data;
    } finally {
      t.close();
    }
  }

  /** The error opening a connection with `lb`'s token fails with (undefined when it opens). */
  async function refusal(dn: DataNode, lb: LocatedBlock): Promise<unknown> {
    return TransferConnection.open(dn.xferAddress.port, { kind: 'general', token: lb.blockToken, qop: ['auth-conf'] }).then((t) => void t.close(), (e: unknown) => e);
  }

  /** The replica ids the NameNode lists for `dn`'s storage. */
  function reported(c: TestCluster, dn: DataNode): Set<number> {
    return c.descriptor(dn)?.storages.get(dn.storageId)?.blocks ?? new Set();
  }

  it('keys rolled while it runs reach it in a heartbeat (KeyUpdateCommand): tokens of the new and of the retired keys both work', async () => {
    const { c, clock } = await rollingCluster(10, 60);
    const dn = await c.startDataNode('roll');
    const fs = await c.client();
    const nn = c.protocol();
    const { data } = await roundTrip(fs, nn, dn, '/user/alice/roll', 100_000);
    const old = await locatedBlock(nn, '/user/alice/roll');
    const registeredWith = (dn.registration!.keys!.allKeys ?? []).map((k) => k.keyId);
    // two rolls: the current key is then one the DataNode did not get at registration (which carried current and next)
    const d = c.descriptor(dn)!;
    await roll(c, clock);
    const current = await roll(c, clock);
    expect(registeredWith).to.not.include(current);
    // the monitor marks every DataNode for a key update in the tick that rolls (so by now), a heartbeat clears it
    dn.triggerHeartbeat();
    await waitFor(() => !d.needKeyUpdate, 'the KeyUpdateCommand to go out with a heartbeat', 10_000);
    const fresh = await locatedBlock(nn, '/user/alice/roll');
    expect(keyIdOf(fresh)).to.equal(current);
    expect(keyIdOf(old)).to.not.equal(current);
    await waitFor(async () => (await refusal(dn, fresh)) === undefined, 'the DataNode to take the new keys', 10_000);
    expect(Buffer.compare(await read(dn, fresh), data), 'a token of the current key').to.equal(0);
    expect(Buffer.compare(await read(dn, old), data), 'a token of a retired key').to.equal(0);
    expect(dn.registration!.datanodeID.datanodeUuid, 'no new registration').to.equal(d.uuid);
  });

  it('a DataNode stops promptly while a client keeps a data connection open (the connection is closed, not waited for)', async () => {
    const c = await cluster();
    const dn = await c.startDataNode('idle-client');
    const idle = netConnect(dn.xferAddress.port, '127.0.0.1');
    idle.on('error', () => undefined);
    await new Promise<void>((resolve) => idle.once('connect', () => resolve()));
    await waitFor(() => dn.connectionCount > 0, 'the DataNode to accept the connection');
    const closedByServer = new Promise<void>((resolve) => idle.once('close', () => resolve()));
    const started = Date.now();
    await c.stopDataNode(dn);
    expect(Date.now() - started).to.be.below(10_000);
    await closedByServer;
  });

  it('a restarted DataNode keeps its UUID, storage id and blocks, reports them in a full block report, and serves them', async () => {
    const c = await cluster();
    const first = await c.startDataNode('restart');
    const fs = await c.client();
    const nn = c.protocol();
    const files = ['/user/alice/r1', '/user/alice/r2'];
    const written = [];
    for (const f of files) written.push((await roundTrip(fs, nn, first, f, 300_000)).data);
    const ids = await Promise.all(files.map(async (f) => (await locatedBlock(nn, f)).b.blockId));
    const { datanodeUuid, storageId } = first;
    const reportedBefore = c.descriptor(first)!.lastBlockReport;
    await c.stopDataNode(first);
    const second = await c.startDataNode('restart');
    expect([second.datanodeUuid, second.storageId]).to.deep.equal([datanodeUuid, storageId]);
    await waitFor(() => c.descriptor(second)!.lastBlockReport > reportedBefore, 'the full block report after the restart');
    expect([...reported(c, second)].sort()).to.deep.equal([...ids].sort());
    for (const [i, f] of files.entries()) expect(Buffer.compare(await fs.readFile(f), written[i]!)).to.equal(0);
  });

  it('a DataNode restarted while the block keys rotate registers again, gets the current keys, serves fresh tokens, and refuses a token whose key expired out of its set', async () => {
    // keys roll every minute and tokens live a minute: a retired key leaves the NameNode's set about three rolls later
    const { c, clock } = await rollingCluster(1, 1);
    const first = await c.startDataNode('restart-roll');
    const fs = await c.client(AES);
    const nn = c.protocol(AES);
    const io = c.blockIo(AES);
    const { data } = await roundTrip(fs, nn, first, '/user/alice/before', 50_000);
    const old = await locatedBlock(nn, '/user/alice/before');
    const oldKey = c.nn.blockTokens!.allKeys().find((k) => k.keyId === keyIdOf(old))!;
    expect(oldKey.key, 'the key that signed the old token').to.not.equal(null);
    await c.stopDataNode(first);
    // the keys rotate while the DataNode is down, until the old token's key has expired out of the NameNode's set
    const seen = new Set([keyIdOf(old)]);
    for (let i = 0; i < 8 && c.nn.blockTokens!.allKeys().some((k) => k.keyId === oldKey.keyId); i++) seen.add(await roll(c, clock));
    expect(c.nn.blockTokens!.allKeys().map((k) => k.keyId), 'the old key is gone from the NameNode').to.not.include(oldKey.keyId);
    expect(seen.size, 'key rolls while the DataNode was down').to.be.greaterThan(2);

    const dn = await c.startDataNode('restart-roll');
    expect(dn.datanodeUuid).to.equal(first.datanodeUuid);
    // the registration answer carried the NameNode's current keys
    const keys = dn.registration!.keys!;
    expect(keys.currentKey.keyId).to.equal(c.nn.blockTokens!.currentKeyId);
    expect((keys.allKeys ?? []).map((k) => k.keyId).sort()).to.deep.equal(c.nn.blockTokens!.allKeys().map((k) => k.keyId).sort());
    expect((keys.allKeys ?? []).map((k) => k.keyId)).to.not.include(oldKey.keyId);

    // fresh tokens: read the old file, and write and read a new one, through the product client's block reader and writer
    const fresh = await locatedBlock(nn, '/user/alice/before');
    expect(keyIdOf(fresh)).to.equal(c.nn.blockTokens!.currentKeyId);
    expect(Buffer.compare(await io.read(fresh), data), 'the old block with a fresh token').to.equal(0);
    const open = await openBlock(nn, '/user/alice/after');
    expect(keyIdOf(open.located)).to.equal(c.nn.blockTokens!.currentKeyId);
    const newData = randomBytes(70_000);
    await io.write(open.located, newData, open.clientName);
    await completeFile(nn, open, newData.length);
    expect(Buffer.compare(await io.read(await locatedBlock(nn, '/user/alice/after')), newData), 'a block written with a fresh token').to.equal(0);
    expect(Buffer.compare(await fs.readFile('/user/alice/after'), newData)).to.equal(0);

    // the old token, issued before the rotation (at the DataNode's new port): refused with a typed error, by the product reader and by a bare handshake
    const viaReader = await io.read({ ...fresh, blockToken: old.blockToken }).then(() => undefined, (e: unknown) => e);
    expect(viaReader, 'the product block reader').to.be.instanceOf(InvalidBlockTokenError);
    const bare = await refusal(dn, old);
    expect(bare).to.be.instanceOf(InvalidBlockTokenError);
    expect((bare as Error).message).to.contain('is expired');
    // the old key's password over an identifier that has not expired: the DataNode no longer has that key
    const id = BlockTokenIdentifier.decode(old.blockToken.identifier);
    const renewed = BlockTokenIdentifier.create({
      expiryDate: clock.now() + MINUTE, keyId: id.keyId, userId: id.userId, blockPoolId: id.blockPoolId, blockId: id.blockId,
      modes: id.modes, storageTypes: id.storageTypes, storageIds: id.storageIds, handshakeMsg: id.handshakeMsg,
    }, id.format);
    const unknownKey = await refusal(dn, { ...old, blockToken: { ...old.blockToken, identifier: renewed.bytes, password: createPassword(renewed.bytes, oldKey.key!) } });
    expect(unknownKey).to.be.instanceOf(InvalidBlockTokenError);
    expect((unknownKey as Error).message).to.contain(`keyID=${oldKey.keyId}`).and.contain('doesn\'t exist');
    // and it goes on serving
    expect(Buffer.compare(await fs.readFile('/user/alice/before'), data), 'still serving').to.equal(0);
  });

  it('a NameNode restart (new block keys, no memory of DataNodes): the DataNode registers again, reports its replicas, which stay readable, and reports new blocks incrementally', async () => {
    const c = await cluster();
    const dn = await c.startDataNode('nn-restart');
    const fs = await c.client();
    const { data } = await roundTrip(fs, c.protocol(), dn, '/user/alice/kept', 250_000);
    const keysBefore = c.nn.blockTokens!.allKeys().map((k) => k.keyId);
    const blockId = (await locatedBlock(c.protocol(), '/user/alice/kept')).b.blockId;
    await c.restartNameNode();
    expect(keysBefore, 'the restarted NameNode\'s keys are new').to.not.include(c.nn.blockTokens!.currentKeyId);
    await waitFor(() => c.descriptor(dn) !== undefined, 'the DataNode to register again', 30_000);
    await waitFor(() => reported(c, dn).has(blockId), 'its block report', 30_000);
    expect(dn.registration!.keys!.currentKey.keyId).to.equal(c.nn.blockTokens!.currentKeyId);
    const nn = c.protocol();
    const lb = await locatedBlock(nn, '/user/alice/kept');
    expect(lb.locs!.map((l) => l.id.datanodeUuid)).to.deep.equal([dn.datanodeUuid]);
    expect(Buffer.compare(await fs.readFile('/user/alice/kept'), data)).to.equal(0);
    // a block written after the restart: the NameNode completes the file once the DataNode's RECEIVED report arrives
    const { lb: after } = await roundTrip(fs, nn, dn, '/user/alice/new', 1000);
    expect(reported(c, dn).has(after!.b.blockId)).to.equal(true);
  });

  it('a deleted file: the NameNode sends INVALIDATE with a heartbeat, the DataNode deletes the replica, and no longer serves it', async () => {
    const c = await cluster();
    const dn = await c.startDataNode('invalidate');
    const fs = await c.client();
    const nn = c.protocol();
    const { lb } = await roundTrip(fs, nn, dn, '/user/alice/doomed', 5000);
    expect(await nn.delete('/user/alice/doomed', false)).to.equal(true);
    const d = c.descriptor(dn)!;
    expect(reported(c, dn).has(lb!.b.blockId), 'no longer a location').to.equal(false);
    dn.triggerHeartbeat();
    await waitFor(() => dn.dataset.getReplica(c.blockPoolId, lb!.b.blockId) === undefined, 'the replica to be deleted');
    expect(d.invalidate, 'the command went out').to.deep.equal([]);
    // the READ token getBlockLocations gave is still valid: the DataNode answers that it has no such replica
    const t = await TransferConnection.open(dn.xferAddress.port, { kind: 'general', token: lb!.blockToken, qop: ['auth-conf'] });
    try {
      const r = await readBlock(t, { block: lb!.b, token: lb!.blockToken, offset: 0, len: 5000 });
      expect(r.response).to.deep.include({ status: 'ERROR' });
      expect(r.response!.message).to.contain('Replica not found');
    } finally {
      t.close();
    }
  });

  /** create + addBlock with replication 2, `first` first in the pipeline; the NameNode's WRITE token. */
  async function pipelineBlock(nn: ClientProtocolClient, path: string, first: DataNode, second: DataNode) {
    const b = await openBlock(nn, path, { replication: 2, favoredNodes: [`127.0.0.1:${first.xferAddress.port}`, `127.0.0.1:${second.xferAddress.port}`] });
    expect(b.located.locs!.map((l) => l.id.datanodeUuid)).to.deep.equal([first.datanodeUuid, second.datanodeUuid]);
    return b;
  }

  it('a pipeline of two DataNodes: the first mirrors the op and packets to the second over SASL, acks carry both statuses, both store the block and report it', async () => {
    const c = await cluster();
    const dn1 = await c.startDataNode('pipe1');
    const dn2 = await c.startDataNode('pipe2');
    await c.client(); // alice's home directory
    const nn = c.protocol();
    const b = await pipelineBlock(nn, '/user/alice/piped', dn1, dn2);
    const data = randomBytes(400_000);
    const t = await TransferConnection.open(dn1.xferAddress.port, { kind: 'general', token: b.located.blockToken, qop: ['auth-conf'], ...AES_SUITES });
    const w = await writeBlock(t, { block: b.located.b, token: b.located.blockToken, data, targets: [b.located.locs![1]!], clientName: b.clientName });
    t.close();
    expect(w.connectAck).to.deep.equal({ status: 'SUCCESS', firstBadLink: '' });
    expect(w.acks.length).to.equal(Math.ceil(400_000 / 64_512) + 1);
    for (const ack of w.acks) expect([ack.reply, ack.flag]).to.deep.equal([['SUCCESS', 'SUCCESS'], [0, 0]]);
    await completeFile(nn, b, data.length);
    await waitFor(() => reported(c, dn1).has(b.located.b.blockId) && reported(c, dn2).has(b.located.b.blockId), 'RECEIVED from both');
    const lb = await locatedBlock(nn, '/user/alice/piped');
    expect(lb.locs!.map((l) => l.id.datanodeUuid).sort()).to.deep.equal([dn1.datanodeUuid, dn2.datanodeUuid].sort());
    for (const dn of [dn1, dn2]) expect(Buffer.compare(await read(dn, lb), data)).to.equal(0);
    // a downstream node that is gone: {ERROR, firstBadLink = its address}
    const b2 = await pipelineBlock(nn, '/user/alice/broken', dn1, dn2);
    const gone = { ...b2.located.locs![1]!, id: { ...b2.located.locs![1]!.id, xferPort: 1 } };
    const t2 = await TransferConnection.open(dn1.xferAddress.port, { kind: 'general', token: b2.located.blockToken, qop: ['auth-conf'] });
    const w2 = await writeBlock(t2, { block: b2.located.b, token: b2.located.blockToken, data: Buffer.alloc(10), targets: [gone], clientName: b2.clientName });
    t2.close();
    expect(w2.connectAck).to.deep.include({ status: 'ERROR', firstBadLink: `${gone.id.ipAddr}:1` });
  });

  it('an encrypted pipeline (dfs.encrypt.data.transfer): the first DataNode opens the second with a data encryption key made from its current block key', async () => {
    const c = await cluster({ conf: { 'dfs.encrypt.data.transfer': 'true' } });
    const dn1 = await c.startDataNode('enc-pipe1');
    const dn2 = await c.startDataNode('enc-pipe2');
    const fs = await c.client();
    const nn = c.protocol();
    const b = await pipelineBlock(nn, '/user/alice/enc-piped', dn1, dn2);
    const data = randomBytes(150_000);
    const t = await TransferConnection.open(dn1.xferAddress.port, { kind: 'encrypted', key: (await nn.getDataEncryptionKey())!, ...AES_SUITES });
    const w = await writeBlock(t, { block: b.located.b, token: b.located.blockToken, data, targets: [b.located.locs![1]!], clientName: b.clientName });
    t.close();
    expect(t.protection.kind).to.equal('aes-ctr');
    expect(w.connectAck?.status).to.equal('SUCCESS');
    expect(w.acks.every((a) => a.reply?.join() === 'SUCCESS,SUCCESS')).to.equal(true);
    expect(dn2.dataset.getReplica(c.blockPoolId, b.located.b.blockId)).to.deep.include({ numBytes: 150_000, state: 'FINALIZED' });
    await completeFile(nn, b, data.length);
    expect(Buffer.compare(await fs.readFile('/user/alice/enc-piped'), data)).to.equal(0);
  });
});

const AES_SUITES = { cipherSuites: AES['dfs.encrypt.data.transfer.cipher.suites'] };
