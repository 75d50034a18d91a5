/**
 * MIT enctype lists as krb5.conf writes them (krb5.conf(5) "Encryption types"; MIT
 * lib/krb5/krb/init_ctx.c `krb5int_parse_enctype_list`): names and aliases (aes256-cts,
 * aes128-sha2 ...), the families `aes`, `aes-sha1`, `aes-sha2`, `camellia`, `des3`, `rc4`,
 * `DEFAULT`, and `-name` removals, separated by spaces or commas. Enctypes without a profile here
 * (des3, rc4, camellia) are dropped and reported so callers can explain a mismatch.
 */
import { profileByName, isSupportedEtype } from '../crypto/registry.ts';
import { ETYPE } from '../crypto/profile.ts';

/** MIT's default list order restricted to what we implement (init_ctx.c DEFAULT_ETYPE_LIST). */
export const DEFAULT_ENCTYPES: readonly number[] = [
  ETYPE.AES256_CTS_HMAC_SHA1_96,
  ETYPE.AES128_CTS_HMAC_SHA1_96,
  ETYPE.AES256_CTS_HMAC_SHA384_192,
  ETYPE.AES128_CTS_HMAC_SHA256_128,
];

const FAMILIES: Readonly<Record<string, readonly number[]>> = {
  aes: DEFAULT_ENCTYPES,
  'aes-sha1': [ETYPE.AES256_CTS_HMAC_SHA1_96, ETYPE.AES128_CTS_HMAC_SHA1_96],
  'aes-sha2': [ETYPE.AES256_CTS_HMAC_SHA384_192, ETYPE.AES128_CTS_HMAC_SHA256_128],
  default: DEFAULT_ENCTYPES,
};

/** Names MIT knows but we do not implement (weak or out of scope); dropped with a note. */
const KNOWN_UNSUPPORTED = /^(des|des3|des3-.*|des-.*|rc4|arcfour-.*|rc4-hmac.*|camellia.*)$/i;

export interface EnctypeList {
  readonly etypes: number[];
  /** Entries we could not honour (unsupported or unknown names). */
  readonly dropped: string[];
}

/** Parses an MIT enctype list into etype numbers, preserving order and removing duplicates. */
export function parseEnctypeList(text: string): EnctypeList {
  const out: number[] = [];
  const dropped: string[] = [];
  for (const raw of text.split(/[\s,]+/).filter(Boolean)) {
    const remove = raw.startsWith('-');
    const name = raw.replace(/^[+-]/, '');
    const family = FAMILIES[name.toLowerCase()];
    let etypes: readonly number[] | undefined = family;
    if (!etypes && /^\d+$/.test(name) && isSupportedEtype(Number(name))) etypes = [Number(name)];
    if (!etypes) {
      try {
        etypes = [profileByName(name).etype];
      } catch {
        dropped.push(KNOWN_UNSUPPORTED.test(name) ? name : `${name} (unknown)`);
        continue;
      }
    }
    for (const e of etypes) {
      const at = out.indexOf(e);
      if (remove && at >= 0) out.splice(at, 1);
      else if (!remove && at < 0) out.push(e);
    }
  }
  return { etypes: out, dropped };
}
