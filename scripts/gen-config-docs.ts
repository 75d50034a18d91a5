/**
 * Writes docs/configuration.md from the configuration key registry (lib/config/keys/*.ts).
 * Run: npx tsx scripts/gen-config-docs.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigDocs } from '../lib/config/docs.ts';
import { defaultRegistry } from '../lib/config/keys/index.ts';

const target = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));
writeFileSync(target, renderConfigDocs(defaultRegistry()));
console.log(`wrote ${target}`);
