// Ccache name resolution, as MIT krb5_cc_default_name and krb5_cc_resolve.
import { expect } from 'chai';
import { defaultCcacheName, parseCcacheName, resolveCcacheName } from '../../../../security/kerberos/ccache/ccache-name.ts';
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

describe('kerberos ccache: parseCcacheName and defaultCcacheName', () => {
  it('splits TYPE:residual for every type hsec opens; no type or a slash before the colon is FILE', () => {
    expect(parseCcacheName('FILE:/tmp/cc')).to.deep.equal({ type: 'FILE', residual: '/tmp/cc' });
    expect(parseCcacheName('/tmp/a:b')).to.deep.equal({ type: 'FILE', residual: '/tmp/a:b' });
    expect(parseCcacheName('relative')).to.deep.equal({ type: 'FILE', residual: 'relative' });
    expect(parseCcacheName('DIR:/run/cc')).to.deep.equal({ type: 'DIR', residual: '/run/cc' });
    expect(parseCcacheName('DIR::/run/cc/tktA')).to.deep.equal({ type: 'DIR', residual: ':/run/cc/tktA' });
    expect(parseCcacheName('KEYRING:persistent:1000')).to.deep.equal({ type: 'KEYRING', residual: 'persistent:1000' });
    expect(parseCcacheName('KCM:')).to.deep.equal({ type: 'KCM', residual: '' });
    expect(parseCcacheName('MEMORY:x')).to.deep.equal({ type: 'MEMORY', residual: 'x' });
  });
  it('refuses API, MSLSA and unknown types with KRB_CCACHE naming the source', () => {
    for (const name of ['API:', 'MSLSA:', 'BOGUS:x']) {
      expect(() => parseCcacheName(name, 'KRB5CCNAME')).to.throw(KerberosError, /KRB5CCNAME/).with.property('code', 'KRB_CCACHE');
    }
  });
  it('the default: KRB5CCNAME, else default_ccache_name, else FILE:/tmp/krb5cc_<uid>, tokens expanded', () => {
    expect(defaultCcacheName({ KRB5CCNAME: 'KCM:' }, 'DIR:/x')).to.deep.equal({ name: 'KCM:', source: 'KRB5CCNAME' });
    expect(defaultCcacheName({}, 'KEYRING:persistent:%{uid}', { uid: 7 })).to.deep.equal({ name: 'KEYRING:persistent:7', source: 'default_ccache_name' });
    expect(defaultCcacheName({}, undefined, { uid: 7 })).to.deep.equal({ name: 'FILE:/tmp/krb5cc_7', source: 'the MIT default' });
  });
});
