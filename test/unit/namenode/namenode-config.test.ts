import { expect } from 'chai';
import { Configuration } from '../../../lib/config/index.ts';
import { clientRpcAddress, rpcAddress } from '../../../cluster/namenode/namenode-config.ts';

function conf(props: Record<string, string>): Configuration {
  const c = new Configuration();
  for (const [k, v] of Object.entries(props)) c.set(k, v);
  return c;
}

describe('namenode-config: which address the NameNode binds and which a client dials', () => {
  it('the server binds dfs.namenode.rpc-address first, else fs.defaultFS (Hadoop NameNode.getRpcServerAddress)', () => {
    expect(rpcAddress(conf({ 'dfs.namenode.rpc-address': '0.0.0.0:9000', 'fs.defaultFS': 'hdfs://nn.example.test:8021' }))).to.deep.equal({ host: '0.0.0.0', port: 9000 });
    expect(rpcAddress(conf({ 'fs.defaultFS': 'hdfs://nn.example.test' }))).to.deep.equal({ host: 'nn.example.test', port: 8020 });
    expect(() => rpcAddress(conf({ 'fs.defaultFS': 'file:///' }))).to.throw().with.property('code', 'CONFIG_MISSING');
  });

  it('a client dials fs.defaultFS first, as hdfs fetchdt does through FileSystem.get, else dfs.namenode.rpc-address', () => {
    expect(clientRpcAddress(conf({ 'dfs.namenode.rpc-address': '0.0.0.0:9000', 'fs.defaultFS': 'hdfs://nn.example.test:8021/' }))).to.deep.equal({ host: 'nn.example.test', port: 8021 });
    expect(clientRpcAddress(conf({ 'dfs.namenode.rpc-address': 'localhost:9000', 'fs.defaultFS': 'file:///' }))).to.deep.equal({ host: 'localhost', port: 9000 });
  });
});
