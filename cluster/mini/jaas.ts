/**
 * JAAS login configuration files for JVM peers that log in from a keytab (the ZooKeeper server's
 * `Server` section, ZooKeeper clients' `Client` section, JDK test peers), in the syntax of
 * javax.security.auth.login.ConfigFile with com.sun.security.auth.module.Krb5LoginModule options.
 */
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../../lib/errors/index.ts';

export interface KeytabLogin {
  /** The JAAS section name, e.g. `Server` or `Client` for ZooKeeper. */
  readonly section: string;
  readonly principal: string;
  readonly keytab: string;
  /** Keep the key for an acceptor (storeKey=true; default true). */
  readonly storeKey?: boolean;
}

function jaasString(value: string, what: string): string {
  if (/["\\\n]/.test(value)) throw new ConfigError('CONFIG_INVALID', `${what} may not contain quotes, backslashes or newlines in a JAAS file`, { value });
  return `"${value}"`;
}

/** Renders one Krb5LoginModule keytab login per section. */
export function renderJaasConfig(logins: readonly KeytabLogin[]): string {
  return logins
    .map((l) =>
      [
        `${l.section} {`,
        '  com.sun.security.auth.module.Krb5LoginModule required',
        '  useKeyTab=true',
        `  keyTab=${jaasString(l.keytab, 'keytab path')}`,
        `  storeKey=${l.storeKey ?? true}`,
        '  useTicketCache=false',
        '  doNotPrompt=true',
        `  principal=${jaasString(l.principal, 'principal')};`,
        '};',
        '',
      ].join('\n'),
    )
    .join('\n');
}

/** Writes a JAAS file (mode 0600: it names keytabs). */
export function writeJaasConfig(path: string, logins: readonly KeytabLogin[]): void {
  writeFileSync(path, renderJaasConfig(logins), { mode: 0o600 });
}
