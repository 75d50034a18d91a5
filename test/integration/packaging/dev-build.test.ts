/**
 * bin/hsec in a checkout runs the bundle in .hsec-build/ (scripts/dev-build.mjs) and bundles again
 * when a source changed. Run on a copy of the checkout's sources (node_modules linked), so the
 * checkout's own build, which other tests use, is never touched: an edited source shows in the
 * next command's output, an unchanged tree reuses the build, and a build in use is not removed.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const COPIED = ['lib', 'security', 'cluster', 'bin', 'api', 'scripts', 'package.json'];
const DESCRIPTION = 'Kerberos-secured, Hadoop-compatible security layer';

describe('packaging: bin/hsec rebuilds the checkout build when a source changes', function () {
  this.timeout(120_000);
  let root: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'hsec-dev-build-'));
    for (const entry of COPIED) cpSync(join(ROOT, entry), join(root, entry), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  const hsec = (...args: string[]): string => execFileSync(process.execPath, [join(root, 'bin', 'hsec'), ...args], { encoding: 'utf8', env: { ...process.env, HSEC_LOG_LEVEL: 'warn' } });
  const current = (): string => readlinkSync(join(root, '.hsec-build', 'current'));

  it('the first command builds; a second with nothing changed reuses that build', () => {
    expect(hsec('--help')).to.contain(DESCRIPTION);
    const first = current();
    expect(first).to.match(/^build-\d+-\d+$/);
    expect(hsec('--help')).to.contain(DESCRIPTION);
    expect(current()).to.equal(first);
  });

  it('an edited source is in the next command: a new build becomes current and the previous one stays for commands still running from it', () => {
    const before = current();
    const source = join(root, 'cluster', 'cli', 'index.ts');
    const text = readFileSync(source, 'utf8');
    expect(text).to.contain(DESCRIPTION);
    writeFileSync(source, text.replace(DESCRIPTION, 'Edited description for the rebuild test'));
    // mtimes can be coarse: make the edit unambiguously newer than the build's stamp
    const later = Date.now() / 1000 + 5;
    utimesSync(source, later, later);
    const help = hsec('--help');
    expect(help).to.contain('Edited description for the rebuild test');
    expect(help).not.to.contain(DESCRIPTION);
    expect(current()).not.to.equal(before);
    // the previous build is kept (removed only once older than ten minutes)
    expect(readFileSync(join(root, '.hsec-build', before, 'hsec.js'), 'utf8').length).to.be.greaterThan(0);
  });
});
