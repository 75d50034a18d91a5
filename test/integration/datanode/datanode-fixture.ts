/**
 * The DataNode suites' cluster, on the real hsec NameNode: a NameNode with block tokens (Kerberos
 * IPC with privacy and service authorization over a real MIT KDC, or security off), the DataNodes
 * a test starts against it, each with its own keys (data-transfer protection, cipher suites,
 * ports), and the user alice's product HdfsClient and typed ClientProtocolClient. The Kerberos
 * material (keytabs of nn/localhost, dn/localhost and alice; the logins of alice and of the HDFS
 * superuser) is made once per suite by `makeRealm`; a NameNode starts in a tenth of a second, so
 * each test gets its own cluster and its writes land on the DataNodes it started. The site keys are
 * the end-to-end suites' (cluster/mini/secure-hdfs.ts); unlike startSecureHdfs, a test starts each DataNode
 * with keys of its own, runs with security off when it needs a plain data port, sets the
 * NameNode's monitor tick, and reaches into the NameNode's DatanodeManager to check what it saw.
 *
 * `BlockIo` reads and writes one block with a LocatedBlock the test holds, through the product
 * client's block reader and writer (cluster/client): the test chooses the exact block token (one
 * issued before a key roll or a restart) and sees a refusal as the typed error the client gets,
 * where HdfsClient's streams would fetch a fresh token and try again.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfiguration, type Configuration } from '../../../lib/config/index.ts';
import type { Clock } from '../../../lib/time/clock.ts';
import type { MiniKdc } from '../../../cluster/mini/mini-kdc.ts';
import { DataNode } from '../../../cluster/datanode/datanode.ts';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { readBlockRange } from '../../../cluster/client/block-reader.ts';
import { BlockWriter } from '../../../cluster/client/block-writer.ts';
import { DataNodeChannels } from '../../../cluster/client/datanode-channel.ts';
import { acquireRpcClient } from '../../../cluster/client/shared-rpc-client.ts';
import { ClientProtocolClient } from '../../../cluster/protocol/client-protocol-client.ts';
import { CLIENT_PROTOCOL_INFO, CreateFlag } from '../../../cluster/protocol/client-protocol.ts';
import { OutputPacketizer } from '../../../cluster/protocol/datatransfer/output-packetizer.ts';
import { encodeLastPacket } from '../../../cluster/protocol/datatransfer/packet.ts';
import type { DatanodeInfo, LocatedBlock } from '../../../cluster/protocol/hdfs-types.ts';
import { dataTransferNegotiatedChannel, type DataTransferNegotiatedEvent } from '../../../security/datatransfer/events.ts';
import { User } from '../../../security/identity/user.ts';
import { loadKrb5Config, type Krb5Config } from '../../../security/kerberos/config/index.ts';
import { callCredentials } from '../../../security/sasl/rpc/protocol-security.ts';
import { BlockTokenIdentifier } from '../../../security/token/block-token-identifier.ts';
import { secureSiteKeys } from '../../../cluster/mini/secure-hdfs.ts';
import { useMiniKdc } from '../../support/fixtures.ts';

const CHECKSUM = { type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 } as const;

/** Kerberos material shared by a suite's clusters. */
export interface Realm {
  readonly kdc: MiniKdc;
  readonly krb5: Krb5Config;
  readonly nnKeytab: string;
  readonly dnKeytab: string;
  /** alice, logged in from her keytab. */
  readonly alice: User;
  /** The HDFS superuser: the NameNode's own principal. */
  readonly superuser: User;
}

