/**
 * loadConfiguration: conf dir from the option or HADOOP_CONF_DIR, Hadoop's site-file order, overrides,
 * freezing; hadoop-policy.xml only in the service-ACL copy (withPolicyFile); and the example site
 * files in conf/ load, validate and say what they should.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfiguration, OVERRIDES_SOURCE, POLICY_FILE, SITE_FILES, withPolicyFile } from '../../../lib/config/load.ts';
import { ConfigError } from '../../../lib/errors/index.ts';
import { AuthToLocal } from '../../../security/kerberos/names/auth-to-local.ts';
import { substituteHost } from '../../../security/kerberos/names/kerberos-name.ts';

const EXAMPLES = fileURLToPath(new URL('../../../conf/', import.meta.url));

function site(props: Record<string, string>): string {
  return `<configuration>${Object.entries(props)
    .map(([n, v]) => `<property><name>${n}</name><value>${v}</value></property>`)
    .join('')}</configuration>`;
}

describe('loadConfiguration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-conf-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('layers core-site, hdfs-site in that order, then overrides; hadoop-policy.xml is not read; result is frozen', () => {
    writeFileSync(join(dir, 'core-site.xml'), site({ a: 'core', b: 'core', c: 'core', d: 'core' }));
    writeFileSync(join(dir, 'hdfs-site.xml'), site({ b: 'hdfs', c: 'hdfs', d: 'hdfs' }));
    writeFileSync(join(dir, 'hadoop-policy.xml'), site({ c: 'policy', d: 'policy', e: 'policy' }));
    const conf = loadConfiguration({ confDir: dir, env: {}, overrides: { d: 'cli' } });
    expect([conf.get('a'), conf.get('b'), conf.get('c'), conf.get('d'), conf.get('e')]).to.deep.equal(['core', 'hdfs', 'hdfs', 'cli', undefined]);
    expect(conf.source('b')).to.equal(join(dir, 'hdfs-site.xml'));
    expect(conf.source('d')).to.equal(OVERRIDES_SOURCE);
    expect(conf.confDir).to.equal(dir);
    expect(conf.frozen).to.equal(true);
    expect(SITE_FILES).to.deep.equal(['core-site.xml', 'hdfs-site.xml']);
  });

  describe('withPolicyFile (ServiceAuthorizationManager.refresh\'s copy)', () => {
    it('layers the conf dir\'s hadoop-policy.xml on a copy: -D overrides stay on top, finals stay final, the original is untouched', () => {
      writeFileSync(join(dir, 'core-site.xml'), `<configuration><property><name>f</name><value>core</value><final>true</final></property></configuration>`);
      writeFileSync(join(dir, 'hdfs-site.xml'), site({ c: 'hdfs', d: 'hdfs' }));
      const extra = join(dir, 'extra.xml');
      writeFileSync(extra, site({ g: 'conf-file' }));
      writeFileSync(join(dir, POLICY_FILE), site({ c: 'policy', d: 'policy', e: 'policy', f: 'policy', g: 'policy' }));
      const conf = loadConfiguration({ confDir: dir, env: {}, resources: [extra], overrides: { d: 'cli' } });
      const policy = withPolicyFile(conf);
      expect(policy).to.not.equal(conf);
      // Hadoop adds the policy file after every resource of conf (-conf ones too), then re-applies the overlay
      expect(['c', 'd', 'e', 'f', 'g'].map((k) => policy.get(k))).to.deep.equal(['policy', 'cli', 'policy', 'core', 'policy']);
      expect(policy.source('c')).to.equal(join(dir, POLICY_FILE));
      expect(policy.source('d')).to.equal(OVERRIDES_SOURCE);
      expect(policy.frozen).to.equal(true);
      expect(['c', 'e', 'g'].map((k) => conf.get(k))).to.deep.equal(['hdfs', undefined, 'conf-file']);
    });

    it('is the configuration itself without a conf dir or without a policy file there', () => {
      const none = loadConfiguration({ env: {} });
      expect(none.confDir).to.equal(undefined);
      expect(withPolicyFile(none)).to.equal(none);
      const noFile = loadConfiguration({ confDir: dir, env: {} });
      expect(withPolicyFile(noFile)).to.equal(noFile);
    });

    it('a policy file that does not parse is CONFIG_PARSE naming it', () => {
      writeFileSync(join(dir, POLICY_FILE), '<configuration><property><name>x</name>');
      const conf = loadConfiguration({ confDir: dir, env: {} }); // the general configuration never reads it
      try {
        withPolicyFile(conf);
        expect.fail('expected CONFIG_PARSE');
      } catch (err) {
        expect((err as ConfigError).code).to.equal('CONFIG_PARSE');
        expect((err as ConfigError).message).to.contain(join(dir, POLICY_FILE));
      }
    });
  });

  it('uses HADOOP_CONF_DIR when no dir is given, and loads whichever files exist', () => {
    writeFileSync(join(dir, 'hdfs-site.xml'), site({ 'dfs.encrypt.data.transfer': 'true' }));
    const conf = loadConfiguration({ env: { HADOOP_CONF_DIR: dir } });
    expect(conf.getBoolean('dfs.encrypt.data.transfer')).to.equal(true);
    expect(conf.source('dfs.encrypt.data.transfer')).to.equal(join(dir, 'hdfs-site.xml'));
  });

  it('with HADOOP_CONF_DIR unset, reads the default location (/etc/hadoop/conf for the CLI) when it exists, else only the defaults', () => {
    writeFileSync(join(dir, 'core-site.xml'), site({ 'hadoop.security.authentication': 'kerberos' }));
    const fromDefault = loadConfiguration({ env: {}, defaultConfDir: dir });
    expect(fromDefault.get('hadoop.security.authentication')).to.equal('kerberos');
    expect(fromDefault.source('hadoop.security.authentication')).to.equal(join(dir, 'core-site.xml'));
    const absent = loadConfiguration({ env: {}, defaultConfDir: join(dir, 'absent') });
    expect(absent.get('hadoop.security.authentication')).to.equal('simple');
    // HADOOP_CONF_DIR, when set, wins over the default location
    const other = mkdtempSync(join(tmpdir(), 'hsec-conf-env-'));
    try {
      expect(loadConfiguration({ env: { HADOOP_CONF_DIR: other }, defaultConfDir: dir }).get('hadoop.security.authentication')).to.equal('simple');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('without a dir, gives the declared defaults', () => {
    const conf = loadConfiguration({ env: {} });
    expect(conf.get('hadoop.security.authentication')).to.equal('simple');
  });

  it('a missing explicit dir is CONFIG_MISSING naming where it came from', () => {
    try {
      loadConfiguration({ env: { HADOOP_CONF_DIR: join(dir, 'nope') } });
      expect.fail('expected CONFIG_MISSING');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as ConfigError).code).to.equal('CONFIG_MISSING');
      expect((err as ConfigError).message).to.contain('HADOOP_CONF_DIR').and.contain('nope');
    }
  });

  it('an invalid site value fails at load, naming the file', () => {
    writeFileSync(join(dir, 'core-site.xml'), site({ 'ipc.client.connect.timeout': 'soon' }));
    try {
      loadConfiguration({ confDir: dir, env: {} });
      expect.fail('expected CONFIG_INVALID');
    } catch (err) {
      expect((err as ConfigError).code).to.equal('CONFIG_INVALID');
      expect((err as ConfigError).details.source).to.equal(join(dir, 'core-site.xml'));
    }
  });

  it('freeze: false returns a writable configuration', () => {
    const conf = loadConfiguration({ env: {}, freeze: false });
    expect(conf.set('x', '1').get('x')).to.equal('1');
  });

  describe('the example site files in conf/', () => {
    it('load and validate as a secure pseudo-cluster in EXAMPLE.TEST', () => {
      const conf = loadConfiguration({ confDir: EXAMPLES, env: { HSEC_KEYTAB_DIR: '/srv/keytabs' } });
      expect(conf.getEnum('hadoop.security.authentication')).to.equal('kerberos');
      expect(conf.isFinal('hadoop.security.authentication')).to.equal(true);
      expect(conf.getBoolean('hadoop.security.authorization')).to.equal(true);
      expect(conf.getStrings('hadoop.rpc.protection')).to.deep.equal(['privacy']);
      expect(conf.getStrings('dfs.data.transfer.protection')).to.deep.equal(['privacy']);
      expect(conf.getBoolean('dfs.block.access.token.enable')).to.equal(true);
      expect(conf.getBoolean('dfs.encrypt.data.transfer')).to.equal(true);
      expect(conf.getInt('dfs.encrypt.data.transfer.cipher.key.bitlength')).to.equal(256);
      expect(conf.get('dfs.namenode.keytab.file')).to.equal('/srv/keytabs/nn.service.keytab');
      expect(conf.get('dfs.datanode.keytab.file')).to.equal('/srv/keytabs/dn.service.keytab');
      expect(conf.get('security.datanode.protocol.acl')).to.equal(undefined);
      const policy = withPolicyFile(conf);
      expect(policy.get('security.datanode.protocol.acl')).to.equal('hdfs');
      expect(policy.source('security.datanode.protocol.acl')).to.equal(join(EXAMPLES, 'hadoop-policy.xml'));
      const nn = substituteHost(conf.get('dfs.namenode.kerberos.principal')!, 'NN1.Example.Test');
      expect(nn).to.equal('nn/nn1.example.test@EXAMPLE.TEST');
      const names = AuthToLocal.fromConfiguration(conf, { defaultRealm: 'EXAMPLE.TEST' });
      expect(names.shortName(nn)).to.equal('hdfs');
      expect(names.shortName('dn/dn1.example.test@EXAMPLE.TEST')).to.equal('hdfs');
      expect(names.shortName('alice@EXAMPLE.TEST')).to.equal('alice');
    });

    it('keytab paths fall back to /etc/security/keytabs without HSEC_KEYTAB_DIR', () => {
      const conf = loadConfiguration({ confDir: EXAMPLES, env: {} });
      expect(conf.get('dfs.namenode.keytab.file')).to.equal('/etc/security/keytabs/nn.service.keytab');
    });
  });
});
