// The realm of a realm-less service principal (audit G6): [domain_realm] for the host or its
// nearest parent domain, MIT's and the JDK's walk (host, .domain, domain, ...), else default_realm.
import { expect } from 'chai';
import { hasRealm, parseKrb5Conf, realmForHost, resolveServicePrincipal, serviceRealm } from '../../../../security/kerberos/config/index.ts';

const conf = parseKrb5Conf(`[libdefaults]
 default_realm = EXAMPLE.TEST
[domain_realm]
 .corp.test = CORP.TEST
 bare.test = BARE.TEST
 nn1.corp.test = NN.TEST
`);
const noDefault = parseKrb5Conf('[domain_realm]\n .corp.test = CORP.TEST\n');

describe('kerberos/config: service principal realm (domain_realm)', () => {
  it('realmForHost walks host, .domain, domain as MIT hostrealm_domain.c does', () => {
    expect(realmForHost(conf, 'nn1.corp.test')).to.equal('NN.TEST');
    expect(realmForHost(conf, 'NN2.Corp.Test.')).to.equal('CORP.TEST');
    // `bare.test` (no leading dot) maps the domain itself and hosts under it (MIT, JDK)
    expect(realmForHost(conf, 'bare.test')).to.equal('BARE.TEST');
    expect(realmForHost(conf, 'host.bare.test')).to.equal('BARE.TEST');
    expect(realmForHost(conf, 'localhost')).to.equal('EXAMPLE.TEST');
  });

  it('resolveServicePrincipal gives service/host its host realm, keeps an explicit realm, and falls back', () => {
    const nn = resolveServicePrincipal('nn/nn2.corp.test', conf, 'CLIENT.TEST');
    expect(nn.realm).to.equal('CORP.TEST');
    expect(nn.name.components).to.deep.equal(['nn', 'nn2.corp.test']);
    expect(nn.name.nameType).to.equal(3);
    expect(resolveServicePrincipal('nn/localhost', conf, 'CLIENT.TEST').realm).to.equal('EXAMPLE.TEST');
    expect(resolveServicePrincipal('nn/nn2.corp.test@OTHER.TEST', conf, 'CLIENT.TEST').realm).to.equal('OTHER.TEST');
    expect(resolveServicePrincipal('nn/localhost', noDefault, 'CLIENT.TEST').realm).to.equal('CLIENT.TEST');
    expect(resolveServicePrincipal('svc', conf, 'CLIENT.TEST').realm).to.equal('CLIENT.TEST');
    expect(resolveServicePrincipal('krbtgt/CORP.TEST', conf, 'CLIENT.TEST').realm).to.equal('CLIENT.TEST');
    expect(serviceRealm(undefined, 'x.corp.test', 'CLIENT.TEST')).to.equal('CLIENT.TEST');
    expect(() => resolveServicePrincipal('nn/localhost', noDefault)).to.throw().with.property('code', 'KRB_NAME');
  });

  it('hasRealm ignores an escaped @', () => {
    expect(hasRealm('a/b@R')).to.equal(true);
    expect(hasRealm('a\\@b/c')).to.equal(false);
  });
});
