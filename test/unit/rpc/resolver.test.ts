import { expect } from 'chai';
import { Configuration } from '../../../lib/config/index.ts';
import { ConfigError } from '../../../lib/errors/index.ts';
import { createDataTransferResolver, createServerResolver, DefaultSaslPropertiesResolver, qopFromConfig, registerResolver, registeredResolvers, type SaslPropertiesResolver } from '../../../security/resolver/index.ts';

const map = (o: Record<string, string>): { get(k: string): string | undefined } => ({ get: (k) => o[k] });

describe('security/resolver: SaslPropertiesResolver', () => {
  it('maps hadoop.rpc.protection (comma list, trimmed, case-insensitive) to QOPs in order', () => {
    expect(qopFromConfig(map({ 'hadoop.rpc.protection': ' Privacy , integrity,authentication ' }))).to.deep.equal(['auth-conf', 'auth-int', 'auth']);
    expect(qopFromConfig(map({}))).to.deep.equal(['auth']);
    expect(qopFromConfig(map({ 'dfs.data.transfer.protection': 'integrity' }), 'dfs.data.transfer.protection')).to.deep.equal(['auth-int']);
  });

  it('an unknown value is a ConfigError naming the key', () => {
    expect(() => qopFromConfig(map({ 'hadoop.rpc.protection': 'privacy,secret' }))).to.throw(ConfigError).that.satisfies((e: ConfigError) => e.code === 'CONFIG_INVALID' && e.details.configKey === 'hadoop.rpc.protection');
    expect(() => qopFromConfig(map({ 'dfs.data.transfer.protection': 'bogus' }), 'dfs.data.transfer.protection')).to.throw(ConfigError).that.satisfies((e: ConfigError) => e.details.configKey === 'dfs.data.transfer.protection');
  });

  it('the default resolver returns the same properties for every peer on both sides', () => {
    const r = new DefaultSaslPropertiesResolver(map({ 'hadoop.rpc.protection': 'privacy' }));
    expect(r.getServerProperties('10.1.2.3', 8020)).to.deep.equal({ qop: ['auth-conf'], serverAuthentication: true });
    expect(r.getClientProperties('127.0.0.1', 9000)).to.deep.equal(r.getServerProperties(undefined));
  });

  it('works from a real Configuration', () => {
    const conf = new Configuration().set('hadoop.rpc.protection', 'integrity,privacy');
    expect(createServerResolver(conf).getServerProperties('1.2.3.4').qop).to.deep.equal(['auth-int', 'auth-conf']);
  });
});

describe('security/resolver: registry keyed by hadoop.security.saslproperties.resolver.class', () => {
  it('unset and the Hadoop class name both give the default resolver', () => {
    expect(createServerResolver(map({}))).to.be.instanceOf(DefaultSaslPropertiesResolver);
    expect(createServerResolver(map({ 'hadoop.security.saslproperties.resolver.class': 'org.apache.hadoop.security.SaslPropertiesResolver' }))).to.be.instanceOf(DefaultSaslPropertiesResolver);
  });

  it('an unknown class is a ConfigError naming the key and listing the known ones', () => {
    expect(() => createServerResolver(map({ 'hadoop.security.saslproperties.resolver.class': 'com.example.Nope' }))).to.throw(ConfigError, /com\.example\.Nope.*known: .*org\.apache\.hadoop\.security\.SaslPropertiesResolver/);
  });

  it('new resolvers register under names and Java aliases; the data-transfer key falls back to the RPC key', () => {
    const perIp: SaslPropertiesResolver = {
      getServerProperties: (ip) => ({ qop: ip === '127.0.0.1' ? ['auth'] : ['auth-conf'], serverAuthentication: true }),
      getClientProperties: () => ({ qop: ['auth'], serverAuthentication: true }),
    };
    registerResolver(['test-per-ip', 'org.example.PerIpResolver'], () => perIp);
    expect(registeredResolvers()).to.include('org.example.PerIpResolver');
    const conf = map({ 'hadoop.security.saslproperties.resolver.class': 'org.example.PerIpResolver', 'dfs.data.transfer.protection': 'privacy' });
    const r = createDataTransferResolver(conf, 'server')!;
    expect(r.getServerProperties('10.0.0.9').qop).to.deep.equal(['auth-conf']);
    expect(r.getServerProperties('127.0.0.1').qop).to.deep.equal(['auth']);
  });
});

describe('security/sasl/rpc: options from Configuration', () => {
  it('reads Hadoop keys with their defaults and overrides', async () => {
    const { rpcServerOptionsFromConfig, rpcClientOptionsFromConfig } = await import('../../../security/sasl/rpc/config.ts');
    const conf = new Configuration().set('hadoop.security.authentication', 'kerberos').set('hadoop.rpc.protection', 'privacy').set('ipc.maximum.response.length', '0').set('ipc.ping.interval', '5s');
    const s = rpcServerOptionsFromConfig(conf);
    expect(s.authentication).to.equal('kerberos');
    expect(s.maxDataLength).to.equal(128 * 1024 * 1024);
    expect(s.listenBacklog).to.equal(256); // ipc.server.listen.queue.size, passed to listen({ backlog })
    expect(rpcServerOptionsFromConfig(new Configuration().set('ipc.server.listen.queue.size', '64')).listenBacklog).to.equal(64);
    expect(s.resolver!.getServerProperties('1.2.3.4').qop).to.deep.equal(['auth-conf']);
    const c = rpcClientOptionsFromConfig(conf);
    expect(c).to.include({ tokenServiceUseIp: true, pingIntervalMs: 5000, connectTimeoutMs: 20000, maxIdleMs: 10000, maxResponseLength: Number.MAX_SAFE_INTEGER });
    expect(rpcClientOptionsFromConfig(new Configuration().set('ipc.client.ping', 'false')).pingIntervalMs).to.equal(0);
    expect(rpcServerOptionsFromConfig(new Configuration()).authentication).to.equal('simple');
  });

  it('ipc.client.fallback-to-simple-auth-allowed is a declared boolean (default false) read with the typed getter', async () => {
    const { rpcClientOptionsFromConfig } = await import('../../../security/sasl/rpc/config.ts');
    const { CORE_KEYS } = await import('../../../lib/config/keys/core.ts');
    const declared = CORE_KEYS.find((k) => k.name === 'ipc.client.fallback-to-simple-auth-allowed');
    expect(declared).to.include({ type: 'boolean', default: 'false' });
    expect(rpcClientOptionsFromConfig(new Configuration()).fallbackToSimpleAllowed).to.equal(false);
    expect(rpcClientOptionsFromConfig(new Configuration().set('ipc.client.fallback-to-simple-auth-allowed', ' TRUE ')).fallbackToSimpleAllowed).to.equal(true);
    expect(() => rpcClientOptionsFromConfig(new Configuration().set('ipc.client.fallback-to-simple-auth-allowed', 'yes'))).to.throw(/ipc\.client\.fallback-to-simple-auth-allowed/);
  });
});
