/**
 * Test helpers for the NameNode's data path: a secure NameNode configuration (block tokens on,
 * service authorization with the DataNode principal check, auth_to_local mapping nn/ and dn/ to
 * `hdfs` as a real cluster does), users talking ClientProtocol through the typed client as a stock
 * DFSClient would (Kerberos password logins against the MiniKdc), and `TestDataNode`: the
 * NameNode-facing half of a DataNode over real IPC (DatanodeProtocolClient with the dn/localhost
 * keytab): version, registration, heartbeats that carry storage reports and return commands,
 * block reports, incremental reports; it keeps the block keys it is handed in a worker-mode
 * BlockTokenSecretManager and verifies block tokens with them, as a DataNode's DataXceiver does.
 * No data moves (the DataNode daemon is not part of these suites).
 */
import { join } from 'node:path';
import { runFs } from '../../../cluster/cli/commands/fs.ts';
import { writeSiteXml } from '../../../cluster/mini/site-xml.ts';
import { loadConfiguration, type Configuration } from '../../../lib/config/index.ts';
import type { MiniKdc } from '../../../cluster/mini/mini-kdc.ts';
import type { ReportedReplica } from '../../../cluster/protocol/block-list-as-longs.ts';
import { CLIENT_PROTOCOL_INFO } from '../../../cluster/protocol/client-protocol.ts';
import { ClientProtocolClient } from '../../../cluster/protocol/client-protocol-client.ts';
import {
  DATANODE_LAYOUT_VERSION, DATANODE_PROTOCOL_INFO, exportedBlockKeysFromProto, exportedBlockKeysToProto,
  type DatanodeCommand, type DatanodeRegistration, type HeartbeatResponse, type NamespaceInfo,
} from '../../../cluster/protocol/datanode-protocol.ts';
import { DatanodeProtocolClient } from '../../../cluster/protocol/datanode-protocol-client.ts';
import type { ExtendedBlock, LocatedBlock } from '../../../cluster/protocol/hdfs-types.ts';
import { User } from '../../../security/identity/user.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';
import { callCredentials } from '../../../security/sasl/rpc/protocol-security.ts';
import { RpcClient } from '../../../security/sasl/rpc/rpc-client.ts';
import { BlockTokenSecretManager } from '../../../security/token/block-token-secret-manager.ts';
import type { AccessMode, BlockStorageType } from '../../../security/token/block-token-identifier.ts';
import { dummyExportedBlockKeys } from '../../../security/token/keys/exported-block-keys.ts';
import { Token } from '../../../security/token/token.ts';
import type { Clock } from '../../../lib/time/clock.ts';

export const GiB = 1024 ** 3;

/** A secure NameNode configuration with block tokens and the DataNode principal check. */
export function secureConf(kdc: MiniKdc, dir: string, keytab: string, extra: Record<string, string> = {}): Configuration {
  const realm = kdc.realm.replace(/\./g, '\\.');
  return loadConfiguration({
    env: {},
    overrides: {
      'hadoop.security.authentication': 'kerberos',
      'hadoop.security.authorization': 'true',
      'hadoop.rpc.protection': 'authentication',
      'hadoop.security.auth_to_local': [`RULE:[2:$1/$2@$0]([nd]n/.*@${realm})s/.*/hdfs/`, 'DEFAULT'].join('\n'),
      'hadoop.user.group.static.mapping.overrides': 'alice=staff;bob=staff;carol=;hdfs=supergroup',
      'dfs.namenode.rpc-address': '127.0.0.1:0',
      'dfs.namenode.kerberos.principal': `nn/localhost@${kdc.realm}`,
      'dfs.namenode.keytab.file': keytab,
      'dfs.datanode.kerberos.principal': `dn/_HOST@${kdc.realm}`,
      'dfs.namenode.name.dir': `file://${join(dir, 'name')}`,
      'dfs.block.access.token.enable': 'true',
      'dfs.encrypt.data.transfer': 'true',
      // no start-up safe mode: the DataNodes of these tests are test doubles that report only when told
      'dfs.namenode.safemode.threshold-pct': '0',
      ...extra,
    },
  });
}

/** The configuration a client (or DataNode) uses to reach the NameNode. */
export function clientConf(kdc: MiniKdc): Configuration {
  return loadConfiguration({
    env: {},
    overrides: {
      'hadoop.security.authentication': 'kerberos',
      'hadoop.rpc.protection': 'authentication',
      'dfs.namenode.kerberos.principal': `nn/localhost@${kdc.realm}`,
    },
  });
}

