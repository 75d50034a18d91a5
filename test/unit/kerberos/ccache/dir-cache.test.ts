// MIT's DIR collection (cc_dir.c) on a temp directory: DIR:/dir resolves to the cache the primary
// file names (tkt when there is none, created on first write together with the primary file),
// DIR::/dir/tktX is one cache, the collection lists the primary first, new caches are tkt*
// files created exclusively, switching rewrites primary; malformed names and primary files are
// KRB_CCACHE. MIT kinit/klist read and write these directories in the integration tests.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KerberosError } from '../../../../lib/errors/index.ts';
import { newCcache, openCcacheCollection, openCredentialCache } from '../../../../security/kerberos/ccache/index.ts';
import { parsePrincipal } from '../../../../security/kerberos/keytab/principal-text.ts';

const cc = (name: string) => newCcache(parsePrincipal(name));

describe('kerberos ccache: DIR collections', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hsec-dircc-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('DIR:/dir is its primary cache, "tkt" until there is a primary file; the first write creates dir and primary', async () => {
    const dir = join(root, 'cc');
    const cache = await openCredentialCache(`DIR:${dir}`);
    expect(cache.fullName).to.equal(`DIR::${dir}/tkt`);
    await cache.read().then(() => expect.fail('no cache yet'), (e: KerberosError) => expect(e.code).to.equal('KRB_NO_CREDENTIALS'));
    await cache.write(cc('alice@R'));
    expect(statSync(dir).mode & 0o777).to.equal(0o700);
    expect(readFileSync(join(dir, 'primary'), 'utf8')).to.equal('tkt\n');
    expect(statSync(join(dir, 'tkt')).mode & 0o777).to.equal(0o600);
    expect((await (await openCredentialCache(`DIR::${dir}/tkt`)).read()).defaultPrincipal.name.components).to.deep.equal(['alice']);
  });

  it('lists the primary first, makes unique tkt* caches and switches the primary', async () => {
    const dir = join(root, 'cc');
    await (await openCredentialCache(`DIR:${dir}`)).write(cc('alice@R'));
    const col = await openCcacheCollection(`DIR:${dir}`);
    expect(col.supportsSwitch).to.equal(true);
    const bob = await col.newUnique();
    expect(bob.name).to.match(new RegExp(`^:${dir}/tkt.{6}$`));
    await bob.write(cc('bob@R'));
    expect((await col.list()).map((c) => c.name)).to.deep.equal([`:${dir}/tkt`, bob.name]);
    await col.switchTo(bob);
    expect(readFileSync(join(dir, 'primary'), 'utf8')).to.equal(`${bob.name.slice(dir.length + 2)}\n`);
    expect((await col.list()).map((c) => c.name)).to.deep.equal([bob.name, `:${dir}/tkt`]);
    expect((await openCredentialCache(`DIR:${dir}`)).name).to.equal(bob.name);
    // DIR::/dir/tktX is a collection of itself
    expect((await (await openCcacheCollection(`DIR:${bob.name}`)).list()).map((c) => c.name)).to.deep.equal([bob.name]);
    expect(await bob.destroy()).to.equal(true);
    expect(await bob.destroy()).to.equal(false);
  });

  it('refuses malformed names and primary files with KRB_CCACHE', async () => {
    const dir = join(root, 'cc');
    await (await openCredentialCache(`DIR:${dir}`)).write(cc('alice@R'));
    for (const bad of [`DIR::${dir}/notkt`, 'DIR::tktA', 'DIR:']) {
      await openCredentialCache(bad).then(() => expect.fail(bad), (e: KerberosError) => expect(e.code, bad).to.equal('KRB_CCACHE'));
    }
    writeFileSync(join(dir, 'primary'), '../etc/passwd\n');
    await openCredentialCache(`DIR:${dir}`).then(() => expect.fail('bad primary'), (e: KerberosError) => expect(e.message).to.contain('contains invalid filename'));
    writeFileSync(join(root, 'file'), 'x');
    await (await openCredentialCache(`DIR::${root}/file/tkt`)).write(cc('a@R')).then(() => expect.fail('not a directory'), (e: KerberosError) => expect(e.code).to.equal('KRB_CCACHE'));
  });
});
