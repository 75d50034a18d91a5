/**
 * The NameNode's start-up safe mode, as Hadoop 3.4.1's BlockManagerSafeMode runs it for a NameNode
 * without HA: at start the NameNode counts the complete blocks of its namespace and stays in safe
 * mode (no namespace change, no DataNode commands) until enough of them have a live replica
 * reported by the DataNodes:
 *
 *   PENDING_THRESHOLD  blockSafe < (long) (blockTotal x dfs.namenode.safemode.threshold-pct, in
 *                      Java float arithmetic), or fewer live DataNodes than
 *                      dfs.namenode.safemode.min.datanodes
 *   EXTENSION          the thresholds were met with blocks to wait for and an extension set: safe
 *                      mode stays on dfs.namenode.safemode.extension longer (30 s), checked every
 *                      dfs.namenode.safemode.recheck.interval (SafeModeMonitor)
 *   OFF                left: the thresholds held at the end of the extension, or were met with
 *                      nothing to wait for (a new namespace, a single block), or an administrator
 *                      left it (hdfs dfsadmin -safemode leave)
 *
 * A block is safe once dfs.namenode.safemode.replication.min (default dfs.namenode.replication.min,
 * 1) live replicas of it are reported, and unsafe again when a DataNode's loss takes it below. Only
 * blocks complete at start count: a block completed during safe mode changes neither count (its
 * totals are adjusted only with HA, isSafeModeTrackingBlocks). The messages (getSafeModeTip and the
 * STATE* lines of NameNode.stateChangeLog) are Hadoop's, word for word. hsec keeps no blocks with
 * generation stamps in the future, so there are never "bytes in future" to refuse a leave for.
 */
import type { Logger } from '../../../lib/log/logger.ts';

export interface StartupSafeModeSettings {
  /** dfs.namenode.safemode.threshold-pct (0.999; a Java float) */
  readonly thresholdPct: number;
  /** dfs.namenode.safemode.min.datanodes (0: not required) */
  readonly minDatanodes: number;
  /** dfs.namenode.safemode.replication.min, else dfs.namenode.replication.min (1) */
  readonly safeReplication: number;
  /** dfs.namenode.safemode.extension (ms; 30000) */
  readonly extensionMs: number;
  /** dfs.namenode.safemode.recheck.interval (ms; 1000) */
  readonly recheckIntervalMs: number;
}

/** Hadoop's defaults (DFSConfigKeys). */
export const DEFAULT_SAFE_MODE_SETTINGS: StartupSafeModeSettings = { thresholdPct: 0.999, minDatanodes: 0, safeReplication: 1, extensionMs: 30_000, recheckIntervalMs: 1000 };

export type SafeModeStatus = 'OFF' | 'PENDING_THRESHOLD' | 'EXTENSION';

/** What the safe mode asks of the NameNode around it. */
export interface StartupSafeModeHost {
  /** monotonic milliseconds */
  now(): number;
  /** DataNodes alive now (DatanodeManager.getNumLiveDataNodes) */
  liveDatanodes(): number;
  /** BlockManager.numOfUnderReplicatedBlocks, logged when safe mode ends */
  underReplicatedBlocks(): number;
  /** Runs `fn` under the namesystem's write lock (the monitor leaves safe mode under it). */
  underWriteLock(fn: () => void): Promise<void>;
  /** NameNode.stateChangeLog */
  readonly stateLog: Logger;
}

/** How often a status line is logged at most while nothing else happens (BlockManagerSafeMode.reportStatus). */
const STATUS_REPORT_INTERVAL_MS = 20_000;

export class StartupSafeMode {
  readonly #s: StartupSafeModeSettings;
  readonly #host: StartupSafeModeHost;
  #status: SafeModeStatus = 'OFF';
  #blockTotal = 0;
  #blockThreshold = 0;
  /** the blocks complete at activation that may count */
  #tracked = new Set<number>();
  /** those with enough live replicas */
  #safe = new Set<number>();
  #startTime = 0;
  #reachedTime = 0;
  #lastStatusReport = 0;
  #monitor: NodeJS.Timeout | undefined;

