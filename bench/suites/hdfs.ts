/**
 * HDFS end to end (issue 9, docs/performance.md "HDFS end to end"): write and read MB/s through
 * the product HdfsClient (createWriteStream / createReadStream) against a secure HDFS, for each
 * data-transfer protection:
 *
 *   dfs.data.transfer.protection=authentication   plaintext after the SASL handshake (the baseline)
 *   integrity                                       DIGEST-MD5 auth-int (HMAC-MD5 per message)
 *   privacy                                         DIGEST-MD5 auth-conf, 3des
 *   privacy + cipher.suites=AES/CTR/NoPadding       AES/CTR 128 negotiated in the SASL handshake
 *   dfs.encrypt.data.transfer=true + AES/CTR        the encrypted handshake, 128- and 256-bit keys
 *
 * The servers run in a child process (bench/hdfs-cluster-process.ts: the MIT KDC, and per setting
 * cluster/mini/secure-hdfs.ts's hsec NameNode and DataNode logged in from keytabs, RPC privacy,
 * block tokens); each (round, mode) runs the client in a fresh process (bench/hdfs-client-process.ts:
 * a warm-up write and read, then HSEC_BENCH_HDFS_OPS (default 3) measured writes in a row and as
 * many reads, a round's figure being their mean), so no mode's JIT state or garbage
 * lands in another's figures: "client MB per CPU-second" (user + system of that process, the
 * kernel's socket work included) is what one core of a client host can move; "server MB per
 * CPU-second" is the same for the NameNode + DataNode process.
 * Wall-clock MB/s is what the client sees with the two processes on their own cores.
 *
 * One op writes a whole file (create, addBlock, WRITE_BLOCK with 64 KiB packets and their CRC32C
 * checksums, acks, complete) or reads it back (getBlockLocations, READ_BLOCK, checksums verified,
 * CHECKSUM_OK). Modes run in interleaved rounds, reported as medians, so a load change during the
 * run hits all of them alike, and ratios to plaintext come from the same run (goal: AES/CTR >= 0.8).
 * The same run measures `openssl speed -evp` for the ciphers: the client encrypts each byte it
 * writes and decrypts each byte it reads once, so client MB per CPU-second over openssl's one-core
 * figure is at most 1 (the rest is checksums, framing, copies and the socket).
 *
 * Also: block-token operations per second with the NameNode's master BlockTokenSecretManager and
 * real keys (in the server process): issuing a token, and the DataNode's verify path
 * (cluster/datanode/block-access.ts BlockPoolTokens fed the keys the NameNode exports at
 * registration): checkAccess at an op and the password lookup of the SASL handshake.
 *
 * Both processes run with V8's incremental marking off, as `hsec fs` and `hsec datanode` do
 * (lib/runtime/bulk-data-gc.ts; the server process also holds the NameNode, which in production
 * keeps it); HSEC_BENCH_HDFS_GC=default measures with V8's defaults instead.
 *
 * HSEC_BENCH_HDFS_MIB (default 64) sets the file size of the fast modes; integrity moves half of
 * it and 3des an eighth, so 3des does not dominate the run. HSEC_BENCH_HDFS_ROUNDS (default 9)
 * sets the measured rounds. The defaults take about 3 minutes on 2 cores (9 rounds: a ratio of medians
 * over 5 rounds still moved by 0.1 from run to run).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Harness } from '../harness.ts';
import { median, opensslSpeed } from '../reference.ts';
import { whichBinary } from '../../cluster/mini/binaries.ts';

export const name = 'hdfs';

const MiB = 1024 * 1024;
const FILE_MIB = Number(process.env['HSEC_BENCH_HDFS_MIB'] ?? 64);
/** Interleaved rounds per mode (after one warm-up round). */
const ROUNDS = Number(process.env['HSEC_BENCH_HDFS_ROUNDS'] ?? 9);
/** Measured writes (then reads) in a row per round and mode; a round's figure is their mean. */
const OPS = Number(process.env['HSEC_BENCH_HDFS_OPS'] ?? 3);
/** The user the server process makes (principal, keytab, home directory). */
const USER = 'bench';

interface Mode {
  readonly label: string;
  readonly conf: Record<string, string>;
  /** Fraction of FILE_MIB this mode moves per op. */
  readonly share: number;
  /** What the client's handshake event must say (the bench refuses to measure the wrong mode). */
  readonly expect: { readonly handshake: string; readonly protection: string; readonly keyBits?: number };
  /** The cipher for the openssl comparison. */
  readonly cipher?: string;
  readonly aes?: boolean;
}

const AES = { 'dfs.data.transfer.protection': 'privacy', 'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding' };
const ENCRYPTED = { ...AES, 'dfs.encrypt.data.transfer': 'true' };

