/**
 * POSIX ACLs end to end on a secure hsec cluster (NameNode and a DataNode with Kerberos from the
 * MIT KDC, RPC privacy, block tokens): HdfsClient's ACL calls over real Hadoop IPC (set, get,
 * modify, remove), a named user entry that lets bob read a file its bits refuse him (through the
 * DataNode, with the block token the NameNode then grants), the mask limiting that entry after a
 * chmod, a default ACL inherited by a new file and directory (no umask under it), the ACLs after a
 * NameNode restart, a non-owner refused with AccessControlException, a NameNode with
 * dfs.namenode.acls.enabled=false refusing with the AclException naming the key, and
 * `hsec fs -getfacl / -setfacl / -ls / -cp -pa` output as FsShell prints it.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { confEntries, startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { aclEntryString, parseAclSpec } from '../../../cluster/protocol/acl-entry.ts';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { fsShellUser, type FsShellUser } from '../../support/fs-shell.ts';
import { rejectsWithCode } from '../../support/expect-code.ts';
import { until } from '../../support/until.ts';

const spec = (s: string) => parseAclSpec(s, true);

describe('hdfs: POSIX ACLs through the hsec NameNode and DataNode (MIT KDC)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let alice: HdfsClient;
  let bob: HdfsClient;
  let carol: HdfsClient;
  let shell: FsShellUser;

  const entries = async (c: HdfsClient, path: string) => (await c.getAclStatus(path)).entries.map(aclEntryString).join(',');
  const remoteMessage = (e: { details: Record<string, unknown>; message: string }) => String(e.details['errorMsg'] ?? e.message);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-acl-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, {
      conf: { 'dfs.data.transfer.protection': 'authentication', 'hadoop.user.group.static.mapping.overrides': 'alice=staff;bob=staff;carol=guests' },
    });
    alice = await hdfs.client('alice');
    bob = await hdfs.client('bob');
    carol = await hdfs.client('carol');
    shell = await fsShellUser(hdfs, 'alice');
    await alice.writeFile('secret.txt', 'for carol only\n');
    await alice.chmod('secret.txt', 0o600);
  });
  after(async () => {
    await hdfs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a named user entry lets carol read a file its bits refuse her; the mask (chmod of the group bits) limits the entry again', async () => {
    const denied = await rejectsWithCode(carol.readFile('/user/alice/secret.txt'), 'ACCESS_DENIED');
    expect(remoteMessage(denied as never)).to.match(/^Permission denied: user=carol, access=READ, inode="\/user\/alice\/secret.txt":alice:supergroup:-rw-------/);
    await alice.modifyAclEntries('secret.txt', spec('user:carol:r--'));
    expect((await carol.readFile('/user/alice/secret.txt')).toString()).to.equal('for carol only\n');
    const st = await alice.stat('secret.txt');
    expect(st.hasAcl).to.equal(true);
    expect(st.permission).to.equal(0o640); // the mask r-- in the group bits
    await alice.chmod('secret.txt', 0o600); // mask ---
    await rejectsWithCode(carol.readFile('/user/alice/secret.txt'), 'ACCESS_DENIED');
    const status = await alice.getAclStatus('secret.txt');
    expect(status).to.deep.include({ owner: 'alice', group: 'supergroup', stickyBit: false, permission: 0o600 });
    expect(status.entries.map(aclEntryString)).to.deep.equal(['user:carol:r--', 'group::---']);
  });

  it('set, modify, remove entries, remove the default ACL and the whole ACL; only the owner may', async () => {
    await alice.mkdir('shared', { permission: 0o750 });
    await alice.setAcl('shared', spec('user::rwx,group::r-x,other::---,user:bob:rwx,default:user:bob:r-x'));
    expect(await entries(alice, 'shared')).to.equal('user:bob:rwx,group::r-x,default:user::rwx,default:user:bob:r-x,default:group::r-x,default:mask::r-x,default:other::---');
    await alice.modifyAclEntries('shared', spec('group:staff:r--'));
    await alice.removeAclEntries('shared', parseAclSpec('user:bob', false));
    expect(await entries(alice, 'shared')).to.match(/^group::r-x,group:staff:r--,default:/);
    const notOwner = await rejectsWithCode(bob.setAcl('/user/alice/shared', spec('user::rwx,group::---,other::---')), 'ACCESS_DENIED');
    expect(remoteMessage(notOwner as never)).to.equal('Permission denied. user=bob is not the owner of inode=/user/alice/shared');
    await alice.removeDefaultAcl('shared');
    expect(await entries(alice, 'shared')).to.equal('group::r-x,group:staff:r--');
    await alice.removeAcl('shared');
    expect(await entries(alice, 'shared')).to.equal('');
    expect((await alice.stat('shared')).hasAcl).to.equal(undefined);
    expect((await alice.stat('shared')).permission).to.equal(0o750);
  });

  it('an invalid ACL is refused with AclException and Hadoop\'s message', async () => {
    const e = await alice.setAcl('secret.txt', spec('user::rwx,group::r-x')).then(() => undefined, (x: Error & { details: Record<string, unknown> }) => x);
    expect(e, 'expected a refusal').to.be.instanceOf(Error);
    expect(e!.details['exceptionClassName']).to.equal('org.apache.hadoop.hdfs.protocol.AclException');
    expect(remoteMessage(e as never)).to.equal('Invalid ACL: the user, group and other entries are required. Path: /user/alice/secret.txt');
  });

  it('a default ACL is inherited by a new file and directory (the unmasked mode, no umask), and bob writes there through it', async () => {
    await alice.mkdir('inherit', { permission: 0o755 });
    await alice.modifyAclEntries('inherit', spec('default:user:bob:rwx'));
    await alice.mkdir('inherit/sub');
    await alice.writeFile('inherit/f.txt', 'x');
    expect(await entries(alice, 'inherit/f.txt')).to.equal('user:bob:rwx,group::r-x');
    expect((await alice.stat('inherit/f.txt')).permission).to.equal(0o664); // 0666 unmasked: mask rwx & rw-
    expect(await entries(alice, 'inherit/sub')).to.equal('user:bob:rwx,group::r-x,default:user::rwx,default:user:bob:rwx,default:group::r-x,default:mask::rwx,default:other::r-x');
    expect((await alice.stat('inherit/sub')).permission).to.equal(0o775);
    await bob.writeFile('/user/alice/inherit/sub/by-bob.txt', 'bob was here');
    expect((await alice.readFile('inherit/sub/by-bob.txt')).toString()).to.equal('bob was here');
  });

  it('hsec fs -setfacl and -getfacl [-R] print as FsShell does; -ls shows + after the bits', async () => {
    await alice.mkdir('tree/d', { permission: 0o755 });
    await alice.writeFile('tree/d/f', 'f');
    await alice.chmod('tree/d/f', 0o640);
    let r = await shell.fs('-setfacl', '-m', 'user:bob:rwx,mask::r-x', 'tree/d/f');
    expect(r).to.deep.include({ code: 0, out: '', err: '' });
    r = await shell.fs('-setfacl', '-m', 'default:group:staff:rwx', 'tree/d');
    expect(r.code).to.equal(0);
    await alice.chmod('tree', 0o1755);
    r = await shell.fs('-getfacl', '-R', 'tree');
    expect(r).to.deep.include({ code: 0, err: '' });
    expect(r.out).to.equal([
      '# file: tree', '# owner: alice', '# group: supergroup', '# flags: --t', 'user::rwx', 'group::r-x', 'other::r-x', '',
      '# file: tree/d', '# owner: alice', '# group: supergroup', 'user::rwx', 'group::r-x', 'other::r-x',
      'default:user::rwx', 'default:group::r-x', 'default:group:staff:rwx', 'default:mask::rwx', 'default:other::r-x', '',
      '# file: tree/d/f', '# owner: alice', '# group: supergroup', 'user::rw-', 'user:bob:rwx\t#effective:r-x', 'group::r--', 'mask::r-x', 'other::---', '',
      '',
    ].join('\n'));
    r = await shell.fs('-ls', 'tree/d');
    expect(r.out).to.match(/\n-rw-r-x---\+  1 alice supergroup +1 \S+ \S+ tree\/d\/f\n$/);
    // -cp -pa carries the permission and then the full ACL over (CommandWithDestination.preserveAttributes)
    r = await shell.fs('-cp', '-pa', 'tree/d/f', 'tree/copy');
    expect(r).to.deep.include({ code: 0, err: '' });
    expect(await entries(alice, 'tree/copy')).to.equal('user:bob:rwx,group::r--');
    expect((await alice.stat('tree/copy')).permission).to.equal(0o650);
    await alice.delete('tree/copy');
    r = await shell.fs('-setfacl', '-R', '-b', 'tree');
    expect(r.code).to.equal(0);
    expect((await alice.stat('tree/d/f')).permission).to.equal(0o640);
    r = await shell.fs('-setfacl', '-x', 'user:bob', 'tree/none');
    expect(r).to.deep.include({ code: 1, err: "setfacl: `tree/none': No such file or directory\n" });
    r = await shell.fs('-setfacl', '-m', 'user::rwx,group::r--', '-R', 'tree');
    expect(r.code).to.equal(255);
    expect(r.err.split('\n')[0]).to.equal('-setfacl: Too many arguments');
    r = await shell.fs('-setfacl', '--set', 'user::rwx,group::r-x', 'tree');
    expect(r).to.deep.include({ code: 1, err: 'setfacl: Invalid ACL: the user, group and other entries are required. Path: /user/alice/tree\n' });
  });

  it('the ACLs survive a NameNode restart and still decide access', async () => {
    await alice.modifyAclEntries('secret.txt', spec('mask::r--'));
    const before = [await entries(alice, 'secret.txt'), await entries(alice, 'inherit/sub'), (await alice.stat('secret.txt')).permission];
    await hdfs.restartNameNode();
    // the replica comes back with the DataNode's block report
    const file = hdfs.nn.namesystem.fsd.resolveExisting('/user/alice/secret.txt');
    expect(await until(() => file?.kind === 'file' && file.blocks.every((b) => b.replicas.size > 0), 30_000)).to.equal(true);
    const after = [await entries(alice, 'secret.txt'), await entries(alice, 'inherit/sub'), (await alice.stat('secret.txt')).permission];
    expect(after).to.deep.equal(before);
    expect((await carol.readFile('/user/alice/secret.txt')).toString()).to.equal('for carol only\n');
  });

  it('a NameNode with dfs.namenode.acls.enabled=false refuses the ACL calls with the AclException naming the key', async () => {
    const conf = loadConfiguration({
      env: {},
      overrides: { ...confEntries(hdfs.conf), 'dfs.namenode.rpc-address': '127.0.0.1:0', 'dfs.namenode.name.dir': `file://${join(dir, 'name-noacl')}`, 'dfs.namenode.acls.enabled': 'false' },
    });
    const nn = await NameNode.start(conf, { login: true, krb5: loadKrb5Config(hdfs.kdc.krb5ConfPath) });
    const c = await HdfsClient.connect({ conf: hdfs.conf, user: alice.user, env: {}, nameNode: { host: '127.0.0.1', port: nn.address.port } });
    try {
      for (const call of [c.getAclStatus('/'), c.setAcl('/', spec('user::rwx,group::r-x,other::r-x')), c.removeAcl('/')]) {
        const e = await call.then(() => undefined, (x: Error & { details: Record<string, unknown> }) => x);
        expect(e, 'expected a refusal').to.be.instanceOf(Error);
        expect(e!.details['exceptionClassName']).to.equal('org.apache.hadoop.hdfs.protocol.AclException');
        expect(remoteMessage(e as never)).to.equal('The ACL operation has been rejected.  Support for ACLs has been disabled by setting dfs.namenode.acls.enabled to false.');
      }
    } finally {
      c.close();
      await nn.stop();
    }
  });
});
