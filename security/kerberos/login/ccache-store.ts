/**
 * Storing a login's tickets in a FILE ccache the way MIT kinit does (kinit.c): the cache is
 * (re)initialised with the client as default principal and the new TGT, the KDC time offset kept
 * in the v4 header; `kinit -R` replaces the cache with the renewed TGT. Files are written
 * atomically with mode 0600 (K1's ccache writer). Also the default cache and keytab names.
 */
import { existsSync, openSync, writeSync, closeSync, statSync, unlinkSync } from 'node:fs';
import { KerberosError } from '../../../lib/errors/index.ts';
import type { Credential } from '../types.ts';
import type { Krb5Config } from '../config/krb5-conf.ts';
import { findTgt, newCcache, readCcacheSync, resolveCcacheName, writeCcacheSync } from '../ccache/index.ts';

/** The ccache path: `explicit` (-c), else KRB5CCNAME, else default_ccache_name, else /tmp/krb5cc_<uid>. */
export function ccachePath(conf: Krb5Config, explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return resolveCcacheName({ ...env, KRB5CCNAME: explicit });
  return resolveCcacheName(env, conf.defaultCcacheName);
}

/** The default keytab: KRB5_KTNAME, else /etc/krb5.keytab (MIT's DEFKTNAME); FILE: prefix removed. */
export function defaultKeytabPath(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.KRB5_KTNAME || 'FILE:/etc/krb5.keytab';
  return name.replace(/^(FILE|WRFILE):/i, '');
}

/** Writes a fresh cache holding `tgt` (mode 0600), as kinit does. */
export function storeInitialTicket(path: string, tgt: Credential, kdcOffsetMs = 0): void {
  writeCcacheSync(path, newCcache(tgt.client, [tgt], kdcOffsetMs === 0 ? undefined : kdcOffsetMs));
}

/** The TGT of the cache at `path` (expired ones too, for renewal). */
export function readTgt(path: string): Credential {
  const cc = readCcacheSync(path);
  const tgt = findTgt(cc);
  if (!tgt) throw new KerberosError('KRB_NO_CREDENTIALS', `credential cache ${path} holds no TGT: run kinit`, { ccache: path });
  return tgt;
}

/** Destroys a FILE cache as MIT kdestroy does: overwrite with zeros, then unlink. False if absent. */
export function destroyCcache(path: string): boolean {
  if (!existsSync(path)) return false;
  const size = statSync(path).size;
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(size));
  } finally {
    closeSync(fd);
  }
  unlinkSync(path);
  return true;
}

