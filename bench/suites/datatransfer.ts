/**
 * Data-transfer stream throughput after the SASL handshake (docs/data-transfer.md): MB/s through
 * the protected streams of a real loopback TCP connection, client output -> DataNode input, for
 * plaintext (QOP auth), the DIGEST-MD5 layer (auth-int, auth-conf with 3des) and AES/CTR with 128
 * and 256-bit keys, as ratios to plaintext in the same run (goal: AES/CTR >= 0.8), per CPU-second
 * of this process and per wall-clock second. Both ends run
 * in this process, so encryption, decryption and the socket share its thread. Modes are measured
 * in interleaved rounds and reported as medians, so a load change during the run hits all of them
 * alike (the machine is shared). For reference, the
 * same run measures a bare socket pair (what the loopback gives without the streams) and
 * `openssl speed -evp aes-128-ctr / aes-256-ctr / des-ede3-cbc` (one core; openssl divides by CPU
 * user time, so compare it with the CPU-time figures).
 */
import { connect, createServer, type Socket } from 'node:net';
import type { Harness } from '../harness.ts';
import { median, opensslSpeed } from '../reference.ts';
import type { Qop } from '../../security/sasl/mechanism.ts';
import { dataTransferClientHandshake, dataTransferServerHandshake, type DataTransferStreams } from '../../security/datatransfer/index.ts';

export const name = 'datatransfer';

const TOKEN = { identifier: Buffer.from('bench-block-token-identifier'), password: Buffer.from('bench-block-token-password') };
const CHUNK = 64 * 1024; // a DataNode packet is ~64 KiB
const PER_OP = 16 * 1024 * 1024;
/** Interleaved rounds per mode. */
const ROUNDS = 15;

interface Mode {
  readonly label: string;
  readonly qop: Qop;
  readonly bits?: 128 | 256;
}

const MODES: readonly Mode[] = [
  { label: 'plaintext (QOP auth)', qop: 'auth' },
  { label: 'SASL integrity (auth-int, HMAC-MD5)', qop: 'auth-int' },
  { label: 'SASL privacy (auth-conf, DIGEST-MD5 3des)', qop: 'auth-conf' },
  { label: 'AES/CTR 128', qop: 'auth-conf', bits: 128 },
  { label: 'AES/CTR 256', qop: 'auth-conf', bits: 256 },
];

interface Pair {
  readonly client: { readonly output: NodeJS.WritableStream & { write(c: Buffer): boolean } };
  readonly server: { readonly input: NodeJS.ReadableStream & { on(e: 'data', f: (c: Buffer) => void): unknown } };
  close(): void;
}

async function connectPair(mode: Mode): Promise<Pair> {
  const listener = createServer({ allowHalfOpen: true });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as { port: number }).port;
  const suites = mode.bits ? 'AES/CTR/NoPadding' : undefined;
  const serverSide = new Promise<DataTransferStreams>((resolve, reject) =>
    listener.once('connection', (s: Socket) =>
      dataTransferServerHandshake(s, { handshake: 'general', qop: [mode.qop], blockTokenPassword: () => TOKEN.password, cipherSuites: suites, cipherKeyBits: mode.bits }).then(resolve, reject),
    ),
  );
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const client = await dataTransferClientHandshake(socket, { credentials: { kind: 'block-token', token: TOKEN }, qop: [mode.qop], cipherSuites: suites });
  const server = await serverSide;
  return {
    client,
    server,
    close: () => {
      client.output.destroy();
      server.input.destroy();
      listener.close();
    },
  };
}

