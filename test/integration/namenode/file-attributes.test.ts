// chmod, chown and chgrp end to end over real Hadoop IPC with Kerberos (MIT KDC): the typed
// ClientProtocolClient sends setPermission / setOwner as a stock DFSClient does and gets Hadoop's
// exception classes and messages back; `hsec fs -chmod / -chown / -chgrp [-R]` runs as a Kerberos
// user from a ticket cache made by MIT kinit, through the product's HdfsClient, printing FsShell's
// lines; and the attributes are still there after the NameNode restarts on the same name dir.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { CreateFlag } from '../../../cluster/protocol/client-protocol.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { kinit } from '../../support/krb5-clients.ts';
import { clientAs, clientName, runFsWith, secureConf, setUpRealm, writeClientConfDir, type Session } from './hdfs-fixture.ts';
import { rejection } from './namenode-fixture.ts';

const MiB = 1024 * 1024;

describe('namenode: setPermission / setOwner and hsec fs -chmod / -chown / -chgrp over Kerberos IPC (MIT KDC)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let keytab: string;
  let confDir: string;
  let nn: NameNode;
  const sessions: Record<string, Session> = {};
  const ccaches: Record<string, string> = {};

  const start = async () => {
    nn = await NameNode.start(secureConf(realm.kdc, dir, keytab));
    for (const u of ['hdfs', 'alice', 'bob']) sessions[u] = await clientAs(realm.kdc, u, nn.address);
    writeClientConfDir(confDir, realm.kdc, nn.address);
  };
  const stop = async () => {
    for (const s of Object.values(sessions)) s.close();
    await nn?.stop();
  };

  /** `hsec fs ARGS` as `user` (its ticket cache), in-process; the exit code and what it wrote. */
  const fsAs = (user: string, ...args: string[]) => runFsWith(realm.kdc, confDir, ccaches[user], args);

  const stat = async (path: string) => {
    const s = (await sessions['hdfs']!.nn.getFileInfo(path))!;
    return { mode: s.permission.perm & 0o7777, owner: s.owner, group: s.group };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-nn-attrs-'));
    keytab = join(dir, 'service.keytab');
    confDir = join(dir, 'conf');
    mkdirSync(confDir);
    await setUpRealm(realm.kdc, keytab, ['hdfs', 'alice', 'bob']);
    for (const u of ['alice', 'bob']) {
      ccaches[u] = join(dir, `cc-${u}`);
      await kinit(realm.kdc.env(ccaches[u]), [realm.kdc.principal(u)], `pw-${u}\n`);
    }
    await start();
    const { hdfs, alice } = sessions as Record<string, Session>;
    await hdfs!.nn.mkdirs({ src: '/tmp', masked: { perm: 0o1777 }, createParent: true });
    await hdfs!.nn.mkdirs({ src: '/user/alice', masked: { perm: 0o755 }, createParent: true });
    await hdfs!.nn.setOwner('/user/alice', 'alice', 'staff');
    for (const f of ['/user/alice/d/f1', '/user/alice/d/sub/f2']) {
      const client = clientName(f.replace(/\W/g, ''));
      const st = (await alice!.nn.create({ src: f, masked: { perm: 0o644 }, clientName: client, createFlag: CreateFlag.CREATE, createParent: true, replication: 1, blockSize: 128 * MiB }))!;
      expect(await alice!.nn.complete(f, client, undefined, st.fileId)).to.equal(true);
    }
  });

  after(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('setPermission / setOwner over IPC: the owner and the superuser may; refusals carry AccessControlException and FileNotFoundException', async () => {
    const { hdfs, alice, bob } = sessions as Record<string, Session>;
    expect(await stat('/user/alice')).to.deep.equal({ mode: 0o755, owner: 'alice', group: 'staff' });
    await alice!.nn.setPermission('/user/alice/d', 0o4750); // setuid is not kept (FsPermission.toShort)
    expect((await stat('/user/alice/d')).mode).to.equal(0o750);

    const notOwner = await rejection(bob!.nn.setPermission('/user/alice', 0o777));
    expect(notOwner.details!['exceptionClassName']).to.equal('org.apache.hadoop.security.AccessControlException');
    expect(notOwner.details!['errorMsg']).to.equal('Permission denied. user=bob is not the owner of inode=/user/alice');
    const giveAway = await rejection(alice!.nn.setOwner('/user/alice/d', 'bob'));
    expect(giveAway.details!['errorMsg']).to.equal('User alice is not a super user (non-super user cannot change owner).');
    const notMember = await rejection(alice!.nn.setOwner('/user/alice/d', undefined, 'supergroup'));
    expect(notMember.details!['errorMsg']).to.equal('User alice does not belong to supergroup');
    const missing = await rejection(alice!.nn.setPermission('/user/alice/none', 0o700));
    expect(missing.details!['exceptionClassName']).to.equal('java.io.FileNotFoundException');
    expect(missing.details!['errorMsg']).to.equal('Directory/File does not exist /user/alice/none');

    await hdfs!.nn.setOwner('/user/alice/d/f1', 'bob', 'supergroup');
    expect(await stat('/user/alice/d/f1')).to.deep.include({ owner: 'bob', group: 'supergroup' });
    await hdfs!.nn.setOwner('/user/alice/d/f1', 'alice'); // the group is not sent: it stays
    expect(await stat('/user/alice/d/f1')).to.deep.include({ owner: 'alice', group: 'supergroup' });
    await alice!.nn.setOwner('/user/alice/d/f1', undefined, 'staff');
    expect(await stat('/user/alice/d/f1')).to.deep.include({ owner: 'alice', group: 'staff' });
  });

  it('hsec fs -chmod -R with a symbolic mode, -chmod octal with the sticky bit, -chgrp, and -chown refused for a non-superuser', async () => {
    let r = await fsAs('alice', '-chmod', '-R', 'g+w,o-rwx', 'd');
    expect(r).to.deep.equal({ code: 0, out: '', err: '' });
    expect((await stat('/user/alice/d')).mode).to.equal(0o770);
    expect((await stat('/user/alice/d/sub')).mode).to.equal(0o770);
    expect((await stat('/user/alice/d/sub/f2')).mode).to.equal(0o660);

    r = await fsAs('alice', '-chmod', '1777', '/user/alice/d/sub');
    expect(r.code).to.equal(0);
    expect((await stat('/user/alice/d/sub')).mode).to.equal(0o1777);

    await sessions['hdfs']!.nn.setOwner('/user/alice/d/sub/f2', undefined, 'supergroup');
    r = await fsAs('alice', '-chgrp', '-R', 'staff', 'd');
    expect(r).to.deep.equal({ code: 0, out: '', err: '' });
    expect((await stat('/user/alice/d/sub/f2')).group).to.equal('staff');

    r = await fsAs('alice', '-chown', 'bob', 'd/f1', 'd/nothing');
    expect(r.code).to.equal(1);
    expect(r.err).to.equal([
      "chown: changing ownership of 'd/f1': User alice is not a super user (non-super user cannot change owner).",
      "chown: `d/nothing': No such file or directory",
      '',
    ].join('\n'));
    expect((await stat('/user/alice/d/f1')).owner).to.equal('alice');
  });

  it('hsec fs -R goes on after a refused path, skips what would not change, and does not enter a directory it could not change', async () => {
    await sessions['hdfs']!.nn.setOwner('/user/alice/d/sub/f2', 'bob');
    await sessions['alice']!.nn.setPermission('/user/alice/d', 0o777);
    // d (0777) and sub (1777) already have a+r: no call; f1 is alice's: refused; f2 is bob's: changed
    let r = await fsAs('bob', '-chmod', '-R', 'a+r', '/user/alice/d');
    expect(r.code).to.equal(1);
    expect(r.err).to.equal("chmod: changing permissions of '/user/alice/d/f1': Permission denied. user=bob is not the owner of inode=/user/alice/d/f1\n");
    expect((await stat('/user/alice/d/sub/f2')).mode).to.equal(0o664);
    // go-w would change d, which bob does not own: FsShell recurses only after the directory itself
    r = await fsAs('bob', '-chmod', '-R', 'go-w', '/user/alice/d');
    expect(r.err).to.equal("chmod: changing permissions of '/user/alice/d': Permission denied. user=bob is not the owner of inode=/user/alice/d\n");
    expect((await stat('/user/alice/d/sub/f2')).mode).to.equal(0o664);
    // an argument bob cannot even look up: the NameNode's message alone, as FsShell prints it
    await sessions['alice']!.nn.mkdirs({ src: '/user/alice/private/x', masked: { perm: 0o700 }, createParent: true });
    await sessions['alice']!.nn.setPermission('/user/alice/private', 0o700);
    r = await fsAs('bob', '-chmod', '777', '/user/alice/private/x');
    expect(r).to.deep.equal({ code: 1, out: '', err: 'chmod: Permission denied: user=bob, access=EXECUTE, inode="/user/alice/private":alice:staff:drwx------\n' });
    // the other verbs print the NameNode's refusal the same way (Command.displayError), a path error with its path
    r = await fsAs('bob', '-mkdir', '/user/alice/private/y');
    expect(r).to.deep.equal({ code: 1, out: '', err: 'mkdir: Permission denied: user=bob, access=EXECUTE, inode="/user/alice/private":alice:staff:drwx------\n' });
    r = await fsAs('bob', '-ls', '/user/alice/private', '/user/alice/none');
    expect(r.err).to.equal([
      'ls: Permission denied: user=bob, access=READ_EXECUTE, inode="/user/alice/private":alice:staff:drwx------',
      "ls: `/user/alice/none': No such file or directory",
      '',
    ].join('\n'));
    // PathExistsException names the target as the destination was written
    writeFileSync(join(dir, 'f1'), 'local');
    r = await fsAs('alice', '-put', join(dir, 'f1'), 'd');
    expect(r).to.deep.equal({ code: 1, out: '', err: "put: `d/f1': File exists\n" });
  });

  it('usage errors exit through UsageError with FsShell\'s message, before any call', async () => {
    const e = await rejection(fsAs('alice', '-chmod', 'u+q', 'd'));
    expect(e.message).to.equal("-chmod: chmod : mode 'u+q' does not match the expected pattern.");
  });

  it('the attributes survive a NameNode restart (journal replay)', async () => {
    const before = await Promise.all(['/user/alice', '/user/alice/d', '/user/alice/d/sub', '/user/alice/d/f1', '/user/alice/d/sub/f2'].map(stat));
    expect(before.map((s) => s.mode)).to.deep.equal([0o755, 0o777, 0o1777, 0o660, 0o664]);
    expect(before.map((s) => `${s.owner}:${s.group}`)).to.deep.equal(['alice:staff', 'alice:staff', 'alice:staff', 'alice:staff', 'bob:staff']);
    await stop();
    await start();
    const after = await Promise.all(['/user/alice', '/user/alice/d', '/user/alice/d/sub', '/user/alice/d/f1', '/user/alice/d/sub/f2'].map(stat));
    expect(after).to.deep.equal(before);
    // and the restored owner is the one the checks use
    const e = await rejection(sessions['alice']!.nn.setPermission('/user/alice/d/sub/f2', 0o600));
    expect(e.details!['errorMsg']).to.equal('Permission denied. user=alice is not the owner of inode=/user/alice/d/sub/f2');
    const r = await fsAs('bob', '-chmod', '600', '/user/alice/d/sub/f2');
    expect(r.code).to.equal(0);
    expect((await stat('/user/alice/d/sub/f2')).mode).to.equal(0o600);
  });
});
