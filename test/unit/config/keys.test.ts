/**
 * The key registry: Hadoop's names and defaults for the keys hsec relies on (values read from
 * Hadoop's core-default.xml / hdfs-default.xml / CommonConfigurationKeysPublic / DFSConfigKeys /
 * HdfsClientConfigKeys, ZKDelegationTokenSecretManager, WhitelistBasedResolver), and that
 * docs/configuration.md is up to date.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigDocs } from '../../../lib/config/docs.ts';
import { ALL_KEYS, defaultRegistry } from '../../../lib/config/keys/index.ts';

const HADOOP_DEFAULTS: Record<string, string | undefined> = {
  'hadoop.security.authentication': 'simple',
  'hadoop.security.authorization': 'false',
  'hadoop.rpc.protection': 'authentication',
  'hadoop.security.auth_to_local': undefined,
  'hadoop.security.auth_to_local.mechanism': 'hadoop',
  'hadoop.security.saslproperties.resolver.class': undefined,
  'hadoop.security.token.service.use_ip': 'true',
  'hadoop.kerberos.min.seconds.before.relogin': '60',
  'hadoop.kerberos.keytab.login.autorenewal.enabled': 'false',
  'ipc.maximum.data.length': '134217728',
  'ipc.maximum.response.length': '134217728',
  'ipc.ping.interval': '60000',
  'ipc.client.ping': 'true',
  'ipc.client.connect.timeout': '20000',
  'ipc.client.connection.maxidletime': '10000',
  'ipc.server.listen.queue.size': '256',
  'hadoop.security.sasl.fixedwhitelist.file': '/etc/hadoop/fixedwhitelist',
  'hadoop.security.sasl.variablewhitelist.enable': 'false',
  'hadoop.security.sasl.variablewhitelist.file': '/etc/hadoop/whitelist',
  'hadoop.security.sasl.variablewhitelist.cache.secs': '3600',
  'hadoop.rpc.protection.non-whitelist': 'privacy',
  'fs.defaultFS': 'file:///',
  'dfs.namenode.rpc-address': undefined,
  'dfs.namenode.keytab.file': undefined,
  'dfs.namenode.kerberos.principal': undefined,
  'dfs.namenode.kerberos.principal.pattern': undefined, // not in hdfs-default.xml: unset = exact principal match
  'dfs.namenode.delegation.key.update-interval': '86400000',
  'dfs.namenode.delegation.token.renew-interval': '86400000',
  'dfs.namenode.delegation.token.max-lifetime': '604800000',
  'dfs.namenode.delegation.token.always-use': 'false',
  'dfs.datanode.keytab.file': undefined,
  'dfs.datanode.kerberos.principal': undefined,
  'dfs.data.transfer.protection': undefined,
  'dfs.data.transfer.saslproperties.resolver.class': undefined,
  'dfs.encrypt.data.transfer': 'false',
  'dfs.encrypt.data.transfer.algorithm': undefined,
  'dfs.encrypt.data.transfer.cipher.suites': undefined,
  'dfs.encrypt.data.transfer.cipher.key.bitlength': '128',
  'dfs.block.access.token.enable': 'false',
  'dfs.block.access.key.update.interval': '600',
  'dfs.block.access.token.lifetime': '600',
  'dfs.datanode.data.dir': 'file://${hadoop.tmp.dir}/dfs/data',
  'dfs.datanode.address': '0.0.0.0:9866',
  'dfs.datanode.ipc.address': '0.0.0.0:9867',
  'dfs.datanode.hostname': undefined,
  'dfs.heartbeat.interval': '3',
  'dfs.blockreport.intervalMsec': '21600000',
  'dfs.blockreport.initialDelay': '0',
  'dfs.client.socket-timeout': '60000',
  'dfs.datanode.socket.write.timeout': '480000',
  'dfs.datanode.socket.reuse.keepalive': '4000',
  'dfs.datanode.max.transfer.threads': '4096',
  'dfs.datanode.bp-ready.timeout': '20',
  'dfs.datanode.min.supported.namenode.version': '2.1.0-beta',
  'ignore.secure.ports.for.testing': 'false',
  'zk-dt-secret-manager.zkConnectionString': undefined,
  'zk-dt-secret-manager.zkAuthType': undefined,
  'zk-dt-secret-manager.znodeWorkingPath': 'zkdtsm',
  'zk-dt-secret-manager.zkSessionTimeout': '10000',
  'zk-dt-secret-manager.zkConnectionTimeout': '10000',
  'zk-dt-secret-manager.zkShutdownTimeout': '10000',
  'zk-dt-secret-manager.zkNumRetries': '3',
  'zk-dt-secret-manager.kerberos.keytab': undefined,
  'zk-dt-secret-manager.kerberos.principal': undefined,
  'zk-dt-secret-manager.kerberos.server.principal': undefined,
  'zk-dt-secret-manager.token.seqnum.batch.size': '100',
  'zk-dt-secret-manager.token.watcher.enabled': 'true',
};

describe('configuration keys', () => {
  const registry = defaultRegistry();

  for (const [name, value] of Object.entries(HADOOP_DEFAULTS)) {
    it(`${name} is declared with Hadoop's default ${value ?? '(unset)'}`, () => {
      const def = registry.get(name);
      expect(def, name).to.not.equal(undefined);
      expect(def!.default).to.equal(value);
      expect(def!.description.length).to.be.greaterThan(10);
    });
  }

  it('durations carry the unit Hadoop reads bare numbers in', () => {
    const units = Object.fromEntries(ALL_KEYS.filter((k) => k.type === 'duration').map((k) => [k.name, k.unit]));
    expect(units).to.include({
      'ipc.ping.interval': 'ms',
      'hadoop.kerberos.min.seconds.before.relogin': 's',
      'dfs.namenode.delegation.token.max-lifetime': 'ms',
      'dfs.block.access.key.update.interval': 'm',
      'dfs.block.access.token.lifetime': 'm',
      'dfs.heartbeat.interval': 's',
      'dfs.blockreport.intervalMsec': 'ms',
      'dfs.blockreport.initialDelay': 's',
      'dfs.client.socket-timeout': 'ms',
      'dfs.datanode.bp-ready.timeout': 's',
    });
  });

  it('the whitelist cache period is a plain long, as WhitelistBasedResolver reads it (conf.getLong(..., 3600) * 1000)', () => {
    expect(registry.get('hadoop.security.sasl.variablewhitelist.cache.secs')!.type).to.equal('long');
  });

  it('the deprecated fs.default.name maps to fs.defaultFS', () => {
    expect(registry.canonicalName('fs.default.name')).to.equal('fs.defaultFS');
    expect(registry.isDeprecated('fs.default.name')).to.equal(true);
  });

  it('docs/configuration.md is generated from the current registry (run: npx tsx scripts/gen-config-docs.ts)', () => {
    const committed = readFileSync(fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url)), 'utf8');
    expect(committed === renderConfigDocs(registry), 'docs/configuration.md is stale: run npx tsx scripts/gen-config-docs.ts').to.equal(true);
    for (const def of ALL_KEYS) expect(committed).to.contain(`\`${def.name}\``);
  });

  it('usedBy is honest: keys marked as read are read by product code, the others by nothing (docs/configuration.md tables)', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    // Product sources; lib/config/keys declares the keys and the pseudo-cluster only writes site files.
    const sources = ['cluster', 'security', 'lib', 'bin']
      .flatMap((d) => (readdirSync(join(root, d), { recursive: true }) as string[]).map((f) => join(d, f)))
      .filter((f) => f.endsWith('.ts') && !f.startsWith(join('lib', 'config', 'keys')) && f !== join('cluster', 'mini', 'pseudo-cluster.ts'))
      .map((f) => readFileSync(join(root, f), 'utf8'));
    // A `<key>.pattern` is read wherever its server-principal key is, through `${key}.pattern` (SaslRpcClient).
    const read = (name: string): boolean =>
      sources.some((text) => text.includes(`'${name}'`)) || (name.endsWith('.pattern') && read(name.slice(0, -'.pattern'.length)) && sources.some((text) => text.includes('.pattern`')));
    const wrong = ALL_KEYS.filter((k) => Boolean(k.usedBy?.length) !== read(k.name)).map((k) => `${k.name} (usedBy ${k.usedBy ? 'set' : 'unset'})`);
    expect(wrong, 'fix usedBy in lib/config/keys/*.ts, then run npx tsx scripts/gen-config-docs.ts').to.deep.equal([]);
    expect(ALL_KEYS.filter((k) => !k.usedBy).length).to.be.greaterThan(0);
  });
});