/** Creates the principals and keytabs the suites use: nn/localhost and dn/localhost in `keytab`, users with passwords. */
export async function setUpRealm(kdc: MiniKdc, keytab: string, users: string[]): Promise<void> {
  for (const p of ['nn/localhost', 'dn/localhost']) if (!(await kdc.hasPrincipal(p))) await kdc.addPrincipal(p);
  await kdc.createKeytab(keytab, 'nn/localhost', 'dn/localhost');
  for (const u of users) if (!(await kdc.hasPrincipal(u))) await kdc.addPrincipal(u, { password: `pw-${u}` });
}

export interface Session {
  nn: ClientProtocolClient;
  user: User;
  close(): void;
}

/** A user's ClientProtocol client (a Kerberos login with the user's password), as DFSClient calls the NameNode. */
export async function clientAs(kdc: MiniKdc, name: string, address: { host: string; port: number }): Promise<Session> {
  const conf = clientConf(kdc);
  const krb5 = loadKrb5Config(kdc.krb5ConfPath);
  const user = await User.fromPassword(kdc.principal(name), `pw-${name}`, { krb5, conf, env: {} });
  const rpc = new RpcClient();
  const nn = new ClientProtocolClient({ rpc, address, credentials: callCredentials(user, CLIENT_PROTOCOL_INFO, conf, krb5), timeoutMs: 20_000 });
  return { nn, user, close: () => (rpc.stop(), user.close()) };
}

/** DFSClient's client name. */
/** A client conf dir for `hsec fs` against `nn`: Kerberos, fs.defaultFS and the NameNode principal. */
export function writeClientConfDir(confDir: string, kdc: MiniKdc, nn: { host: string; port: number }): void {
  writeSiteXml(join(confDir, 'core-site.xml'), [
    { name: 'hadoop.security.authentication', value: 'kerberos' },
    { name: 'hadoop.rpc.protection', value: 'authentication' },
    { name: 'fs.defaultFS', value: `hdfs://127.0.0.1:${nn.port}` },
  ]);
  writeSiteXml(join(confDir, 'hdfs-site.xml'), [{ name: 'dfs.namenode.kerberos.principal', value: `nn/localhost@${kdc.realm}` }]);
}

/** `hsec fs ARGS` in-process with the conf dir and the ticket cache `ccache`: the exit code and what it wrote. */
export async function runFsWith(kdc: MiniKdc, confDir: string, ccache: string | undefined, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runFs(confDir, args, {
    out: (x) => void (out += x),
    err: (x) => void (err += x),
    env: { ...kdc.env(ccache), HADOOP_CONF_DIR: confDir },
  });
  return { code, out, err };
}

export function clientName(tag: string): string {
  return `DFSClient_NONMAPREDUCE_${tag}_1`;
}

export interface TestDataNodeOptions {
  uuid: string;
  xferPort: number;
  storageUuid: string;
  /** bytes free reported in heartbeats (default 100 GiB) */
  remaining?: number;
  /** a principal other than dn/localhost (its keytab must hold it) */
  principal?: string;
  clock?: Clock;
}

/** The DataNode side of DatanodeProtocol, plus a worker block token manager fed by the keys the NameNode sends. */
export class TestDataNode {
  readonly o: TestDataNodeOptions;
  readonly client: DatanodeProtocolClient;
  readonly #rpc: RpcClient;
  readonly #user: User;
  info: NamespaceInfo | undefined;
  registration: DatanodeRegistration | undefined;
  tokens: BlockTokenSecretManager | undefined;
  /** every command heartbeats returned */
  readonly commands: DatanodeCommand[] = [];

  private constructor(o: TestDataNodeOptions, rpc: RpcClient, user: User, client: DatanodeProtocolClient) {
    this.o = o;
    this.#rpc = rpc;
    this.#user = user;
    this.client = client;
  }

