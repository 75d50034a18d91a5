// A FILE ccache whose last record is partial (MIT kinit/kvno appending at that moment): a cache
// MIT wrote (config entries, the TGT, two service tickets) is cut at several points, and at each
// hsec klist prints what MIT klist prints and exits as it does: the good tickets are listed and the
// partial record skipped (MIT cc_file.c ends the list there), with a warning on hsec's stderr; a
// cut inside the header or the default principal fails both. A login from a cut cache still works
// while the TGT survives.
import { expect } from 'chai';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runProgram } from '../../../../cluster/mini/binaries.ts';
import { encodeCredential, parseCcache } from '../../../../security/kerberos/ccache/index.ts';
import { loadKrb5Config } from '../../../../security/kerberos/config/index.ts';
import { loginFromCcache } from '../../../../security/kerberos/login/index.ts';
import { principalToString } from '../../../../security/kerberos/types.ts';
import { runKlist } from '../../../../cluster/cli/commands/klist.ts';
import { useMiniKdc } from '../../../support/fixtures.ts';
import { requireBinariesOrSkip } from '../../../support/binaries.ts';

const HSEC = resolve('bin/hsec');

describe('kerberos files: a ccache cut short at its end', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  const dir = mkdtempSync(join(tmpdir(), 'hsec-cccut-'));
  const whole = join(dir, 'whole');
  /** File offsets where each credential starts, and the end of the file. */
  let starts: number[] = [];
  let size = 0;

  before(async function () {
    requireBinariesOrSkip(this, 'kinit', 'klist', 'kvno');
    await realm.kdc.createKeytab(join(dir, 'alice.keytab'), 'alice');
    await realm.kdc.addPrincipal('svc/localhost');
    await realm.kdc.addPrincipal('other/localhost');
    const env = { ...realm.kdc.env(`FILE:${whole}`), LC_ALL: 'C' };
    for (const [program, args] of [['kinit', ['-kt', join(dir, 'alice.keytab'), 'alice']], ['kvno', ['svc/localhost', 'other/localhost']]] as const) {
      const r = await runProgram(program, [...args], { env });
      expect(r.code, r.stderr).to.equal(0);
    }
    const bytes = readFileSync(whole);
    size = bytes.length;
    // The credentials are the file's tail, back to back, in the v4 encoding the file uses.
    const creds = parseCcache(bytes).credentials;
    let at = size - creds.reduce((n, c) => n + encodeCredential(c).length, 0);
    starts = creds.map((c) => {
      const start = at;
      at += encodeCredential(c).length;
      return start;
    });
    expect(at).to.equal(size);
    expect(creds.length).to.be.at.least(4); // config entries, the TGT, two service tickets
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cutAt = (length: number): string => {
    const path = join(dir, `cut-${length}`);
    copyFileSync(whole, path);
    truncateSync(path, length);
    return path;
  };
  const env = (path: string) => ({ ...realm.kdc.env(`FILE:${path}`), LC_ALL: 'C' });

  it('at every cut, hsec klist -e -f -C prints what MIT klist prints and exits alike', async () => {
    const last = starts[starts.length - 1]!;
    const previous = starts[starts.length - 2]!;
    const cuts = [
      size - 1, size - 7, last + 1, last + 40, Math.floor((last + size) / 2), // inside the last record
      last, // exactly at a record boundary: a whole cache one ticket shorter
      previous + 3, Math.floor((previous + last) / 2), // inside the one before
      starts[0]! - 3, 10, 3, // inside the default principal, the header, the version
    ];
    for (const length of cuts) {
      const path = cutAt(length);
      const mit = await runProgram('klist', ['-e', '-f', '-C'], { env: env(path) });
      let ours: { stdout: string; exitCode: number; warnings: readonly string[] };
      try {
        ours = await runKlist(undefined, { e: true, f: true, C: true }, env(path));
      } catch (e) {
        ours = { stdout: '', exitCode: 1, warnings: [(e as Error).message] };
      }
      expect(ours.stdout, `cut at ${length} of ${size}`).to.equal(mit.stdout);
      expect(ours.exitCode, `exit status, cut at ${length} (MIT: ${mit.stderr})`).to.equal(mit.code);
      const partial = length > starts[0]! && !starts.includes(length);
      if (partial) expect(ours.warnings.join('\n'), `warning at ${length}`).to.match(/ignoring a partial credential at offset \d+/);
      if (length === last) expect(ours.warnings).to.deep.equal([]);
    }
  });

  it('hsec klist warns on stderr and lists the good tickets; a login from the cut cache gets a service ticket', async () => {
    const path = cutAt(size - 5);
    const r = await runProgram(HSEC, ['klist'], { env: env(path) });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('krbtgt/EXAMPLE.TEST@EXAMPLE.TEST').and.contain('svc/localhost@EXAMPLE.TEST').and.not.contain('other/localhost');
    expect(r.stderr).to.match(/^hsec: warning: FILE:.*: ignoring a partial credential at offset \d+ \(\d+ bytes; a writer may be appending\), as MIT does\n$/);
    const login = await loginFromCcache(`FILE:${path}`, { conf: loadKrb5Config(realm.kdc.krb5ConfPath), autoRefresh: false });
    try {
      expect(principalToString((await login.getServiceTicket('other/localhost')).server)).to.equal('other/localhost@EXAMPLE.TEST');
    } finally {
      login.close();
    }
  });
});
