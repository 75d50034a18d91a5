#!/usr/bin/env node
// Production build helper (`npm run build`, run by `prepack`): tsc compiles the product
// (tsconfig.build.json: lib, security, cluster, bin) to dist/, but copies no non-TypeScript file.
// The runtime reads some files next to its modules (lib/proto/load.ts loads `*.proto` from its own
// directory; cluster/protocol/hdfs-proto.ts and security/token/block-token-identifier.ts resolve
// their .proto files through import.meta.url), so this copies every non-.ts file of the product
// directories to the same relative place under dist/, then checks that the files the runtime needs
// are there.
//
//   node scripts/copy-assets.mjs --clean   remove dist/ (run before tsc, so no stale module ships)
//   node scripts/copy-assets.mjs           copy the assets and verify dist/
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');
/** The product directories compiled by tsconfig.build.json (bin/ holds only TypeScript and the launcher). */
const PRODUCT_DIRS = ['lib', 'security', 'cluster'];
/** Files that must exist after a build; a missing one means the build would ship a broken CLI. */
const REQUIRED = [
  'bin/hsec.js',
  'cli/hsec.js',
  'cluster/cli/index.js',
  'lib/proto/RpcHeader.proto',
  'lib/proto/IpcConnectionContext.proto',
  'lib/proto/ProtobufRpcEngine.proto',
  'lib/proto/Security.proto',
  'cluster/protocol/ClientNamenodeProtocol.proto',
  'cluster/protocol/hdfs.proto',
  'cluster/protocol/acl.proto',
  'cluster/protocol/encryption.proto',
  'cluster/protocol/HdfsServer.proto',
  'cluster/protocol/DatanodeProtocol.proto',
  'cluster/protocol/datatransfer.proto',
  'cluster/protocol/RefreshAuthorizationPolicyProtocol.proto',
  'cluster/protocol/RefreshUserMappingsProtocol.proto',
  'security/token/BlockTokenSecret.proto',
  'security/datatransfer/DataTransferSasl.proto',
];

if (process.argv.includes('--clean')) {
  rmSync(dist, { recursive: true, force: true });
  process.exit(0);
}

/** Every file below `dir` (recursively) whose name does not end in `.ts`. */
function* assets(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* assets(path);
    else if (entry.isFile() && !entry.name.endsWith('.ts')) yield path;
  }
}

let copied = 0;
for (const dir of PRODUCT_DIRS) {
  for (const src of assets(join(root, dir))) {
    const dest = join(dist, relative(root, src));
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(src, dest);
    copied++;
  }
}

const missing = REQUIRED.filter((f) => !existsSync(join(dist, f)));
if (missing.length > 0) {
  process.stderr.write(
    `copy-assets: dist/ is incomplete, missing ${missing.map((f) => `dist/${f}`).join(', ')}. ` +
      'Run `npm run build` (tsc -p tsconfig.build.json, then this script) and check its errors.\n',
  );
  process.exit(1);
}
process.stdout.write(`copy-assets: copied ${copied} asset file(s) into dist/\n`);
