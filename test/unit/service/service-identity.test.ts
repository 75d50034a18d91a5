// The daemon identity of cluster/service without a KDC: principal resolution (_HOST, realm
// completion from krb5.conf), the keytab check at start, and hadoop.security.auth_to_local short
// names, in the one place every daemon takes them from.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { ServiceIdentity } from '../../../cluster/service/service-identity.ts';
import { parseKrb5Conf } from '../../../security/kerberos/config/index.ts';
import { keytabEntriesFromPassword, Keytab, writeKeytab } from '../../../security/kerberos/keytab/index.ts';
import { parsePrincipal } from '../../../security/kerberos/keytab/principal-text.ts';

const krb5 = parseKrb5Conf('[libdefaults]\n  default_realm = EXAMPLE.TEST\n');
const spec = { name: 'NameNode', principalKey: 'dfs.namenode.kerberos.principal', keytabKey: 'dfs.namenode.keytab.file', principalHost: 'NN.Example.Test' };

describe('service: ServiceIdentity', () => {
  let dir: string;
  let keytab: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-identity-'));
    keytab = join(dir, 'nn.keytab');
    await writeKeytab(keytab, new Keytab(keytabEntriesFromPassword(parsePrincipal('nn/nn.example.test@EXAMPLE.TEST'), 'pw', { kvno: 1 })));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const conf = (extra: Record<string, string>) =>
    loadConfiguration({ env: {}, overrides: { 'hadoop.security.authentication': 'kerberos', 'dfs.namenode.kerberos.principal': 'nn/_HOST', 'dfs.namenode.keytab.file': keytab, ...extra } });

  it('substitutes _HOST (lower-cased; only in service/_HOST@REALM, as SecurityUtil.getServerPrincipal), completes a missing realm from krb5.conf, maps names through auth_to_local', async () => {
    const withRealm = await ServiceIdentity.resolve(conf({ 'dfs.namenode.kerberos.principal': 'nn/_HOST@EXAMPLE.TEST' }), spec, { krb5 });
    expect(withRealm.principal).to.equal('nn/nn.example.test@EXAMPLE.TEST');
    const id = await ServiceIdentity.resolve(conf({ 'dfs.namenode.kerberos.principal': 'nn/nn.example.test', 'hadoop.security.auth_to_local': 'RULE:[2:$1@$0](nn@.*)s/.*/hdfs/ DEFAULT' }), spec, { krb5 });
    expect(id.principal).to.equal('nn/nn.example.test@EXAMPLE.TEST');
    expect(id.realm).to.equal('EXAMPLE.TEST');
    expect(id.kerberosServer()?.principal).to.equal('nn/nn.example.test@EXAMPLE.TEST');
    expect(id.shortName('nn/host.example.test@EXAMPLE.TEST')).to.equal('hdfs');
    expect(id.shortName('alice@EXAMPLE.TEST')).to.equal('alice');
    expect(id.shortName('carol')).to.equal('carol');
    expect(() => id.shortName('mallory@OTHER.REALM')).to.throw().with.property('code', 'KRB_NAME');
  });

  it('a keytab without the principal fails the start, naming both; missing keys are CONFIG_MISSING naming the key', async () => {
    let e: { code?: string; message?: string } | undefined;
    try {
      await ServiceIdentity.resolve(conf({ 'dfs.namenode.kerberos.principal': 'nn/other.example.test@EXAMPLE.TEST' }), spec, { krb5 });
    } catch (err) {
      e = err as typeof e;
    }
    expect(e?.message).to.contain('nn/other.example.test@EXAMPLE.TEST').and.contain(keytab);
    let missing: { code?: string; details?: Record<string, unknown> } | undefined;
    try {
      await ServiceIdentity.resolve(loadConfiguration({ env: {}, overrides: { 'hadoop.security.authentication': 'kerberos' } }), spec, { krb5 });
    } catch (err) {
      missing = err as typeof missing;
    }
    expect(missing?.code).to.equal('CONFIG_MISSING');
    expect(missing?.details?.['configKey']).to.equal('dfs.namenode.kerberos.principal');
  });

  it('with security off there is no principal and no acceptor; names still map (first component by default)', async () => {
    const id = await ServiceIdentity.resolve(loadConfiguration({ env: {} }), spec, { krb5 });
    expect(id.security).to.equal('simple');
    expect(id.principal).to.equal(undefined);
    expect(id.kerberosServer()).to.equal(undefined);
    expect(id.shortName('alice@EXAMPLE.TEST')).to.equal('alice');
  });
});
