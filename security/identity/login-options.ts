/**
 * Kerberos login settings from a Configuration, as Hadoop's UserGroupInformation reads them
 * (UGI.initialize / HadoopLoginContext): `hadoop.kerberos.min.seconds.before.relogin` (UGI's
 * kerberosMinSecondsBeforeRelogin: no relogin attempt sooner than this after the last one, for keytab
 * and ticket-cache logins alike) and `hadoop.kerberos.keytab.login.autorenewal.enabled` (Hadoop 3.3+:
 * a keytab login renews itself on a background thread; when off, as by default, it re-logs in on use
 * once its TGT is no longer valid, as UGI.checkTGTAndReloginFromKeytab does). Mapped onto the
 * `refresh` / `autoRefresh` options of security/kerberos/login.
 */
import type { Configuration } from '../../lib/config/index.ts';
import type { LoginOptions } from '../kerberos/login/index.ts';

/** The refresh options of a login built from `conf`: `keytab` for keytab logins, `ccache` for ticket-cache logins. */
export function kerberosLoginOptionsFromConfig(conf: Configuration, kind: 'keytab' | 'ccache'): Pick<LoginOptions, 'refresh' | 'autoRefresh'> {
  const minIntervalMs = conf.getTimeDuration('hadoop.kerberos.min.seconds.before.relogin', 'ms');
  return {
    refresh: { minIntervalMs },
    // Ticket-cache logins of the CLI run one command: they refresh on use, never on a timer.
    autoRefresh: kind === 'keytab' ? conf.getBoolean('hadoop.kerberos.keytab.login.autorenewal.enabled') : false,
  };
}