  static async login(kdc: MiniKdc, keytab: string, address: { host: string; port: number }, o: TestDataNodeOptions): Promise<TestDataNode> {
    const conf = clientConf(kdc);
    const krb5 = loadKrb5Config(kdc.krb5ConfPath);
    const user = await User.fromKeytab(kdc.principal(o.principal ?? 'dn/localhost'), keytab, { krb5, conf, env: {} });
    const rpc = new RpcClient();
    const client = new DatanodeProtocolClient({ rpc, address, credentials: callCredentials(user, DATANODE_PROTOCOL_INFO, conf, krb5), timeoutMs: 20_000 });
    return new TestDataNode(o, rpc, user, client);
  }

  /** BPServiceActor's start-up: versionRequest, registerDatanode (keys), first heartbeat asking for a report lease, full block report. */
  async start(replicas: ReportedReplica[] = []): Promise<HeartbeatResponse> {
    this.info = await this.client.versionRequest();
    await this.register();
    const hb = await this.heartbeat(true);
    await this.report(replicas, hb.fullBlockReportLeaseId);
    return hb;
  }

  async register(): Promise<DatanodeRegistration> {
    const info = this.info!;
    this.registration = await this.client.registerDatanode({
      datanodeID: { ipAddr: '0.0.0.0', hostName: 'localhost', datanodeUuid: this.o.uuid, xferPort: this.o.xferPort, infoPort: this.o.xferPort + 1, ipcPort: this.o.xferPort + 2 },
      storageInfo: { ...info.storageInfo, layoutVersion: DATANODE_LAYOUT_VERSION },
      keys: exportedBlockKeysToProto(dummyExportedBlockKeys()),
      softwareVersion: '3.4.1',
    });
    // a DataNode keeps its block pool's keys across registrations (BlockPoolTokenSecretManager.addKeys merges)
    if (this.tokens?.blockPoolId !== info.blockPoolID) {
      this.tokens = BlockTokenSecretManager.worker({ keyUpdateInterval: 1, tokenLifetime: 1, blockPoolId: info.blockPoolID, ...(this.o.clock ? { clock: this.o.clock } : {}) });
    }
    this.tokens.addKeys(exportedBlockKeysFromProto(this.registration.keys));
    return this.registration;
  }

  /** One heartbeat; KeyUpdateCommands are installed, every command is kept in `commands`. */
  async heartbeat(requestLease = false): Promise<HeartbeatResponse> {
    const hb = await this.client.sendHeartbeat({
      registration: this.registration!,
      reports: [{ storageUuid: this.o.storageUuid, capacity: 200 * GiB, dfsUsed: 0, remaining: this.o.remaining ?? 100 * GiB, storage: { storageUuid: this.o.storageUuid, storageType: 'DISK' } }],
      xceiverCount: 1,
      requestFullBlockReportLease: requestLease,
    });
    for (const c of hb.cmds ?? []) {
      this.commands.push(c);
      if (c.cmdType === 'KeyUpdateCommand') this.tokens!.addKeys(exportedBlockKeysFromProto(c.keyUpdateCmd!.keys));
    }
    return hb;
  }

  async report(replicas: ReportedReplica[], leaseId = 0): Promise<DatanodeCommand | undefined> {
    return this.client.blockReport(this.registration!, this.info!.blockPoolID, this.info!.capabilities ?? 0,
      [{ storage: { storageUuid: this.o.storageUuid, storageType: 'DISK' }, replicas }], { totalRpcs: 1, curRpc: 0, id: Date.now() % 1e9, leaseId });
  }

  /** blockReceivedAndDeleted for one block. */
  async incremental(block: ExtendedBlock, status: 'RECEIVING' | 'RECEIVED' | 'DELETED', numBytes = block.numBytes ?? 0): Promise<void> {
    await this.client.blockReceivedAndDeleted({
      registration: this.registration!, blockPoolId: this.info!.blockPoolID,
      blocks: [{ storageUuid: this.o.storageUuid, blocks: [{ block: { blockId: block.blockId, genStamp: block.generationStamp, numBytes }, status }], storage: { storageUuid: this.o.storageUuid, storageType: 'DISK' } }],
    });
  }

  /** DataXceiver's checkAccess: the located block's token, verified with the keys this DataNode holds. */
  check(lb: LocatedBlock, mode: AccessMode, block: ExtendedBlock = lb.b, storageTypes: BlockStorageType[] = [], storageIds: string[] = []): void {
    this.tokens!.checkAccess(Token.fromProto(lb.blockToken), null, block, mode, storageTypes, storageIds);
  }

  close(): void {
    this.#rpc.stop();
    this.#user.close();
  }
}