  constructor(settings: StartupSafeModeSettings, host: StartupSafeModeHost) {
    this.#s = settings;
    this.#host = host;
    if (settings.thresholdPct > 1) host.stateLog.warn({ threshold: settings.thresholdPct }, `The threshold value shouldn't be greater than 1, threshold: ${settings.thresholdPct}`);
  }

  get status(): SafeModeStatus {
    return this.#status;
  }

  isOn(): boolean {
    return this.#status !== 'OFF';
  }

  /**
   * BlockManagerSafeMode.activate: `blockIds` are the complete blocks at start, `safe` tells which
   * already have enough live replicas (none, unless DataNodes reported before). Leaves at once when
   * the thresholds are met; otherwise safe mode is on.
   */
  activate(blockIds: Iterable<number>, safe: (blockId: number) => boolean): void {
    this.#startTime = this.#host.now();
    this.#tracked = new Set(blockIds);
    this.#safe = new Set([...this.#tracked].filter(safe));
    this.#blockTotal = this.#tracked.size;
    // (long) (total * threshold): a long times a float is float arithmetic in Java
    this.#blockThreshold = Math.trunc(Math.fround(Math.fround(this.#blockTotal) * Math.fround(this.#s.thresholdPct)));
    if (this.#thresholdsMet()) {
      this.#leave(false);
      return;
    }
    this.#status = 'PENDING_THRESHOLD';
    this.#reportStatus('STATE* Safe mode ON.', true);
  }

