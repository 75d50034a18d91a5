/**
 * Extended attributes (HDFS-2006) end to end on a secure hsec cluster (NameNode and a DataNode with
 * Kerberos from the MIT KDC): HdfsClient's xattr calls over real Hadoop IPC (set, get, list,
 * remove), CREATE vs REPLACE refusals with Hadoop's IOException texts, XAttrNotFoundException,
 * trusted.* refused for a user and served to the superuser, user.* needing write permission, the
 * size and per-inode limits, the xattrs after a NameNode restart, a NameNode with
 * dfs.namenode.xattrs.enabled=false refusing with the IOException naming the key, and
 * `hsec fs -setfattr / -getfattr` with each value encoding, as FsShell prints them.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { confEntries, startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { fsShellUser, type FsShellUser } from '../../support/fs-shell.ts';
import { rejectsWithCode } from '../../support/expect-code.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => Buffer.from(b).toString();

describe('hdfs: extended attributes through the hsec NameNode (MIT KDC)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let alice: HdfsClient;
  let bob: HdfsClient;
  let su: HdfsClient;
  let shell: FsShellUser;

  const remoteMessage = (e: { details: Record<string, unknown>; message: string }) => String(e.details['errorMsg'] ?? e.message);
  const refusal = async (call: Promise<unknown>) => {
    const e = await call.then(() => undefined, (x: Error & { details: Record<string, unknown> }) => x);
    expect(e, 'expected a refusal').to.be.instanceOf(Error);
    return { cls: e!.details['exceptionClassName'], message: remoteMessage(e as never) };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-xattr-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, {
      conf: { 'dfs.data.transfer.protection': 'authentication', 'hadoop.user.group.static.mapping.overrides': 'alice=staff;bob=staff' },
    });
    alice = await hdfs.client('alice');
    bob = await hdfs.client('bob');
    su = await hdfs.admin();
    shell = await fsShellUser(hdfs, 'alice');
    await alice.writeFile('f.txt', 'data\n');
    await alice.chmod('f.txt', 0o644);
  });
  after(async () => {
    await hdfs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('set, get, list and remove over RPC; CREATE and REPLACE refusals; a missing name is XAttrNotFoundException', async () => {
    await alice.setXAttr('f.txt', 'user.color', enc('blue'), { create: true });
    await alice.setXAttr('f.txt', 'USER.flag');
    expect(dec(await alice.getXAttr('f.txt', 'user.color'))).to.equal('blue');
    expect((await alice.getXAttr('f.txt', 'user.flag')).length).to.equal(0);
    expect(await bob.listXAttrs('/user/alice/f.txt')).to.deep.equal(['user.flag', 'user.color']);
    expect([...(await alice.getXAttrs('f.txt', ['user.color'])).keys()]).to.deep.equal(['user.color']);
    expect(await refusal(alice.setXAttr('f.txt', 'user.color', enc('red'), { create: true }))).to.deep.equal({
      cls: 'java.io.IOException', message: 'XAttr: color already exists. The REPLACE flag must be specified.',
    });
    expect(await refusal(alice.setXAttr('f.txt', 'user.shape', enc('round'), { replace: true }))).to.deep.equal({
      cls: 'java.io.IOException', message: 'XAttr: shape does not exist. The CREATE flag must be specified.',
    });
    await alice.setXAttr('f.txt', 'user.color', enc('red'), { replace: true });
    expect(dec(await alice.getXAttr('f.txt', 'user.color'))).to.equal('red');
    expect(await refusal(alice.getXAttr('f.txt', 'user.shape'))).to.deep.equal({
      cls: 'org.apache.hadoop.hdfs.protocol.XAttrNotFoundException', message: 'At least one of the attributes provided was not found.',
    });
    await alice.removeXAttr('f.txt', 'user.flag');
    expect(await refusal(alice.removeXAttr('f.txt', 'user.flag'))).to.deep.equal({ cls: 'java.io.IOException', message: 'No matching attributes found for remove operation' });
    expect(await alice.listXAttrs('f.txt')).to.deep.equal(['user.color']);
    // XAttrHelper refuses a name without a namespace before anything is sent
    await rejectsWithCode(alice.setXAttr('f.txt', 'color', enc('x')), 'FS_INVALID_ARGUMENT');
  });

  it('trusted.* only for the superuser (hidden from others); user.* changes need WRITE on the file', async () => {
    expect(await refusal(alice.setXAttr('f.txt', 'trusted.t', enc('1')))).to.deep.equal({
      cls: 'org.apache.hadoop.security.AccessControlException', message: "User doesn't have permission for xattr: trusted.t",
    });
    await su.setXAttr('/user/alice/f.txt', 'trusted.t', enc('1'));
    expect(await su.listXAttrs('/user/alice/f.txt')).to.deep.equal(['trusted.t', 'user.color']);
    expect(await alice.listXAttrs('f.txt')).to.deep.equal(['user.color']);
    const denied = await refusal(bob.setXAttr('/user/alice/f.txt', 'user.bob', enc('1')));
    expect(denied.cls).to.equal('org.apache.hadoop.security.AccessControlException');
    expect(denied.message).to.match(/^Permission denied: user=bob, access=WRITE, inode="\/user\/alice\/f.txt":alice:supergroup:-rw-r--r--/);
    await alice.chmod('f.txt', 0o666);
    await bob.setXAttr('/user/alice/f.txt', 'user.bob', enc('1'));
    await alice.chmod('f.txt', 0o644);
    await alice.removeXAttr('f.txt', 'user.bob');
  });

  it('limits: name + value over dfs.namenode.fs-limits.max-xattr-size, a 33rd user-visible xattr', async () => {
    await alice.writeFile('many', '');
    expect(await refusal(alice.setXAttr('many', 'user.big', new Uint8Array(16384 - 2)))).to.deep.equal({
      cls: 'org.apache.hadoop.HadoopIllegalArgumentException', message: 'The XAttr is too big. The maximum combined size of the name and value is 16384, but the total size is 16385',
    });
    await alice.setXAttr('many', 'user.big', new Uint8Array(16384 - 3));
    for (let i = 1; i < 32; i++) await alice.setXAttr('many', `user.k${i}`);
    expect(await refusal(alice.setXAttr('many', 'user.k32'))).to.deep.equal({ cls: 'java.io.IOException', message: 'Cannot add additional XAttr to inode, would exceed limit of 32' });
    await alice.delete('many');
  });

  it('hsec fs -setfattr / -getfattr: text, hex and base64 values; -d in HashMap order, -n, -R, errors', async () => {
    await alice.mkdir('t/sub', { recursive: true });
    const ok = async (...args: string[]) => {
      const r = await shell.fs(...args);
      expect(r, args.join(' ')).to.deep.include({ code: 0, err: '' });
      return r.out;
    };
    await ok('-setfattr', '-n', 'user.text', '-v', '"hello world"', 't');
    await ok('-setfattr', '-n', 'user.hex', '-v', '0x00ff41', 't');
    await ok('-setfattr', '-n', 'user.b64', '-v', '0sYWJj', 't');
    await ok('-setfattr', '-n', 'user.none', 't');
    await ok('-setfattr', '-n', 'user.a', '-v', 'x', 't/sub');
    // DFSClient's HashMap iterates user.b64, user.hex, user.text, user.none (as OpenJDK 17 does for these keys)
    expect(await ok('-getfattr', '-d', 't')).to.equal('# file: t\nuser.b64="abc"\nuser.hex="\u0000\ufffdA"\nuser.text="hello world"\nuser.none\n');
    expect(await ok('-getfattr', '-d', '-e', 'hex', 't')).to.equal('# file: t\nuser.b64=0x616263\nuser.hex=0x00ff41\nuser.text=0x68656c6c6f20776f726c64\nuser.none\n');
    expect(await ok('-getfattr', '-n', 'user.hex', '-e', 'BASE64', 't')).to.equal('# file: t\nuser.hex=0sAP9B\n');
    expect(await ok('-getfattr', '-R', '-n', 'user.a', 't/sub')).to.equal('# file: t/sub\nuser.a="x"\n');
    expect(await ok('-getfattr', '-R', '-d', '/user/alice/t')).to.match(/^# file: \/user\/alice\/t\n(.+\n){4}# file: \/user\/alice\/t\/sub\nuser\.a="x"\n$/);
    // a missing attribute: the header, then the NameNode's message, exit 1
    let r = await shell.fs('-getfattr', '-n', 'user.nope', 't');
    expect(r).to.deep.include({ code: 1, out: '# file: t\n', err: 'getfattr: At least one of the attributes provided was not found.\n' });
    await ok('-setfattr', '-x', 'user.none', 't');
    r = await shell.fs('-setfattr', '-x', 'user.none', 't');
    expect(r).to.deep.include({ code: 1, err: 'setfattr: No matching attributes found for remove operation\n' });
    r = await shell.fs('-getfattr', 't');
    expect(r.code).to.equal(255);
    expect(r.err.split('\n')[0]).to.equal("-getfattr: Must specify '-n name' or '-d' option.");
    expect(r.err).to.contain('Usage: hsec fs [generic options] -getfattr [-R] {-n name | -d} [-e en] <path>\n');
    r = await shell.fs('-setfattr', '-n', 'user.x', '-v', '0x123', 't');
    expect(r).to.deep.include({ code: 1, err: 'setfattr: org.apache.commons.codec.DecoderException: Odd number of characters.\n' });
    r = await shell.fs('-getfattr', '-d', 't/none');
    expect(r).to.deep.include({ code: 1, err: "getfattr: `t/none': No such file or directory\n" });
  });

  it('the xattrs survive a NameNode restart', async () => {
    const before = [await su.getXAttrs('/user/alice/f.txt'), await alice.getXAttrs('t')];
    await hdfs.restartNameNode();
    expect([await su.getXAttrs('/user/alice/f.txt'), await alice.getXAttrs('t')]).to.deep.equal(before);
    expect(dec((await alice.getXAttrs('t')).get('user.text')!)).to.equal('hello world');
  });

  it('a NameNode with dfs.namenode.xattrs.enabled=false refuses the xattr calls with the IOException naming the key', async () => {
    const conf = loadConfiguration({
      env: {},
      overrides: { ...confEntries(hdfs.conf), 'dfs.namenode.rpc-address': '127.0.0.1:0', 'dfs.namenode.name.dir': `file://${join(dir, 'name-noxattr')}`, 'dfs.namenode.xattrs.enabled': 'false' },
    });
    const nn = await NameNode.start(conf, { login: true, krb5: loadKrb5Config(hdfs.kdc.krb5ConfPath) });
    const c = await HdfsClient.connect({ conf: hdfs.conf, user: alice.user, env: {}, nameNode: { host: '127.0.0.1', port: nn.address.port } });
    try {
      for (const call of [c.listXAttrs('/'), c.getXAttrs('/'), c.setXAttr('/', 'user.a'), c.removeXAttr('/', 'user.a')]) {
        expect(await refusal(call)).to.deep.equal({
          cls: 'java.io.IOException', message: 'The XAttr operation has been rejected.  Support for XAttrs has been disabled by setting dfs.namenode.xattrs.enabled to false.',
        });
      }
    } finally {
      c.close();
      await nn.stop();
    }
  });
});
