/**
 * DIGEST-MD5 messages as pure codecs (RFC 2831 sections 2.1.1 digest-challenge, 2.1.2
 * digest-response and 2.1.3 response-auth). Directive order and quoting follow the JDK
 * (DigestMD5Server.generateChallenge, DigestMD5Client.generateClientResponse), which is what
 * stock Hadoop puts on the wire, e.g. (test/vectors/ipc-sasl-traces.json):
 *   realm="default",nonce="...",qop="auth-conf",charset=utf-8,cipher="3des,rc4,des,rc4-56,rc4-40",algorithm=md5-sess
 *   charset=utf-8,username="...",realm="default",nonce="...",nc=00000001,cnonce="...",
 *     digest-uri="/default",maxbuf=65536,response=<32 hex>,qop=auth-conf,cipher="3des"
 *   rspauth=<32 hex>
 * Size limits are the JDK's: challenge at most 2048 bytes, response at most 4096.
 */
import { SaslError } from '../../../../lib/errors/index.ts';
import type { ErrorCode } from '../../../../lib/errors/index.ts';
import type { Qop } from '../../mechanism.ts';
import { isQop, parseQopList } from '../../qop.ts';
import { encodeDirectives, indexDirectives, parseDirectives } from './directives.ts';
import { nonceCountHex } from './digest.ts';

export const MAX_CHALLENGE_LENGTH = 2048;
export const MAX_RESPONSE_LENGTH = 4096;
export const DEFAULT_MAXBUF = 65536;

export interface DigestChallenge {
  readonly realms: readonly string[];
  readonly nonce: Buffer;
  /** Offered QOPs; absent on the wire means ['auth']. */
  readonly qop: readonly Qop[];
  /** The server's receive buffer; absent on the wire means 65536. */
  readonly maxbuf: number;
  readonly utf8: boolean;
  /** Offered cipher tokens (only meaningful with auth-conf), unknown tokens kept. */
  readonly ciphers: readonly string[];
}

export interface DigestResponse {
  readonly utf8: boolean;
  readonly username: string;
  readonly realm: string;
  readonly nonce: Buffer;
  readonly nonceCount: number;
  readonly cnonce: Buffer;
  readonly digestUri: string;
  readonly maxbuf: number;
  /** 32 lower-case hex digits. */
  readonly response: string;
  readonly qop: Qop;
  readonly cipher?: string | undefined;
  readonly authzid?: string | undefined;
}

const text = (b: Buffer, utf8: boolean): string => b.toString(utf8 ? 'utf8' : 'latin1');
const bytes = (s: string, utf8: boolean): Buffer => Buffer.from(s, utf8 ? 'utf8' : 'latin1');

function bad(code: ErrorCode, why: string, details: Record<string, string> = {}): SaslError {
  const what = code === 'SASL_BAD_CHALLENGE' ? 'challenge' : 'response';
  return new SaslError(code, `Malformed DIGEST-MD5 ${what}: ${why}`, details);
}

function one(map: Map<string, Buffer[]>, key: string): Buffer | undefined {
  return map.get(key)?.[0];
}

function parseMaxbuf(value: Buffer | undefined, code: ErrorCode): number {
  if (value === undefined) return DEFAULT_MAXBUF;
  const s = value.toString('latin1');
  if (!/^[0-9]{1,10}$/.test(s) || Number(s) <= 0 || Number(s) > 0x7fffffff) throw bad(code, `maxbuf "${s}" is not a positive integer`, { directive: 'maxbuf' });
  return Number(s);
}

export function encodeChallenge(c: DigestChallenge): Buffer {
  const items: Array<{ key: string; value: Uint8Array | string; quote: boolean }> = [];
  for (const realm of c.realms) items.push({ key: 'realm', value: bytes(realm, c.utf8), quote: true });
  items.push({ key: 'nonce', value: c.nonce, quote: true });
  items.push({ key: 'qop', value: c.qop.join(','), quote: true });
  if (c.maxbuf !== DEFAULT_MAXBUF) items.push({ key: 'maxbuf', value: String(c.maxbuf), quote: true }); // the JDK quotes it
  if (c.utf8) items.push({ key: 'charset', value: 'utf-8', quote: false });
  if (c.ciphers.length > 0) items.push({ key: 'cipher', value: c.ciphers.join(','), quote: true });
  items.push({ key: 'algorithm', value: 'md5-sess', quote: false });
  return encodeDirectives(items);
}

