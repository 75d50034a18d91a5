/**
 * The text form of a Kerberos principal as MIT krb5_parse_name / krb5_unparse_name write it
 * (components separated by '/', realm after '@', '\' escaping '/', '@', '\' and the control
 * characters \n \t \b \0), and principal equality as MIT compares names in keytab and ccache
 * lookups (components and realm, byte for byte; the name type is ignored).
 */
import { KerberosError } from '../../../lib/errors/index.ts';
import { NAME_TYPE, type Principal } from '../types.ts';

const UNESCAPE: Readonly<Record<string, string>> = { n: '\n', t: '\t', b: '\b', '0': '\0' };

/**
 * Parses `a/b@REALM`. Without a realm, `defaultRealm` is used (and required). The name type is
 * `nameType` when given, else NT-PRINCIPAL (MIT's default for parsed names).
 */
export function parsePrincipal(text: string, defaultRealm?: string, nameType: number = NAME_TYPE.PRINCIPAL): Principal {
  const components: string[] = [];
  let current = '';
  let realm: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') {
      const next = text[++i];
      if (next === undefined) throw badName(text, 'it ends with a lone backslash');
      current += UNESCAPE[next] ?? next;
    } else if (ch === '/' && realm === undefined) {
      components.push(current);
      current = '';
    } else if (ch === '@' && realm === undefined) {
      components.push(current);
      current = '';
      realm = '';
    } else if (ch === '@') {
      throw badName(text, 'it has more than one unescaped @');
    } else {
      current += ch;
    }
  }
  if (realm === undefined) components.push(current);
  else realm = current;
  if (components.length === 0 || components.some((c) => c.length === 0)) throw badName(text, 'it has an empty component');
  const finalRealm = realm ?? defaultRealm;
  if (finalRealm === undefined || finalRealm.length === 0) throw badName(text, 'it names no realm and no default realm was given');
  return { name: { nameType, components }, realm: finalRealm };
}

function badName(text: string, why: string): KerberosError {
  return new KerberosError('KRB_NAME', `'${text}' is not a valid Kerberos principal name: ${why}`, { principal: text });
}

/** MIT-style equality: realm and components equal; the name type does not take part. */
export function samePrincipal(a: Principal, b: Principal): boolean {
  return a.realm === b.realm && a.name.components.length === b.name.components.length && a.name.components.every((c, i) => c === b.name.components[i]);
}

/** Accepts a Principal or its text form. */
export function toPrincipal(p: Principal | string, defaultRealm?: string): Principal {
  return typeof p === 'string' ? parsePrincipal(p, defaultRealm) : p;
}
