/**
 * The erasure-coding calls of `hdfs ec` (Hadoop 3.4.1 NameNodeRpcServer, FSNamesystem,
 * FSDirErasureCodingOp, ErasureCodingPolicyManager, ECTopologyVerifier), answered by a NameNode
 * that stores no erasure-coded file:
 *  - the policies are Hadoop's system policies (SystemErasureCodingPolicies: RS-6-3-1024k id 1,
 *    RS-3-2-1024k id 2, RS-LEGACY-6-3-1024k id 3, XOR-2-1-1024k id 4, RS-10-4-1024k id 5, listed by
 *    name as the manager's TreeMap does), every one DISABLED. hsec's DataNodes and client write and
 *    read only replicated blocks (no striped block groups, no EC codecs, no reconstruction), so no
 *    policy may be enabled: a stock NameNode enables dfs.namenode.ec.system.default.policy at start,
 *    hsec does not. With every policy disabled, `hdfs ec -setPolicy` is refused by the very check a
 *    stock NameNode applies to a disabled policy (HadoopIllegalArgumentException "Policy '...' does
 *    not match any enabled erasure coding policies: []. ..."), and the topology check of no policy
 *    says "No erasure coding policy is given.";
 *  - no codecs are listed (hsec has no coder; CodecRegistry's map would name them);
 *  - every other refusal is Hadoop's own, in Hadoop's order (superuser for enable / disable / add /
 *    remove / the topology check, safe mode, unknown or system policy, a file, a directory without
 *    a policy: NoECPolicySetException); disabling a disabled policy is Hadoop's quiet no-op;
 *  - where a stock NameNode would succeed (setting the always-enabled REPLICATION policy on a
 *    directory, enabling a policy, adding policies) the call is refused with an IOException naming
 *    what hsec does not support, rather than pretending;
 *  - getErasureCodingPolicy answers no policy (replicated) for any existing path, as Hadoop does for
 *    a path without one, after its READ check; audited success or failure as FSNamesystem does.
 */
import type { ErrorDetails } from '../../lib/errors/index.ts';
import type { ECTopologyVerifierResult } from '../protocol/client-protocol.ts';
import type { ErasureCodingPolicy } from '../protocol/hdfs-types.ts';
import { checkSuperuserPrivilege } from './cluster-status.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';
import { fileNotFound, fsError, HadoopException, illegalArgument, ioError } from './namespace/fs-errors.ts';
import { lastInode } from './namespace/fs-directory.ts';
import { FsAction } from './namespace/permission-checker.ts';

/** SystemErasureCodingPolicies' DEFAULT_CELLSIZE: 1 MiB. */
const CELL_SIZE = 1024 * 1024;
/** dfs.namenode.ec.system.default.policy's default: the policy setErasureCodingPolicy uses when none is named. */
export const DEFAULT_EC_POLICY = 'RS-6-3-1024k';
/** ErasureCodeConstants.REPLICATION_POLICY_NAME: always enabled, never listed. */
const REPLICATION_POLICY_NAME = 'replication';

interface Schema {
  codecName: string;
  dataUnits: number;
  parityUnits: number;
}

/** ErasureCodingPolicy.composePolicyName: CODEC-data-parity-<cell KiB>k. */
const policyName = (s: Schema, cellSize: number) => `${s.codecName.toUpperCase()}-${s.dataUnits}-${s.parityUnits}-${cellSize / 1024}k`;

/** The system policies (SystemErasureCodingPolicies.SYS_POLICIES), by id. */
const SYSTEM_POLICIES: ReadonlyArray<{ id: number; schema: Schema }> = [
  { id: 1, schema: { codecName: 'rs', dataUnits: 6, parityUnits: 3 } },
  { id: 2, schema: { codecName: 'rs', dataUnits: 3, parityUnits: 2 } },
  { id: 3, schema: { codecName: 'rs-legacy', dataUnits: 6, parityUnits: 3 } },
  { id: 4, schema: { codecName: 'xor', dataUnits: 2, parityUnits: 1 } },
  { id: 5, schema: { codecName: 'rs', dataUnits: 10, parityUnits: 4 } },
];

/** ErasureCodingPolicyInfo as PBHelperClient.convertErasureCodingPolicy(info) sends it: every one DISABLED (see the file comment). */
function policyInfo(p: { id: number; schema: Schema }): ErasureCodingPolicy {
  return { name: policyName(p.schema, CELL_SIZE), schema: { ...p.schema }, cellSize: CELL_SIZE, id: p.id, state: 'DISABLED' };
}

/** ErasureCodingPolicyManager.getPolicies: by name (its TreeMap's order). */
export const ERASURE_CODING_POLICIES: readonly ErasureCodingPolicy[] = SYSTEM_POLICIES.map(policyInfo).sort((a, b) => (a.name! < b.name! ? -1 : a.name! > b.name! ? 1 : 0));

