/**
 * The `bin/hsec` launcher and the CLI skeleton: the thin launcher runs bin/hsec.ts through tsx,
 * help lists the registered subcommands and the global --conf option, usage errors exit 2, and a
 * typed error exits 1 with its code and message on stderr.
 */
import { expect } from 'chai';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProgram } from '../../../cluster/mini/binaries.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const HSEC = join(REPO, 'bin', 'hsec');

describe('bin/hsec (CLI skeleton)', function () {
  this.timeout(60_000);

  it('prints help with every registered subcommand and the global --conf option', async function () {
    const res = await runProgram(HSEC, ['--help']);
    expect(res.code).to.equal(0);
    expect(res.stdout).to.match(/Usage: hsec/);
    expect(res.stdout).to.include('--conf <dir>');
    for (const command of ['start', 'kinit', 'klist', 'kdiag', 'kdestroy', 'namenode', 'datanode', 'fetchdt', 'dtutil']) {
      expect(res.stdout).to.match(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
  });

  it('exits 2 on an unknown subcommand', async function () {
    const res = await runProgram(HSEC, ['no-such-command']);
    expect(res.code).to.equal(2);
    expect(res.stderr).to.include("unknown command 'no-such-command'");
  });

  it('exits 1 with the error code when a subcommand fails with a typed error', async function () {
    const res = await runProgram(HSEC, ['start', '--max-ticket-life', '5']);
    expect(res.code).to.equal(1);
    expect(res.stderr).to.include('--max-ticket-life must be');
    expect(res.stderr).to.include('[CONFIG_INVALID]');
  });
});
