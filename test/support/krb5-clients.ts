/**
 * MIT Kerberos command-line clients (kinit, klist, kvno) as test peers: run with a realm's
 * environment (MiniKdc.env()), the C locale and UTC so their output parses the same everywhere.
 */
import { requireBinary, runProgram, tail, type RunResult } from '../../cluster/mini/binaries.ts';

function clientEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, LC_ALL: 'C', LANG: 'C', TZ: 'UTC' };
}

async function run(name: string, env: NodeJS.ProcessEnv, args: readonly string[], input: string | undefined, allowFailure: boolean): Promise<RunResult> {
  const res = await runProgram(requireBinary(name), args, { env: clientEnv(env), input, timeoutMs: 20_000 });
  if (res.code !== 0 && !allowFailure) {
    throw new Error(`${name} ${args.join(' ')} failed (exit ${res.code}): ${tail(res.stderr || res.stdout, 10)}`);
  }
  return res;
}

/** Runs kinit; `input` is fed to stdin (a password followed by a newline). Throws on failure unless allowFailure. */
export function kinit(env: NodeJS.ProcessEnv, args: readonly string[], input?: string, opts: { allowFailure?: boolean } = {}): Promise<RunResult> {
  return run('kinit', env, args, input, opts.allowFailure ?? false);
}

/** Runs klist and returns its stdout; throws on failure. */
export async function klist(env: NodeJS.ProcessEnv, args: readonly string[] = []): Promise<string> {
  return (await run('klist', env, args, undefined, false)).stdout;
}

/** Runs kvno (gets a service ticket for each principal); throws on failure. */
export async function kvno(env: NodeJS.ProcessEnv, ...principals: string[]): Promise<string> {
  return (await run('kvno', env, principals, undefined, false)).stdout;
}

/** Parses klist's `MM/DD/YY HH:MM:SS` (C locale, UTC) into epoch milliseconds. */
export function parseKlistTime(text: string): number {
  const m = /^(\d\d)\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(text.trim());
  if (!m) throw new Error(`unexpected klist time format: ${text}`);
  const [, mo, d, y, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(2000 + y, mo - 1, d, h, mi, s);
}

/** Lifetimes of the tickets listed by klist, keyed by service principal. */
export function ticketLifetimes(klistOutput: string): Map<string, { startMs: number; endMs: number }> {
  const out = new Map<string, { startMs: number; endMs: number }>();
  const re = /^(\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d)\s+(\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d)\s+(\S+)/gm;
  for (const m of klistOutput.matchAll(re)) {
    out.set(m[3]!, { startMs: parseKlistTime(m[1]!), endMs: parseKlistTime(m[2]!) });
  }
  return out;
}

/** Seconds between "Valid starting" and "Expires" of the TGT in klist's output. */
export function ticketLifetimeSeconds(klistOutput: string): number {
  for (const [service, t] of ticketLifetimes(klistOutput)) {
    if (service.startsWith('krbtgt/')) return (t.endMs - t.startMs) / 1000;
  }
  throw new Error(`no TGT in klist output:\n${klistOutput}`);
}