/** SystemErasureCodingPolicies.getReplicationPolicy: 1 data, 2 parity units, id 0. */
const REPLICATION_POLICY: ErasureCodingPolicy = { name: REPLICATION_POLICY_NAME, schema: { codecName: 'replication', dataUnits: 1, parityUnits: 2 }, cellSize: CELL_SIZE, id: 0 };

function unsupported(what: string, details: ErrorDetails = {}): Error {
  return ioError('FS_UNSUPPORTED', `${what}: hsec does not support erasure coding (its DataNodes and clients store only replicated blocks)`, details);
}

export class ErasureCodingOps {
  readonly #ns: FsNamesystem;

  constructor(ns: FsNamesystem) {
    this.#ns = ns;
  }

  /** FSNamesystem.getErasureCodingPolicies. */
  getErasureCodingPolicies(caller: CallerInfo): ErasureCodingPolicy[] {
    this.#ns.audit(caller, 'getErasureCodingPolicies', null);
    return ERASURE_CODING_POLICIES.map((p) => ({ ...p, schema: { ...p.schema! } }));
  }

  /** FSNamesystem.getErasureCodingCodecs: hsec registers no coder. */
  getErasureCodingCodecs(caller: CallerInfo): { codec: string; coders: string }[] {
    this.#ns.audit(caller, 'getErasureCodingCodecs', null);
    return [];
  }

