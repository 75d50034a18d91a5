/**
 * DataNode block throughput through the real data port (docs/datanode.md): secure DataNodes (MIT
 * KDC, keytab login, Kerberos IPC to the hsec NameNode in this process, which allocates every
 * block and issues its token) with dfs.data.transfer.protection = authentication (plaintext
 * after the handshake), integrity (DIGEST-MD5 HMAC), privacy (DIGEST-MD5 3des) and privacy with
 * AES/CTR. A client driven by the product codecs writes one 16 MiB block per op (new connection,
 * SASL handshake, WRITE_BLOCK, 64 KiB packets, acks; what DataStreamer does per block) and reads it
 * back (READ_BLOCK, checksums verified, CHECKSUM_OK). Both ends run in this process, so MB per
 * CPU-second counts the client and the DataNode (and the kernel's socket work); wall-clock MB/s is
 * what one client sees. Modes run in interleaved rounds, reported as medians, with ratios to
 * plaintext of the same run. Also: block-token checks per second (checkAccess with its HMAC, and
 * the SASL password lookup).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Harness } from '../harness.ts';
import { whichBinary } from '../../cluster/mini/binaries.ts';
import { MiniKdc } from '../../cluster/mini/mini-kdc.ts';
import type { DataNode } from '../../cluster/datanode/datanode.ts';
import { BlockPoolTokens } from '../../cluster/datanode/block-access.ts';
import type { LocatedBlock } from '../../cluster/protocol/hdfs-types.ts';
import type { Qop } from '../../security/sasl/mechanism.ts';
import { closeRealm, completeFile, locatedBlock, makeRealm, openBlock, TestCluster, type OpenBlock, type Realm } from '../../test/integration/datanode/datanode-fixture.ts';
import { readBlock, TransferConnection, writeBlock } from '../../test/integration/datanode/transfer-client.ts';

export const name = 'datanode';

const BLOCK = 16 * 1024 * 1024;
const ROUNDS = 5;

interface Mode {
  readonly label: string;
  readonly protection: string;
  readonly qop: Qop;
  readonly aes: boolean;
}

const MODES: readonly Mode[] = [
  { label: 'plaintext (authentication)', protection: 'authentication', qop: 'auth', aes: false },
  { label: 'integrity (auth-int, HMAC-MD5)', protection: 'integrity', qop: 'auth-int', aes: false },
  { label: 'privacy (auth-conf, DIGEST-MD5 3des)', protection: 'privacy', qop: 'auth-conf', aes: false },
  { label: 'privacy with AES/CTR 128', protection: 'privacy', qop: 'auth-conf', aes: true },
];

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function run(h: Harness): Promise<void> {
  if (!whichBinary('krb5kdc') || !whichBinary('kadmin.local')) {
    h.note('skipped: krb5kdc / kadmin.local not installed (apt-get install krb5-kdc krb5-admin-server)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hsec-bench-dn-'));
  const kdc = await MiniKdc.start({ realm: 'BENCH.TEST' });
  let realm: Realm | undefined;
  let cluster: TestCluster | undefined;
  const dns: DataNode[] = [];
  try {
    realm = await makeRealm(kdc, dir);
    const c = (cluster = await TestCluster.start(realm, dir, { conf: { 'dfs.heartbeat.interval': '3' } }));
    for (const m of MODES) {
      const extra: Record<string, string> = { 'dfs.data.transfer.protection': m.protection, ...(m.aes ? { 'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding' } : {}) };
      dns.push(await c.startDataNode(m.protection + String(m.aes), extra));
    }
    await c.client(); // alice's home directory
    const nn = c.protocol();
    const data = randomBytes(BLOCK);
    let files = 0;
    /** A block the NameNode allocates on DataNode `i` (outside the measurement), with its WRITE token. */
    const allocate = (i: number): Promise<OpenBlock> => openBlock(nn, `/user/alice/bench-${++files}`, { favoredNodes: [`127.0.0.1:${dns[i]!.xferAddress.port}`] });
    const op = async (i: number, kind: 'write' | 'read', lb: LocatedBlock): Promise<void> => {
      const m = MODES[i]!;
      const t = await TransferConnection.open(dns[i]!.xferAddress.port, { kind: 'general', token: lb.blockToken, qop: [m.qop], ...(m.aes ? { cipherSuites: 'AES/CTR/NoPadding' } : {}) });
      try {
        if (kind === 'write') {
          const w = await writeBlock(t, { block: lb.b, token: lb.blockToken, data });
          if (w.acks.length !== Math.ceil(BLOCK / 64_512) + 1) throw new Error(`bench: write of ${m.label} failed`);
        } else {
          const r = await readBlock(t, { block: lb.b, token: lb.blockToken, offset: 0, len: BLOCK });
          if (r.data.length !== BLOCK) throw new Error(`bench: read of ${m.label} failed`);
        }
      } finally {
        t.close();
      }
    };
    const written: LocatedBlock[] = [];
    for (let i = 0; i < MODES.length; i++) {
      // warm-up, and the block the reads read
      const b = await allocate(i);
      await op(i, 'write', b.located);
      await completeFile(nn, b, BLOCK);
      written.push(await locatedBlock(nn, b.path));
      await op(i, 'read', written[i]!);
    }
    const samples = { write: { wall: MODES.map(() => [] as number[]), cpu: MODES.map(() => [] as number[]) }, read: { wall: MODES.map(() => [] as number[]), cpu: MODES.map(() => [] as number[]) } };
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < MODES.length; k++) {
        const i = (k + round) % MODES.length;
        for (const kind of ['write', 'read'] as const) {
          const target = kind === 'write' ? await allocate(i) : undefined;
          const c0 = process.cpuUsage();
          const t0 = process.hrtime.bigint();
          await op(i, kind, target ? target.located : written[i]!);
          samples[kind].wall[i]!.push(Number(process.hrtime.bigint() - t0));
          const cpu = process.cpuUsage(c0);
          samples[kind].cpu[i]!.push((cpu.user + cpu.system) * 1000);
          if (target) await completeFile(nn, target, BLOCK);
        }
      }
    }
    for (const kind of ['write', 'read'] as const) {
      for (const [unit, list] of [['wall clock', samples[kind].wall], ['CPU time', samples[kind].cpu]] as const) {
        MODES.forEach((m, i) => {
          const ns = median(list[i]!);
          h.results.push({
            suite: h.suite, name: `${kind} 16 MiB block, ${m.label} [${unit}]`, group: `${kind} MB/s ${unit}`, baseline: i === 0,
            ops: ROUNDS, seconds: list[i]!.reduce((a, b) => a + b, 0) / 1e9, opsPerSec: 1e9 / ns, nsPerOp: ns, bytesPerOp: BLOCK, mbPerSec: (BLOCK / ns) * 1e3,
          });
        });
      }
    }
    const mb = (kind: string, unit: string, i: number): number => h.results.find((r) => r.name === `${kind} 16 MiB block, ${MODES[i]!.label} [${unit}]`)!.mbPerSec!;
    for (const kind of ['write', 'read']) {
      const parts = MODES.map((m, i) => `${m.label} ${mb(kind, 'wall clock', i).toFixed(0)} MB/s (${((mb(kind, 'wall clock', i) / mb(kind, 'wall clock', 0)) * 100).toFixed(0)}%)`);
      h.note(`${kind}, wall clock, medians of ${ROUNDS} interleaved rounds: ${parts.join('; ')}`);
    }

    // block-token verification as the data port does it, with the NameNode's keys and a token it issued
    const keys = new BlockPoolTokens();
    keys.setKeys(c.blockPoolId, c.nn.blockTokens!.exportKeys());
    const ref = { poolId: c.blockPoolId, blockId: 1, generationStamp: 1001 };
    const token = c.nn.blockTokens!.generateToken('alice', ref, ['READ'], ['DISK']);
    await h.measure('block token checkAccess (decode identifier, checks, HMAC-SHA1, constant-time compare)', () => keys.checkAccess(token, undefined, ref, 'READ'), { group: 'block tokens', baseline: true });
    await h.measure('block token password lookup (SASL general handshake)', () => keys.password(token.identifier), { group: 'block tokens' });
  } finally {
    await cluster?.stop();
    closeRealm(realm);
    await kdc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