export function decodeChallenge(buf: Uint8Array): DigestChallenge {
  const code: ErrorCode = 'SASL_BAD_CHALLENGE';
  if (buf.length > MAX_CHALLENGE_LENGTH) throw bad(code, `${buf.length} bytes, more than ${MAX_CHALLENGE_LENGTH}`);
  const map = indexDirectives(parseDirectives(buf, code), code, ['realm']);
  if (map.has('rspauth')) throw bad(code, 'got response-auth (rspauth) where the first challenge was expected');
  const charset = one(map, 'charset');
  if (charset !== undefined && charset.toString('latin1') !== 'utf-8') throw bad(code, `unrecognised charset "${charset.toString('latin1')}"`, { directive: 'charset' });
  const utf8 = charset !== undefined;
  const algorithm = one(map, 'algorithm');
  if (algorithm === undefined) throw bad(code, 'algorithm directive missing');
  if (algorithm.toString('latin1') !== 'md5-sess') throw bad(code, `algorithm "${algorithm.toString('latin1')}" is not md5-sess`, { directive: 'algorithm' });
  const nonce = one(map, 'nonce');
  if (nonce === undefined || nonce.length === 0) throw bad(code, 'nonce directive missing');
  const qopRaw = one(map, 'qop');
  const qop = qopRaw === undefined ? (['auth'] as Qop[]) : parseQopList(text(qopRaw, utf8), { ignoreUnknown: true });
  const cipherRaw = one(map, 'cipher');
  const ciphers = cipherRaw === undefined ? [] : text(cipherRaw, utf8).split(/[,\s]+/).filter((s) => s !== '');
  return {
    realms: (map.get('realm') ?? []).map((r) => text(r, utf8)),
    nonce,
    qop,
    maxbuf: parseMaxbuf(one(map, 'maxbuf'), code),
    utf8,
    ciphers,
  };
}

export function encodeResponse(r: DigestResponse): Buffer {
  const items: Array<{ key: string; value: Uint8Array | string; quote: boolean }> = [];
  if (r.utf8) items.push({ key: 'charset', value: 'utf-8', quote: false });
  items.push({ key: 'username', value: bytes(r.username, r.utf8), quote: true });
  if (r.realm.length > 0) items.push({ key: 'realm', value: bytes(r.realm, r.utf8), quote: true });
  items.push({ key: 'nonce', value: r.nonce, quote: true });
  items.push({ key: 'nc', value: nonceCountHex(r.nonceCount), quote: false });
  items.push({ key: 'cnonce', value: r.cnonce, quote: true });
  items.push({ key: 'digest-uri', value: bytes(r.digestUri, r.utf8), quote: true });
  items.push({ key: 'maxbuf', value: String(r.maxbuf), quote: false });
  items.push({ key: 'response', value: r.response, quote: false });
  items.push({ key: 'qop', value: r.qop, quote: false });
  if (r.cipher !== undefined) items.push({ key: 'cipher', value: r.cipher, quote: true });
  if (r.authzid !== undefined) items.push({ key: 'authzid', value: Buffer.from(r.authzid, 'utf8'), quote: true });
  return encodeDirectives(items);
}

export function decodeResponse(buf: Uint8Array): DigestResponse {
  const code: ErrorCode = 'SASL_BAD_RESPONSE';
  if (buf.length > MAX_RESPONSE_LENGTH) throw bad(code, `${buf.length} bytes, more than ${MAX_RESPONSE_LENGTH}`);
  const map = indexDirectives(parseDirectives(buf, code), code);
  const charset = one(map, 'charset');
  if (charset !== undefined && charset.toString('latin1') !== 'utf-8') throw bad(code, `incompatible charset "${charset.toString('latin1')}"`, { directive: 'charset' });
  const utf8 = charset !== undefined;
  const need = (key: string): Buffer => {
    const v = one(map, key);
    if (v === undefined) throw bad(code, `${key} directive missing`, { directive: key });
    return v;
  };
  const username = text(need('username'), utf8);
  const nonce = need('nonce');
  const cnonce = need('cnonce');
  const response = need('response').toString('latin1');
  if (!/^[0-9a-f]{32}$/.test(response)) throw bad(code, 'response is not 32 lower-case hex digits', { directive: 'response' });
  const ncRaw = one(map, 'nc');
  const nonceCount = ncRaw === undefined ? 1 : Number.parseInt(ncRaw.toString('latin1'), 16);
  if (!Number.isInteger(nonceCount) || !/^[0-9a-fA-F]{8}$/.test(ncRaw?.toString('latin1') ?? '00000001')) throw bad(code, 'nc is not 8 hex digits', { directive: 'nc' });
  const qopRaw = one(map, 'qop')?.toString('latin1') ?? 'auth';
  if (!isQop(qopRaw)) throw bad(code, `invalid qop "${qopRaw}"`, { directive: 'qop' });
  const realm = one(map, 'realm');
  const digestUri = one(map, 'digest-uri');
  const cipher = one(map, 'cipher');
  const authzid = one(map, 'authzid');
  return {
    utf8,
    username,
    realm: realm === undefined ? '' : text(realm, utf8),
    nonce,
    nonceCount,
    cnonce,
    digestUri: digestUri === undefined ? '' : text(digestUri, utf8),
    maxbuf: parseMaxbuf(one(map, 'maxbuf'), code),
    response,
    qop: qopRaw,
    cipher: cipher?.toString('latin1'),
    authzid: authzid?.toString('utf8'),
  };
}

export function encodeResponseAuth(value: string): Buffer {
  return Buffer.from(`rspauth=${value}`, 'latin1');
}

/** The rspauth value of a response-auth message (SASL_BAD_CHALLENGE when absent or malformed). */
export function decodeResponseAuth(buf: Uint8Array): string {
  const code: ErrorCode = 'SASL_BAD_CHALLENGE';
  const map = indexDirectives(parseDirectives(buf, code), code);
  const v = one(map, 'rspauth');
  if (v === undefined) throw bad(code, 'expected response-auth (rspauth) after the digest-response');
  return v.toString('latin1');
}
