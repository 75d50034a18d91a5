/**
 * `npm run fuzz` (not part of `npm test`): every decoder of test/fuzz/targets.ts on a million
 * fast-check inputs (random bytes and mutated valid inputs), reporting per decoder: cases per
 * second, internal errors (anything but a typed HsecError; goal 0, each saved with its input under
 * test/fuzz/results/), and the slowest case. Results go to test/fuzz/results/latest.json.
 *
 *   npm run fuzz                       1,000,000 cases per decoder
 *   npm run fuzz -- --cases 50000      fewer
 *   npm run fuzz -- krb5 ccache        only targets whose name contains a word given
 */
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configureLogging } from '../../lib/log/logger.ts';
import { fuzzInputs } from './mutate.ts';
import { isTypedFailure, prepareTargets, TARGETS } from './targets.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const out = join(here, 'results');

interface TargetResult {
  target: string;
  cases: number;
  seconds: number;
  casesPerSecond: number;
  internalErrors: number;
  firstInternalError?: string;
  slowestMs: number;
  slowestInputBytes: number;
}

function parseArgs(argv: string[]): { cases: number; filters: string[]; seed: number } {
  let cases = 1_000_000;
  let seed = Date.now() & 0x7fffffff;
  const filters: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--cases') cases = Number(argv[++i]);
    else if (argv[i] === '--seed') seed = Number(argv[++i]);
    else filters.push(argv[i]!.toLowerCase());
  }
  return { cases, filters, seed };
}

async function main(): Promise<void> {
  const { cases, filters, seed } = parseArgs(process.argv.slice(2));
  configureLogging({ level: 'silent' });
  await prepareTargets();
  mkdirSync(out, { recursive: true });
  const results: TargetResult[] = [];
  process.stdout.write(`fuzz: ${cases} cases per decoder, seed ${seed}\n`);
  for (const target of TARGETS) {
    if (filters.length > 0 && !filters.some((f) => target.name.toLowerCase().includes(f))) continue;
    const r: TargetResult = { target: target.name, cases: 0, seconds: 0, casesPerSecond: 0, internalErrors: 0, slowestMs: 0, slowestInputBytes: 0 };
    const started = process.hrtime.bigint();
    const record = (input: Uint8Array, t0: bigint, e?: unknown): void => {
      if (e !== undefined && !isTypedFailure(e)) {
        r.internalErrors++;
        if (r.internalErrors <= 5) {
          const file = join(out, `${target.name.replace(/\W+/g, '-')}-${r.internalErrors}.bin`);
          writeFileSync(file, input);
          r.firstInternalError ??= `${(e as Error).stack ?? String(e)} (input saved to ${file})`;
        }
      }
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (ms > r.slowestMs) {
        r.slowestMs = ms;
        r.slowestInputBytes = input.length;
      }
      r.cases++;
    };
    const inputs = fuzzInputs(target.seeds());
    const options = { numRuns: cases, seed, endOnFailure: true };
    if (target.async) {
      await fc.check(
        fc.asyncProperty(inputs, async (input) => {
          const t0 = process.hrtime.bigint();
          try {
            await target.run(input);
            record(input, t0);
          } catch (e) {
            record(input, t0, e);
          }
        }),
        options,
      );
    } else {
      fc.check(
        fc.property(inputs, (input) => {
          const t0 = process.hrtime.bigint();
          try {
            target.run(input);
            record(input, t0);
          } catch (e) {
            record(input, t0, e);
          }
        }),
        options,
      );
    }
    r.seconds = Number(process.hrtime.bigint() - started) / 1e9;
    r.casesPerSecond = Math.round(r.cases / r.seconds);
    results.push(r);
    process.stdout.write(`${target.name.padEnd(40)} ${String(r.cases).padStart(8)} cases ${String(r.casesPerSecond).padStart(7)}/s  internal errors ${r.internalErrors}  slowest ${r.slowestMs.toFixed(2)} ms (${r.slowestInputBytes} B)\n`);
    if (r.firstInternalError) process.stdout.write(`  first internal error: ${r.firstInternalError}\n`);
  }
  writeFileSync(join(out, 'latest.json'), JSON.stringify({ date: new Date().toISOString(), seed, cases, node: process.version, results }, null, 2));
  const bad = results.reduce((n, r) => n + r.internalErrors, 0);
  process.stdout.write(`fuzz: ${results.length} decoders, ${bad} internal errors; wrote ${join(out, 'latest.json')}\n`);
  process.exitCode = bad === 0 ? 0 : 1;
}

await main();
