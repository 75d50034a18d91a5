import { expect } from 'chai';
import { Configuration } from '../../../lib/config/index.ts';
import { nameNodeSettings } from '../../../cluster/namenode/namenode-config.ts';
import { nameNodeBindAddress, nameNodeClientAddress, parseHdfsUri } from '../../../cluster/protocol/namenode-address.ts';

function conf(props: Record<string, string>): Configuration {
  const c = new Configuration();
  for (const [k, v] of Object.entries(props)) c.set(k, v);
  return c;
}

describe('namenode-address: which address the NameNode binds and which a client dials', () => {
  it('the server binds dfs.namenode.rpc-address first, else fs.defaultFS (Hadoop NameNode.getRpcServerAddress), naming the key', () => {
    expect(nameNodeBindAddress(conf({ 'dfs.namenode.rpc-address': '0.0.0.0:9000', 'fs.defaultFS': 'hdfs://nn.example.test:8021' }))).to.deep.equal({ host: '0.0.0.0', port: 9000, configKey: 'dfs.namenode.rpc-address' });
    expect(nameNodeBindAddress(conf({ 'fs.defaultFS': 'hdfs://nn.example.test' }))).to.deep.equal({ host: 'nn.example.test', port: 8020, configKey: 'fs.defaultFS' });
    expect(() => nameNodeBindAddress(conf({ 'fs.defaultFS': 'file:///' }))).to.throw().with.property('code', 'CONFIG_MISSING');
  });

  it('a client dials fs.defaultFS first, as hdfs fetchdt does through FileSystem.get, else dfs.namenode.rpc-address', () => {
    expect(nameNodeClientAddress(conf({ 'dfs.namenode.rpc-address': '0.0.0.0:9000', 'fs.defaultFS': 'hdfs://nn.example.test:8021/' }))).to.deep.equal({ host: 'nn.example.test', port: 8021 });
    expect(nameNodeClientAddress(conf({ 'dfs.namenode.rpc-address': 'localhost:9000', 'fs.defaultFS': 'file:///' }))).to.deep.equal({ host: 'localhost', port: 9000 });
    expect(() => nameNodeClientAddress(conf({ 'fs.defaultFS': 'file:///' }))).to.throw(/set fs.defaultFS=hdfs:\/\/HOST:PORT.*\(hsec -fs hdfs:\/\/HOST:PORT \.\.\.\)$/).with.property('code', 'CONFIG_MISSING');
  });

  it('parses hdfs:// URIs with Hadoop\'s default port, IPv6 literals and paths', () => {
    expect(parseHdfsUri('hdfs://nn.example.test:9000/user/alice')).to.deep.equal({ host: 'nn.example.test', port: 9000, path: '/user/alice' });
    expect(parseHdfsUri('hdfs://nn.example.test')).to.deep.equal({ host: 'nn.example.test', port: 8020, path: '/' });
    expect(parseHdfsUri('hdfs://[::1]:8020/')).to.deep.equal({ host: '::1', port: 8020, path: '/' });
    expect(parseHdfsUri('webhdfs://nn:9870')).to.equal(undefined);
    expect(parseHdfsUri('hdfs://nn:99999')).to.equal(undefined);
  });
});

