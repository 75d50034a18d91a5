// hadoop.kerberos.min.seconds.before.relogin and hadoop.kerberos.keytab.login.autorenewal.enabled
// mapped onto the refresh options of security/kerberos/login (UGI's relogin policy).
import { expect } from 'chai';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { kerberosLoginOptionsFromConfig } from '../../../security/identity/login-options.ts';

describe('namenode: Kerberos login options from the configuration', () => {
  it("Hadoop's defaults: relogin at most every 60 s; a keytab login refreshes on use, not on a timer", () => {
    const conf = loadConfiguration({ env: {} });
    expect(kerberosLoginOptionsFromConfig(conf, 'keytab')).to.deep.equal({ refresh: { minIntervalMs: 60_000 }, autoRefresh: false });
    expect(kerberosLoginOptionsFromConfig(conf, 'ccache')).to.deep.equal({ refresh: { minIntervalMs: 60_000 }, autoRefresh: false });
  });

  it('bare numbers are seconds, suffixes work; autorenewal turns on the background refresh of keytab logins only', () => {
    const conf = loadConfiguration({ env: {}, overrides: { 'hadoop.kerberos.min.seconds.before.relogin': '5', 'hadoop.kerberos.keytab.login.autorenewal.enabled': 'true' } });
    expect(kerberosLoginOptionsFromConfig(conf, 'keytab')).to.deep.equal({ refresh: { minIntervalMs: 5_000 }, autoRefresh: true });
    expect(kerberosLoginOptionsFromConfig(conf, 'ccache')).to.deep.equal({ refresh: { minIntervalMs: 5_000 }, autoRefresh: false });
    const two = loadConfiguration({ env: {}, overrides: { 'hadoop.kerberos.min.seconds.before.relogin': '2m' } });
    expect(kerberosLoginOptionsFromConfig(two, 'keytab').refresh).to.deep.equal({ minIntervalMs: 120_000 });
  });
});