/** Keytabs for nn/localhost, dn/localhost and alice under `dir`, and the logins of alice and the superuser. */
export async function makeRealm(kdc: MiniKdc, dir: string): Promise<Realm> {
  const krb5 = loadKrb5Config(kdc.krb5ConfPath);
  const nnKeytab = join(dir, 'nn.keytab');
  const dnKeytab = join(dir, 'dn.keytab');
  const aliceKeytab = join(dir, 'alice.keytab');
  await kdc.createKeytab(nnKeytab, 'nn/localhost');
  await kdc.createKeytab(dnKeytab, 'dn/localhost');
  if (!(await kdc.hasPrincipal('alice'))) await kdc.addPrincipal('alice');
  await kdc.createKeytab(aliceKeytab, 'alice');
  const alice = await User.fromKeytab(kdc.principal('alice'), aliceKeytab, { krb5 });
  const superuser = await User.fromKeytab(kdc.principal('nn/localhost'), nnKeytab, { krb5 });
  return { kdc, krb5, nnKeytab, dnKeytab, alice, superuser };
}

export function closeRealm(realm: Realm | undefined): void {
  realm?.alice.close();
  realm?.superuser.close();
}

export interface ClusterOptions {
  /** Keys of the whole cluster (NameNode, DataNodes, clients): block-token intervals, dfs.encrypt.data.transfer... */
  readonly conf?: Record<string, string>;
  /** The NameNode's and DataNodes' clock (block-token expiry, key rolls, heartbeats); the system clock by default. */
  readonly clock?: Clock;
  /** How often the NameNode's monitor rolls due block keys (default 5000 ms). */
  readonly monitorIntervalMs?: number;
}

/** What useTestClusters gives a suite. */
export interface TestClusters {
  readonly realm: Realm;
  /** The suite's temp dir (removed after the suite). */
  readonly dir: string;
  /** Starts a cluster (the suite's defaults, then `options`); it stops after the current test. */
  cluster(options?: ClusterOptions): Promise<TestCluster>;
}

/** Mocha hooks for a suite of TestClusters over one realm (the MIT KDC, principals and keytabs). */
export function useTestClusters(prefix: string, defaults: ClusterOptions = {}): TestClusters {
  const kdcFixture = useMiniKdc();
  let dir: string | undefined;
  let realm: Realm | undefined;
  const running: TestCluster[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    realm = await makeRealm(kdcFixture.kdc, dir);
  });
  afterEach(async () => {
    for (const c of running.splice(0)) await c.stop();
  });
  after(() => {
    closeRealm(realm);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get realm() {
      return realm!;
    },
    get dir() {
      return dir!;
    },
    async cluster(options = {}) {
      const c = await TestCluster.start(realm!, mkdtempSync(join(dir!, 'cluster-')), { ...defaults, ...options, conf: { ...defaults.conf, ...options.conf } });
      running.push(c);
      return c;
    },
  };
}

/** The end-to-end suites' secure site keys, with service authorization and a SASL data port with privacy. */
function secureKeys(r: Realm, dir: string): Record<string, string> {
  return {
    ...secureSiteKeys(r.kdc, dir, { nn: r.nnKeytab, dn: r.dnKeytab }),
    'hadoop.security.authorization': 'true',
    'dfs.data.transfer.protection': 'privacy',
  };
}

/** The same cluster with security off: SIMPLE IPC, no SASL on the data ports, block tokens still on. */
function simpleKeys(dir: string): Record<string, string> {
  return {
    'hadoop.security.authentication': 'simple',
    'dfs.namenode.name.dir': `file://${join(dir, 'name')}`,
    'dfs.datanode.hostname': 'localhost',
    'dfs.datanode.address': '127.0.0.1:0',
    'dfs.datanode.ipc.address': '127.0.0.1:0',
    'dfs.block.access.token.enable': 'true',
    'dfs.heartbeat.interval': '1',
    'dfs.replication': '1',
  };
}

/** A NameNode (fresh name directory under `dir`) and the DataNodes and clients of one test. */
export class TestCluster {
  readonly realm: Realm | undefined;
  readonly dir: string;
  readonly #options: ClusterOptions;
  readonly #keys: Record<string, string>;
  readonly #alice: User;
  readonly #superuser: User;
  readonly #dataNodes = new Map<DataNode, string>();
  readonly #closers: (() => void)[] = [];
  #nn: NameNode;
  #home = false;

