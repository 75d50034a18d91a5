/**
 * Hostile and broken peers on the DataNode's data port: garbage ops, another protocol version,
 * unknown op codes, oversized lengths, truncated and oversized packets, wrong checksums, silent
 * clients (read timeout), clients that stop reading (write timeout), more connections than
 * dfs.datanode.max.transfer.threads, and on a SASL data port: plaintext instead of the handshake,
 * oversized and truncated handshake messages, garbage inside the encrypted stream. Each fails only
 * its own connection (typed error, one log line); the DataNode goes on serving, which every test
 * checks with a normal write and read through the product client. The NameNode is the real hsec
 * NameNode (security off for the plain port, Kerberos over a real MIT KDC for the SASL port): every
 * block a hostile client names was allocated by it (create + addBlock), with its WRITE token.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataNode } from '../../../cluster/datanode/datanode.ts';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import type { ClientProtocolClient } from '../../../cluster/protocol/client-protocol-client.ts';
import { encodeOpReadBlock, encodeOpWriteBlock } from '../../../cluster/protocol/datatransfer/messages.ts';
import { encodeDataPacket } from '../../../cluster/protocol/datatransfer/packet.ts';
import type { LocatedBlock } from '../../../cluster/protocol/hdfs-types.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { closeRealm, locatedBlock, makeRealm, openBlock, roundTrip, TestCluster, waitFor, type Realm } from './datanode-fixture.ts';
import { TransferConnection, writeBlock } from './transfer-client.ts';

const CRC = { type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 } as const;

/** A raw TCP client: sends bytes, reports whether the DataNode closed the connection. */
async function raw(port: number): Promise<{ s: Socket; closed: Promise<void>; received: () => number }> {
  const s = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('error', reject);
  });
  s.on('error', () => undefined);
  let n = 0;
  s.on('data', (c: Buffer) => (n += c.length));
  const closed = new Promise<void>((resolve) => {
    s.once('end', resolve);
    s.once('close', resolve);
  });
  return { s, closed, received: () => n };
}

async function closesWithin(closed: Promise<void>, ms: number): Promise<boolean> {
  return Promise.race([closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
}

/** WRITE_BLOCK of a block the NameNode allocated, with its WRITE token. */
function writeOpBytes(lb: LocatedBlock): Uint8Array {
  return encodeOpWriteBlock({
    header: { baseHeader: { block: { ...lb.b, numBytes: 134217728 }, token: lb.blockToken }, clientName: 'DFSClient_x' },
    stage: 'PIPELINE_SETUP_CREATE', pipelineSize: 1, minBytesRcvd: 0, maxBytesRcvd: 0, latestGenerationStamp: 0, requestedChecksum: CRC,
  });
}

describe('datanode: bad input on a plain data port (security off, block tokens on)', function () {
  this.timeout(120_000);
  let dir: string;
  let c: TestCluster | undefined;
  let dn: DataNode;
  let fs: HdfsClient;
  let nn: ClientProtocolClient;
  let files = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-dn-bad-'));
    c = await TestCluster.start(undefined, dir);
    // the DataNode's own timeouts and thread limit, short; the client keeps the defaults
    dn = await c.startDataNode('data', { 'dfs.client.socket-timeout': '1500', 'dfs.datanode.socket.write.timeout': '1500', 'dfs.datanode.max.transfer.threads': '6' });
    fs = await c.client();
    nn = c.protocol();
  });
  after(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A new block of a new file, allocated by the NameNode on this DataNode. */
  async function newBlock(): Promise<LocatedBlock> {
    return (await openBlock(nn, `/user/alice/hostile-${++files}`)).located;
  }

  async function stillServing(): Promise<void> {
    await roundTrip(fs, nn, dn, `/user/alice/normal-${++files}`, 80_000);
    await waitFor(() => dn.connectionCount === 0, 'all connections closed', 5000);
  }

  it('garbage, another protocol version, an unknown op code, an oversized op length: the connection is closed, nothing else', async () => {
    for (const bytes of [randomBytes(64), Buffer.from('001b5100', 'hex'), Buffer.from('001c4001', 'hex'), Buffer.from('001c50ffffffff0f', 'hex'), Buffer.from('001c51feffffff07', 'hex')]) {
      const c = await raw(dn.xferAddress.port);
      c.s.write(bytes);
      expect(await closesWithin(c.closed, 3000), bytes.toString('hex')).to.equal(true);
      c.s.destroy();
    }
    await stillServing();
  });

  it('oversized, negative-length and truncated packets end the write, the empty replica left RBW for recovery; a wrong checksum is acked ERROR_CHECKSUM and the bytes before it stay for recovery', async () => {
    const cases: { name: string; packet: Buffer; end?: boolean }[] = [
      { name: 'payload over 16 MiB', packet: Buffer.from('7fffffff0019', 'hex') },
      { name: 'negative payload length', packet: Buffer.from('ffffff000019', 'hex') },
      { name: 'truncated', packet: Buffer.from(encodeDataPacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false }, CRC, Buffer.alloc(4000, 1))).subarray(0, 2000), end: true },
    ];
    for (const k of cases) {
      const lb = await newBlock();
      const r = await raw(dn.xferAddress.port);
      r.s.write(writeOpBytes(lb));
      r.s.write(k.packet);
      if (k.end) r.s.end();
      expect(await closesWithin(r.closed, 3000), k.name).to.equal(true);
      r.s.destroy();
      // BlockReceiver leaves the replica of an established pipeline, even empty, for pipeline or block recovery
      await waitFor(() => dn.connectionCount === 0, `the write over after: ${k.name}`, 3000);
      expect(dn.dataset.getReplica(lb.b.poolId, lb.b.blockId), k.name).to.deep.include({ state: 'RBW', numBytes: 0 });
    }
    const lb = await newBlock();
    const t = await TransferConnection.open(dn.xferAddress.port);
    const w = await writeBlock(t, {
      block: lb.b, token: lb.blockToken, data: randomBytes(150_000),
      tamper: (bytes, i) => (i === 1 ? Uint8Array.from(bytes, (b, j) => (j === bytes.length - 1 ? b ^ 1 : b)) : bytes),
    });
    t.close();
    expect(w.acks.map((a) => a.reply![0])).to.deep.equal(['SUCCESS', 'ERROR_CHECKSUM']);
    expect(w.acks[1]!.seqno).to.equal(1);
    // the bytes acknowledged before the bad packet stay in rbw/ for block recovery (BlockReceiver leaves the replica)
    await waitFor(() => dn.dataset.getReplica(lb.b.poolId, lb.b.blockId)?.numBytes === 64_512, 'the replica kept at the acknowledged bytes after a checksum error', 3000);
    expect(dn.dataset.getReplica(lb.b.poolId, lb.b.blockId)!.state).to.equal('RBW');
    await stillServing();
  });

  it('a silent client is dropped after dfs.client.socket-timeout; a client that stops reading after dfs.datanode.socket.write.timeout', async () => {
    const silent = await raw(dn.xferAddress.port);
    expect(await closesWithin(silent.closed, 1000)).to.equal(false);
    expect(await closesWithin(silent.closed, 3000)).to.equal(true);
    silent.s.destroy();
    const size = 24 * 1024 * 1024;
    await fs.writeFile('/user/alice/large', randomBytes(size));
    const lb = await locatedBlock(nn, '/user/alice/large');
    await waitFor(() => dn.connectionCount === 0, 'the writer\'s connection closed', 5000);
    const stuck = await raw(dn.xferAddress.port);
    stuck.s.pause(); // reads nothing: the kernel buffers fill, the DataNode's writes stall
    stuck.s.write(encodeOpReadBlock({ header: { baseHeader: { block: lb.b, token: lb.blockToken }, clientName: 'c' }, offset: 0, len: size }));
    await waitFor(() => dn.connectionCount === 1, 'the stalled read to start', 5000);
    await waitFor(() => dn.connectionCount === 0, 'the stalled reader to be dropped', 10_000);
    stuck.s.destroy();
    await stillServing();
  });

  it('connections beyond dfs.datanode.max.transfer.threads are closed at once; the DataNode serves again when they go', async () => {
    const held = await Promise.all(Array.from({ length: 6 }, () => raw(dn.xferAddress.port)));
    await waitFor(() => dn.connectionCount === 6, 'six connections held');
    const extra = await raw(dn.xferAddress.port);
    expect(await closesWithin(extra.closed, 2000)).to.equal(true);
    for (const h of held) h.s.destroy();
    await waitFor(() => dn.connectionCount === 0, 'held connections closed');
    await stillServing();
  });
});

