/**
 * Delegation token store throughput and start-up: issue, renew and cancel operations/s through the
 * DelegationTokenSecretManager on a JournalTokenStore with durability on (every acknowledged
 * operation fdatasync'ed; group commit shares one fsync among the operations in flight), with 0,
 * 100 000 and 1 000 000 tokens already stored; then the NameNode-equivalent start-up (store open +
 * journal replay + first key roll, as `NameNode.start` does it) of a fresh process holding
 * 1 000 000 live tokens: time and RSS.
 *
 * The measurements run in a child process (this file with `worker`), so the NameNode logs of a
 * million issues stay off (HSEC_LOG_LEVEL=warn unless set) and RSS is the store's own. Store files
 * go to a temp dir on the default file system (not tmpfs), removed at the end.
 * Filling the store is measured too (`filling a -> b`: issues/s over the whole fill, compactions
 * included). HSEC_BENCH_TOKENS=N caps the largest population (default 1 000 000; the whole suite
 * takes about 1.5-2 minutes at 1 000 000 on 2 cores, most of it filling the store).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult, Harness } from '../harness.ts';
import { runChild } from '../reference.ts';
import { DelegationTokenSecretManager } from '../../security/token/secret-manager.ts';
import type { IssuedToken } from '../../security/token/secret-manager.ts';
import { JournalTokenStore } from '../../security/token/store/journal/journal-token-store.ts';

export const name = 'token-store';

const SELF = fileURLToPath(import.meta.url);
const IN_FLIGHT = 256;
const FILL_IN_FLIGHT = 512;
const MEASURE_MS = 3000;

export async function run(h: Harness): Promise<void> {
  const max = Number(process.env.HSEC_BENCH_TOKENS ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'hsec-bench-tokens-'));
  const started = Date.now();
  try {
    const worker = JSON.parse(await child(['worker', dir, String(max)])) as { results: BenchResult[]; notes: string[] };
    for (const r of worker.results) h.results.push({ ...r, suite: h.suite });
    for (const n of worker.notes) h.note(n);
    const startup = JSON.parse(await child(['startup', join(dir, 'store')])) as { ms: number; tokens: number; rssMiB: number; baseRssMiB: number; heapMiB: number };
    h.note(`start-up with ${startup.tokens} live tokens (fresh process, store open + replay + first key roll): ` +
      `${startup.ms.toFixed(0)} ms, RSS ${startup.rssMiB.toFixed(0)} MiB (${startup.baseRssMiB.toFixed(0)} MiB before opening the store), JS heap ${startup.heapMiB.toFixed(0)} MiB`);
    h.note(`suite wall time ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function child(args: string[]): Promise<string> {
  return runChild(SELF, args, `token-store bench ${args[0]}`);
}

function manager(dir: string): DelegationTokenSecretManager {
  return new DelegationTokenSecretManager({ store: new JournalTokenStore({ dir }) });
}

/** Keeps `inFlight` operations running for `ms` (or until `limit` were started); completed operations and seconds. */
async function throughput(ms: number, inFlight: number, op: (i: number) => Promise<unknown>, limit = Number.POSITIVE_INFINITY): Promise<{ ops: number; seconds: number }> {
  let next = 0;
  let done = 0;
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(ms) * 1_000_000n;
  const lane = async (): Promise<void> => {
    while (next < limit && process.hrtime.bigint() < end) {
      await op(next++);
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return { ops: done, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

function result(name: string, group: string, baseline: boolean, m: { ops: number; seconds: number }): BenchResult {
  const opsPerSec = m.ops / m.seconds;
  return { suite: name, name, group, baseline, ops: m.ops, seconds: m.seconds, opsPerSec, nsPerOp: 1e9 / opsPerSec, bytesPerOp: undefined, mbPerSec: undefined };
}

/** JIT warm-up on a scratch store, so the "0 stored" numbers are not the cold start's. */
async function warmUp(dir: string): Promise<void> {
  const sm = manager(dir);
  await sm.start(false);
  const tokens: IssuedToken[] = [];
  await throughput(1000, IN_FLIGHT, async (i) => tokens.push(await sm.createToken({ owner: `warm${i}@EXAMPLE.TEST`, renewer: 'yarn' })));
  await throughput(500, IN_FLIGHT, (i) => sm.renewToken(tokens[i % tokens.length]!.token, 'yarn'));
  await throughput(500, IN_FLIGHT, (i) => sm.cancelToken(tokens[i]!.token, tokens[i]!.identifier.owner), tokens.length);
  await sm.stop();
  rmSync(dir, { recursive: true, force: true });
}

async function worker(dir: string, max: number): Promise<void> {
  const results: BenchResult[] = [];
  const notes: string[] = [];
  await warmUp(join(dir, 'warm-up'));
  const store = new JournalTokenStore({ dir: join(dir, 'store') });
  const sm = new DelegationTokenSecretManager({ store });
  await sm.start(false);
  const issue = (i: number): Promise<IssuedToken> => sm.createToken({ owner: `user${i % 5000}@EXAMPLE.TEST`, renewer: 'yarn' });
  let serial = 0;
  const levels = [0, 100_000, 1_000_000].filter((n) => n <= max);
  if (!levels.includes(max)) levels.push(max);
  for (const level of levels) {
    if (sm.tokenCount < level) {
      const before = sm.tokenCount;
      const t0 = performance.now();
      await Promise.all(Array.from({ length: FILL_IN_FLIGHT }, async () => {
        while (sm.tokenCount < level) await issue(serial++);
      }));
      const fill = { ops: sm.tokenCount - before, seconds: (performance.now() - t0) / 1000 };
      results.push(result(`issue, ${FILL_IN_FLIGHT} in flight, filling ${before.toLocaleString('en-US')} -> ${sm.tokenCount.toLocaleString('en-US')}`, 'fill', false, fill));
    }
    const label = `${level.toLocaleString('en-US')} stored`;
    const fresh: IssuedToken[] = [];
    const stats0 = store.stats;
    const issued = await throughput(MEASURE_MS, IN_FLIGHT, async (i) => fresh.push(await issue(serial + i)));
    serial += issued.ops + IN_FLIGHT;
    const stats1 = store.stats;
    results.push(result(`issue, ${IN_FLIGHT} in flight, ${label}`, 'issue', level === 0, issued));
    notes.push(`issue at ${label}: ${(issued.ops / issued.seconds).toFixed(0)} tokens/s, ${((stats1.records - stats0.records) / Math.max(1, stats1.commits - stats0.commits)).toFixed(0)} records per fsync`);
    const renewed = await throughput(MEASURE_MS, IN_FLIGHT, (i) => sm.renewToken(fresh[i % fresh.length]!.token, 'yarn'));
    results.push(result(`renew, ${IN_FLIGHT} in flight, ${label}`, 'renew', level === 0, renewed));
    const cancelled = await throughput(MEASURE_MS, IN_FLIGHT, (i) => sm.cancelToken(fresh[i]!.token, fresh[i]!.identifier.owner), fresh.length);
    results.push(result(`cancel, ${IN_FLIGHT} in flight, ${label}`, 'cancel', level === 0, cancelled));
    const one = await throughput(MEASURE_MS, 1, () => issue(serial++));
    results.push(result(`issue, 1 in flight, ${label}`, 'issue, 1 in flight', level === 0, one));
  }
  await sm.stop();
  process.stdout.write(`${JSON.stringify({ results, notes })}\n`);
}

async function startup(dir: string): Promise<void> {
  const baseRssMiB = process.memoryUsage().rss / 2 ** 20;
  const t0 = performance.now();
  const sm = manager(dir);
  await sm.start(false);
  const ms = performance.now() - t0;
  const mem = process.memoryUsage();
  const out = { ms, tokens: sm.tokenCount, rssMiB: mem.rss / 2 ** 20, baseRssMiB, heapMiB: mem.heapUsed / 2 ** 20 };
  await sm.stop();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (process.argv[1] === SELF) {
  const [mode, dir, max] = process.argv.slice(2);
  if (mode === 'worker') await worker(dir!, Number(max));
  else if (mode === 'startup') await startup(dir!);
}
