#!/usr/bin/env node
// The checkout's build of the `hsec` command, so `bin/hsec` starts from bundled JavaScript instead
// of compiling TypeScript on every run (tsx costs about a second per command). When any source is
// newer than the last build, scripts/bundle-cli.mjs bundles the command again (esbuild, no type
// check: `npm run typecheck` and `npm test` do that; a few hundred milliseconds) into a fresh
// directory under .hsec-build/, and the `current` symlink is swapped to it atomically, so commands
// already running from the previous build keep their files. Older builds are removed after a while.
// A run with nothing changed costs one stat per source file.
//
//   node scripts/dev-build.mjs        bring .hsec-build/ up to date (setup.sh runs it)
//   import { ensureDevBuild } from    the same, from bin/hsec; returns the entry point
import { mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCli } from './bundle-cli.mjs';

/** What bin/hsec is built from. */
const SOURCE_DIRS = ['lib', 'security', 'cluster', 'bin', 'api'];
export const BUILD_DIR = '.hsec-build';
/** Builds no longer current are removed once they are this old (ms): long enough for commands started from them to have loaded. */
const KEEP_OLD_MS = 10 * 60_000;

function newestSource(root, since) {
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory() ? walk(path) : e.isFile() && statSync(path).mtimeMs >= since) return true;
    }
    return false;
  };
  return SOURCE_DIRS.some((d) => walk(join(root, d)));
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * Brings `<root>/.hsec-build` up to date and returns the entry point (`.hsec-build/current/hsec.js`).
 * The stamp file marks when the current build started: sources changed after it trigger a rebuild.
 */
export async function ensureDevBuild(root) {
  const out = join(root, BUILD_DIR);
  const current = join(out, 'current');
  const stampFile = join(out, '.stamp');
  const stamp = mtime(stampFile);
  if (stamp >= 0 && mtime(join(current, 'hsec.js')) >= 0 && !newestSource(root, stamp)) return join(current, 'hsec.js');

  const started = Date.now();
  const name = `build-${started}-${process.pid}`;
  await bundleCli(root, join(out, name));
  // Point `current` at the new build atomically (rename over the old link).
  const link = join(out, `.current-${process.pid}`);
  rmSync(link, { force: true });
  symlinkSync(name, link);
  renameSync(link, current);
  writeFileSync(stampFile, '');
  utimesSync(stampFile, started / 1000, started / 1000);
  removeOldBuilds(out, name);
  return join(current, 'hsec.js');
}

function removeOldBuilds(out, keep) {
  let live;
  try {
    live = readlinkSync(join(out, 'current'));
  } catch {
    live = keep;
  }
  for (const e of readdirSync(out, { withFileTypes: true })) {
    if (!e.isDirectory() || !e.name.startsWith('build-') || e.name === keep || e.name === live) continue;
    if (Date.now() - mtime(join(out, e.name)) > KEEP_OLD_MS) rmSync(join(out, e.name), { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  mkdirSync(join(root, BUILD_DIR), { recursive: true });
  const entry = await ensureDevBuild(root);
  process.stdout.write(`dev-build: ${entry} is up to date\n`);
}
