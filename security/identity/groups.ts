/**
 * Which groups a user is in, as a Hadoop server sees it (hadoop-common security/Groups.java and the
 * GroupMappingServiceProvider implementations): the static overrides of
 * hadoop.user.group.static.mapping.overrides first (`alice=staff,dev;bob=;`), else the configured
 * mapping, cached for hadoop.security.groups.cache.secs (a user without groups for
 * hadoop.security.groups.negative-cache.secs). The mappings:
 *  - ShellBasedUnixGroupsMapping, and JniBasedUnixGroupsMappingWithFallback (Hadoop's default;
 *    without JNI here it falls back to the same answer): the primary group from `id -gn USER`, then
 *    every group from `id -Gn USER`, duplicates removed; an unknown user has no groups;
 *  - NullGroupsMapping: none.
 * Looking groups up never fails a call: a failing `id` is logged and the user has no groups.
 * `refresh()` empties the cache and the negative cache (Groups.refresh, what `hdfs dfsadmin
 * -refreshUserToGroupsMappings` triggers): the next lookup of every user asks the mapping again.
 * The static overrides and the mapping itself stay as configured at start, as in Hadoop.
 */
import { execFile } from 'node:child_process';
import type { Configuration } from '../../lib/config/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { systemClock, type Clock } from '../../lib/time/clock.ts';

/** One GroupMappingServiceProvider. */
export interface GroupMapping {
  groups(user: string): Promise<string[]>;
}

const ID_TIMEOUT_MS = 10_000;
const log = getLogger('identity.groups');

/** `id -gn USER` then `id -Gn USER` (no shell: the user name is an argument, never parsed). */
export class ShellGroupsMapping implements GroupMapping {
  async groups(user: string): Promise<string[]> {
    try {
      const primary = (await run('id', ['-gn', '--', user])).trim();
      const all = (await run('id', ['-Gn', '--', user])).trim().split(/\s+/).filter(Boolean);
      return [...new Set([primary, ...all].filter(Boolean))];
    } catch (e) {
      log.warn({ user, err: (e as Error).message }, 'unable to return groups for user (id failed); treating it as having none');
      return [];
    }
  }
}

export class NullGroupsMapping implements GroupMapping {
  async groups(): Promise<string[]> {
    return [];
  }
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: ID_TIMEOUT_MS, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

const MAPPINGS: Record<string, () => GroupMapping> = {
  'org.apache.hadoop.security.ShellBasedUnixGroupsMapping': () => new ShellGroupsMapping(),
  'org.apache.hadoop.security.JniBasedUnixGroupsMappingWithFallback': () => new ShellGroupsMapping(),
  'org.apache.hadoop.security.JniBasedUnixGroupsMapping': () => new ShellGroupsMapping(),
  'org.apache.hadoop.security.NullGroupsMapping': () => new NullGroupsMapping(),
};

export interface GroupsOptions {
  mapping: GroupMapping;
  /** user -> groups, ahead of the mapping */
  overrides?: ReadonlyMap<string, readonly string[]>;
  cacheMs?: number;
  negativeCacheMs?: number;
  clock?: Clock;
}

/** Hadoop's Groups: overrides, then the mapping through a cache. */
export class Groups {
  readonly #o: Required<Omit<GroupsOptions, 'overrides'>> & { overrides: ReadonlyMap<string, readonly string[]> };
  readonly #cache = new Map<string, { groups: string[]; until: number } | Promise<string[]>>();
  /** Bumped by refresh(): a lookup started before it does not fill the emptied cache. */
  #generation = 0;

  constructor(options: GroupsOptions) {
    this.#o = { cacheMs: 300_000, negativeCacheMs: 30_000, clock: systemClock, overrides: new Map(), ...options };
  }

  /** From hadoop.security.group.mapping and the cache and override keys. */
  static fromConfiguration(conf: Configuration, clock: Clock = systemClock): Groups {
    const name = conf.getTrimmed('hadoop.security.group.mapping') ?? 'org.apache.hadoop.security.JniBasedUnixGroupsMappingWithFallback';
    const make = MAPPINGS[name];
    if (!make) {
      throw new ConfigError('CONFIG_INVALID', `hadoop.security.group.mapping ${name} is not supported: use one of ${Object.keys(MAPPINGS).join(', ')}`, { configKey: 'hadoop.security.group.mapping' });
    }
    return new Groups({
      mapping: make(),
      overrides: parseOverrides(conf.get('hadoop.user.group.static.mapping.overrides') ?? ''),
      cacheMs: conf.getTimeDuration('hadoop.security.groups.cache.secs', 's', 'ms'),
      negativeCacheMs: conf.getTimeDuration('hadoop.security.groups.negative-cache.secs', 's', 'ms'),
      clock,
    });
  }

  async groups(user: string): Promise<string[]> {
    const fixed = this.#o.overrides.get(user);
    if (fixed) return [...fixed];
    const hit = this.#cache.get(user);
    if (hit instanceof Promise) return hit;
    if (hit && hit.until > this.#o.clock.now()) return [...hit.groups];
    const generation = this.#generation;
    const lookup = this.#o.mapping.groups(user).then((groups) => {
      if (generation !== this.#generation) return groups;
      const ttl = groups.length > 0 ? this.#o.cacheMs : this.#o.negativeCacheMs;
      if (ttl > 0) this.#cache.set(user, { groups, until: this.#o.clock.now() + ttl });
      else this.#cache.delete(user);
      return groups;
    });
    this.#cache.set(user, lookup);
    return [...(await lookup)];
  }

  /** Groups.refresh: forgets every cached answer (positive and negative); returns how many users were cached. */
  refresh(): number {
    const cached = this.#cache.size;
    this.#generation++;
    this.#cache.clear();
    log.info({ cachedUsers: cached }, 'clearing userToGroupsMap cache');
    return cached;
  }
}

/** `user1=group1,group2;user2=;user3=group2`. */
export function parseOverrides(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const entry of text.split(';')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const user = entry.slice(0, eq).trim();
    if (user) out.set(user, entry.slice(eq + 1).split(',').map((g) => g.trim()).filter(Boolean));
  }
  return out;
}