describe('namenode settings (namenode-config.ts)', () => {
  it('dfs.namenode.audit.log.debug.cmdlist: none by default, else the trimmed comma list', () => {
    const base = { 'fs.defaultFS': 'hdfs://localhost:8020' };
    expect(nameNodeSettings(conf(base)).namesystem.auditDebugCmds).to.deep.equal([]);
    expect(nameNodeSettings(conf({ ...base, 'dfs.namenode.audit.log.debug.cmdlist': ' getfileinfo, listStatus ' })).namesystem.auditDebugCmds).to.deep.equal(['getfileinfo', 'listStatus']);
  });

  it('xattrs: on, 32 per inode and 16384 bytes by default (sizes take k/m); FSDirectory\'s start-up checks name the key', () => {
    const base = { 'fs.defaultFS': 'hdfs://localhost:8020' };
    expect(nameNodeSettings(conf(base)).namesystem).to.deep.include({ xattrsEnabled: true, maxXAttrsPerInode: 32, maxXAttrSize: 16384 });
    expect(nameNodeSettings(conf({ ...base, 'dfs.namenode.fs-limits.max-xattr-size': '32k', 'dfs.namenode.xattrs.enabled': 'false' })).namesystem).to.deep.include({ xattrsEnabled: false, maxXAttrSize: 32768 });
    const refused = (props: Record<string, string>, message: string) => expect(() => nameNodeSettings(conf({ ...base, ...props }))).to.throw(message).with.property('code', 'CONFIG_INVALID');
    refused({ 'dfs.namenode.fs-limits.max-xattr-size': '0' }, 'The maximum size of an xattr should be > 0: (dfs.namenode.fs-limits.max-xattr-size).');
    refused({ 'dfs.namenode.fs-limits.max-xattr-size': '32769' }, 'The maximum size of an xattr should be <= maximum size hard limit 32768: (dfs.namenode.fs-limits.max-xattr-size).');
    refused({ 'dfs.namenode.fs-limits.max-xattrs-per-inode': '-1' }, 'Cannot set a negative limit on the number of xattrs per inode (dfs.namenode.fs-limits.max-xattrs-per-inode).');
  });

  it('storage policies: enabled, not superuser-only, no satisfier by default; `external` satisfier mode refused unless policies are off', () => {
    const base = { 'fs.defaultFS': 'hdfs://localhost:8020' };
    expect(nameNodeSettings(conf(base)).namesystem).to.deep.include({ storagePolicyEnabled: true, storagePolicySuperuserOnly: false });
    expect(nameNodeSettings(conf({ ...base, 'dfs.storage.policy.enabled': 'false', 'dfs.storage.policy.permissions.superuser-only': 'true', 'dfs.storage.policy.satisfier.mode': 'external' })).namesystem)
      .to.deep.include({ storagePolicyEnabled: false, storagePolicySuperuserOnly: true });
    expect(() => nameNodeSettings(conf({ ...base, 'dfs.storage.policy.satisfier.mode': 'EXTERNAL' }))).to.throw(/^dfs\.storage\.policy\.satisfier\.mode = external: this NameNode has no storage policy satisfier/)
      .with.property('code', 'CONFIG_INVALID');
    expect(() => nameNodeSettings(conf({ ...base, 'dfs.storage.policy.satisfier.mode': 'internal' }))).to.throw().with.property('code', 'CONFIG_INVALID');
  });

  it('dfs.batched.ls.limit (100, above 0 or the NameNode does not start) and dfs.namenode.max-corrupt-file-blocks-returned (100)', () => {
    const base = { 'fs.defaultFS': 'hdfs://localhost:8020' };
    expect(nameNodeSettings(conf(base)).namesystem).to.deep.include({ batchedListingLimit: 100, maxCorruptFileBlocksReturned: 100 });
    expect(nameNodeSettings(conf({ ...base, 'dfs.batched.ls.limit': '7', 'dfs.namenode.max-corrupt-file-blocks-returned': '9' })).namesystem)
      .to.deep.include({ batchedListingLimit: 7, maxCorruptFileBlocksReturned: 9 });
    expect(() => nameNodeSettings(conf({ ...base, 'dfs.batched.ls.limit': '0' }))).to.throw('dfs.batched.ls.limit must be greater than zero').with.property('code', 'CONFIG_INVALID');
  });

  it('stale DataNodes: 30 s by default, raised to 3 heartbeats, positive (DatanodeManager.getStaleIntervalFromConf)', () => {
    const base = { 'fs.defaultFS': 'hdfs://localhost:8020' };
    expect(nameNodeSettings(conf(base)).datanodes.staleIntervalMs).to.equal(30_000);
    expect(nameNodeSettings(conf({ ...base, 'dfs.namenode.stale.datanode.interval': '5000' })).datanodes.staleIntervalMs).to.equal(9000);
    expect(nameNodeSettings(conf({ ...base, 'dfs.namenode.stale.datanode.interval': '5000', 'dfs.heartbeat.interval': '1' })).datanodes.staleIntervalMs).to.equal(5000);
    expect(() => nameNodeSettings(conf({ ...base, 'dfs.namenode.stale.datanode.interval': '0' }))).to.throw('dfs.namenode.stale.datanode.interval = \'0\' is invalid. It should be a positive non-zero value.');
  });
});
