/**
 * The resolver registry's three call sites: createServerResolver / createClientResolver (hsec's
 * split keys, falling back to Hadoop's hadoop.security.saslproperties.resolver.class) and
 * createDataTransferResolver (Hadoop's DataTransferSaslUtil.getSaslPropertiesResolver:
 * dfs.data.transfer.protection feeds hadoop.rpc.protection; class from
 * dfs.data.transfer.saslproperties.resolver.class, else the RPC key). Through a real Configuration.
 */
import { expect } from 'chai';
import { Configuration } from '../../../lib/config/index.ts';
import { ConfigError } from '../../../lib/errors/index.ts';
import {
  createClientResolver,
  createDataTransferResolver,
  createServerResolver,
  DefaultSaslPropertiesResolver,
  PrincipalRulesResolver,
  registerResolver,
  WhitelistBasedResolver,
  type SaslPropertiesResolver,
} from '../../../security/resolver/index.ts';
import { tempDir } from './support.ts';

describe('security/resolver/registry', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  /** A resolver that says which key chose it. */
  const tagged = (tag: string): SaslPropertiesResolver =>
    Object.assign(
      {
        getServerProperties: () => ({ qop: ['auth'], serverAuthentication: true }),
        getClientProperties: () => ({ qop: ['auth'], serverAuthentication: true }),
      } satisfies SaslPropertiesResolver,
      { toString: () => tag },
    );
  registerResolver(['org.example.A'], () => tagged('A'));
  registerResolver(['org.example.B'], () => tagged('B'));
  registerResolver(['org.example.Role'], (_conf, role) => tagged(role));

  it('whitelist by short name and by Hadoop class name; on the client side it is the default properties without reading a list', async () => {
    const fixed = tmp.write('fixed', '10.0.0.0/8\n');
    for (const name of ['whitelist', 'org.apache.hadoop.security.WhitelistBasedResolver']) {
      const conf = new Configuration().set('hadoop.security.saslproperties.resolver.class', name).set('hadoop.security.sasl.fixedwhitelist.file', fixed);
      const server = createServerResolver(conf);
      expect(server).to.be.instanceOf(WhitelistBasedResolver);
      await server.ready!();
      expect(server.getServerProperties('10.1.1.1').qop).to.deep.equal(['auth']);
      expect(server.getServerProperties('192.0.2.1').qop).to.deep.equal(['auth-conf']);
      const client = createClientResolver(conf);
      expect(client).to.be.instanceOf(DefaultSaslPropertiesResolver);
      expect(client.getClientProperties('192.0.2.1').qop).to.deep.equal(['auth']);
    }
  });

  it('server and client resolvers apart: hsec.*.server.class / .client.class first, else hadoop.security.saslproperties.resolver.class', () => {
    const conf = new Configuration().set('hadoop.security.saslproperties.resolver.class', 'org.example.A');
    expect(String(createServerResolver(conf))).to.equal('A');
    expect(String(createClientResolver(conf))).to.equal('A');
    conf.set('hsec.security.saslproperties.resolver.server.class', 'org.example.B');
    expect(String(createServerResolver(conf))).to.equal('B');
    expect(String(createClientResolver(conf))).to.equal('A');
    conf.set('hsec.security.saslproperties.resolver.client.class', ' org.example.B ');
    expect(String(createClientResolver(conf))).to.equal('B');
    expect(String(createServerResolver(new Configuration().set('hsec.security.saslproperties.resolver.server.class', 'org.example.Role')))).to.equal('server');
    expect(String(createClientResolver(new Configuration().set('hsec.security.saslproperties.resolver.client.class', 'org.example.Role')))).to.equal('client');
    expect(createServerResolver(new Configuration())).to.be.instanceOf(DefaultSaslPropertiesResolver);
  });

  it('an unknown class is a ConfigError naming the key that named it', () => {
    const conf = new Configuration().set('hsec.security.saslproperties.resolver.server.class', 'com.example.Nope');
    expect(() => createServerResolver(conf)).to.throw(ConfigError).that.satisfies(
      (e: ConfigError) => e.details.configKey === 'hsec.security.saslproperties.resolver.server.class' && /com\.example\.Nope.*known: .*whitelist/.test(e.message),
    );
  });

  it('principal rules wrap the server resolver when hsec.security.sasl.private.principals.file is set (not the client one)', async () => {
    const conf = new Configuration().set('hsec.security.sasl.private.principals.file', tmp.write('p', 'etl/*@EXAMPLE.COM\n'));
    const server = createServerResolver(conf);
    expect(server).to.be.instanceOf(PrincipalRulesResolver);
    await server.ready!();
    expect(server.checkNegotiated!('etl/h@EXAMPLE.COM', 'auth').allowed).to.equal(false);
    expect(createClientResolver(conf)).to.be.instanceOf(DefaultSaslPropertiesResolver);
  });

  it('data transfer: none without dfs.data.transfer.protection; that value is the resolver\'s hadoop.rpc.protection', () => {
    expect(createDataTransferResolver(new Configuration(), 'server')).to.equal(undefined);
    expect(createDataTransferResolver(new Configuration().set('dfs.data.transfer.protection', ''), 'client')).to.equal(undefined);
    const conf = new Configuration().set('hadoop.rpc.protection', 'authentication').set('dfs.data.transfer.protection', 'integrity,privacy');
    const r = createDataTransferResolver(conf, 'client')!;
    expect(r.getClientProperties('10.0.0.1').qop).to.deep.equal(['auth-int', 'auth-conf']);
    expect(conf.get('hadoop.rpc.protection'), 'the configuration itself is untouched').to.equal('authentication');
  });

  it('data transfer class: dfs.data.transfer.saslproperties.resolver.class, else the Hadoop RPC key; the hsec split keys do not apply', () => {
    const conf = new Configuration().set('dfs.data.transfer.protection', 'privacy').set('hsec.security.saslproperties.resolver.server.class', 'org.example.B');
    expect(createDataTransferResolver(conf, 'server')).to.be.instanceOf(DefaultSaslPropertiesResolver);
    conf.set('hadoop.security.saslproperties.resolver.class', 'org.example.A');
    expect(String(createDataTransferResolver(conf, 'server'))).to.equal('A');
    conf.set('dfs.data.transfer.saslproperties.resolver.class', 'org.example.Role');
    expect(String(createDataTransferResolver(conf, 'client'))).to.equal('client');
  });

  it('data transfer with the whitelist: whitelisted DataNode clients get dfs.data.transfer.protection, others the non-whitelist QOP', async () => {
    const conf = new Configuration()
      .set('dfs.data.transfer.protection', 'integrity')
      .set('dfs.data.transfer.saslproperties.resolver.class', 'whitelist')
      .set('hadoop.security.sasl.fixedwhitelist.file', tmp.write('fixed', '10.0.0.0/8\n'));
    const r = createDataTransferResolver(conf, 'server')!;
    await r.ready!();
    expect(r.getServerProperties('10.0.0.7').qop).to.deep.equal(['auth-int']);
    expect(r.getServerProperties('192.0.2.7').qop).to.deep.equal(['auth-conf']);
  });
});
