/**
 * How long a command takes, start to exit, as a person at a terminal feels it: `hsec klist` and
 * `hsec kinit -kt` (bin/hsec of this checkout: compiled JavaScript from .hsec-build/) next to MIT's
 * `klist` and `kinit -kt` on the same ccache and KDC, and `node -e 0` (Node's own start-up floor),
 * in the same run. Goal (issue 7): hsec klist under 150 ms. Each command runs `RUNS` times after a
 * warm-up; the note reports median and p90 milliseconds and the ratio to MIT's median.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Harness } from '../harness.ts';
import { MiniKdc } from '../../cluster/mini/mini-kdc.ts';
import { whichBinary } from '../../cluster/mini/binaries.ts';

export const name = 'cli-startup';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNS = 25;

function timeRuns(cmd: string, args: string[], env: NodeJS.ProcessEnv): number[] {
  const run = () => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return ms;
  };
  for (let i = 0; i < 3; i++) run(); // warm the page cache (and .hsec-build)
  return Array.from({ length: RUNS }, run).sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

export async function run(h: Harness): Promise<void> {
  if (!whichBinary('krb5kdc') || !whichBinary('klist')) {
    h.note('skipped: MIT krb5kdc / klist not installed (Debian: krb5-kdc krb5-user)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hsec-bench-cli-'));
  const kdc = await MiniKdc.start();
  try {
    const keytab = join(dir, 'alice.keytab');
    await kdc.createKeytab(keytab, 'alice');
    const env = { ...process.env, ...kdc.env(`FILE:${join(dir, 'cc')}`) };
    delete env.HSEC_LOG_LEVEL;
    const hsec = join(REPO, 'bin', 'hsec');
    const cases: Array<[label: string, cmd: string, args: string[]]> = [
      ['node -e 0 (Node start-up floor)', process.execPath, ['-e', '0']],
      ['MIT kinit -kt', whichBinary('kinit')!, ['-kt', keytab, 'alice']],
      ['hsec kinit -kt', hsec, ['kinit', '-kt', keytab, 'alice']],
      ['MIT klist', whichBinary('klist')!, []],
      ['hsec klist', hsec, ['klist']],
    ];
    const medians = new Map<string, number>();
    for (const [label, cmd, args] of cases) {
      const times = timeRuns(cmd, args, env);
      medians.set(label, pct(times, 0.5));
      const group = label.includes('kinit') ? 'kinit -kt' : label.includes('klist') ? 'klist' : 'node';
      h.results.push({
        suite: name,
        name: label,
        group,
        baseline: label.startsWith('MIT') || group === 'node',
        ops: times.length,
        seconds: times.reduce((a, b) => a + b, 0) / 1000,
        opsPerSec: 1000 / pct(times, 0.5),
        nsPerOp: pct(times, 0.5) * 1e6,
        bytesPerOp: undefined,
        mbPerSec: undefined,
      });
      h.note(`${label}: median ${pct(times, 0.5).toFixed(1)} ms, p90 ${pct(times, 0.9).toFixed(1)} ms over ${RUNS} runs`);
    }
    const klist = medians.get('hsec klist')!;
    h.note(`hsec klist median ${klist.toFixed(1)} ms: goal < 150 ms ${klist < 150 ? 'met' : 'NOT met'}; ${(klist / medians.get('MIT klist')!).toFixed(1)}x MIT klist; Node alone ${medians.get('node -e 0 (Node start-up floor)')!.toFixed(1)} ms`);
    h.note(`hsec kinit -kt median ${medians.get('hsec kinit -kt')!.toFixed(1)} ms, ${(medians.get('hsec kinit -kt')! / medians.get('MIT kinit -kt')!).toFixed(1)}x MIT kinit -kt`);
  } finally {
    await kdc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
