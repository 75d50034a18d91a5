// Ccache name resolution, as MIT krb5_cc_default_name.
import { expect } from 'chai';
import { resolveCcacheName } from '../../../../security/kerberos/ccache/ccache-name.ts';
import { KerberosError } from '../../../../lib/errors/index.ts';

describe('kerberos ccache: resolveCcacheName', () => {
  it('takes KRB5CCNAME first, with or without FILE:', () => {
    expect(resolveCcacheName({ KRB5CCNAME: 'FILE:/var/run/cc' }, 'FILE:/ignored')).to.equal('/var/run/cc');
    expect(resolveCcacheName({ KRB5CCNAME: '/tmp/plain' })).to.equal('/tmp/plain');
    expect(resolveCcacheName({ KRB5CCNAME: 'file:/tmp/lower' })).to.equal('/tmp/lower');
  });
  it('then krb5.conf default_ccache_name, expanding MIT tokens', () => {
    expect(resolveCcacheName({}, 'FILE:/tmp/krb5cc_%{uid}', { uid: 1234 })).to.equal('/tmp/krb5cc_1234');
    expect(resolveCcacheName({ TMPDIR: '/scratch' }, '%{TEMP}/cc_%{username}', { username: 'hdfs' })).to.equal('/scratch/cc_hdfs');
    expect(resolveCcacheName({ KRB5CCNAME: '' }, 'FILE:/etc/cc')).to.equal('/etc/cc');
  });
  it('then /tmp/krb5cc_<uid>', () => {
    expect(resolveCcacheName({}, undefined, { uid: 42 })).to.equal('/tmp/krb5cc_42');
    expect(resolveCcacheName({})).to.equal(`/tmp/krb5cc_${process.getuid!()}`);
  });
  it('refuses non-FILE cache types with an actionable KRB_CCACHE error', () => {
    for (const name of ['KEYRING:persistent:%{uid}', 'KCM:', 'DIR:/tmp/ccdir', 'MEMORY:x', 'API:']) {
      try {
        resolveCcacheName({}, name, { uid: 7 });
        expect.fail(`expected ${name} to be refused`);
      } catch (e) {
        expect(e).to.be.instanceOf(KerberosError);
        expect((e as KerberosError).code).to.equal('KRB_CCACHE');
        expect((e as Error).message).to.include('KRB5CCNAME=FILE:');
        expect((e as KerberosError).details.source).to.equal('default_ccache_name');
      }
    }
  });
  it('rejects unknown tokens and empty paths', () => {
    expect(() => resolveCcacheName({ KRB5CCNAME: 'FILE:/tmp/%{bogus}' })).to.throw(KerberosError);
    expect(() => resolveCcacheName({ KRB5CCNAME: 'FILE:' })).to.throw(KerberosError);
  });
});
