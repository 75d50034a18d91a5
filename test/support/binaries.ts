/**
 * The rule for suites that need an external program (docs/testing.md): when the program is
 * missing, a CI run (CI=true) fails the suite, because CI installs everything; a local run skips
 * the suite and says so loudly, naming the Debian package and `npm run setup`.
 */
import { DEBIAN_PACKAGE, whichBinary } from '../../cluster/mini/binaries.ts';

/** True when running in CI (CI=true or CI=1), where a missing binary is a failure, never a skip. */
export function isCi(): boolean {
  const ci = (process.env.CI ?? '').toLowerCase();
  return ci === 'true' || ci === '1';
}

/** The names among `names` that are not installed. */
export function missingBinaries(...names: string[]): string[] {
  return names.filter((n) => whichBinary(n) === undefined);
}

/**
 * Call at the top of a `before` hook (with mocha's `this`): fails in CI, skips loudly otherwise,
 * when any of `names` is not installed. Returns normally when all are present.
 */
export function requireBinariesOrSkip(ctx: Mocha.Context, ...names: string[]): void {
  const missing = missingBinaries(...names);
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((n) => DEBIAN_PACKAGE[n] ?? n))].join(' ');
  skipOrFail(ctx, `missing ${missing.join(', ')} (Debian: apt-get install ${pkgs}; or run \`npm run setup\`)`);
}

/** Skips the current suite loudly with `reason`, or throws when CI=true. */
export function skipOrFail(ctx: Mocha.Context, reason: string): never {
  if (isCi()) throw new Error(`CI=true and ${reason}: CI must never skip a suite`);
  const title = ctx.currentTest?.parent?.fullTitle() ?? ctx.test?.parent?.fullTitle() ?? 'suite';
  process.stderr.write(`\n  !!! SKIPPING "${title}": ${reason}\n\n`);
  return ctx.skip();
}
