/**
 * The layered Configuration: Hadoop's resource order, final properties, ${} expansion, deprecation,
 * typed getters and their errors, freeze/clone, source tracking.
 */
import { expect } from 'chai';
import { Configuration, DEFAULTS_SOURCE, PROGRAMMATIC_SOURCE } from '../../../lib/config/configuration.ts';
import { KeyRegistry } from '../../../lib/config/registry.ts';
import { key } from '../../../lib/config/types.ts';
import { ConfigError } from '../../../lib/errors/index.ts';

const SYS = { 'user.name': 'alice', 'user.home': '/home/alice' };

function xml(props: Record<string, string | { value?: string; final?: boolean }>): string {
  const body = Object.entries(props)
    .map(([name, p]) => {
      const { value, final } = typeof p === 'string' ? { value: p, final: false } : p;
      return `<property><name>${name}</name>${value === undefined ? '' : `<value>${value}</value>`}${final ? '<final>true</final>' : ''}</property>`;
    })
    .join('\n');
  return `<configuration>\n${body}\n</configuration>`;
}

function newConf(env: Record<string, string> = {}): Configuration {
  return new Configuration({ env, systemProperties: SYS });
}

function failure(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('Configuration', () => {
  describe('layering and final', () => {
    it('starts from the declared defaults, later resources override earlier ones', () => {
      const conf = newConf();
      expect(conf.get('hadoop.rpc.protection')).to.equal('authentication');
      expect(conf.source('hadoop.rpc.protection')).to.equal(DEFAULTS_SOURCE);
      conf.addResourceXml(xml({ 'hadoop.rpc.protection': 'integrity', x: '1' }), '/c/core-site.xml');
      conf.addResourceXml(xml({ 'hadoop.rpc.protection': 'privacy' }), '/c/hdfs-site.xml');
      expect(conf.get('hadoop.rpc.protection')).to.equal('privacy');
      expect(conf.source('hadoop.rpc.protection')).to.equal('/c/hdfs-site.xml');
      expect(conf.source('x')).to.equal('/c/core-site.xml');
      expect(conf.source('never.set')).to.equal(undefined);
    });

    it('a final property ignores later resources but not set() (as Hadoop)', () => {
      const conf = newConf();
      conf.addResourceXml(xml({ 'hadoop.security.authentication': { value: 'kerberos', final: true } }), 'core-site.xml');
      conf.addResourceXml(xml({ 'hadoop.security.authentication': 'simple' }), 'hdfs-site.xml');
      expect(conf.get('hadoop.security.authentication')).to.equal('kerberos');
      expect(conf.source('hadoop.security.authentication')).to.equal('core-site.xml');
      expect(conf.isFinal('hadoop.security.authentication')).to.equal(true);
      conf.set('hadoop.security.authentication', 'simple');
      expect(conf.get('hadoop.security.authentication')).to.equal('simple');
      expect(conf.source('hadoop.security.authentication')).to.equal(PROGRAMMATIC_SOURCE);
    });

    it('a set() value stays on top of resources added after it, in a clone too; unset() lets them in again (Hadoop\'s overlay)', () => {
      const conf = newConf().set('hadoop.rpc.protection', 'privacy', 'command line');
      conf.addResourceXml(xml({ 'hadoop.rpc.protection': 'integrity', x: '1' }), 'hadoop-policy.xml');
      expect(conf.get('hadoop.rpc.protection')).to.equal('privacy');
      expect(conf.source('hadoop.rpc.protection')).to.equal('command line');
      expect(conf.get('x')).to.equal('1');
      const copy = conf.clone().addResourceXml(xml({ 'hadoop.rpc.protection': 'authentication' }), 'later.xml');
      expect(copy.get('hadoop.rpc.protection')).to.equal('privacy');
      copy.unset('hadoop.rpc.protection').addResourceXml(xml({ 'hadoop.rpc.protection': 'authentication' }), 'later.xml');
      expect(copy.get('hadoop.rpc.protection')).to.equal('authentication');
    });

    it('final without a value still locks the key (Hadoop loadProperty)', () => {
      const conf = newConf();
      conf.addResourceXml(xml({ k: { final: true } }), 'a.xml');
      conf.addResourceXml(xml({ k: 'late' }), 'b.xml');
      expect(conf.get('k')).to.equal(undefined);
    });

    it('loadDefaults: false starts empty; unset() hides a default', () => {
      expect(new Configuration({ loadDefaults: false }).get('hadoop.rpc.protection')).to.equal(undefined);
      const conf = newConf().unset('hadoop.rpc.protection');
      expect(conf.get('hadoop.rpc.protection')).to.equal(undefined);
    });
  });

  describe('variable expansion', () => {
    it('expands other keys, system properties and env, innermost first', () => {
      const conf = newConf({ KT: '/keytabs', EMPTY: '' });
      conf.set('base', '/data/${user.name}');
      conf.set('dir', '${base}/dfs');
      conf.set('kt', '${env.KT}/nn.keytab');
      conf.set('nested', '${${which}}');
      conf.set('which', 'base');
      conf.set('unknown', 'x${no.such.key}y');
      conf.set('envkey', '${KT}');
      expect(conf.get('dir')).to.equal('/data/alice/dfs');
      expect(conf.getRaw('dir')).to.equal('${base}/dfs');
      expect(conf.get('kt')).to.equal('/keytabs/nn.keytab');
      expect(conf.get('nested')).to.equal('/data/alice');
      expect(conf.get('unknown')).to.equal('x${no.such.key}y');
      expect(conf.get('envkey')).to.equal('/keytabs');
    });

    it('supports ${env.X:-default} (unset or empty) and ${env.X-default} (unset only)', () => {
      const conf = newConf({ SET: 'v', EMPTY: '' });
      const cases: [string, string][] = [
        ['${env.SET:-d}', 'v'],
        ['${env.EMPTY:-d}', 'd'],
        ['${env.UNSET:-d}', 'd'],
        ['${env.SET-d}', 'v'],
        ['${env.EMPTY-d}', ''],
        ['${env.UNSET-d}', 'd'],
        ['${env.UNSET}', '${env.UNSET}'],
        ['a${env.}b', 'a${env.}b'],
        ['${ spaced }', '${ spaced }'],
        ['${}', '${}'],
      ];
      for (const [value, want] of cases) {
        conf.set('v', value);
        expect(conf.get('v'), value).to.equal(want);
      }
    });

    it('a self-referencing value is returned unexpanded (Hadoop loop guard)', () => {
      const conf = newConf().set('loop', 'a${loop}b');
      expect(conf.get('loop')).to.equal('a${loop}b');
    });

    it('more than 20 rounds is CONFIG_INVALID naming the key', () => {
      const conf = newConf().set('a', '${b}').set('b', '${a}x');
      const err = failure(() => conf.get('a'));
      expect(err.code).to.equal('CONFIG_INVALID');
      expect(err.message).to.match(/depth too large/);
      expect(err.details.configKey).to.equal('a');
      // Hadoop's loop runs 20 rounds and throws after the 20th even if it resolved: 19 hops work, 20 do not
      const chain = (hops: number) => {
        const c = newConf();
        for (let i = 0; i < hops; i++) c.set(`k${i}`, `\${k${i + 1}}`);
        return c.set(`k${hops}`, 'end');
      };
      expect(chain(19).get('k0')).to.equal('end');
      expect(failure(() => chain(20).get('k0')).code).to.equal('CONFIG_INVALID');
    });
  });

  describe('deprecated names', () => {
    it('reading or setting the old name uses the new one, in XML too', () => {
      const conf = newConf();
      conf.addResourceXml(xml({ 'fs.default.name': 'hdfs://nn:8020' }), 'core-site.xml');
      expect(conf.get('fs.defaultFS')).to.equal('hdfs://nn:8020');
      expect(conf.get('fs.default.name')).to.equal('hdfs://nn:8020');
      conf.set('fs.default.name', 'hdfs://other:8020');
      expect(conf.get('fs.defaultFS')).to.equal('hdfs://other:8020');
      expect(conf.keys()).not.to.include('fs.default.name');
    });

    it('a registry rejects keys or aliases declared twice', () => {
      const a = key({ name: 'a', type: 'string', description: 'x', deprecated: ['old'] });
      expect(() => new KeyRegistry([a, key({ name: 'a', type: 'int', description: 'y' })])).to.throw(/declared twice/);
      expect(() => new KeyRegistry([a, key({ name: 'old', type: 'int', description: 'y' })])).to.throw(/declared twice/);
      expect(() => new KeyRegistry([key({ name: 'd', type: 'duration', description: 'no unit' })])).to.throw(/unit/);
    });
  });

  describe('typed getters', () => {
    it('read declared defaults and site values with Hadoop parsing', () => {
      const conf = newConf();
      expect(conf.getInt('ipc.maximum.data.length')).to.equal(134217728);
      expect(conf.getBoolean('ipc.client.ping')).to.equal(true);
      expect(conf.getTimeDuration('ipc.ping.interval')).to.equal(60000);
      expect(conf.getTimeDuration('hadoop.kerberos.min.seconds.before.relogin')).to.equal(60000);
      expect(conf.getTimeDuration('dfs.block.access.token.lifetime', undefined, 'ms')).to.equal(600 * 60000);
      expect(conf.getStrings('hadoop.rpc.protection')).to.deep.equal(['authentication']);
      expect(conf.getEnum('hadoop.security.authentication')).to.equal('simple');
      conf.addResourceXml(
        xml({
          'ipc.maximum.data.length': ' 0x100 ',
          'ipc.client.ping': 'FALSE',
          'ipc.ping.interval': '2m',
          'hadoop.rpc.protection': 'privacy, integrity',
          'hadoop.security.authentication': 'Kerberos',
          'my.size': '64m',
          'my.long': '604800000000',
        }),
        'core-site.xml',
      );
      expect(conf.getInt('ipc.maximum.data.length')).to.equal(256);
      expect(conf.getBoolean('ipc.client.ping')).to.equal(false);
      expect(conf.getTimeDuration('ipc.ping.interval', 'ms', 's')).to.equal(120);
      expect(conf.getTrimmedStrings('hadoop.rpc.protection')).to.deep.equal(['privacy', 'integrity']);
      expect(conf.getEnum('hadoop.security.authentication')).to.equal('kerberos');
      expect(conf.getLongBytes('my.size')).to.equal(67108864);
      expect(conf.getLong('my.long')).to.equal(604800000000);
    });

    it('undeclared keys use the caller default and unit', () => {
      const conf = newConf().set('x.timeout', '90');
      expect(conf.getTimeDuration('x.timeout', 's', 'ms')).to.equal(90000);
      expect(conf.getTimeDuration('x.missing', 's', 'ms', 5)).to.equal(5000);
      expect(conf.getInt('x.missing', 7)).to.equal(7);
      expect(conf.getBoolean('x.missing', true)).to.equal(true);
      expect(conf.getStrings('x.missing', ['a'])).to.deep.equal(['a']);
      expect(conf.get('x.missing', 'd')).to.equal('d');
      expect(conf.getTrimmed('x.timeout')).to.equal('90');
    });

    it('getFloat reads decimals as Float.parseFloat does (fs.trash.interval in minutes); validation refuses a non-number', () => {
      const conf = newConf().set('fs.trash.interval', ' 0.5 ').set('fs.trash.checkpoint.interval', '1e1').set('x.f', '2f');
      expect(conf.getFloat('fs.trash.interval')).to.equal(0.5);
      expect(conf.getFloat('fs.trash.checkpoint.interval')).to.equal(10);
      expect(conf.getFloat('x.f')).to.equal(2);
      expect(newConf().getFloat('fs.trash.interval')).to.equal(0);
      const bad = newConf().set('fs.trash.interval', 'one day');
      expect(() => bad.getFloat('fs.trash.interval')).to.throw(/Invalid value "one day" for fs.trash.interval.*is not a number/);
      expect(() => bad.validate()).to.throw(/fs.trash.interval/);
    });

    it('an empty boolean reads as unset (Hadoop getBoolean)', () => {
      const conf = newConf().set('ipc.client.ping', '  ');
      expect(conf.getBoolean('ipc.client.ping', false)).to.equal(false);
    });

    it('a bad value is CONFIG_INVALID naming the key, value and file', () => {
      const conf = newConf();
      conf.addResourceXml(xml({ 'ipc.ping.interval': '10 seconds' }), '/etc/hadoop/core-site.xml');
      const err = failure(() => conf.getTimeDuration('ipc.ping.interval'));
      expect(err.code).to.equal('CONFIG_INVALID');
      expect(err.details).to.deep.include({ configKey: 'ipc.ping.interval', value: '10 seconds', source: '/etc/hadoop/core-site.xml' });
      expect(err.message).to.contain('ipc.ping.interval').and.contain('"10 seconds"').and.contain('/etc/hadoop/core-site.xml').and.contain('60000');
    });

    it('never shows values of password-like keys', () => {
      const conf = newConf().set('ssl.server.keystore.password', 'hunter2');
      const err = failure(() => conf.getInt('ssl.server.keystore.password'));
      expect(err.message).not.to.contain('hunter2');
      expect(JSON.stringify(err.details)).not.to.contain('hunter2');
    });

    it('a missing value without default is CONFIG_MISSING', () => {
      const err = failure(() => newConf().getInt('zk-dt-secret-manager.no.such'));
      expect(err.code).to.equal('CONFIG_MISSING');
      expect(err.details.configKey).to.equal('zk-dt-secret-manager.no.such');
    });
  });

  describe('prefix and regex queries', () => {
    it('getPropsWithPrefix strips the prefix and expands values; getValByRegex matches whole names', () => {
      const conf = newConf()
        .set('hadoop.proxyuser.oozie.hosts', '${user.name}-host')
        .set('hadoop.proxyuser.oozie.groups', '*')
        .set('hadoop.proxyuser.x.y.users', 'u')
        .set('  spaced.name ', 'trimmed');
      expect(Object.fromEntries(conf.getPropsWithPrefix('hadoop.proxyuser.'))).to.deep.equal({
        'oozie.hosts': 'alice-host',
        'oozie.groups': '*',
        'x.y.users': 'u',
      });
      expect([...conf.getValByRegex(/hadoop\.proxyuser\.[^.]*\.(users|groups|hosts)/).keys()]).to.deep.equal([
        'hadoop.proxyuser.oozie.groups',
        'hadoop.proxyuser.oozie.hosts',
      ]);
      expect(conf.get('spaced.name')).to.equal('trimmed');
    });
  });

  describe('validate, freeze, clone', () => {
    it('freeze() validates every declared key and lists all problems', () => {
      const conf = newConf();
      conf.addResourceXml(
        xml({
          'ipc.client.ping': 'yes',
          'hadoop.rpc.protection': 'privacy,secret-sauce',
          'hadoop.security.authentication': 'token',
          'dfs.encrypt.data.transfer.cipher.key.bitlength': '128bits',
          'operator.own.key': 'anything',
        }),
        'core-site.xml',
      );
      const err = failure(() => conf.freeze());
      expect(err.code).to.equal('CONFIG_INVALID');
      expect(err.details.keys).to.have.members([
        'ipc.client.ping',
        'hadoop.rpc.protection',
        'hadoop.security.authentication',
        'dfs.encrypt.data.transfer.cipher.key.bitlength',
      ]);
      expect(conf.frozen).to.equal(false);
    });

    it('a frozen configuration refuses writes; clone() gives a writable copy', () => {
      const conf = newConf().set('a', '1').freeze();
      expect(conf.frozen).to.equal(true);
      expect(failure(() => conf.set('a', '2')).code).to.equal('CONFIG_INVALID');
      expect(failure(() => conf.addResourceXml(xml({ a: '2' }), 'x.xml')).code).to.equal('CONFIG_INVALID');
      const copy = conf.clone().set('hadoop.rpc.protection', 'privacy');
      expect(copy.get('a')).to.equal('1');
      expect(copy.get('hadoop.rpc.protection')).to.equal('privacy');
      expect(conf.get('hadoop.rpc.protection')).to.equal('authentication');
      expect(new Configuration({ confDir: '/etc/hadoop/conf' }).clone().confDir).to.equal('/etc/hadoop/conf');
    });
  });
});
