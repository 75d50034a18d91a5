#!/usr/bin/env node
// The `hsec` command as a few bundled files, so it starts fast: Node loads a handful of chunks
// instead of seventy modules (measured: half the start-up time of the unbundled build). esbuild
// bundles bin/hsec.ts with code splitting, so each subcommand's module (loaded on demand by
// cluster/cli/index.ts) stays a chunk of its own. The small CommonJS packages every command loads
// (commander, asn1js, sax) are bundled too: Node would otherwise scan and wrap them as CommonJS on
// each start (a fifth of `hsec klist`'s time); pino (its transports load files by path) and
// protobufjs (its optional dynamic requires) stay external. The .proto files the
// runtime loads next to its modules (`new URL('./X.proto', import.meta.url)`) are copied into the
// same directory, flat: their names are unique. The library API (dist/api) is the tsc build.
//
//   node scripts/bundle-cli.mjs OUTDIR        (npm run build writes dist/cli)
//   import { bundleCli } from ...             (scripts/dev-build.mjs, for the checkout)
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where .proto files live (every product directory). */
const PRODUCT_DIRS = ['lib', 'security', 'cluster'];

function* protoFiles(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* protoFiles(path);
    else if (e.isFile() && e.name.endsWith('.proto')) yield path;
  }
}

/** Bundles `<root>/bin/hsec.ts` into `outdir` (entry: outdir/hsec.js) and copies the .proto files next to it. */
export async function bundleCli(root, outdir) {
  const esbuild = await import('esbuild');
  mkdirSync(outdir, { recursive: true });
  await esbuild.build({
    entryPoints: { hsec: join(root, 'bin', 'hsec.ts') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['pino', 'protobufjs', 'protobufjs/*'],
    // bundled CommonJS calls require() for Node's built-ins: give the ESM chunks a real one
    banner: { js: "import { createRequire as __hsecCreateRequire } from 'node:module'; const require = __hsecCreateRequire(import.meta.url);" },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  const seen = new Map();
  for (const dir of PRODUCT_DIRS) {
    for (const proto of protoFiles(join(root, dir))) {
      const name = basename(proto);
      if (seen.has(name)) throw new Error(`bundle-cli: two .proto files named ${name} (${seen.get(name)}, ${proto}): the bundle keeps them in one directory`);
      seen.set(name, proto);
      copyFileSync(proto, join(outdir, name));
    }
  }
  return join(outdir, 'hsec.js');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const out = resolve(process.argv[2] ?? join(root, 'dist', 'cli'));
  await bundleCli(root, out);
  process.stdout.write(`bundle-cli: wrote ${out}/hsec.js\n`);
}
