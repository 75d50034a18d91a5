/**
 * The hsec version, read from the package.json of the installation it runs from (a checkout, its
 * .hsec-build/, or an installed package's dist/): the nearest package.json named `hsec` above this
 * module.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `0.1.0`, or `unknown` when no package.json is found. */
export function hsecVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'hsec' && pkg.version) return pkg.version;
    } catch {
      // no package.json here: keep climbing
    }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}
