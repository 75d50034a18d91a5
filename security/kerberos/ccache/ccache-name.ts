/**
 * Which credential cache to use, resolved like MIT krb5_cc_default_name (lib/krb5/ccache/ccdefname.c):
 * the KRB5CCNAME environment variable, else krb5.conf [libdefaults] default_ccache_name (passed in
 * by the caller, which owns configuration), else FILE:/tmp/krb5cc_%{uid}. Path tokens are
 * expanded as MIT k5_expand_path_tokens does (%{uid}, %{euid}, %{USERID}, %{username}, %{TEMP},
 * %{null}). Only the FILE type (and a bare path, which means FILE) is supported; KEYRING, KCM, DIR,
 * MEMORY and API caches raise a KRB_CCACHE error that says how to switch to a file.
 */
import { userInfo } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { KerberosError } from '../../../lib/errors/index.ts';

/** MIT's compiled-in default (DEFCCNAME). */
export const DEFAULT_CCACHE_NAME = 'FILE:/tmp/krb5cc_%{uid}';

export interface CcacheNameOptions {
  /** The uid for %{uid} (default: process.getuid()). */
  readonly uid?: number;
  /** The user name for %{username} (default: os.userInfo().username). */
  readonly username?: string;
}

function currentUid(): number {
  return typeof process.getuid === 'function' ? process.getuid() : 0;
}

function expandTokens(name: string, env: Readonly<Record<string, string | undefined>>, opts: CcacheNameOptions): string {
  return name.replace(/%\{([A-Za-z_]+)\}/g, (whole, token: string) => {
    switch (token) {
      case 'uid':
      case 'euid':
      case 'USERID':
        return String(opts.uid ?? currentUid());
      case 'username':
        return opts.username ?? userInfo().username;
      case 'TEMP':
        return env.TMPDIR && env.TMPDIR.length > 0 ? env.TMPDIR : '/tmp';
      case 'null':
        return '';
      default:
        throw new KerberosError('KRB_CCACHE', `credential cache name '${name}' uses the unknown token ${whole}; MIT supports %{uid}, %{euid}, %{USERID}, %{username}, %{TEMP}`, { ccache: name });
    }
  });
}

/**
 * The path of the FILE ccache to use. `env` is usually process.env; `defaultName` is krb5.conf's
 * default_ccache_name when set.
 */
export function resolveCcacheName(env: Readonly<Record<string, string | undefined>> = process.env, defaultName?: string, opts: CcacheNameOptions = {}): string {
  const fromEnv = env.KRB5CCNAME;
  const source = fromEnv !== undefined && fromEnv.length > 0 ? 'KRB5CCNAME' : defaultName !== undefined && defaultName.length > 0 ? 'default_ccache_name' : 'the MIT default';
  const raw = source === 'KRB5CCNAME' ? fromEnv! : source === 'default_ccache_name' ? defaultName! : DEFAULT_CCACHE_NAME;
  const name = expandTokens(raw, env, opts);
  const colon = name.indexOf(':');
  // MIT: a name without a type prefix (or with a '/' before the first ':') is a FILE path.
  if (colon === -1 || name.slice(0, colon).includes('/')) return absolute(name, raw, source);
  const type = name.slice(0, colon).toUpperCase();
  const residual = name.slice(colon + 1);
  if (type === 'FILE') return absolute(residual, raw, source);
  throw new KerberosError('KRB_CCACHE', `credential cache '${raw}' (from ${source}) is of type ${type}, which hsec does not support; use a file cache, e.g. KRB5CCNAME=FILE:/tmp/krb5cc_${opts.uid ?? currentUid()} (and kinit -c FILE:...)`, { ccache: raw, type, source });
}

function absolute(path: string, raw: string, source: string): string {
  if (path.length === 0) throw new KerberosError('KRB_CCACHE', `credential cache name '${raw}' (from ${source}) has an empty path`, { ccache: raw, source });
  return isAbsolute(path) ? path : resolve(path);
}