/** One op: `bytes` written in CHUNK pieces, done when the DataNode side has read them all. */
function transfer(p: Pair, chunk: Buffer, bytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = 0;
    const onData = (c: Buffer): void => {
      received += c.length;
      if (received >= bytes) {
        p.server.input.removeListener('data', onData);
        p.server.input.removeListener('error', reject);
        resolve();
      }
    };
    p.server.input.on('data', onData);
    p.server.input.once('error', reject);
    let sent = 0;
    const pump = (): void => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!p.client.output.write(chunk)) {
          p.client.output.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

/** A bare socket pair: what the loopback gives without the protected streams. */
async function bareSocketPair(): Promise<Pair> {
  const listener = createServer({ allowHalfOpen: true });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<Socket>((resolve) => listener.once('connection', resolve));
  const client = connect({ port: (listener.address() as { port: number }).port, host: '127.0.0.1', allowHalfOpen: true });
  await new Promise<void>((resolve) => client.once('connect', resolve));
  const server = await accepted;
  return {
    client: { output: client },
    server: { input: server },
    close: () => {
      client.destroy();
      server.destroy();
      listener.close();
    },
  };
}

export async function run(h: Harness): Promise<void> {
  const chunk = Buffer.alloc(CHUNK, 0x5a);
  const entries: Array<{ label: string; baseline: boolean; bytes: number; pair: Pair }> = [];
  for (const mode of MODES) {
    // 3des moves a few MB/s: a smaller op keeps a round short without changing MB/s
    const bytes = mode.qop === 'auth-conf' && !mode.bits ? PER_OP / 8 : mode.qop === 'auth-int' ? PER_OP / 2 : PER_OP;
    entries.push({ label: `${mode.label}, ${CHUNK / 1024} KiB writes`, baseline: mode.qop === 'auth', bytes, pair: await connectPair(mode) });
  }
  entries.push({ label: `bare socket (no protected streams), ${CHUNK / 1024} KiB writes`, baseline: false, bytes: PER_OP, pair: await bareSocketPair() });
  const wall = entries.map(() => [] as number[]);
  const cpu = entries.map(() => [] as number[]);
  try {
    for (const e of entries) await transfer(e.pair, chunk, e.bytes); // warm-up
    // Interleaved rounds, rotating the order: on a shared machine the load moves during a run,
    // and medians over the same rounds stay comparable. Both ends run in this process, so its CPU
    // time (user + system, the kernel's socket work included) is the whole cost of an op; MB per
    // CPU-second does not depend on how much of a core other processes leave us.
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < entries.length; k++) {
        const i = (k + round) % entries.length;
        const c0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        await transfer(entries[i]!.pair, chunk, entries[i]!.bytes);
        wall[i]!.push(Number(process.hrtime.bigint() - t0));
        const c = process.cpuUsage(c0);
        cpu[i]!.push((c.user + c.system) * 1000);
      }
    }
  } finally {
    for (const e of entries) e.pair.close();
  }
  const record = (group: string, samples: number[][], unit: string): void =>
    entries.forEach((e, i) => {
      const ns = median(samples[i]!);
      const name = `${e.label} [${unit}]`;
      h.results.push({ suite: h.suite, name, group, baseline: e.baseline, ops: ROUNDS, seconds: samples[i]!.reduce((a, b) => a + b, 0) / 1e9, opsPerSec: (1e9 / ns) * (e.bytes / PER_OP), nsPerOp: ns, bytesPerOp: e.bytes, mbPerSec: (e.bytes / ns) * 1e3 });
    });
  record('stream MB per CPU-second', cpu, 'CPU time');
  record('stream MB/s wall clock', wall, 'wall clock');
  const mbs = (label: string, unit: string): number => h.results.find((r) => r.name.startsWith(label) && r.name.endsWith(`[${unit}]`))!.mbPerSec!;
  for (const unit of ['CPU time', 'wall clock']) {
    const plain = mbs(MODES[0]!.label, unit);
    const parts = [128, 256].map((bits) => `AES/CTR ${bits} at ${((mbs(`AES/CTR ${bits}`, unit) / plain) * 100).toFixed(0)}%`);
    const worst = Math.min(...[128, 256].map((bits) => mbs(`AES/CTR ${bits}`, unit) / plain));
    h.note(`${unit}: ${parts.join(', ')} of plaintext (goal >= 80%${worst >= 0.8 ? ', met' : ', NOT met'}); plaintext streams at ${((plain / mbs('bare socket', unit)) * 100).toFixed(0)}% of a bare socket pair; medians of ${ROUNDS} interleaved rounds`);
  }
  for (const cipher of ['aes-128-ctr', 'aes-256-ctr', 'des-ede3-cbc']) {
    const speed = opensslSpeed(cipher);
    h.note(speed === undefined ? `openssl speed -evp ${cipher}: not available` : `openssl speed -evp ${cipher} (16 KiB blocks, one core): ${speed.toFixed(0)} MB/s`);
  }
}
