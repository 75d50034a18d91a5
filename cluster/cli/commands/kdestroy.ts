/**
 * `hsec kdestroy`: destroys credential caches as MIT kdestroy(1) does (src/clients/kdestroy/
 * kdestroy.c), for every cache type: the default cache (KRB5CCNAME, default_ccache_name) or
 * `-c NAME`; `-A` every cache of its collection (DIR, KEYRING, KCM; a FILE cache is a collection
 * of one); `-p PRINCIPAL` the cache of the collection holding that principal. A FILE cache is
 * overwritten with zeros, then removed. A missing cache is reported on stderr and is not a failure
 * (exit 0), as with MIT; a cache that cannot be destroyed is (exit 1, "Ticket cache NOT
 * destroyed!"). Unless -q, a warning says when other caches of the collection remain.
 */
import type { Command } from 'commander';
import { HsecError, KerberosError } from '../../../lib/errors/index.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/krb5-conf.ts';
import { ccacheNameFor, matchCache, openCcacheCollection, openCredentialCache, type CredentialCache } from '../../../security/kerberos/ccache/index.ts';
import { parsePrincipal } from '../../../security/kerberos/keytab/principal-text.ts';

export interface KdestroyOptions {
  readonly cache?: string;
  /** -A: every cache of the collection. */
  readonly A?: boolean;
  readonly quiet?: boolean;
  readonly principal?: string;
}

export interface Writer {
  write(text: string): unknown;
}

export function register(program: Command): void {
  program
    .command('kdestroy')
    .description('destroy credential caches (MIT kdestroy)')
    .option('-A', 'destroy every cache of the collection')
    .option('-q, --quiet', 'no warning about other caches left in the collection')
    .option('-c, --cache <name>', 'credential cache or collection (default: KRB5CCNAME, then default_ccache_name)')
    .option('-p, --principal <name>', 'destroy the cache of the collection that holds this principal')
    .action(async function (this: Command, opts: KdestroyOptions) {
      if (opts.A && opts.principal) this.error('error: -A option is exclusive with -p option', { exitCode: 2, code: 'hsec.usage' });
      process.exitCode = await runKdestroy(opts);
    });
}

/** Runs kdestroy; notices go to `stderr`; resolves to the exit status (0, or 1 when a cache survived). */
export async function runKdestroy(opts: KdestroyOptions, env: NodeJS.ProcessEnv = process.env, stderr: Writer = process.stderr): Promise<number> {
  const conf = loadKrb5Config(undefined, env);
  const { name, source } = ccacheNameFor(conf, opts.cache, env);
  const collection = () => openCcacheCollection(name, { krb5Config: conf }, source);

  if (opts.A) {
    for (const cache of await (await collection()).list()) {
      try {
        await cache.destroy();
      } catch (e) {
        stderr.write(`hsec: ${(e as Error).message} while destroying cache ${cache.fullName}\n`);
      }
    }
    return 0;
  }

  let cache: CredentialCache;
  if (opts.principal) {
    const principal = parsePrincipal(opts.principal, conf.defaultRealm);
    const found = await matchCache(await collection(), principal);
    if (!found) throw new KerberosError('KRB_NO_CREDENTIALS', `Can't find client principal ${opts.principal} in cache collection ${name}`, { ccache: name, principal: opts.principal });
    cache = found;
  } else {
    cache = await openCredentialCache(name, { krb5Config: conf }, source);
  }

  try {
    if (!(await cache.destroy())) stderr.write(`hsec: No credentials cache found while destroying cache ${cache.fullName}\n`);
  } catch (e) {
    if (!(e instanceof HsecError)) throw e;
    stderr.write(`hsec: ${e.message} while destroying cache [${e.code}]\nTicket cache NOT destroyed!\n`);
    return 1;
  }
  if (!opts.quiet && !opts.principal && (await remaining(collection)) > 0) stderr.write('Other credential caches present, use -A to destroy all\n');
  return 0;
}

/** How many caches the collection still lists (0 when it cannot be listed). */
async function remaining(collection: () => Promise<{ list(): Promise<readonly CredentialCache[]> }>): Promise<number> {
  try {
    return (await (await collection()).list()).length;
  } catch {
    return 0;
  }
}