describe('datanode: bad input on a SASL data port (real KDC)', function () {
  this.timeout(120_000);
  const kdcFixture = useMiniKdc();
  const AES = { 'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding' };
  let dir: string;
  let realm: Realm | undefined;
  let c: TestCluster | undefined;
  let dn: DataNode;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-dn-bad-sasl-'));
    realm = await makeRealm(kdcFixture.kdc, dir);
    c = await TestCluster.start(realm, dir, { conf: AES });
    dn = await c.startDataNode('data', { 'dfs.client.socket-timeout': '2000' });
  });
  after(async () => {
    await c?.stop();
    closeRealm(realm);
    rmSync(dir, { recursive: true, force: true });
  });

  it('plaintext ops instead of the handshake, an oversized or truncated handshake message, garbage inside the AES stream: closed; the DataNode serves on', async () => {
    const fs = await c!.client();
    const nn = c!.protocol();
    const lb = (await openBlock(nn, '/user/alice/hostile')).located;
    const plain = await raw(dn.xferAddress.port);
    plain.s.write(writeOpBytes(lb));
    expect(await closesWithin(plain.closed, 3000)).to.equal(true);
    expect(plain.received()).to.equal(0); // wrong magic: nothing is sent back (InvalidMagicNumberException)
    const big = await raw(dn.xferAddress.port);
    big.s.write(Buffer.from('deadbeefffffffff0f', 'hex'));
    expect(await closesWithin(big.closed, 3000)).to.equal(true);
    const half = await raw(dn.xferAddress.port);
    half.s.end(Buffer.from('deadbeef0a0800', 'hex'));
    expect(await closesWithin(half.closed, 3000)).to.equal(true);
    const t = await TransferConnection.open(dn.xferAddress.port, { kind: 'general', token: lb.blockToken, qop: ['auth-conf'], cipherSuites: AES['dfs.encrypt.data.transfer.cipher.suites'] });
    expect(t.protection.kind).to.equal('aes-ctr');
    t.socket.write(randomBytes(256)); // bypasses the client's AES: the DataNode decrypts noise
    expect(await t.closedByPeer(3000)).to.equal(true);
    t.close();
    for (const s of [plain, big, half]) s.s.destroy();
    await roundTrip(fs, nn, dn, '/user/alice/normal', 100_000);
    await waitFor(() => dn.connectionCount === 0, 'all connections closed', 5000);
  });
});
