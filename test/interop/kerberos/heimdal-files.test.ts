/**
 * Keytab and credential-cache files exchanged with Heimdal 7.8 (test/support/heimdal-kdc.ts):
 * keytabs Heimdal's `kadmin -l ext_keytab` writes are read by hsec (every AES enctype, kvno after a
 * re-key); a keytab hsec writes (keytabEntriesFromPassword + writeKeytab) is listed by Heimdal's
 * `ktutil list --keys` with the same keys the Heimdal KDC holds, and Heimdal's kinit logs in with
 * it. FILE ccaches: Heimdal's kinit writes one, `hsec klist` lists it and loginFromCcache gets a
 * service ticket with Heimdal's TGT; `hsec kinit` writes one, Heimdal's klist lists it and
 * Heimdal's kgetcred gets a service ticket with hsec's TGT.
 */
import { expect } from 'chai';
import { join, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { runProgram } from '../../../cluster/mini/binaries.ts';
import { loadKrb5Config, type Krb5Config } from '../../../security/kerberos/config/index.ts';
import { findTicket, readCcacheSync } from '../../../security/kerberos/ccache/index.ts';
import { keytabEntriesFromPassword, readKeytabSync, writeKeytab } from '../../../security/kerberos/keytab/index.ts';
import { parsePrincipal } from '../../../security/kerberos/keytab/principal-text.ts';
import { loginFromCcache, loginFromKeytab } from '../../../security/kerberos/login/index.ts';
import { useHeimdalKdc } from '../../support/fixtures.ts';
import { HEIMDAL_BIN, runHeimdal } from '../../support/heimdal-kdc.ts';
import { tempDir } from './support.ts';

const HSEC = resolve('bin/hsec');

/** Parses `ktutil list --keys` lines: "  1  aes256-cts-hmac-sha1-96  nn/localhost@HEIMDAL.TEST  <hex>". */
function ktutilKeys(out: string): Array<{ kvno: number; enctype: string; principal: string; key: string }> {
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4 && /^\d+$/.test(f[0]!))
    .map((f) => ({ kvno: Number(f[0]), enctype: f[1]!, principal: f[2]!, key: f[3]!.toLowerCase() }));
}

