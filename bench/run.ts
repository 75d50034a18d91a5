/**
 * `npm run bench` (never part of `npm test`): discovers bench/suites/*.ts (each exports `name`
 * and `run(h: Harness)`), runs them one after another, prints a table, and writes
 * bench/results/<timestamp>.json and bench/results/latest.json with machine info (CPU, cores,
 * Node, OpenSSL, load, git commit) so later runs on the same machine compare.
 *
 *   npm run bench                       all suites
 *   npm run bench -- sasl               suites whose name contains "sasl"
 *   npm run bench -- --duration 300     shorter measurements (ms per result)
 *   HSEC_BENCH_TOKENS=100000 npm run bench -- token-store
 *                                       the token store suite up to 100 000 stored tokens instead
 *                                       of 1 000 000 (about 20 s instead of 2-3 min)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Harness, formatTable, type BenchResult, type BenchSuite } from './harness.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

function parseArgs(argv: string[]): { filters: string[]; durationMs?: number; warmupMs?: number } {
  const filters: string[] = [];
  let durationMs: number | undefined;
  let warmupMs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--duration') durationMs = Number(argv[++i]);
    else if (a === '--warmup') warmupMs = Number(argv[++i]);
    else filters.push(a);
  }
  return { filters, durationMs, warmupMs };
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function machineInfo(): Record<string, unknown> {
  const cpu = cpus();
  return {
    platform: platform(),
    release: release(),
    arch: arch(),
    cpuModel: cpu[0]?.model,
    cpuCount: cpu.length,
    totalMemMiB: Math.round(totalmem() / 2 ** 20),
    loadavg: loadavg(),
    node: process.version,
    openssl: process.versions.openssl,
    v8: process.versions.v8,
    execArgv: process.execArgv,
    gitCommit: gitCommit(),
  };
}

async function main(): Promise<void> {
  const { filters, durationMs, warmupMs } = parseArgs(process.argv.slice(2));
  const files = readdirSync(join(here, 'suites'))
    .filter((f) => f.endsWith('.ts'))
    .sort();
  const all: BenchResult[] = [];
  const notes: Record<string, string[]> = {};
  const started = new Date();
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(here, 'suites', file)).href)) as BenchSuite;
    if (typeof mod.run !== 'function' || typeof mod.name !== 'string') {
      process.stderr.write(`bench: ${file} does not export name and run(h); skipped\n`);
      continue;
    }
    if (filters.length > 0 && !filters.some((f) => mod.name.includes(f) || file.includes(f))) continue;
    process.stdout.write(`running ${mod.name} ...\n`);
    const h = new Harness(mod.name, { durationMs, warmupMs });
    await mod.run(h);
    h.finish();
    all.push(...h.results);
    notes[mod.name] = h.notes;
  }
  process.stdout.write(`\n${formatTable(all)}\n`);
  for (const [suite, list] of Object.entries(notes)) for (const n of list) process.stdout.write(`\n[${suite}] ${n}`);
  process.stdout.write('\n');
  const report = { startedAt: started.toISOString(), finishedAt: new Date().toISOString(), machine: machineInfo(), results: all, notes };
  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const json = `${JSON.stringify(report, null, 1)}\n`;
  writeFileSync(join(dir, `${stamp}.json`), json);
  writeFileSync(join(dir, 'latest.json'), json);
  process.stdout.write(`\nwrote bench/results/${stamp}.json and bench/results/latest.json\n`);
}

await main();
