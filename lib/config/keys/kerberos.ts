/**
 * Kerberos login and principal-mapping keys (core-site.xml), with Hadoop 3.4's names and defaults
 * (core-default.xml, `CommonConfigurationKeysPublic`, `HadoopKerberosName.setConfiguration`).
 */
import { key, type KeyDef } from '../types.ts';

export const KERBEROS_KEYS: readonly KeyDef[] = [
  key({
    name: 'hadoop.security.auth_to_local',
    usedBy: ['hsec namenode', 'hsec datanode'],
    type: 'string',
    description:
      'Rules mapping Kerberos principals to short names (`RULE:[n:fmt](regex)s/from/to/g/L` and `DEFAULT`, ' +
      'whitespace separated). Unset: `DEFAULT` under kerberos authentication, `RULE:[1:$1] RULE:[2:$1]` under simple.',
  }),
  key({
    name: 'hadoop.security.auth_to_local.mechanism',
    usedBy: ['hsec namenode', 'hsec datanode'],
    type: 'enum',
    values: ['hadoop', 'mit'],
    default: 'hadoop',
    description:
      'auth_to_local evaluation: hadoop (a result containing / or @ and an unmatched principal are errors) ' +
      'or mit (both allowed; unmatched principals map to themselves).',
  }),
  key({
    name: 'hadoop.kerberos.min.seconds.before.relogin',
    usedBy: ['hsec namenode', 'fetchdt, dtutil', 'hsec datanode'],
    type: 'duration',
    unit: 's',
    default: '60',
    description: 'Minimum time between two Kerberos relogin attempts.',
  }),
  key({
    name: 'hadoop.kerberos.keytab.login.autorenewal.enabled',
    usedBy: ['hsec namenode', 'hsec datanode'],
    type: 'boolean',
    default: 'false',
    description: 'Renew a keytab login automatically in the background before the TGT expires; off = re-login on use once the TGT is no longer valid.',
  }),
];