const MODES: readonly Mode[] = [
  { label: 'plaintext (authentication)', conf: { 'dfs.data.transfer.protection': 'authentication' }, share: 1, expect: { handshake: 'general', protection: 'plain' } },
  { label: 'integrity (auth-int, HMAC-MD5)', conf: { 'dfs.data.transfer.protection': 'integrity' }, share: 1 / 2, expect: { handshake: 'general', protection: 'sasl' } },
  { label: 'privacy (auth-conf, DIGEST-MD5 3des)', conf: { 'dfs.data.transfer.protection': 'privacy' }, share: 1 / 8, expect: { handshake: 'general', protection: 'sasl' }, cipher: 'des-ede3-cbc' },
  { label: 'privacy + AES/CTR 128 (SASL handshake)', conf: AES, share: 1, expect: { handshake: 'general', protection: 'aes-ctr', keyBits: 128 }, cipher: 'aes-128-ctr', aes: true },
  { label: 'encrypt.data.transfer, AES/CTR 128', conf: ENCRYPTED, share: 1, expect: { handshake: 'encrypted', protection: 'aes-ctr', keyBits: 128 }, cipher: 'aes-128-ctr', aes: true },
  {
    label: 'encrypt.data.transfer, AES/CTR 256',
    conf: { ...ENCRYPTED, 'dfs.encrypt.data.transfer.cipher.key.bitlength': '256' },
    share: 1,
    expect: { handshake: 'encrypted', protection: 'aes-ctr', keyBits: 256 },
    cipher: 'aes-256-ctr',
    aes: true,
  },
];

/** A helper process (bench/hdfs-*-process.ts) that answers each command line with one JSON line. */
class LineProcess {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;
  readonly #what: string;