  /** FSNamesystem.getErasureCodingPolicy (FSDirErasureCodingOp.getErasureCodingPolicy): never a policy here. */
  getErasureCodingPolicy(src: string, caller: CallerInfo): ErasureCodingPolicy | undefined {
    let success = false;
    try {
      if (src !== '/.reserved') {
        const pc = this.#ns.checker(caller);
        const r = this.#ns.resolve(pc, src, false);
        if (this.#ns.settings.permissions.enabled) pc.check(r, { access: FsAction.READ });
        if (!lastInode(r)) throw fileNotFound(`Path not found: ${src}`, src);
      }
      success = true;
      return undefined;
    } finally {
      // logAuditEvent(success, ...) in a finally block: any failure is an allowed=false line
      if (success) this.#ns.audit(caller, 'getErasureCodingPolicy', src);
      else this.#ns.auditDenied(caller, 'getErasureCodingPolicy', src);
    }
  }

  /** FSNamesystem.setErasureCodingPolicy; `name` undefined: the default policy (NameNodeRpcServer). */
  setErasureCodingPolicy(src: string, name: string | undefined, caller: CallerInfo): Promise<void> {
    const ecPolicyName = name ?? DEFAULT_EC_POLICY;
    return this.#ns.write(async () => {
      this.#ns.checkNameNodeSafeMode(`Cannot set erasure coding policy on ${src}`);
      const path = this.#directory(src, caller, 'setErasureCodingPolicy', () => {
        // FSDirErasureCodingOp.getEnabledErasureCodingPolicyByName: only REPLICATION is enabled
        if (ecPolicyName.toLowerCase() !== REPLICATION_POLICY_NAME) {
          throw illegalArgument(`Policy '${ecPolicyName}' does not match any enabled erasure coding policies: []. An erasure coding policy can be enabled by enableErasureCodingPolicy API.`, { policy: ecPolicyName });
        }
      }, (p) => `Attempt to set an erasure coding policy for a file ${p}`);
      throw unsupported(`Cannot set erasure coding policy ${ecPolicyName} on ${path}`, { path, policy: ecPolicyName });
    });
  }

  /** FSNamesystem.unsetErasureCodingPolicy: no directory here ever has a policy of its own. */
  unsetErasureCodingPolicy(src: string, caller: CallerInfo): Promise<void> {
    return this.#ns.write(async () => {
      this.#ns.checkNameNodeSafeMode(`Cannot unset erasure coding policy on ${src}`);
      const path = this.#directory(src, caller, 'unsetErasureCodingPolicy', () => undefined, (p) => `Cannot unset an erasure coding policy on a file ${p}`);
      throw fsError('FS_UNSUPPORTED', HadoopException.NO_EC_POLICY_SET, `No erasure coding policy explicitly set on ${path}`, { path });
    });
  }

  /**
   * FSDirErasureCodingOp's resolvePath (WRITE_LINK) and WRITE check, then the inode checks; an
   * AccessControlException is audited as refused (setErasureCodingPolicy; unset audits none).
   */
  #directory(src: string, caller: CallerInfo, cmd: string, before: () => void, fileMessage: (path: string) => string): string {
    try {
      before();
      const pc = this.#ns.checker(caller);
      const r = this.#ns.resolve(pc, src, false);
      if (this.#ns.settings.permissions.enabled) pc.check(r, { access: FsAction.WRITE });
      const node = lastInode(r);
      if (!node) throw fileNotFound(`Path not found: ${r.path}`, r.path);
      if (node.kind !== 'directory') throw ioError('FS_INVALID_ARGUMENT', fileMessage(r.path), { path: r.path });
      return r.path;
    } catch (e) {
      if (cmd === 'setErasureCodingPolicy') this.#ns.auditRefusal(e, caller, cmd, src);
      throw e;
    }
  }

  /** NameNodeRpcServer + FSNamesystem.enableErasureCodingPolicy. */
  enableErasureCodingPolicy(name: string, caller: CallerInfo): Promise<void> {
    checkSuperuserPrivilege(this.#ns, caller, 'enableErasureCodingPolicy', null);
    return this.#ns.write(async () => {
      this.#ns.checkNameNodeSafeMode(`Cannot enable erasure coding policy ${name}`);
      this.#known(name);
      throw unsupported(`Cannot enable erasure coding policy ${name}`, { policy: name });
    });
  }

  /** NameNodeRpcServer + FSNamesystem.disableErasureCodingPolicy: a disabled policy stays so (false: nothing logged or audited). */
  disableErasureCodingPolicy(name: string, caller: CallerInfo): Promise<void> {
    checkSuperuserPrivilege(this.#ns, caller, 'disableErasureCodingPolicy', null);
    return this.#ns.write(async () => {
      this.#ns.checkNameNodeSafeMode(`Cannot disable erasure coding policy ${name}`);
      this.#known(name);
    });
  }

  /** NameNodeRpcServer + FSNamesystem.removeErasureCodingPolicy: only system policies exist, which cannot be removed. */
  removeErasureCodingPolicy(name: string, caller: CallerInfo): Promise<void> {
    checkSuperuserPrivilege(this.#ns, caller, 'removeErasureCodingPolicy', null);
    return this.#ns.write(async () => {
      this.#ns.checkNameNodeSafeMode(`Cannot remove erasure coding policy ${name}`);
      this.#known(name);
      throw illegalArgument(`System erasure coding policy ${name} cannot be removed`, { policy: name });
    });
  }

  /** NameNodeRpcServer + FSNamesystem.addErasureCodingPolicies: refused as a whole (see the file comment). */
  addErasureCodingPolicies(policies: readonly ErasureCodingPolicy[], caller: CallerInfo): Promise<never> {
    checkSuperuserPrivilege(this.#ns, caller, 'addErasureCodingPolicies', null);
    return this.#ns.write(async () => {
      this.#ns.checkNameNodeSafeMode('Cannot add erasure coding policy');
      throw unsupported(`Cannot add ${policies.length} erasure coding ${policies.length === 1 ? 'policy' : 'policies'}`);
    });
  }

  /** FSNamesystem.getECTopologyResultForPolicies with ECTopologyVerifier. */
  getECTopologyResultForPolicies(names: readonly string[], caller: CallerInfo): ECTopologyVerifierResult {
    checkSuperuserPrivilege(this.#ns, caller, 'getECTopologyResultForPolicies', null);
    // none named: the enabled policies, of which there are none
    const policies = names.map((n) => {
      if (n.toLowerCase() === REPLICATION_POLICY_NAME) return REPLICATION_POLICY;
      const p = ERASURE_CODING_POLICIES.find((x) => x.name === n);
      if (!p) throw illegalArgument(`The given erasure coding policy ${n} does not exist.`, { policy: n });
      return p;
    });
    // DatanodeManager.getNumOfDataNodes counts every registered node; hsec puts them all on one rack
    const dataNodes = this.#ns.datanodes.all().length;
    const result = verifyTopology(dataNodes > 0 ? 1 : 0, dataNodes, policies);
    this.#ns.audit(caller, 'getECTopologyResultForPolicies', null);
    return result;
  }

  /** ErasureCodingPolicyManager's policiesByName lookup: "The policy name X does not exist". */
  #known(name: string): void {
    if (!ERASURE_CODING_POLICIES.some((p) => p.name === name)) throw illegalArgument(`The policy name ${name} does not exist`, { policy: name });
  }
}

/** ECTopologyVerifier.getECTopologyVerifierResult(numOfRacks, numOfDataNodes, policies). */
export function verifyTopology(racks: number, dataNodes: number, policies: readonly ErasureCodingPolicy[]): ECTopologyVerifierResult {
  let minDN = 0;
  let minRack = 0;
  for (const p of policies) {
    const dn = p.schema!.dataUnits + p.schema!.parityUnits;
    minDN = Math.max(minDN, dn);
    minRack = Math.max(minRack, Math.ceil(dn / p.schema!.parityUnits));
  }
  if (minDN === 0 || minRack === 0) return { isSupported: true, resultMessage: 'No erasure coding policy is given.' };
  const readable = policies.map((p) => p.name).join(', ');
  if (dataNodes < minDN) {
    return { isSupported: false, resultMessage: `${minDN} DataNodes are required for the erasure coding policies: ${readable}. The number of DataNodes is only ${dataNodes}.` };
  }
  if (racks < minRack) {
    return { isSupported: false, resultMessage: `${minRack} racks are required for the erasure coding policies: ${readable}. The number of racks is only ${racks}.` };
  }
  return { isSupported: true, resultMessage: `The cluster setup can support EC policies: ${readable}` };
}