  private constructor(realm: Realm | undefined, dir: string, options: ClusterOptions, nn: NameNode, keys: Record<string, string>) {
    this.realm = realm;
    this.dir = dir;
    this.#options = options;
    this.#nn = nn;
    this.#keys = keys;
    this.#alice = realm ? realm.alice : User.simple('alice');
    this.#superuser = realm ? realm.superuser : User.simple(userInfo().username);
  }

  /** A Kerberos cluster over `realm`, or with security off (SIMPLE IPC, no SASL on data ports) when `realm` is undefined. */
  static async start(realm: Realm | undefined, dir: string, options: ClusterOptions = {}): Promise<TestCluster> {
    const keys: Record<string, string> = { ...(realm ? secureKeys(realm, dir) : simpleKeys(dir)), ...options.conf };
    const nn = await TestCluster.#startNameNode(realm, { ...keys, 'dfs.namenode.rpc-address': '127.0.0.1:0' }, options);
    keys['dfs.namenode.rpc-address'] = `127.0.0.1:${nn.address.port}`;
    return new TestCluster(realm, dir, options, nn, keys);
  }

  static #startNameNode(realm: Realm | undefined, keys: Record<string, string>, options: ClusterOptions): Promise<NameNode> {
    return NameNode.start(loadConfiguration({ env: {}, overrides: keys }), {
      ...(realm ? { login: true, krb5: realm.krb5 } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.monitorIntervalMs ? { monitorIntervalMs: options.monitorIntervalMs } : {}),
    });
  }

  get nn(): NameNode {
    return this.#nn;
  }

  get blockPoolId(): string {
    return this.#nn.namesystem.fsd.identity.blockPoolId;
  }

  /** The cluster's configuration plus `extra` (what a DataNode or a client of this cluster reads). */
  conf(extra: Record<string, string> = {}): Configuration {
    return loadConfiguration({ env: {}, overrides: { ...this.#keys, ...extra } });
  }

  /** A DataNode's configuration: the cluster's keys, its data directory `<dir>/<name>`, then `extra`. */
  dataNodeConf(name: string, extra: Record<string, string> = {}): Configuration {
    return this.conf({ 'dfs.datanode.data.dir': `file://${join(this.dir, name)}`, ...extra });
  }

  /** Starts a DataNode on data directory `name` (the same name: the same storage) and waits for its registration. */
  async startDataNode(name: string, extra: Record<string, string> = {}): Promise<DataNode> {
    const dn = await DataNode.start(this.dataNodeConf(name, extra), {
      ...(this.realm ? { krb5: this.realm.krb5 } : { login: false }),
      ...(this.#options.clock ? { clock: this.#options.clock } : {}),
    });
    this.#dataNodes.set(dn, name);
    if (!(await dn.waitRegistered(20_000))) {
      await this.stopDataNode(dn);
      throw new Error(`DataNode ${name} did not register with the NameNode within 20 s`);
    }
    return dn;
  }

  async stopDataNode(dn: DataNode): Promise<void> {
    this.#dataNodes.delete(dn);
    await dn.stop();
  }

  /** The NameNode's record of a DataNode (its registration, storages, heartbeats, pending deletions). */
  descriptor(dn: DataNode) {
    return this.#nn.namesystem.datanodes.get(dn.datanodeUuid);
  }

  /** alice's HdfsClient with the cluster's keys plus `extra`; her home directory is made by the superuser on first use. */
  async client(extra: Record<string, string> = {}): Promise<HdfsClient> {
    const conf = this.conf(extra);
    if (!this.#home) {
      const admin = await HdfsClient.connect({ conf: this.conf({ ...extra, 'fs.permissions.umask-mode': '000' }), user: this.#superuser, env: {} });
      try {
        await admin.mkdir('/user/alice', { permission: 0o777 });
      } finally {
        admin.close();
      }
      this.#home = true;
    }
    const fs = await HdfsClient.connect({ conf, user: this.#alice, env: {} });
    this.#closers.push(() => fs.close());
    return fs;
  }

  /** alice's typed ClientProtocol client (getBlockLocations, create, addBlock, complete as a DFSClient calls them). */
  protocol(extra: Record<string, string> = {}): ClientProtocolClient {
    const conf = this.conf(extra);
    const rpc = acquireRpcClient(conf);
    this.#closers.push(() => rpc.release());
    return new ClientProtocolClient({ rpc: rpc.rpc, address: this.#nn.address, credentials: callCredentials(this.#alice, CLIENT_PROTOCOL_INFO, conf) });
  }

  /** The product client's block reader and writer for alice, with the cluster's keys plus `extra`. */
  blockIo(extra: Record<string, string> = {}): BlockIo {
    return new BlockIo(this.conf(extra), this.protocol(extra));
  }

  /** Stops the NameNode and starts it again on the same port and name directory (new block keys, no memory of DataNodes). */
  async restartNameNode(): Promise<void> {
    await this.#nn.stop();
    this.#nn = await TestCluster.#startNameNode(this.realm, this.#keys, this.#options);
  }

  async stop(): Promise<void> {
    for (const close of this.#closers.splice(0)) close();
    for (const dn of [...this.#dataNodes.keys()]) await this.stopDataNode(dn).catch(() => undefined);
    await this.#nn.stop();
  }
}

/** A block of a file, with the READ token getBlockLocations gave alice (the file's only block by default). */
export async function locatedBlock(nn: ClientProtocolClient, path: string, index = 0): Promise<LocatedBlock> {
  const located = await nn.getBlockLocations(path, 0, Number.MAX_SAFE_INTEGER);
  const lb = located?.blocks?.[index];
  if (!lb) throw new Error(`${path} has no block ${index}`);
  return lb;
}

/** The id of the block key that signed a located block's token. */
export function keyIdOf(lb: LocatedBlock): number {
  return BlockTokenIdentifier.decode(lb.blockToken.identifier).keyId;
}

/** A file alice created with one block allocated (addBlock: its WRITE token and pipeline), not yet written. */
export interface OpenBlock {
  readonly path: string;
  readonly clientName: string;
  readonly fileId: number;
  readonly located: LocatedBlock;
}

let clients = 0;

/** create + addBlock, as a DFSClient starts a file (`favoredNodes`: `ip:port` first in the pipeline). */
export async function openBlock(nn: ClientProtocolClient, path: string, options: { replication?: number; favoredNodes?: string[] } = {}): Promise<OpenBlock> {
  const clientName = `DFSClient_NONMAPREDUCE_dn_suite_${++clients}`;
  const st = await nn.create({
    src: path, masked: { perm: 0o644 }, clientName, createFlag: CreateFlag.CREATE, createParent: true, replication: options.replication ?? 1, blockSize: 128 * 1024 * 1024,
  });
  const fileId = st!.fileId!;
  const located = await nn.addBlock({ src: path, clientName, fileId, ...(options.favoredNodes ? { favoredNodes: options.favoredNodes } : {}) });
  return { path, clientName, fileId, located };
}

/** complete(), retried while the NameNode waits for a DataNode's report of the last block (DFSOutputStream.completeFile). */
export async function completeFile(nn: ClientProtocolClient, b: OpenBlock, length: number): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (await nn.complete(b.path, b.clientName, { ...b.located.b, numBytes: length }, b.fileId)) return;
    await sleep(100);
  }
  throw new Error(`the NameNode did not complete ${b.path}`);
}

/** One block read or written through the product client's BlockReader / BlockWriter with a LocatedBlock the test holds. */
export class BlockIo {
  readonly channels: DataNodeChannels;

  constructor(conf: Configuration, nn: ClientProtocolClient) {
    this.channels = new DataNodeChannels(conf, nn);
  }

  /** Reads `length` bytes at `offset` of the block from `dn` (default: its first location), with its token as given. */
  async read(lb: LocatedBlock, options: { dn?: DatanodeInfo; offset?: number; length?: number } = {}): Promise<Buffer> {
    const dn = options.dn ?? lb.locs?.[0];
    if (!dn) throw new Error(`block ${lb.b.blockId} has no location`);
    const offset = options.offset ?? 0;
    const parts: Uint8Array[] = [];
    for await (const data of readBlockRange(this.channels, dn, lb, offset, options.length ?? (lb.b.numBytes ?? 0) - offset, 'DFSClient_NONMAPREDUCE_dn_suite')) parts.push(data);
    return Buffer.concat(parts);
  }

  /** Writes `data` as the block of `lb` through its pipeline, every packet acked (an empty block: only the last packet). */
  async write(lb: LocatedBlock, data: Uint8Array, clientName = 'DFSClient_NONMAPREDUCE_dn_suite'): Promise<void> {
    const writer = await BlockWriter.open(this.channels, lb, { clientName, checksum: CHECKSUM, maxPacketsInFlight: 80, blockSize: 128 * 1024 * 1024 });
    try {
      const packetizer = new OutputPacketizer({ blockSize: 128 * 1024 * 1024, bytesPerChecksum: CHECKSUM.bytesPerChecksum, checksumType: CHECKSUM.type });
      const packets = [...packetizer.write(data), ...packetizer.close()];
      if (packets.length === 0) packets.push({ header: { offsetInBlock: 0, seqno: 0, lastPacketInBlock: true, dataLen: 0 }, bytes: encodeLastPacket(0, 0) });
      for (const p of packets) await writer.send(p);
      await writer.finish();
    } catch (e) {
      writer.abort();
      throw e;
    }
  }
}

/** Runs `fn` and returns the data-transfer handshakes completed meanwhile (both sides, in this process). */
export async function handshakesDuring(fn: () => Promise<void>): Promise<DataTransferNegotiatedEvent[]> {
  const events: DataTransferNegotiatedEvent[] = [];
  const on = (m: unknown) => events.push(m as DataTransferNegotiatedEvent);
  subscribe(dataTransferNegotiatedChannel.name, on);
  try {
    await fn();
  } finally {
    unsubscribe(dataTransferNegotiatedChannel.name, on);
  }
  return events;
}

/**
 * Writes `size` random bytes to `path` with the product client, reads them back in full and from
 * an offset inside a checksum chunk, and checks the DataNode `dn` holds the finalized replica.
 * Returns the data and the file's block.
 */
export async function roundTrip(fs: HdfsClient, nn: ClientProtocolClient, dn: DataNode, path: string, size: number): Promise<{ data: Buffer; lb: LocatedBlock | undefined }> {
  const data = randomBytes(size);
  await fs.writeFile(path, data);
  expect(Buffer.compare(await fs.readFile(path), data), `${path}: ${size} bytes read back`).to.equal(0);
  if (size > 1000) {
    const end = Math.min(size - 201, 100_000); // across packets, not through the whole file again
    const chunks: Buffer[] = [];
    for await (const c of fs.createReadStream(path, { start: 700, end })) chunks.push(c as Buffer);
    expect(Buffer.compare(Buffer.concat(chunks), data.subarray(700, end + 1)), `${path}: bytes 700..${end}`).to.equal(0);
  }
  if (size === 0) return { data, lb: undefined }; // an empty file has no block
  const lb = await locatedBlock(nn, path);
  expect(lb.locs!.map((l) => l.id.datanodeUuid)).to.deep.equal([dn.datanodeUuid]);
  expect(dn.dataset.getReplica(lb.b.poolId, lb.b.blockId), `the replica of ${path}`).to.deep.include({ numBytes: size, state: 'FINALIZED' });
  return { data, lb };
}

/** Polls `cond` every 20 ms; fails naming `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
