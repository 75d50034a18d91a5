/**
 * When a writing client adds a DataNode to a pipeline that lost one (Hadoop 3.4.1
 * ReplaceDatanodeOnFailure): a policy chosen by dfs.client.block.write.replace-datanode-on-failure
 * (.enable true, .policy DEFAULT, .best-effort false) and its condition. DEFAULT adds one when the
 * file's replication is 3 or more and the pipeline is down to half of it or fewer, or the block is
 * being appended to or was hflushed; NEVER never does, ALWAYS always does (while the pipeline is
 * short of the replication). .min-replication (default 0) is DataStreamer's floor for writing on
 * with fewer nodes when none can be added.
 */
import type { Configuration } from '../../lib/config/index.ts';

export type ReplaceDatanodePolicy = 'DISABLE' | 'NEVER' | 'DEFAULT' | 'ALWAYS';

export const REPLACE_DATANODE_KEYS = {
  enable: 'dfs.client.block.write.replace-datanode-on-failure.enable',
  policy: 'dfs.client.block.write.replace-datanode-on-failure.policy',
  bestEffort: 'dfs.client.block.write.replace-datanode-on-failure.best-effort',
  minReplication: 'dfs.client.block.write.replace-datanode-on-failure.min-replication',
} as const;

export class ReplaceDatanodeOnFailure {
  readonly policy: ReplaceDatanodePolicy;
  /** .best-effort: a failed replacement is logged and the write goes on with the nodes it has. */
  readonly bestEffort: boolean;
  /** .min-replication: with no replacement, write on when the pipeline still has this many nodes (0: never). */
  readonly minReplication: number;

  constructor(policy: ReplaceDatanodePolicy, bestEffort = false, minReplication = 0) {
    this.policy = policy;
    this.bestEffort = bestEffort;
    this.minReplication = minReplication;
  }

  /** ReplaceDatanodeOnFailure.get + DFSClient.Conf's min-replication. */
  static fromConfig(conf: Configuration): ReplaceDatanodeOnFailure {
    const enabled = conf.getBoolean(REPLACE_DATANODE_KEYS.enable, true);
    // getPolicy: DISABLE only through .enable=false; .policy names NEVER, DEFAULT or ALWAYS (any case)
    const policy = enabled ? (conf.getEnum(REPLACE_DATANODE_KEYS.policy, 'default').toUpperCase() as ReplaceDatanodePolicy) : 'DISABLE';
    return new ReplaceDatanodeOnFailure(policy, conf.getBoolean(REPLACE_DATANODE_KEYS.bestEffort, false), conf.getInt(REPLACE_DATANODE_KEYS.minReplication, 0));
  }

  /**
   * ReplaceDatanodeOnFailure.satisfy: whether to add a DataNode to a pipeline of `existing` nodes for
   * a file of `replication`. Never for an empty pipeline or one already at the replication.
   */
  satisfy(replication: number, existing: number, isAppend: boolean, isHflushed: boolean): boolean {
    if (existing === 0 || existing >= replication) return false;
    switch (this.policy) {
      case 'DISABLE':
      case 'NEVER':
        return false;
      case 'ALWAYS':
        return true;
      case 'DEFAULT':
        // CONDITION_DEFAULT (replication / 2 is Java's integer division)
        return replication >= 3 && (existing <= Math.floor(replication / 2) || isAppend || isHflushed);
    }
  }

  toString(): string {
    return this.policy;
  }
}
