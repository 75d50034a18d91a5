/**
 * MIT's names of every enctype number it knows (MIT lib/crypto/krb/etypes.c), including the ones
 * hsec does not implement, for messages and klist output: a keytab or ccache may hold them. MIT
 * klist prefixes the deprecated ones (and any number it does not know) with "DEPRECATED:"
 * (klist.c etype_string, enctype_util.c krb5int_c_deprecated_enctype).
 */
const NAMES: ReadonlyMap<number, { readonly name: string; readonly deprecated: boolean }> = new Map([
  [6, { name: 'des3-cbc-raw', deprecated: true }],
  [16, { name: 'des3-cbc-sha1', deprecated: true }],
  [17, { name: 'aes128-cts-hmac-sha1-96', deprecated: false }],
  [18, { name: 'aes256-cts-hmac-sha1-96', deprecated: false }],
  [19, { name: 'aes128-cts-hmac-sha256-128', deprecated: false }],
  [20, { name: 'aes256-cts-hmac-sha384-192', deprecated: false }],
  [23, { name: 'arcfour-hmac', deprecated: true }],
  [24, { name: 'arcfour-hmac-exp', deprecated: true }],
  [25, { name: 'camellia128-cts-cmac', deprecated: false }],
  [26, { name: 'camellia256-cts-cmac', deprecated: false }],
]);

/** MIT's name of `etype` ("aes256-cts-hmac-sha1-96"), or "etype N" for a number MIT does not know. */
export function enctypeName(etype: number): string {
  return NAMES.get(etype)?.name ?? `etype ${etype}`;
}

/** As MIT klist -e prints an enctype: deprecated and unknown ones get a "DEPRECATED:" prefix. */
export function klistEnctypeName(etype: number): string {
  const known = NAMES.get(etype);
  return known === undefined || known.deprecated ? `DEPRECATED:${enctypeName(etype)}` : known.name;
}
