/**
 * `hsec kdestroy`: destroys the FILE credential cache (-c, KRB5CCNAME or default_ccache_name) as
 * MIT kdestroy(1) does: the file is overwritten with zeros, then removed. A missing cache is an
 * error unless -q is given.
 */
import type { Command } from 'commander';
import { KerberosError } from '../../../lib/errors/index.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/krb5-conf.ts';
import { ccachePath, destroyCcache } from '../../../security/kerberos/login/ccache-store.ts';

export function register(program: Command): void {
  program
    .command('kdestroy')
    .description('destroy the credential cache (like MIT kdestroy)')
    .option('-c, --cache <name>', 'credential cache (default: KRB5CCNAME, then default_ccache_name)')
    .option('-q, --quiet', 'do not complain when there is no cache')
    .action((opts: { cache?: string; quiet?: boolean }) => {
      runKdestroy(opts);
    });
}

export function runKdestroy(opts: { cache?: string; quiet?: boolean }, env: NodeJS.ProcessEnv = process.env): void {
  const conf = loadKrb5Config(undefined, env);
  const path = ccachePath(conf, opts.cache, env);
  if (!destroyCcache(path) && !opts.quiet) {
    throw new KerberosError('KRB_NO_CREDENTIALS', `no credential cache to destroy at ${path}`, { ccache: path });
  }
}
