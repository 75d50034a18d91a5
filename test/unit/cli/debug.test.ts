// hsec debug recoverLease's argument checks, which DebugAdmin.RecoverLeaseCommand makes before it
// reaches a NameNode: -retries must parse as Integer.parseInt does (a Java int).
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDebug } from '../../../cluster/cli/commands/debug.ts';

describe('cli/hsec debug recoverLease: arguments', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'hsec-debug-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runDebug(dir, args, { out: (s) => void (out += s), err: (s) => void (err += s), env: {} });
    return { code, out, err };
  }

  it('-retries outside a Java int is a NumberFormatException, as Integer.parseInt', async () => {
    for (const bad of ['2147483648', '-2147483649', '1e3', '']) {
      expect(await run('recoverLease', '-path', '/f', '-retries', bad)).to.deep.equal({
        code: 1, out: '', err: `Failed to parse the argument to -retries: java.lang.NumberFormatException: For input string: "${bad}"\n`,
      });
    }
  });

  it('no -path', async () => {
    expect(await run('recoverLease', '-retries', '2147483647')).to.deep.equal({ code: 1, out: '', err: 'You must supply a -path argument to recoverLease.\n' });
  });
});
