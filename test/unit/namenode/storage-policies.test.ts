// Block storage policies on the namesystem without RPC (a real journal store, a ManualClock), as
// Hadoop 3.4.1's FSNamesystem / FSDirAttrOp setStoragePolicy, unsetStoragePolicy, getStoragePolicy
// and satisfyStoragePolicy, INode.getStoragePolicyID, FSDirStatAndListingOp's statuses and
// FSDirWriteFileOp's policy of a new file: refusals in Hadoop's order and words, where the policy
// is kept (a file's header, a directory's hidden system xattr), the effective policy, LAZY_PERSIST's
// rules, the audit lines, and policies surviving a restart from the journal and from a snapshot.
import { expect } from 'chai';
import { ContentSummaries } from '../../../cluster/namenode/content-summary.ts';
import { HadoopException } from '../../../cluster/namenode/namespace/fs-errors.ts';
import type { INodeFile } from '../../../cluster/namenode/namespace/inode.ts';
import { STORAGE_POLICY_XATTR } from '../../../cluster/namenode/namespace/storage-policy-id.ts';
import { chooseStorageTypes, policyByName, SATISFIER_DISABLED_MESSAGE, StoragePolicies } from '../../../cluster/namenode/storage-policies.ts';
import { XAttrOps } from '../../../cluster/namenode/xattr-ops.ts';
import { blockStoragePolicyString, chooseStorageTypesWithFallback } from '../../../cluster/protocol/block-storage-policy.ts';
import { CreateFlag } from '../../../cluster/protocol/client-protocol.ts';
import { XAttrSetFlag } from '../../../cluster/protocol/xattr.ts';
import { refused } from '../../support/expect-code.ts';
import { auditLines } from '../../support/log-lines.ts';
import { alice, bob, datanode, hdfsUser, MiB, namesystem, writeFile, type TestNamesystem } from '../../support/namesystem.ts';

const IAE = HadoopException.ILLEGAL_ARGUMENT;

