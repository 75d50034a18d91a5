/**
 * The NameNode's trash emptier (NameNode.startTrashEmptier running TrashPolicyDefault.Emptier):
 * with fs.trash.interval above 0, at every multiple of the checkpoint interval (wall clock, as
 * Emptier.ceiling computes it) it goes through each user's `<dfs.user.home.dir.prefix>/<user>/.Trash`,
 * deletes the checkpoints older than fs.trash.interval and makes Current a new checkpoint. It acts
 * on the namespace directly as the NameNode's own user (the superuser), as Hadoop's emptier acts
 * through a FileSystem logged in as the NameNode, so its calls are audited with the NameNode's login
 * UGI (`loginUgi`); a failure is logged and the next round runs.
 */
import { getLogger } from '../../lib/log/logger.ts';
import type { Clock } from '../../lib/time/clock.ts';
import { Trash, type TrashNamespace } from '../client/trash.ts';
import type { TrashEmptierSettings } from './namenode-config.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';

const log = getLogger('namenode.trash');
const MS_PER_MINUTE = 60_000;

export class TrashEmptier {
  readonly #trash: Trash;
  readonly #settings: TrashEmptierSettings;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;

  private constructor(namesystem: FsNamesystem, settings: TrashEmptierSettings, clock: Clock, loginUgi: string) {
    const { superUser, superGroup } = namesystem.settings.permissions;
    const caller: CallerInfo = { user: superUser, groups: [superGroup], address: '127.0.0.1', ugi: loginUgi };
    this.#trash = new Trash(namespaceOf(namesystem, caller), {
      intervalMinutes: settings.intervalMinutes,
      log: (line) => (line.startsWith('WARN ') ? log.warn(line.slice(5)) : log.info(line)),
      now: () => clock.now(),
      cleanNonCheckpoints: settings.cleanNonCheckpoints,
    });
    this.#settings = settings;
    this.#clock = clock;
    const deletionMs = this.#trash.deletionIntervalMs;
    const checkpointMs = Math.trunc(settings.checkpointMinutes * MS_PER_MINUTE);
    if (checkpointMs > deletionMs || checkpointMs <= 0) {
      log.info(`The configured checkpoint interval is ${Math.trunc(checkpointMs / MS_PER_MINUTE)} minutes. Using an interval of ${settings.intervalMinutes} minutes that is used for deletion instead`);
      this.#intervalMs = deletionMs;
    } else this.#intervalMs = checkpointMs;
    log.info(`Namenode trash configuration: Deletion interval = ${settings.intervalMinutes} minutes, Emptier interval = ${Math.trunc(this.#intervalMs / MS_PER_MINUTE)} minutes.`);
  }

  /** Starts the emptier; it does not keep the process alive. `loginUgi`: the NameNode's login user as UserGroupInformation.toString() prints it. */
  static start(namesystem: FsNamesystem, settings: TrashEmptierSettings, clock: Clock, loginUgi: string): TrashEmptier {
    const emptier = new TrashEmptier(namesystem, settings, clock, loginUgi);
    emptier.#schedule();
    return emptier;
  }

  /** Stops the emptier; resolves when a round under way has finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** Sleeps to the next multiple of the interval (Emptier.ceiling), then empties. */
  #schedule(): void {
    if (this.#stopped) return;
    const now = this.#clock.now();
    const end = (Math.floor(now / this.#intervalMs) + 1) * this.#intervalMs;
    this.#timer = setTimeout(() => {
      this.#running = this.#round(end);
    }, end - now);
    this.#timer.unref();
  }

  async #round(end: number): Promise<void> {
    try {
      const now = this.#clock.now();
      if (now >= end && !this.#stopped) await this.emptyOnce(new Date(now));
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'RuntimeException during Trash.Emptier.run()');
    }
    this.#schedule();
  }

  /** One round over every user's trash: old checkpoints deleted, Current checkpointed at `date`. */
  async emptyOnce(date: Date): Promise<void> {
    for (const root of await this.#trash.trashRoots(await this.#trash.homesUnder(this.#settings.homePrefix))) {
      if (this.#stopped) return;
      try {
        await this.#trash.deleteCheckpoints(root);
        await this.#trash.createCheckpoint(root, date);
      } catch (e) {
        log.warn({ trashRoot: root, err: (e as Error).message }, `Trash caught: ${(e as Error).message}. Skipping ${root}.`);
      }
    }
  }
}

/** The namespace as the emptier sees it: the superuser's view, straight from the namesystem. */
function namespaceOf(ns: FsNamesystem, caller: CallerInfo): TrashNamespace {
  return {
    kind: async (p) => {
      const st = ns.getFileInfo(p, caller);
      return st ? (st.fileType === 'IS_DIR' ? 'directory' : 'file') : undefined;
    },
    list: async (p) => {
      const out: { name: string; directory: boolean }[] = [];
      let after: Uint8Array = new Uint8Array(0);
      for (;;) {
        const page = ns.getListing(p, after, false, caller);
        if (!page) return undefined;
        const entries = page.partialListing ?? [];
        for (const e of entries) out.push({ name: Buffer.from(e.path).toString('utf8'), directory: e.fileType === 'IS_DIR' });
        if (page.remainingEntries === 0 || entries.length === 0) return out;
        after = entries[entries.length - 1]!.path;
      }
    },
    mkdirs: (p, permission) => ns.mkdirs(p, { perm: permission }, true, caller),
    rename: (src, dst, toTrash) => ns.rename2(src, dst, false, caller, toTrash),
    delete: (p, recursive) => ns.delete(p, recursive, caller),
  };
}
