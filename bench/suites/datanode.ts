/**
 * DataNode block throughput through the real data port (docs/datanode.md): secure DataNodes (MIT
 * KDC, keytab login, Kerberos IPC to the NameNode stand-in of the DataNode tests, which stays
 * until the NameNode side lands) with dfs.data.transfer.protection = authentication (plaintext
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
import type { Qop } from '../../security/sasl/mechanism.ts';
import { dataNodeConf, makeRealm, startDataNode, startNameNode } from '../../test/integration/datanode/datanode-fixture.ts';
import type { NameNodeStandIn } from '../../test/integration/datanode/namenode-stand-in.ts';
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
  let nn: NameNodeStandIn | undefined;
  const dns: DataNode[] = [];
  try {
    const realm = await makeRealm(kdc, dir);
    nn = await startNameNode(realm);
    const standIn = nn;
    for (const m of MODES) {
      const extra: Record<string, string> = { 'dfs.data.transfer.protection': m.protection, 'dfs.heartbeat.interval': '3', ...(m.aes ? { 'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding' } : {}) };
      dns.push(await startDataNode(realm, dataNodeConf(realm, standIn, join(dir, m.protection + String(m.aes)), extra)));
    }
    const data = randomBytes(BLOCK);
    let nextId = 1073800000;
    const op = async (i: number, kind: 'write' | 'read', id: number): Promise<void> => {
      const m = MODES[i]!;
      const mode = kind === 'write' ? 'WRITE' : 'READ';
      const token = standIn.token({ blockPoolId: standIn.blockPoolId, blockId: id, modes: [mode] });
      const c = await TransferConnection.open(dns[i]!.xferAddress.port, { kind: 'general', token, qop: [m.qop], ...(m.aes ? { cipherSuites: 'AES/CTR/NoPadding' } : {}) });
      try {
        const block = { poolId: standIn.blockPoolId, blockId: id, generationStamp: 1001 };
        if (kind === 'write') {
          const w = await writeBlock(c, { block, token, data });
          if (w.acks.length !== Math.ceil(BLOCK / 64_512) + 1) throw new Error(`bench: write of ${m.label} failed`);
        } else {
          const r = await readBlock(c, { block: { ...block, numBytes: BLOCK }, token, offset: 0, len: BLOCK });
          if (r.data.length !== BLOCK) throw new Error(`bench: read of ${m.label} failed`);
        }
      } finally {
        c.close();
      }
    };
    const written: number[] = MODES.map(() => nextId++);
    for (let i = 0; i < MODES.length; i++) {
      await op(i, 'write', written[i]!); // warm-up, and the block the reads read
      await op(i, 'read', written[i]!);
    }
    const samples = { write: { wall: MODES.map(() => [] as number[]), cpu: MODES.map(() => [] as number[]) }, read: { wall: MODES.map(() => [] as number[]), cpu: MODES.map(() => [] as number[]) } };
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < MODES.length; k++) {
        const i = (k + round) % MODES.length;
        for (const kind of ['write', 'read'] as const) {
          const c0 = process.cpuUsage();
          const t0 = process.hrtime.bigint();
          await op(i, kind, kind === 'write' ? nextId++ : written[i]!);
          samples[kind].wall[i]!.push(Number(process.hrtime.bigint() - t0));
          const c = process.cpuUsage(c0);
          samples[kind].cpu[i]!.push((c.user + c.system) * 1000);
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

    // block-token verification as the data port does it
    const keys = new BlockPoolTokens();
    keys.setKeys(standIn.blockPoolId, standIn.keys.export());
    const token = standIn.token({ blockPoolId: standIn.blockPoolId, blockId: 1, modes: ['READ'], storageTypes: ['DISK'] });
    const ref = { poolId: standIn.blockPoolId, blockId: 1 };
    await h.measure('block token checkAccess (decode identifier, checks, HMAC-SHA1, constant-time compare)', () => keys.checkAccess(token, undefined, ref, 'READ'), { group: 'block tokens' , baseline: true });
    await h.measure('block token password lookup (SASL general handshake)', () => keys.password(token.identifier), { group: 'block tokens' });
  } finally {
    for (const dn of dns) await dn.stop().catch(() => undefined);
    await nn?.stop();
    await kdc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