describe('namenode/storage policies: setStoragePolicy, unsetStoragePolicy, getStoragePolicy, satisfyStoragePolicy (FSDirAttrOp)', () => {
  let t: TestNamesystem;
  let sp: StoragePolicies;
  beforeEach(async () => {
    t = await namesystem();
    datanode(t.ns, 'dn-1');
    sp = new StoragePolicies(t.ns);
    await t.ns.mkdirs('/d', { perm: 0o755 }, true, hdfsUser);
    await t.attributes.setOwner('/d', 'alice', '', hdfsUser);
    await t.ns.mkdirs('/d/sub', { perm: 0o755 }, true, alice);
    await writeFile(t, '/d/sub/f', 10);
  });
  afterEach(() => t.ns.store.close());

  const policyName = (p: string, caller = alice) => sp.getStoragePolicy(p, caller).name;
  const statusPolicy = (p: string) => t.ns.getFileInfo(p, alice)!.storagePolicy;
  const create = (p: string, extra: { createFlag?: number; storagePolicy?: string } = {}) =>
    t.writes.create({ src: p, masked: { perm: 0o644 }, clientName: `DFSClient_${p}`, createFlag: CreateFlag.CREATE, createParent: true, replication: 1, blockSize: MiB, ...extra }, alice);

  it('a directory\'s policy is its effective one and its subtree\'s; a file\'s own wins; unset goes back to the ancestor\'s, then the default HOT', async () => {
    expect([policyName('/d'), statusPolicy('/d'), statusPolicy('/d/sub/f')]).to.deep.equal(['HOT', 0, 0]);
    await sp.setStoragePolicy('/d', 'cold', alice); // names are matched in any case
    expect([policyName('/d'), policyName('/d/sub'), policyName('/d/sub/f')]).to.deep.equal(['COLD', 'COLD', 'COLD']);
    expect([statusPolicy('/d'), statusPolicy('/d/sub'), statusPolicy('/d/sub/f'), statusPolicy('/')]).to.deep.equal([2, 2, 2, 0]);
    await sp.setStoragePolicy('/d/sub/f', 'ALL_SSD', alice);
    expect(policyName('/d/sub/f')).to.equal('ALL_SSD');
    // a listing gives each child its own, else the listed directory's effective policy
    expect(t.ns.getListing('/d/sub', new Uint8Array(0), false, alice)!.partialListing!.map((s) => s.storagePolicy)).to.deep.equal([12]);
    expect(t.ns.getListing('/d', new Uint8Array(0), false, alice)!.partialListing!.map((s) => s.storagePolicy)).to.deep.equal([2]);
    await sp.unsetStoragePolicy('/d/sub/f', alice);
    expect(policyName('/d/sub/f')).to.equal('COLD');
    await sp.unsetStoragePolicy('/d', alice);
    expect([policyName('/d/sub/f'), statusPolicy('/d/sub/f')]).to.deep.equal(['HOT', 0]);
    await sp.unsetStoragePolicy('/d', alice); // nothing set: no refusal
  });

  it('a file keeps its policy in its header, a directory in the system xattr, which no client can list or name', async () => {
    await sp.setStoragePolicy('/d/sub/f', 'WARM', alice);
    await sp.setStoragePolicy('/d', 'WARM', alice);
    const file = t.ns.fsd.resolveExisting('/d/sub/f') as INodeFile;
    expect([file.storagePolicyId, file.xattrs.length]).to.deep.equal([5, 0]);
    const dir = t.ns.fsd.resolveExisting('/d')!;
    expect(dir.xattrs.map((x) => [x.namespace, x.name, Array.from(x.value ?? [])])).to.deep.equal([['SYSTEM', 'hsm.block.storage.policy.id', [5]]]);
    const xattrs = new XAttrOps(t.ns);
    expect(xattrs.listXAttrs('/d', alice)).to.deep.equal([]);
    expect(xattrs.listXAttrs('/d', hdfsUser)).to.deep.equal([]);
    await xattrs.setXAttr('/d', { namespace: 'USER', name: 'a', value: Buffer.from('1') }, XAttrSetFlag.CREATE, alice);
    expect(xattrs.getXAttrs('/d', [], alice).map((x) => x.name)).to.deep.equal(['a']);
    expect(() => xattrs.getXAttrs('/d', [STORAGE_POLICY_XATTR], hdfsUser)).to.throw('User doesn\'t have permission for xattr: system.hsm.block.storage.policy.id');
    await xattrs.removeXAttr('/d', { namespace: 'USER', name: 'a' }, alice);
    expect(policyName('/d')).to.equal('WARM'); // a user xattr change keeps the policy
    await sp.unsetStoragePolicy('/d', alice);
    expect(t.ns.fsd.resolveExisting('/d')!.xattrs).to.deep.equal([]);
  });

  it('refusals in Hadoop\'s order and words: unknown name, missing path, no WRITE, safe mode', async () => {
    await refused(sp.setStoragePolicy('/d', 'FAST', alice), IAE, 'Cannot find a block policy with the name FAST');
    // the name is checked before the path
    await refused(sp.setStoragePolicy('/nope', 'FAST', alice), IAE, 'Cannot find a block policy with the name FAST');
    await refused(sp.setStoragePolicy('/nope', 'COLD', alice), HadoopException.FILE_NOT_FOUND, 'File/Directory does not exist: /nope');
    await refused(sp.unsetStoragePolicy('/nope', alice), HadoopException.FILE_NOT_FOUND, 'File/Directory does not exist: /nope');
    await refused(sp.setStoragePolicy('/d', 'COLD', bob), HadoopException.ACCESS_CONTROL, 'Permission denied: user=bob, access=WRITE, inode="/d":alice:supergroup:drwxr-xr-x');
    await refused(sp.unsetStoragePolicy('/d/sub/f', bob), HadoopException.ACCESS_CONTROL, /^Permission denied: user=bob, access=WRITE, inode="\/d\/sub\/f"/);
    await sp.setStoragePolicy('/d', 'COLD', hdfsUser); // the superuser passes the permission check
    await t.ns.enterSafeMode();
    await refused(sp.setStoragePolicy('/d', 'FAST', alice), HadoopException.SAFE_MODE, /^Cannot set storage policy for \/d\. Name node is in safe mode\./);
    await refused(sp.unsetStoragePolicy('/d', alice), HadoopException.SAFE_MODE, /^Cannot unset storage policy for \/d\. Name node is in safe mode\./);
    expect(policyName('/d')).to.equal('COLD'); // reads go on in safe mode
    await t.ns.leaveSafeMode(false);
  });

  it('dfs.storage.policy.enabled=false refuses set, unset and satisfy; superuser-only lets only the superuser set or unset', async () => {
    const off = await namesystem({ settings: { storagePolicyEnabled: false } });
    try {
      const o = new StoragePolicies(off.ns);
      await off.ns.mkdirs('/x', { perm: 0o777 }, true, hdfsUser);
      await refused(o.setStoragePolicy('/x', 'COLD', hdfsUser), HadoopException.IO, 'Failed to set storage policy since dfs.storage.policy.enabled is set to false.');
      await refused(o.unsetStoragePolicy('/x', hdfsUser), HadoopException.IO, 'Failed to unset storage policy since dfs.storage.policy.enabled is set to false.');
      expect(() => o.satisfyStoragePolicy('/x')).to.throw('Failed to satisfy storage policy since dfs.storage.policy.enabled is set to false.');
      expect(o.getStoragePolicy('/x', alice).name).to.equal('HOT');
    } finally {
      await off.ns.store.close();
    }
    const su = await namesystem({ settings: { storagePolicySuperuserOnly: true } });
    try {
      const o = new StoragePolicies(su.ns);
      await su.ns.mkdirs('/x', { perm: 0o777 }, true, hdfsUser);
      const lines = await auditLines(async () => {
        await refused(o.setStoragePolicy('/nope', 'FAST', alice), HadoopException.ACCESS_CONTROL, 'Access denied for user alice. Superuser privilege is required');
        await refused(o.unsetStoragePolicy('/x', alice), HadoopException.ACCESS_CONTROL, 'Access denied for user alice. Superuser privilege is required');
      });
      expect(lines.map((l) => [l['allowed'], l['cmd'], l['src']])).to.deep.equal([[false, 'setStoragePolicy', null], [false, 'unsetStoragePolicy', null]]);
      await o.setStoragePolicy('/x', 'COLD', hdfsUser);
      expect(o.getStoragePolicy('/x', alice).name).to.equal('COLD');
    } finally {
      await su.ns.store.close();
    }
  });

  it('satisfyStoragePolicy: UnsupportedActionException, the satisfier being off; the path is not looked at', () => {
    for (const p of ['/d', '/nope']) {
      try {
        sp.satisfyStoragePolicy(p);
        expect.fail('satisfyStoragePolicy answered');
      } catch (e) {
        const err = e as Error & { details?: Record<string, unknown> };
        expect([err.details?.['exceptionClassName'], err.message]).to.deep.equal([HadoopException.UNSUPPORTED_ACTION, SATISFIER_DISABLED_MESSAGE]);
      }
    }
    expect(SATISFIER_DISABLED_MESSAGE).to.equal('Cannot request to satisfy storage policy when storage policy satisfier feature has been disabled by admin. Seek for an admin help to enable it or use Mover tool.');
  });

  it('LAZY_PERSIST (copy-on-create): not set on or taken off an existing file; a directory\'s is copied onto its new files, which take no append or truncate', async () => {
    await refused(sp.setStoragePolicy('/d/sub/f', 'LAZY_PERSIST', alice), IAE,
      'Policy BlockStoragePolicy{LAZY_PERSIST:15, storageTypes=[RAM_DISK, DISK], creationFallbacks=[DISK], replicationFallbacks=[DISK]} cannot be set after file creation.');
    await sp.setStoragePolicy('/d/sub', 'LAZY_PERSIST', alice);
    await create('/d/sub/new');
    await create('/d/sub/deeper/new'); // through a parent the create makes
    const copied = t.ns.fsd.resolveExisting('/d/sub/new') as INodeFile;
    expect([copied.storagePolicyId, (t.ns.fsd.resolveExisting('/d/sub/deeper/new') as INodeFile).storagePolicyId]).to.deep.equal([15, 15]);
    expect((t.ns.fsd.resolveExisting('/d/sub/f') as INodeFile).storagePolicyId).to.equal(0); // created before: inherits, keeps nothing
    await refused(sp.unsetStoragePolicy('/d/sub/new', alice), IAE, 'Existing policy LAZY_PERSIST cannot be changed after file creation.');
    await refused(sp.setStoragePolicy('/d/sub/new', 'HOT', alice), IAE, 'Existing policy LAZY_PERSIST cannot be changed after file creation.');
    await sp.unsetStoragePolicy('/d/sub', alice);
    expect(policyName('/d/sub/new')).to.equal('LAZY_PERSIST');
    await sp.setStoragePolicy('/d/sub', 'LAZY_PERSIST', alice);
    await refused(t.writes.append({ src: '/d/sub/f', clientName: 'DFSClient_a' }, alice), HadoopException.UNSUPPORTED, 'Cannot append to lazy persist file /d/sub/f');
    await refused(t.writes.truncate('/d/sub/f', 0, 'DFSClient_t', alice), HadoopException.UNSUPPORTED, 'Cannot truncate lazy persist file /d/sub/f');
  });

  it('create: a policy named by the request (unknown: HadoopIllegalArgumentException, its new parents kept) and the LAZY_PERSIST flag', async () => {
    const cold = await create('/d/named', { storagePolicy: 'cold' });
    expect([cold.storagePolicy, (t.ns.fsd.resolveExisting('/d/named') as INodeFile).storagePolicyId]).to.deep.equal([2, 2]);
    const lazy = await create('/d/lazy', { createFlag: CreateFlag.CREATE | CreateFlag.LAZY_PERSIST, storagePolicy: 'COLD' });
    expect(lazy.storagePolicy).to.equal(15);
    const plain = await create('/d/plain');
    expect([plain.storagePolicy, (t.ns.fsd.resolveExisting('/d/plain') as INodeFile).storagePolicyId]).to.deep.equal([0, 0]);
    await sp.setStoragePolicy('/d', 'WARM', alice);
    const inherits = await create('/d/inherits');
    expect([inherits.storagePolicy, (t.ns.fsd.resolveExisting('/d/inherits') as INodeFile).storagePolicyId]).to.deep.equal([5, 0]);
    await refused(create('/d/p1/p2/f', { storagePolicy: 'FAST' }), IAE, 'Cannot find a block policy with the name FAST');
    expect([t.ns.fsd.resolveExisting('/d/p1/p2')?.kind, t.ns.fsd.resolveExisting('/d/p1/p2/f')]).to.deep.equal(['directory', undefined]);
  });

  it('audit lines: set and unset with the inode\'s status, a permission refusal as allowed=false; getStoragePolicy and other refusals not at all', async () => {
    const lines = await auditLines(async () => {
      await sp.setStoragePolicy('/d', 'COLD', alice);
      await refused(sp.setStoragePolicy('/d', 'COLD', bob), HadoopException.ACCESS_CONTROL);
      await refused(sp.setStoragePolicy('/d', 'FAST', alice), IAE);
      sp.getStoragePolicy('/d', bob);
      await sp.unsetStoragePolicy('/d', alice);
    });
    expect(lines.map((l) => [l['allowed'], l['cmd'], l['src'], l['perm']])).to.deep.equal([
      [true, 'setStoragePolicy', '/d', 'alice:supergroup:rwxr-xr-x'], [false, 'setStoragePolicy', '/d', null], [true, 'unsetStoragePolicy', '/d', 'alice:supergroup:rwxr-xr-x'],
    ]);
  });

  it('policies survive a restart, from the journal and from a snapshot', async () => {
    await sp.setStoragePolicy('/d', 'COLD', alice);
    await sp.setStoragePolicy('/d/sub/f', 'ONE_SSD', alice);
    await sp.setStoragePolicy('/', 'ALL_NVDIMM', hdfsUser);
    await sp.setStoragePolicy('/d/sub', 'LAZY_PERSIST', alice);
    await create('/d/sub/lazy');
    const expected = ['ALL_NVDIMM', 'COLD', 'LAZY_PERSIST', 'ONE_SSD', 'LAZY_PERSIST'];
    const names = () => ['/', '/d', '/d/sub', '/d/sub/f', '/d/sub/lazy'].map((p) => new StoragePolicies(t.ns).getStoragePolicy(p, alice).name);
    expect(names()).to.deep.equal(expected);
    t = await t.restart();
    expect(names()).to.deep.equal(expected);
    await t.ns.write(() => t.ns.store.compact(t.ns.fsd));
    t = await t.restart();
    expect(names()).to.deep.equal(expected);
    expect((t.ns.fsd.resolveExisting('/d/sub/lazy') as INodeFile).storagePolicyId).to.equal(15);
    await new StoragePolicies(t.ns).unsetStoragePolicy('/d', alice);
    t = await t.restart();
    expect(new StoragePolicies(t.ns).getStoragePolicy('/d', alice).name).to.equal('ALL_NVDIMM');
  });

  it('BlockStoragePolicy.chooseStorageTypes: transient RAM_DISK skipped, the last type repeated up to the replication', () => {
    const choose = (name: string, r: number) => chooseStorageTypes(policyByName(name)!, r);
    expect(choose('ONE_SSD', 3)).to.deep.equal(['SSD', 'DISK', 'DISK']);
    expect(choose('WARM', 1)).to.deep.equal(['DISK']);
    expect(choose('COLD', 2)).to.deep.equal(['ARCHIVE', 'ARCHIVE']);
    expect(choose('LAZY_PERSIST', 3)).to.deep.equal(['DISK', 'DISK', 'DISK']);
    expect(choose('LAZY_PERSIST', 1)).to.deep.equal(['DISK']);
    expect(choose('HOT', 0)).to.deep.equal([]);
  });

  it('chooseStorageTypes with unavailable types: creation fallbacks for a new block, replication fallbacks for more replicas, the chosen taken off', () => {
    const onlyDisk = new Set(['RAM_DISK', 'SSD', 'ARCHIVE', 'PROVIDED', 'NVDIMM'] as const);
    const f = (name: string, r: number, chosen: ('DISK' | 'SSD' | 'ARCHIVE')[], isNew: boolean) => chooseStorageTypesWithFallback(policyByName(name)!, r, chosen, onlyDisk, isNew);
    expect(f('COLD', 3, [], true)).to.deep.equal([]); // no creation fallback
    expect(f('COLD', 3, [], false)).to.deep.equal([]);
    expect(f('ONE_SSD', 3, [], true)).to.deep.equal(['DISK', 'DISK', 'DISK']);
    expect(f('WARM', 2, [], true)).to.deep.equal(['DISK', 'DISK']);
    expect(f('HOT', 3, ['DISK', 'DISK'], false)).to.deep.equal(['DISK']);
    expect(f('ALL_SSD', 2, ['SSD'], false)).to.deep.equal(['DISK']);
    expect(f('ALL_SSD', 2, ['DISK'], false)).to.deep.equal(['DISK']); // the chosen DISK, excess at first, takes one fallback off
    expect(f('HOT', 2, ['ARCHIVE'], false)).to.deep.equal(['DISK', 'DISK']); // an excess ARCHIVE takes nothing the policy wants off
    expect(chooseStorageTypesWithFallback(policyByName('HOT')!, 2, [], new Set(['DISK']), true)).to.deep.equal([]); // HOT has no creation fallback
  });

  it('placement: a new block under COLD finds no DISK target ("could only be written to 0 of the 1 minReplication nodes"); under ONE_SSD it goes to DISK', async () => {
    await sp.setStoragePolicy('/d', 'COLD', alice);
    const st = await create('/d/cold');
    await refused(t.writes.addBlock({ src: '/d/cold', clientName: 'DFSClient_/d/cold', fileId: st.fileId }, alice), HadoopException.IO,
      'File /d/cold could only be written to 0 of the 1 minReplication nodes. There are 1 datanode(s) running and no node(s) are excluded in this operation.');
    await sp.setStoragePolicy('/d', 'ONE_SSD', alice);
    const ssd = await create('/d/ssd');
    const lb = await t.writes.addBlock({ src: '/d/ssd', clientName: 'DFSClient_/d/ssd', fileId: ssd.fileId }, alice);
    expect(lb.storageTypes).to.deep.equal(['DISK']);
  });

  it('getContentSummary counts each file\'s length under the storage types its policy chooses (INodeFile.computeContentSummary); getQuotaUsage of a directory without a quota too', async () => {
    const summaries = new ContentSummaries(t.ns);
    await writeFile(t, '/d/g', 100);
    await t.attributes.setReplication('/d/g', 3, alice);
    expect(summaries.getContentSummary('/d', alice).typeQuotaInfos).to.equal(undefined); // no policy: no type use, no list
    await sp.setStoragePolicy('/d', 'ONE_SSD', alice);
    await sp.setStoragePolicy('/d/sub/f', 'COLD', alice);
    await writeFile(t, '/d/empty', 0);
    const types = (infos: { typeQuotaInfo?: { type?: string; quota: number; consumed: number }[] } | undefined) => infos?.typeQuotaInfo?.map((i) => [i.type, i.consumed, i.quota]);
    // /d/g: 100 bytes, replication 3 -> SSD 100, DISK 200; /d/sub/f: 10 bytes, replication 1, COLD -> ARCHIVE 10
    const expected = [['SSD', 100, -1], ['DISK', 200, -1], ['ARCHIVE', 10, -1], ['PROVIDED', 0, -1], ['NVDIMM', 0, -1]];
    expect(types(summaries.getContentSummary('/d', alice).typeQuotaInfos)).to.deep.equal(expected);
    expect(types(summaries.getQuotaUsage('/d', alice).typeQuotaInfos)).to.deep.equal(expected);
    // a subtree counted alone takes its policy from above it
    expect(types(summaries.getContentSummary('/d/g', alice).typeQuotaInfos)).to.deep.equal([['SSD', 100, -1], ['DISK', 200, -1], ['ARCHIVE', 0, -1], ['PROVIDED', 0, -1], ['NVDIMM', 0, -1]]);
    expect(summaries.getContentSummary('/d/empty', alice).typeQuotaInfos).to.equal(undefined);
  });

  it('BlockStoragePolicy.toString as StoragePolicyAdmin prints it', () => {
    expect(sp.getStoragePolicies().map(blockStoragePolicyString)).to.deep.equal([
      'BlockStoragePolicy{PROVIDED:1, storageTypes=[PROVIDED, DISK], creationFallbacks=[PROVIDED, DISK], replicationFallbacks=[PROVIDED, DISK]}',
      'BlockStoragePolicy{COLD:2, storageTypes=[ARCHIVE], creationFallbacks=[], replicationFallbacks=[]}',
      'BlockStoragePolicy{WARM:5, storageTypes=[DISK, ARCHIVE], creationFallbacks=[DISK, ARCHIVE], replicationFallbacks=[DISK, ARCHIVE]}',
      'BlockStoragePolicy{HOT:7, storageTypes=[DISK], creationFallbacks=[], replicationFallbacks=[ARCHIVE]}',
      'BlockStoragePolicy{ONE_SSD:10, storageTypes=[SSD, DISK], creationFallbacks=[SSD, DISK], replicationFallbacks=[SSD, DISK]}',
      'BlockStoragePolicy{ALL_SSD:12, storageTypes=[SSD], creationFallbacks=[DISK], replicationFallbacks=[DISK]}',
      'BlockStoragePolicy{ALL_NVDIMM:14, storageTypes=[NVDIMM], creationFallbacks=[DISK], replicationFallbacks=[DISK]}',
      'BlockStoragePolicy{LAZY_PERSIST:15, storageTypes=[RAM_DISK, DISK], creationFallbacks=[DISK], replicationFallbacks=[DISK]}',
    ]);
  });
});
