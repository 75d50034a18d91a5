/**
 * The benchmark harness: measures throughput (ops/s and, when an op processes bytes, MB/s) of a
 * function with a warm-up, then a fixed time budget (or an iteration cap), in batches so timer
 * reads do not dominate small ops. Results are grouped; within a group one result is the
 * baseline and every other result reports its ratio to it (e.g. auth-int and auth-conf relative
 * to auth). Suites may add derived notes (e.g. per-call overhead from a two-size fit). bench/run.ts
 * prints the table and writes JSON with machine info so runs on the same machine compare.
 */

export interface MeasureOptions {
  /** Bytes processed per call; enables MB/s (1 MB = 10^6 bytes). */
  readonly bytesPerOp?: number;
  /** Results in the same group are compared with the group's baseline. */
  readonly group?: string;
  /** Marks this result as its group's baseline (ratio 1). */
  readonly baseline?: boolean;
  /** Measurement budget in ms (default the harness's durationMs). */
  readonly durationMs?: number;
  /** Stop after this many ops even if time remains. */
  readonly maxOps?: number;
}

export interface BenchResult {
  readonly suite: string;
  readonly name: string;
  readonly group: string | undefined;
  readonly baseline: boolean;
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSec: number;
  readonly nsPerOp: number;
  readonly bytesPerOp: number | undefined;
  readonly mbPerSec: number | undefined;
  /** opsPerSec / baseline opsPerSec within the group (set once the suite ends). */
  ratio?: number | undefined;
}

export interface HarnessOptions {
  /** Measurement budget per result, ms. Default 600. */
  readonly durationMs?: number;
  /** Warm-up per result, ms. Default 150. */
  readonly warmupMs?: number;
}

export class Harness {
  readonly suite: string;
  readonly results: BenchResult[] = [];
  readonly notes: string[] = [];
  readonly #durationMs: number;
  readonly #warmupMs: number;

  constructor(suite: string, options: HarnessOptions = {}) {
    this.suite = suite;
    this.#durationMs = options.durationMs ?? 600;
    this.#warmupMs = options.warmupMs ?? 150;
  }

  /** Measures `fn` (sync or async) and records the result. */
  async measure(name: string, fn: () => unknown, options: MeasureOptions = {}): Promise<BenchResult> {
    await this.#loop(fn, this.#warmupMs, Number.POSITIVE_INFINITY);
    const { ops, ns } = await this.#loop(fn, options.durationMs ?? this.#durationMs, options.maxOps ?? Number.POSITIVE_INFINITY);
    const seconds = ns / 1e9;
    const opsPerSec = ops / seconds;
    const result: BenchResult = {
      suite: this.suite,
      name,
      group: options.group,
      baseline: options.baseline ?? false,
      ops,
      seconds,
      opsPerSec,
      nsPerOp: ns / ops,
      bytesPerOp: options.bytesPerOp,
      mbPerSec: options.bytesPerOp === undefined ? undefined : (opsPerSec * options.bytesPerOp) / 1e6,
    };
    this.results.push(result);
    return result;
  }

  /** Adds a derived observation to the report (printed under the table, stored in JSON). */
  note(text: string): void {
    this.notes.push(text);
  }

  /** Fills in ratios to each group's baseline. */
  finish(): void {
    for (const r of this.results) {
      if (r.group === undefined) continue;
      const base = this.results.find((b) => b.group === r.group && b.baseline);
      if (base) r.ratio = r.opsPerSec / base.opsPerSec;
    }
  }

  async #loop(fn: () => unknown, budgetMs: number, maxOps: number): Promise<{ ops: number; ns: number }> {
    const start = process.hrtime.bigint();
    const budget = BigInt(Math.round(budgetMs * 1e6));
    let ops = 0;
    let batch = 1;
    for (;;) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < batch; i++) {
        const r = fn();
        if (r instanceof Promise) await r;
      }
      ops += batch;
      const now = process.hrtime.bigint();
      if (now - start >= budget || ops >= maxOps) return { ops, ns: Number(now - start) };
      // grow the batch until one batch takes ~10 ms
      if (now - t0 < 10_000_000n) batch = Math.min(batch * 2, Math.max(1, maxOps - ops));
    }
  }
}

/** A benchmark suite module (bench/suites/*.ts). */
export interface BenchSuite {
  readonly name: string;
  run(h: Harness): Promise<void> | void;
}

/** Formats one table row set for the console. */
export function formatTable(results: readonly BenchResult[]): string {
  const rows = [['suite', 'benchmark', 'ops/s', 'MB/s', 'ns/op', 'ratio']];
  for (const r of results) {
    rows.push([
      r.suite,
      r.name,
      r.opsPerSec >= 100 ? r.opsPerSec.toFixed(0) : r.opsPerSec.toFixed(2),
      r.mbPerSec === undefined ? '' : r.mbPerSec.toFixed(1),
      r.nsPerOp.toFixed(0),
      r.ratio === undefined ? '' : r.baseline ? 'base' : r.ratio.toFixed(3),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}