describe('interop: keytabs and FILE ccaches exchanged with Heimdal', function () {
  this.timeout(120_000);
  const realm = useHeimdalKdc();
  let conf: Krb5Config;
  let dir: string;
  const hsec = (args: string[], env: NodeJS.ProcessEnv, input?: string) => runProgram(HSEC, args, { env, timeoutMs: 60_000, ...(input !== undefined ? { input } : {}) });

  before(async () => {
    conf = loadKrb5Config(realm.kdc.krb5ConfPath);
    dir = tempDir('heimdal-files');
    await realm.kdc.addPrincipal('alice', { password: 'alice-pw' });
    await realm.kdc.addPrincipal('nn/localhost');
  });

  it('reads a keytab Heimdal ext_keytab wrote (all four AES enctypes, and the new kvno after a re-key)', async () => {
    const kdc = realm.kdc;
    await kdc.addPrincipal('dn/localhost');
    const path = join(dir, 'dn.keytab');
    await kdc.extractKeytab(path, 'dn/localhost');
    const first = readKeytabSync(path);
    expect(first.entries.map((e) => [e.kvno, e.key.etype])).to.have.deep.members([[1, 18], [1, 17], [1, 20], [1, 19]]);
    // Heimdal's own reading of the same file lists the same keys.
    const listed = ktutilKeys((await runHeimdal(HEIMDAL_BIN.ktutil, [`--keytab=${path}`, 'list', '--keys'], kdc.env())).stdout);
    expect(listed.map((l) => l.key).sort()).to.deep.equal(first.entries.map((e) => e.key.value.toString('hex')).sort());
    await kdc.randomizeKey('dn/localhost');
    await kdc.extractKeytab(path, 'dn/localhost');
    const both = readKeytabSync(path);
    expect(both.entries).to.have.length(8);
    expect(both.findKey(parsePrincipal(kdc.principal('dn/localhost')), 18)?.kvno).to.equal(2);
    const login = await loginFromKeytab(kdc.principal('dn/localhost'), path, { conf, autoRefresh: false });
    try {
      expect(login.tgt.server.name.components).to.deep.equal(['krbtgt', kdc.realm]);
    } finally {
      login.close();
    }
  });

  it('writes a keytab Heimdal ktutil lists with the KDC keys, and Heimdal kinit logs in with it', async () => {
    const kdc = realm.kdc;
    await kdc.addPrincipal('writer', { password: 'writer-pw', attributes: 'requires-pre-auth', enctypes: ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96'] });
    const ours = join(dir, 'writer-hsec.keytab');
    // AES-SHA1 keys use the default salt (pw-salt): the password gives the KDC's keys.
    await writeKeytab(ours, keytabEntriesFromPassword(kdc.principal('writer'), 'writer-pw', { kvno: 1, etypes: [18, 17] }));
    expect(statSync(ours).mode & 0o777).to.equal(0o600);
    const theirs = join(dir, 'writer-heimdal.keytab');
    await kdc.extractKeytab(theirs, 'writer');
    const listOurs = ktutilKeys((await runHeimdal(HEIMDAL_BIN.ktutil, [`--keytab=${ours}`, 'list', '--keys'], kdc.env())).stdout);
    const listTheirs = ktutilKeys((await runHeimdal(HEIMDAL_BIN.ktutil, [`--keytab=${theirs}`, 'list', '--keys'], kdc.env())).stdout);
    expect(listOurs.map((l) => [l.kvno, l.enctype, l.principal])).to.deep.equal([
      [1, 'aes256-cts-hmac-sha1-96', 'writer@HEIMDAL.TEST'],
      [1, 'aes128-cts-hmac-sha1-96', 'writer@HEIMDAL.TEST'],
    ]);
    expect(listOurs.map((l) => l.key).sort()).to.deep.equal(listTheirs.map((l) => l.key).sort());
    const cc = join(dir, 'writer.cc');
    await runHeimdal(HEIMDAL_BIN.kinit, [`--keytab=${ours}`, '-c', `FILE:${cc}`, kdc.principal('writer')], kdc.env());
    expect(findTicket(readCcacheSync(cc), `krbtgt/${kdc.realm}@${kdc.realm}`)?.client).to.deep.equal(parsePrincipal(kdc.principal('writer')));
  });

  it('lists a ccache Heimdal kinit wrote (hsec klist) and gets a service ticket with its TGT', async () => {
    const kdc = realm.kdc;
    const cc = join(dir, 'heimdal-alice.cc');
    await runHeimdal(HEIMDAL_BIN.kinit, ['--password-file=STDIN', '--renewable', '-c', `FILE:${cc}`, kdc.principal('alice')], kdc.env(), { input: 'alice-pw\n' });
    const listed = await hsec(['klist', '-e', '-f'], kdc.env(`FILE:${cc}`));
    expect(listed.code, listed.stderr).to.equal(0);
    expect(listed.stdout).to.contain('Default principal: alice@HEIMDAL.TEST').and.contain(`krbtgt/${kdc.realm}@${kdc.realm}`).and.contain('aes256-cts-hmac-sha1-96');
    const login = await loginFromCcache(`FILE:${cc}`, { conf, autoRefresh: false });
    try {
      expect(login.source).to.equal('ccache');
      const st = await login.getServiceTicket(kdc.principal('nn/localhost'));
      expect(st.server.name.components).to.deep.equal(['nn', 'localhost']);
      expect(st.client).to.deep.equal(parsePrincipal(kdc.principal('alice')));
    } finally {
      login.close();
    }
  });

  it('writes a ccache (hsec kinit) that Heimdal klist lists and Heimdal kgetcred uses for a service ticket', async () => {
    const kdc = realm.kdc;
    const cc = join(dir, 'hsec-alice.cc');
    const env = kdc.env(`FILE:${cc}`);
    const got = await hsec(['kinit', kdc.principal('alice')], env, 'alice-pw\n');
    expect(got.code, got.stderr).to.equal(0);
    const listed = await runHeimdal(HEIMDAL_BIN.heimtools, ['klist', '-v'], env);
    expect(listed.stdout).to.contain('Principal: alice@HEIMDAL.TEST').and.contain(`Server: krbtgt/${kdc.realm}@${kdc.realm}`).and.contain('Ticket etype: aes256-cts-hmac-sha1-96');
    await runHeimdal(HEIMDAL_BIN.kgetcred, [kdc.principal('nn/localhost')], env);
    const after = await runHeimdal(HEIMDAL_BIN.heimtools, ['klist'], env);
    expect(after.stdout).to.contain('nn/localhost@HEIMDAL.TEST');
    // hsec reads back the service ticket Heimdal added to its cache.
    expect(findTicket(readCcacheSync(cc), kdc.principal('nn/localhost'))?.client).to.deep.equal(parsePrincipal(kdc.principal('alice')));
  });
});
