#!/usr/bin/env node
// The checkout's fast build, so `bin/hsec` starts from JavaScript instead of compiling TypeScript
// on every run (tsx costs about a second per command). It mirrors the product directories into
// .hsec-build/: each .ts file is transpiled alone with esbuild (no type check: `npm run typecheck`
// and `npm test` do that) and its relative `./x.ts` imports become `./x.js`, as tsc's
// rewriteRelativeImportExtensions does for dist/; other files (.proto) are copied. Only files whose
// source is newer than their output are redone, so a run with nothing changed costs a few stats.
// Writes go through a temp file and a rename: several processes may build at once.
// The published package does not use this: `npm run build` compiles dist/ with tsc.
//
//   node scripts/dev-build.mjs        bring .hsec-build/ up to date (setup.sh runs it)
//   import { ensureDevBuild } from    the same, from bin/hsec; returns the entry point
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What bin/hsec needs: the product directories. */
const SOURCE_DIRS = ['lib', 'security', 'cluster', 'bin', 'api'];
export const BUILD_DIR = '.hsec-build';

/** Relative import/export specifiers ending in .ts, in esbuild's output style (double quotes). */
const TS_SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)"(\.{1,2}\/[^"]+)\.ts"/g;

function* files(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* files(path);
    else if (e.isFile()) yield path;
  }
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

function writeAtomic(path, data) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Brings `<root>/.hsec-build` up to date; returns how many files were redone. A stamp file marks
 * the last complete pass: sources older than it are skipped without looking at their outputs, so
 * an up-to-date check is one stat per source file.
 */
export async function ensureDevBuild(root) {
  const out = join(root, BUILD_DIR);
  const stampFile = join(out, '.stamp');
  const stamp = mtime(stampFile);
  const started = Date.now();
  let esbuild;
  let redone = 0;
  for (const dir of SOURCE_DIRS) {
    for (const src of files(join(root, dir))) {
      if (src.endsWith('.d.ts')) continue;
      const srcTime = mtime(src);
      if (srcTime < stamp) continue;
      const rel = relative(root, src);
      const isTs = src.endsWith('.ts');
      const dest = join(out, isTs ? rel.replace(/\.ts$/, '.js') : rel);
      if (mtime(dest) >= srcTime) continue;
      if (!isTs) {
        mkdirSync(dirname(dest), { recursive: true });
        copyFileSync(src, `${dest}.${process.pid}.tmp`);
        renameSync(`${dest}.${process.pid}.tmp`, dest);
      } else {
        esbuild ??= await import('esbuild');
        const { code } = esbuild.transformSync(readFileSync(src, 'utf8'), {
          loader: 'ts',
          format: 'esm',
          target: 'node20',
          sourcefile: src,
          sourcemap: 'inline',
        });
        writeAtomic(dest, code.replace(TS_SPECIFIER, (_m, head, spec) => `${head}"${spec}.js"`));
      }
      redone++;
    }
  }
  // The stamp is the start of this pass: a source saved during it is newer and is looked at next time.
  if (redone > 0 || stamp < 0) {
    writeAtomic(stampFile, '');
    utimesSync(stampFile, started / 1000, started / 1000);
  }
  return redone;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const n = await ensureDevBuild(root);
  process.stdout.write(`dev-build: ${n} file(s) rebuilt in ${BUILD_DIR}/\n`);
}
