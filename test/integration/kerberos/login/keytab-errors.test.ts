// A keytab without the requested principal, and a keytab that does not exist, through the library
// (loginFromKeytab) and `bin/hsec kinit`, with MIT kinit refusing the same: each has its own code
// (KRB_KEYTAB_NO_ENTRY, KRB_KEYTAB_NOT_FOUND) and a message naming the principal, the keytab and
// what it holds (it used to say "holds etypes []").
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KerberosError } from '../../../../lib/errors/index.ts';
import { loadKrb5Config } from '../../../../security/kerberos/config/index.ts';
import { loginFromKeytab } from '../../../../security/kerberos/login/index.ts';
import { useMiniKdc } from '../../../support/fixtures.ts';

const HSEC = resolve('bin/hsec');
const ETYPES = '(aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96, aes256-cts-hmac-sha384-192, aes128-cts-hmac-sha256-128)';

describe('keytab errors: no entry for the principal, no such keytab', function () {
  this.timeout(60_000);
  const realm = useMiniKdc();
  const dir = mkdtempSync(join(tmpdir(), 'hsec-kt-err-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  before(async () => {
    await realm.kdc.addPrincipal('bob', { password: 'bob-pw' });
    await realm.kdc.createKeytab(join(dir, 'alice.keytab'), 'alice');
  });

  // Run from `dir` so the keytab is named as the user typed it: alice.keytab.
  const run = (program: string, args: string[]) => {
    const r = spawnSync(program, args, { cwd: dir, env: { ...realm.kdc.env(`FILE:${join(dir, 'cc')}`), LC_ALL: 'C' }, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('loginFromKeytab: KRB_KEYTAB_NO_ENTRY naming the principal, the keytab and its entries', async () => {
    try {
      await loginFromKeytab('bob', join(dir, 'alice.keytab'), { conf: loadKrb5Config(realm.kdc.krb5ConfPath), autoRefresh: false });
      expect.fail('expected KRB_KEYTAB_NO_ENTRY');
    } catch (e) {
      expect(e).to.be.instanceOf(KerberosError);
      expect((e as KerberosError).code).to.equal('KRB_KEYTAB_NO_ENTRY');
      expect((e as Error).message).to.contain(`no entry for bob@EXAMPLE.TEST in ${join(dir, 'alice.keytab')} (it holds: alice@EXAMPLE.TEST kvno 1 ${ETYPES})`);
      expect((e as KerberosError).details.held).to.deep.equal(['alice@EXAMPLE.TEST']);
    }
  });

  it('hsec kinit -kt alice.keytab bob: the same, where MIT says "Keytab contains no suitable keys"', () => {
    const ours = run(process.execPath, [HSEC, 'kinit', '-kt', 'alice.keytab', 'bob']);
    expect(ours.code).to.equal(1);
    expect(ours.stderr).to.contain(`hsec: no entry for bob@EXAMPLE.TEST in alice.keytab (it holds: alice@EXAMPLE.TEST kvno 1 ${ETYPES})`);
    expect(ours.stderr).to.contain('[KRB_KEYTAB_NO_ENTRY]');
    const mit = run('kinit', ['-kt', 'alice.keytab', 'bob']);
    expect(mit.code).to.equal(1);
    expect(mit.stderr).to.contain('Keytab contains no suitable keys for bob@EXAMPLE.TEST');
  });

  it('a missing keytab: KRB_KEYTAB_NOT_FOUND naming the path (library, hsec kinit; MIT: "not found")', async () => {
    try {
      await loginFromKeytab('alice', join(dir, 'nope.keytab'), { conf: loadKrb5Config(realm.kdc.krb5ConfPath), autoRefresh: false });
      expect.fail('expected KRB_KEYTAB_NOT_FOUND');
    } catch (e) {
      expect((e as KerberosError).code).to.equal('KRB_KEYTAB_NOT_FOUND');
      expect((e as Error).message).to.contain(`keytab ${join(dir, 'nope.keytab')} does not exist`);
    }
    const ours = run(process.execPath, [HSEC, 'kinit', '-kt', 'nope.keytab', 'alice']);
    expect(ours.code).to.equal(1);
    expect(ours.stderr).to.contain('hsec: keytab nope.keytab does not exist').and.contain('[KRB_KEYTAB_NOT_FOUND]');
    const mit = run('kinit', ['-kt', 'nope.keytab', 'alice']);
    expect(mit.code).to.equal(1);
    expect(mit.stderr).to.match(/Key table file '.*nope\.keytab' not found/);
  });

  it('the right principal still logs in from the same keytab (hsec kinit, then MIT klist)', () => {
    const ours = run(process.execPath, [HSEC, 'kinit', '-kt', 'alice.keytab', 'alice']);
    expect(ours.code, ours.stderr).to.equal(0);
    expect(run('klist', []).stdout).to.contain('Default principal: alice@EXAMPLE.TEST');
  });
});
