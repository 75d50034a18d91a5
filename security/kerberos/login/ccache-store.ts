/**
 * What kinit does with a cache, for any cache type (../ccache/credential-cache.ts): a fresh
 * cache holding the client as default principal and the new TGT, the KDC time offset kept
 * (kinit.c; get_in_tkt.c stores the offset when kdc_timesync is on); the TGT of a cache, for
 * `kinit -R`. Also the default keytab names MIT uses: KRB5_KTNAME / default_keytab_name /
 * FILE:/etc/krb5.keytab, and for `-i` KRB5_CLIENT_KTNAME / default_client_keytab_name /
 * FILE:/etc/krb5/user/%{euid}/client.keytab (Debian's DEFCKTNAME).
 */
import { KerberosError } from '../../../lib/errors/index.ts';
import type { Credential } from '../types.ts';
import type { Krb5Config } from '../config/krb5-conf.ts';
import { currentUid } from '../ccache/ccache-name.ts';
import { findTgt, newCcache, type CredentialCache } from '../ccache/index.ts';

/** Replaces `cache` with one holding `tgt` (and its default principal), as kinit does. */
export async function storeInitialTicket(cache: CredentialCache, tgt: Credential, kdcOffsetMs = 0): Promise<void> {
  await cache.write(newCcache(tgt.client, [tgt], kdcOffsetMs === 0 ? undefined : kdcOffsetMs));
}

/** The TGT of `cache` for its default principal's realm (expired ones too, for renewal). */
export async function readTgt(cache: CredentialCache): Promise<Credential> {
  const cc = await cache.read();
  const tgt = findTgt(cc);
  if (!tgt) throw new KerberosError('KRB_NO_CREDENTIALS', `credential cache ${cache.fullName} holds no TGT: run kinit`, { ccache: cache.fullName });
  return tgt;
}

/** A keytab name's path: FILE: / WRFILE: removed, %{uid}-style tokens expanded (MIT k5_expand_path_tokens). */
export function keytabPath(name: string): string {
  return name.replace(/^(FILE|WRFILE):/i, '').replace(/%\{(uid|euid|USERID)\}/g, String(currentUid()));
}

/** The default keytab: KRB5_KTNAME, else krb5.conf default_keytab_name, else /etc/krb5.keytab (MIT DEFKTNAME). */
export function defaultKeytabPath(env: NodeJS.ProcessEnv = process.env, conf?: Krb5Config): string {
  return keytabPath(env.KRB5_KTNAME || conf?.defaultKeytabName || 'FILE:/etc/krb5.keytab');
}

/** The default client keytab (kinit -k -i, klist -k -i): KRB5_CLIENT_KTNAME, default_client_keytab_name, Debian's DEFCKTNAME. */
export function defaultClientKeytabPath(env: NodeJS.ProcessEnv = process.env, conf?: Krb5Config): string {
  return keytabPath(env.KRB5_CLIENT_KTNAME || conf?.defaultClientKeytabName || 'FILE:/etc/krb5/user/%{euid}/client.keytab');
}
