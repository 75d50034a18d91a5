// The erasure-coding calls (FSNamesystem / FSDirErasureCodingOp / ErasureCodingPolicyManager /
// ECTopologyVerifier) on a NameNode whose system policies are all DISABLED: the listing, Hadoop's
// refusals in Hadoop's order, the IOException where a stock NameNode would succeed, audit lines.
import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { ERASURE_CODING_POLICIES, ErasureCodingOps, verifyTopology } from '../../../cluster/namenode/erasure-coding-ops.ts';
import { auditLines } from '../../support/log-lines.ts';
import { refused } from '../../support/expect-code.ts';
import { alice, datanode, hdfsUser, namesystem, type TestNamesystem } from '../../support/namesystem.ts';

const ACE = 'org.apache.hadoop.security.AccessControlException';
const HIAE = 'org.apache.hadoop.HadoopIllegalArgumentException';
const IOE = 'java.io.IOException';
const DENIED = (op: string) => [ACE, 'Access denied for user alice. Superuser privilege is required', op] as const;

describe('namenode/erasure coding calls (every system policy DISABLED)', () => {
  let t: TestNamesystem;
  let ec: ErasureCodingOps;

  beforeEach(async () => {
    t = await namesystem();
    ec = new ErasureCodingOps(t.ns);
    await t.ns.mkdirs('/d', { perm: 0o777 }, true, hdfsUser);
    await t.ns.mkdirs('/locked', { perm: 0o755 }, true, hdfsUser);
  });
  afterEach(async () => {
    await t.ns.store.close();
    rmSync(t.dir, { recursive: true, force: true });
  });

  it('getErasureCodingPolicies: SystemErasureCodingPolicies by name, 1 MiB cells, DISABLED; no codecs', () => {
    expect(ec.getErasureCodingPolicies(alice).map((p) => [p.name, p.id, p.schema, p.cellSize, p.state])).to.deep.equal([
      ['RS-10-4-1024k', 5, { codecName: 'rs', dataUnits: 10, parityUnits: 4 }, 1048576, 'DISABLED'],
      ['RS-3-2-1024k', 2, { codecName: 'rs', dataUnits: 3, parityUnits: 2 }, 1048576, 'DISABLED'],
      ['RS-6-3-1024k', 1, { codecName: 'rs', dataUnits: 6, parityUnits: 3 }, 1048576, 'DISABLED'],
      ['RS-LEGACY-6-3-1024k', 3, { codecName: 'rs-legacy', dataUnits: 6, parityUnits: 3 }, 1048576, 'DISABLED'],
      ['XOR-2-1-1024k', 4, { codecName: 'xor', dataUnits: 2, parityUnits: 1 }, 1048576, 'DISABLED'],
    ]);
    expect(ec.getErasureCodingCodecs(alice)).to.deep.equal([]);
    expect(ERASURE_CODING_POLICIES.every((p) => p.state === 'DISABLED')).to.equal(true);
  });

  it('setErasureCodingPolicy: a disabled policy (or the default, none named) is Hadoop\'s refusal; REPLICATION passes the path checks, then hsec refuses', async () => {
    const disabled = (p: string) => `Policy '${p}' does not match any enabled erasure coding policies: []. An erasure coding policy can be enabled by enableErasureCodingPolicy API.`;
    await refused(ec.setErasureCodingPolicy('/d', 'RS-3-2-1024k', alice), HIAE, disabled('RS-3-2-1024k'));
    await refused(ec.setErasureCodingPolicy('/d', undefined, alice), HIAE, disabled('RS-6-3-1024k'));
    await refused(ec.setErasureCodingPolicy('/nope', 'RS-3-2-1024k', alice), HIAE, disabled('RS-3-2-1024k')); // the policy is checked first
    await refused(ec.setErasureCodingPolicy('/nope', 'replication', alice), 'java.io.FileNotFoundException', 'Path not found: /nope');
    await t.writes.create({ src: '/d/f', masked: { perm: 0o644 }, clientName: 'c', createFlag: 1, createParent: true, replication: 1, blockSize: 1048576 }, alice);
    await refused(ec.setErasureCodingPolicy('/d/f', 'REPLICATION', alice), IOE, 'Attempt to set an erasure coding policy for a file /d/f');
    const lines = await auditLines(async () => {
      await refused(ec.setErasureCodingPolicy('/locked', 'replication', alice), ACE, /^Permission denied: user=alice, access=WRITE/);
    });
    expect(lines.map((l) => [l['allowed'], l['cmd'], l['src']])).to.deep.equal([[false, 'setErasureCodingPolicy', '/locked']]);
    await refused(ec.setErasureCodingPolicy('/d', 'replication', alice), IOE, 'Cannot set erasure coding policy replication on /d: hsec does not support erasure coding (its DataNodes and clients store only replicated blocks)');
    await t.ns.enterSafeMode();
    await refused(ec.setErasureCodingPolicy('/d', 'RS-3-2-1024k', alice), 'org.apache.hadoop.hdfs.server.namenode.SafeModeException', /^Cannot set erasure coding policy on \/d\. Name node is in safe mode\./);
  });

  it('unsetErasureCodingPolicy: NoECPolicySetException for a directory, Hadoop\'s text for a file or a missing path', async () => {
    await refused(ec.unsetErasureCodingPolicy('/d', alice), 'org.apache.hadoop.hdfs.protocol.NoECPolicySetException', 'No erasure coding policy explicitly set on /d');
    await refused(ec.unsetErasureCodingPolicy('/nope', alice), 'java.io.FileNotFoundException', 'Path not found: /nope');
    await refused(ec.unsetErasureCodingPolicy('/locked', alice), ACE);
  });

  it('enable / disable / remove / add: superuser first, then unknown names, system policies; disable of a disabled policy is a quiet no-op', async () => {
    for (const [op, call] of [
      ['enableErasureCodingPolicy', () => ec.enableErasureCodingPolicy('RS-3-2-1024k', alice)],
      ['disableErasureCodingPolicy', () => ec.disableErasureCodingPolicy('RS-3-2-1024k', alice)],
      ['removeErasureCodingPolicy', () => ec.removeErasureCodingPolicy('RS-3-2-1024k', alice)],
      ['addErasureCodingPolicies', () => ec.addErasureCodingPolicies([], alice)],
      ['getECTopologyResultForPolicies', async () => ec.getECTopologyResultForPolicies([], alice)],
    ] as ReadonlyArray<readonly [string, () => Promise<unknown>]>) {
      const [cls, msg] = DENIED(op);
      const lines = await auditLines(async () => refused(Promise.resolve().then(() => call()), cls, msg));
      expect(lines.map((l) => [l['allowed'], l['cmd']])).to.deep.equal([[false, op]]);
    }
    await refused(ec.enableErasureCodingPolicy('RS-9-9-1024k', hdfsUser), HIAE, 'The policy name RS-9-9-1024k does not exist');
    await refused(ec.enableErasureCodingPolicy('replication', hdfsUser), HIAE, 'The policy name replication does not exist');
    await refused(ec.enableErasureCodingPolicy('RS-3-2-1024k', hdfsUser), IOE, /^Cannot enable erasure coding policy RS-3-2-1024k: hsec does not support erasure coding/);
    await refused(ec.disableErasureCodingPolicy('RS-9-9-1024k', hdfsUser), HIAE, 'The policy name RS-9-9-1024k does not exist');
    const quiet = await auditLines(() => ec.disableErasureCodingPolicy('RS-3-2-1024k', hdfsUser));
    expect(quiet).to.deep.equal([]);
    await refused(ec.removeErasureCodingPolicy('XOR-2-1-1024k', hdfsUser), HIAE, 'System erasure coding policy XOR-2-1-1024k cannot be removed');
    await refused(ec.removeErasureCodingPolicy('nope', hdfsUser), HIAE, 'The policy name nope does not exist');
    await refused(ec.addErasureCodingPolicies([{ id: 0, cellSize: 65536, schema: { codecName: 'rs', dataUnits: 4, parityUnits: 2 } }], hdfsUser), IOE, /^Cannot add 1 erasure coding policy: hsec does not support/);
  });

  it('getECTopologyResultForPolicies: no policy given (none enabled), the DataNode count, an unknown name', () => {
    expect(ec.getECTopologyResultForPolicies([], hdfsUser)).to.deep.equal({ isSupported: true, resultMessage: 'No erasure coding policy is given.' });
    datanode(t.ns, 'dn-1');
    expect(ec.getECTopologyResultForPolicies(['RS-3-2-1024k', 'XOR-2-1-1024k'], hdfsUser)).to.deep.equal({
      isSupported: false, resultMessage: '5 DataNodes are required for the erasure coding policies: RS-3-2-1024k, XOR-2-1-1024k. The number of DataNodes is only 1.',
    });
    expect(() => ec.getECTopologyResultForPolicies(['nope'], hdfsUser)).to.throw('The given erasure coding policy nope does not exist.');
    // ECTopologyVerifier's rack rule: ceil((data + parity) / parity) racks
    const rs32 = ERASURE_CODING_POLICIES.find((p) => p.name === 'RS-3-2-1024k')!;
    expect(verifyTopology(1, 5, [rs32])).to.deep.equal({ isSupported: false, resultMessage: '3 racks are required for the erasure coding policies: RS-3-2-1024k. The number of racks is only 1.' });
    expect(verifyTopology(3, 5, [rs32])).to.deep.equal({ isSupported: true, resultMessage: 'The cluster setup can support EC policies: RS-3-2-1024k' });
  });

  it('getErasureCodingPolicy: none for an existing path, FileNotFoundException for a missing one; audited success and failure', async () => {
    const lines = await auditLines(async () => {
      expect(ec.getErasureCodingPolicy('/d', alice)).to.equal(undefined);
      expect(() => ec.getErasureCodingPolicy('/nope', alice)).to.throw('Path not found: /nope');
    });
    expect(lines.map((l) => [l['allowed'], l['cmd'], l['src']])).to.deep.equal([[true, 'getErasureCodingPolicy', '/d'], [false, 'getErasureCodingPolicy', '/nope']]);
  });
});
