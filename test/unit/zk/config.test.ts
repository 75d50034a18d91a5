/**
 * ZkClient options from hadoop.zk.* (ZKCuratorManager.start): Hadoop's defaults, the required
 * address, and `@/path` indirection (ZKUtil.resolveConfIndirection) for hadoop.zk.auth and
 * hadoop.zk.acl, including a missing file as a ConfigError naming the key.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Configuration } from '../../../lib/config/index.ts';
import { OPEN_ACL_UNSAFE, zkAclsFromConfig, zkClientOptionsFromConfig } from '../../../lib/zk/index.ts';
import { expectCode } from '../../support/expect-code.ts';

function confWith(values: Record<string, string>): Configuration {
  const conf = new Configuration({ env: {} });
  for (const [k, v] of Object.entries(values)) conf.set(k, v);
  return conf;
}

describe('ZooKeeper client configuration (hadoop.zk.*)', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'hsec-zkconf-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("uses Hadoop's defaults: 10 s session, 1000 retries, 1 s interval, world:anyone:rwcda", () => {
    const o = zkClientOptionsFromConfig(confWith({ 'hadoop.zk.address': 'zk1:2181,zk2:2181' }));
    expect(o).to.include({ connectString: 'zk1:2181,zk2:2181', sessionTimeoutMs: 10000, numRetries: 1000, retryIntervalMs: 1000 });
    expect(o.authInfos).to.deep.equal([]);
    expect(o.defaultAcl).to.deep.equal(OPEN_ACL_UNSAFE);
  });

  it('requires hadoop.zk.address, with the message Hadoop gives', () => {
    expect(expectCode(() => zkClientOptionsFromConfig(new Configuration({ env: {} })), 'CONFIG_MISSING').message).to.equal('hadoop.zk.address is not configured.');
  });

  it('reads hadoop.zk.auth and hadoop.zk.acl through @/path indirection, trimmed', () => {
    writeFileSync(join(dir, 'auth'), 'digest:admin:secret\n', { mode: 0o600 });
    writeFileSync(join(dir, 'acl'), '  digest:admin:fvr2cB/fjGeAiX8g1aGhUm3ZICk=:rwcda,world:anyone:r\n');
    const conf = confWith({ 'hadoop.zk.address': 'h:1', 'hadoop.zk.auth': `@${join(dir, 'auth')}`, 'hadoop.zk.acl': `@ ${join(dir, 'acl')}`, 'hadoop.zk.timeout-ms': '4000' });
    const o = zkClientOptionsFromConfig(conf);
    expect(o.sessionTimeoutMs).to.equal(4000);
    expect(o.authInfos!.map((a) => `${a.scheme}:${Buffer.from(a.auth).toString()}`)).to.deep.equal(['digest:admin:secret']);
    expect(zkAclsFromConfig(conf).map((a) => `${a.scheme}:${a.id}:${a.perms}`)).to.deep.equal(['digest:admin:fvr2cB/fjGeAiX8g1aGhUm3ZICk=:31', 'world:anyone:1']);
  });

  it('names the key and the file when an indirection cannot be read', () => {
    const conf = confWith({ 'hadoop.zk.address': 'h:1', 'hadoop.zk.auth': `@${join(dir, 'missing')}` });
    const e = expectCode(() => zkClientOptionsFromConfig(conf), 'CONFIG_INVALID');
    expect(e.message).to.include('hadoop.zk.auth').and.include('missing');
  });
});