  /**
   * A complete block's live replica count changed (BlockManager.addStoredBlock /
   * removeStoredBlock: incrementSafeBlockCount / decrementSafeBlockCount).
   */
  liveReplicasChanged(blockId: number, liveReplicas: number): void {
    if (this.#status === 'OFF' || !this.#tracked.has(blockId)) return;
    const safe = liveReplicas >= this.#s.safeReplication;
    if (safe === this.#safe.has(blockId)) return;
    if (safe) this.#safe.add(blockId);
    else this.#safe.delete(blockId);
    this.#checkSafeMode();
  }

  /** A DataNode reported its blocks: the live-node threshold may be met now. */
  datanodesChanged(): void {
    if (this.#status !== 'OFF' && this.#s.minDatanodes > 0) this.#checkSafeMode();
  }

  /** BlockManagerSafeMode.getSafeModeTip. */
  tip(): string {
    const blockSafe = this.#safe.size;
    const threshold = Math.fround(this.#s.thresholdPct).toFixed(4);
    const blockThresholdMet = blockSafe >= this.#blockThreshold;
    let msg = blockThresholdMet
      ? `The reported blocks ${blockSafe} has reached the threshold ${threshold} of total blocks ${this.#blockTotal}. `
      : `The reported blocks ${blockSafe} needs additional ${this.#blockThreshold - blockSafe} blocks to reach the threshold ${threshold} of total blocks ${this.#blockTotal}.\n`;
    const minDn = this.#s.minDatanodes;
    if (minDn > 0) {
      if (blockThresholdMet) {
        const live = this.#host.liveDatanodes();
        msg += live < minDn
          ? `The number of live datanodes ${live} needs an additional ${minDn - live} live datanodes to reach the minimum number ${minDn}.\n`
          : `The number of live datanodes ${live} has reached the minimum number ${minDn}. `;
      } else {
        msg += 'The number of live datanodes is not calculated since reported blocks hasn\'t reached the threshold. ';
      }
    } else {
      msg += 'The minimum number of live datanodes is not required. ';
    }
    const turnOff = 'Safe mode will be turned off automatically ';
    if (this.#status === 'PENDING_THRESHOLD') msg += `${turnOff}once the thresholds have been reached.`;
    else if (this.#status === 'EXTENSION') msg += `In safe mode extension. ${turnOff}in ${Math.trunc(this.#timeToLeaveExtension() / 1000)} seconds.`;
    else msg += `${turnOff}soon.`;
    return msg;
  }

  /**
   * BlockManagerSafeMode.leaveSafeMode (also behind `hdfs dfsadmin -safemode leave` of a manual
   * safe mode): logs the STATE* lines and turns the start-up safe mode off.
   */
  leave(force: boolean): void {
    this.#leave(force);
  }

  /** Stops the monitor (the NameNode is stopping). */
  close(): void {
    clearInterval(this.#monitor);
    this.#monitor = undefined;
  }

  #leave(force: boolean): void {
    const log = this.#host.stateLog;
    if (force) log.warn({}, 'forceExit used when normal exist would suffice. Treating force exit as normal safe mode exit.');
    if (this.#status !== 'OFF') log.info({ safeMode: 'OFF' }, 'STATE* Safe mode is OFF');
    this.#status = 'OFF';
    this.close();
    this.#tracked.clear();
    this.#safe.clear();
    const secs = Math.trunc((this.#host.now() - this.#startTime) / 1000);
    log.info({ safeMode: 'OFF', secs }, `STATE* Leaving safe mode after ${secs} secs`);
    const datanodes = this.#host.liveDatanodes();
    log.info({ racks: datanodes > 0 ? 1 : 0, datanodes }, `STATE* Network topology has ${datanodes > 0 ? 1 : 0} racks and ${datanodes} datanodes`);
    const under = this.#host.underReplicatedBlocks();
    log.info({ underReplicated: under }, `STATE* UnderReplicatedBlocks has ${under} blocks`);
  }

  /** BlockManagerSafeMode.checkSafeMode: the state machine's transitions. */
  #checkSafeMode(): void {
    if (this.#status === 'PENDING_THRESHOLD') {
      if (this.#thresholdsMet()) {
        if (this.#blockTotal > 0 && this.#s.extensionMs > 0) {
          this.#status = 'EXTENSION';
          this.#reachedTime = this.#host.now();
          this.#startMonitor();
          this.#reportStatus('STATE* Safe mode extension entered.', true);
        } else {
          this.#leave(false);
        }
      } else {
        this.#reportStatus('STATE* Safe mode ON.', false);
      }
    } else if (this.#status === 'EXTENSION') {
      this.#reportStatus('STATE* Safe mode ON.', false);
    }
  }

  #thresholdsMet(): boolean {
    if (this.#safe.size < this.#blockThreshold) return false;
    return this.#s.minDatanodes <= 0 || this.#host.liveDatanodes() >= this.#s.minDatanodes;
  }

  #timeToLeaveExtension(): number {
    return this.#blockTotal > 0 ? this.#reachedTime + this.#s.extensionMs - this.#host.now() : 0;
  }

  /** SafeModeMonitor: every recheck interval, under the write lock, leaves once the extension is over and the thresholds still hold. */
  #startMonitor(): void {
    if (this.#monitor) return;
    const interval = this.#s.recheckIntervalMs >= 1 ? this.#s.recheckIntervalMs : DEFAULT_SAFE_MODE_SETTINGS.recheckIntervalMs;
    let running = false;
    this.#monitor = setInterval(() => {
      if (running) return;
      running = true;
      this.#host.underWriteLock(() => {
        if (this.#status === 'OFF') return;
        if (this.#timeToLeaveExtension() > 0) this.#reportStatus('STATE* Safe mode ON, in safe mode extension.', false);
        else if (!this.#thresholdsMet()) this.#reportStatus('STATE* Safe mode ON, thresholds not met.', false);
        else this.#leave(false);
      }).catch((e: unknown) => this.#host.stateLog.error({ err: (e as Error).message }, 'safe mode monitor failed; it tries again'))
        .finally(() => { running = false; });
    }, interval);
    this.#monitor.unref();
  }

  /** BlockManagerSafeMode.reportStatus: the message and the tip, at most every 20 s unless `now`. */
  #reportStatus(msg: string, now: boolean): void {
    const t = this.#host.now();
    if (!now && t - this.#lastStatusReport < STATUS_REPORT_INTERVAL_MS) return;
    this.#host.stateLog.info({ safeMode: this.#status }, `${msg} \n${this.tip()}`);
    this.#lastStatusReport = t;
  }
}