  private constructor(child: ChildProcessWithoutNullStreams, what: string) {
    this.#child = child;
    this.#what = what;
    this.#lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static start(file: string, request: unknown, what: string): LineProcess {
    const entry = fileURLToPath(new URL(`../${file}`, import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', entry, JSON.stringify(request)], { stdio: ['pipe', 'pipe', 'inherit'] }) as unknown as ChildProcessWithoutNullStreams;
    return new LineProcess(child, what);
  }

  /** The next line the process prints, parsed; an error when it exits first or takes longer than `timeoutMs`. */
  async next<T>(timeoutMs: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`bench hdfs: the ${this.#what} (pid ${this.#child.pid}) did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const r = await Promise.race([this.#lines.next(), timeout]);
      if (r.done) throw new Error(`bench hdfs: the ${this.#what} (pid ${this.#child.pid}) exited (code ${this.#child.exitCode}); its stderr is above`);
      const answer = JSON.parse(r.value) as T & { error?: string };
      if (answer.error) throw new Error(`bench hdfs: the ${this.#what}: ${answer.error}`);
      return answer;
    } finally {
      clearTimeout(timer);
    }
  }

  ask<T>(command: string, timeoutMs = 30_000): Promise<T> {
    this.#child.stdin.write(`${command}\n`);
    return this.next<T>(timeoutMs);
  }

  /** Its CPU time so far, ns (the server process's `cpu` command). */
  async cpuNs(): Promise<number> {
    const c = await this.ask<{ user: number; system: number }>('cpu');
    return (c.user + c.system) * 1000;
  }

  /** Ends stdin (the process cleans up and exits); SIGKILL by pid after 30 s. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.stdin.end();
    const killer = setTimeout(() => this.#child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(killer);
  }
}

interface Started {
  readonly krb5ConfPath: string;
  readonly principal: string;
  readonly clusters: ReadonlyArray<{ conf: Record<string, string>; keytab: string }>;
}

interface Measured {
  readonly mode: Mode;
  readonly bytes: number;
}

const KINDS = ['write', 'read'] as const;
type Kind = (typeof KINDS)[number];
const UNITS = [
  { key: 'wall', unit: 'wall clock', group: 'MB/s wall clock' },
  { key: 'client', unit: 'client CPU', group: 'MB per client CPU-second' },
  { key: 'server', unit: 'server CPU', group: 'MB per server (NameNode + DataNode) CPU-second' },
] as const;
type Unit = (typeof UNITS)[number]['key'];

export async function run(h: Harness): Promise<void> {
  if (!whichBinary('krb5kdc') || !whichBinary('kadmin.local')) {
    h.note('skipped: krb5kdc / kadmin.local not installed (apt-get install krb5-kdc krb5-admin-server)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hsec-bench-hdfs-'));
  const server = LineProcess.start('hdfs-cluster-process.ts', { dir, user: USER, clusters: MODES.map((m) => m.conf) }, 'server process');
  try {
    const started = await server.next<Started>(180_000);
    const running = MODES.map((mode) => ({ mode, bytes: Math.max(1, Math.round(FILE_MIB * mode.share)) * MiB }));

    // samples[kind][unit][mode]: ns per op. Each (round, mode) is a fresh client process: a warm-up write and read, then OPS measured writes and OPS reads.
    const samples = Object.fromEntries(KINDS.map((k) => [k, Object.fromEntries(UNITS.map((u) => [u.key, running.map(() => [] as number[])]))])) as Record<Kind, Record<Unit, number[][]>>;
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < running.length; k++) {
        const i = (k + round) % running.length; // rotate the order: no mode always runs first
        const r = running[i]!;
        const cluster = started.clusters[i]!;
        const client = LineProcess.start('hdfs-client-process.ts', { krb5ConfPath: started.krb5ConfPath, principal: started.principal, keytab: cluster.keytab, conf: cluster.conf, bytes: r.bytes, expect: r.mode.expect }, `client process (${r.mode.label})`);
        try {
          await client.next(120_000);
          for (const kind of KINDS) {
            const s0 = await server.cpuNs();
            const op = await client.ask<{ wallNs: number; cpuNs: number }>(`${kind} ${OPS}`, 120_000 * OPS);
            const s1 = await server.cpuNs();
            samples[kind].wall[i]!.push(op.wallNs);
            samples[kind].client[i]!.push(op.cpuNs);
            samples[kind].server[i]!.push((s1 - s0) / OPS);
          }
        } finally {
          await client.stop();
        }
      }
    }

    const label = (kind: Kind, r: Measured, unit: string): string => `${kind} ${r.bytes / MiB} MiB, ${r.mode.label} [${unit}]`;
    const mbs = new Map<string, number>();
    for (const kind of KINDS) {
      for (const u of UNITS) {
        running.forEach((r, i) => {
          const list = samples[kind][u.key][i]!;
          const ns = median(list);
          const name = label(kind, r, u.unit);
          const mbPerSec = (r.bytes / ns) * 1e3;
          mbs.set(name, mbPerSec);
          h.results.push({
            suite: h.suite, name, group: `${kind} ${u.group}`, baseline: i === 0,
            // ops/s scaled to a full-size file, so the ratio column compares MB/s across sizes
            ops: ROUNDS * OPS, seconds: (list.reduce((a, b) => a + b, 0) * OPS) / 1e9, opsPerSec: (1e9 / ns) * r.mode.share, nsPerOp: ns, bytesPerOp: r.bytes, mbPerSec,
          });
        });
      }
    }
    const at = (kind: Kind, r: Measured, unit: string): number => mbs.get(label(kind, r, unit))!;
    const plain = running[0]!;
    for (const kind of KINDS) {
      for (const u of UNITS) {
        const ratios = running.filter((r) => r.mode.aes).map((r) => ({ r, ratio: at(kind, r, u.unit) / at(kind, plain, u.unit) }));
        const worst = Math.min(...ratios.map((x) => x.ratio));
        h.note(
          `${kind}, ${u.group}: plaintext ${at(kind, plain, u.unit).toFixed(0)}; ` +
            `${ratios.map((x) => `${x.r.mode.label} ${(x.ratio * 100).toFixed(0)}%`).join(', ')} of plaintext (goal >= 80%${worst >= 0.8 ? ', met' : ', NOT met'}); ` +
            `medians of ${ROUNDS} interleaved rounds of ${OPS} ops`,
        );
      }
    }

    for (const cipher of new Set(MODES.flatMap((m) => (m.cipher ? [m.cipher] : [])))) {
      const speed = opensslSpeed(cipher);
      if (speed === undefined) {
        h.note(`openssl speed -evp ${cipher}: not available (openssl missing or failed), no ratio to it`);
        continue;
      }
      const parts = running
        .filter((r) => r.mode.cipher === cipher)
        .map((r) => `${r.mode.label}: write ${(at('write', r, 'client CPU') / speed).toFixed(2)}, read ${(at('read', r, 'client CPU') / speed).toFixed(2)}`);
      h.note(`openssl speed -evp ${cipher} (16 KiB blocks, one core): ${speed.toFixed(0)} MB/s; client MB per CPU-second as a fraction of it (at most 1: the client encrypts or decrypts each byte once): ${parts.join('; ')}`);
    }

    h.note(process.env['HSEC_BENCH_HDFS_GC'] === 'default'
      ? 'V8 garbage collection: defaults in both processes (HSEC_BENCH_HDFS_GC=default)'
      : 'V8 garbage collection: incremental marking off in the client and server processes, as hsec fs and hsec datanode run (HSEC_BENCH_HDFS_GC=default measures the defaults)');
    await measureBlockTokens(h, server);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Block tokens issued by the NameNode's master manager and checked on the DataNode's verify path, measured in the server process. */
async function measureBlockTokens(h: Harness, server: LineProcess): Promise<void> {
  const ms = 1000;
  const r = await server.ask<Record<'issue' | 'checkAccess' | 'password', { ops: number; ns: number }>>(`tokens ${ms}`, 60_000);
  const group = 'block tokens (NameNode master keys)';
  const rec = (name: string, x: { ops: number; ns: number }, baseline = false): number => h.record(name, x.ops, x.ns / 1e9, { group, baseline }).opsPerSec;
  const issued = rec('block token issued by the NameNode (identifier encoded, HMAC-SHA1)', r.issue, true);
  const checked = rec('DataNode checkAccess (identifier decoded, checks, HMAC-SHA1, constant-time compare)', r.checkAccess);
  const looked = rec('DataNode password lookup (SASL general handshake)', r.password);
  h.note(`block tokens: ${checked.toFixed(0)} verifications/s on the DataNode's verify path (checkAccess), ${looked.toFixed(0)} password lookups/s, ${issued.toFixed(0)} issued/s (one core of the server process)`);
}
