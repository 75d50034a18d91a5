/**
 * Credential cache names, as MIT resolves them (lib/krb5/ccache/ccdefname.c, ccbase.c
 * krb5_cc_resolve): the default is the KRB5CCNAME environment variable, else krb5.conf
 * [libdefaults] default_ccache_name (passed in by the caller, which owns configuration), else
 * FILE:/tmp/krb5cc_%{uid}. Path tokens are expanded as MIT k5_expand_path_tokens does (%{uid},
 * %{euid}, %{USERID}, %{username}, %{TEMP}, %{null}). A name is TYPE:residual; no type (or a '/'
 * before the first ':') means FILE. The types are FILE, DIR, KEYRING, KCM and MEMORY (see
 * ./credential-cache.ts); API (macOS CCAPI) and MSLSA (Windows) are refused with KRB_CCACHE.
 */
import { userInfo } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { KerberosError } from '../../../lib/errors/index.ts';

/** MIT's compiled-in default (DEFCCNAME). */
export const DEFAULT_CCACHE_NAME = 'FILE:/tmp/krb5cc_%{uid}';

export const CCACHE_TYPES = ['FILE', 'DIR', 'KEYRING', 'KCM', 'MEMORY'] as const;
export type CcacheType = (typeof CCACHE_TYPES)[number];

/** A parsed cache name: its type and the rest (MIT's residual). */
export interface CcacheName {
  readonly type: CcacheType;
  readonly residual: string;
}

export interface CcacheNameOptions {
  /** The uid for %{uid} (default: process.getuid()). */
  readonly uid?: number;
  /** The user name for %{username} (default: os.userInfo().username). */
  readonly username?: string;
}

/** Where a default name came from, for messages. */
export type CcacheNameSource = 'KRB5CCNAME' | 'default_ccache_name' | 'the MIT default' | 'the command line';

export function currentUid(): number {
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
 * The default cache name with tokens expanded, and where it came from: KRB5CCNAME, else
 * `defaultName` (krb5.conf default_ccache_name), else FILE:/tmp/krb5cc_<uid>.
 */
export function defaultCcacheName(env: Readonly<Record<string, string | undefined>> = process.env, defaultName?: string, opts: CcacheNameOptions = {}): { name: string; source: CcacheNameSource } {
  const fromEnv = env.KRB5CCNAME;
  if (fromEnv !== undefined && fromEnv.length > 0) return { name: expandTokens(fromEnv, env, opts), source: 'KRB5CCNAME' };
  if (defaultName !== undefined && defaultName.length > 0) return { name: expandTokens(defaultName, env, opts), source: 'default_ccache_name' };
  return { name: expandTokens(DEFAULT_CCACHE_NAME, env, opts), source: 'the MIT default' };
}

/** Splits TYPE:residual (MIT krb5_cc_resolve); KRB_CCACHE for a type hsec cannot open. */
export function parseCcacheName(name: string, source: CcacheNameSource = 'the command line'): CcacheName {
  const colon = name.indexOf(':');
  // MIT: a name without a type prefix is a FILE path; we also take a '/' before the first ':' as one.
  if (colon === -1 || name.slice(0, colon).includes('/')) return { type: 'FILE', residual: checkPath(name, name, source) };
  const type = name.slice(0, colon).toUpperCase();
  const residual = name.slice(colon + 1);
  if (type === 'FILE') return { type, residual: checkPath(residual, name, source) };
  if ((CCACHE_TYPES as readonly string[]).includes(type)) return { type: type as CcacheType, residual };
  const why = type === 'API' ? 'the macOS CCAPI cache' : type === 'MSLSA' ? 'the Windows LSA cache' : 'not a credential cache type MIT knows';
  throw new KerberosError(
    'KRB_CCACHE',
    `credential cache '${name}' (from ${source}) is of type ${type} (${why}), which hsec cannot open; use FILE:, DIR:, KEYRING: or KCM:, e.g. KRB5CCNAME=FILE:/tmp/krb5cc_${currentUid()}`,
    { ccache: name, type, source },
  );
}

function checkPath(path: string, raw: string, source: string): string {
  if (path.length === 0) throw new KerberosError('KRB_CCACHE', `credential cache name '${raw}' (from ${source}) has an empty path`, { ccache: raw, source });
  return path;
}

/**
 * The absolute path of the FILE ccache the default name (KRB5CCNAME, `defaultName`, MIT default)
 * designates; KRB_CCACHE naming the switch to a file when it is of another type. For callers that
 * can only use files; openCredentialCache (./credential-cache.ts) opens every type.
 */
export function resolveCcacheName(env: Readonly<Record<string, string | undefined>> = process.env, defaultName?: string, opts: CcacheNameOptions = {}): string {
  const { name, source } = defaultCcacheName(env, defaultName, opts);
  const parsed = parseCcacheName(name, source);
  if (parsed.type !== 'FILE') {
    throw new KerberosError('KRB_CCACHE', `credential cache '${name}' (from ${source}) is of type ${parsed.type}, but a file cache is needed here; use a file cache, e.g. KRB5CCNAME=FILE:/tmp/krb5cc_${opts.uid ?? currentUid()} (and kinit -c FILE:...)`, {
      ccache: name,
      type: parsed.type,
      source,
    });
  }
  return isAbsolute(parsed.residual) ? parsed.residual : resolve(parsed.residual);
}
