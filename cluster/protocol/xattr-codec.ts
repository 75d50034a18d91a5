/**
 * Extended attribute values as text (hadoop-common org.apache.hadoop.fs.XAttrCodec, the forms
 * `hdfs dfs -getfattr -e` prints and `-setfattr -v` reads): TEXT in double quotes, HEX after `0x`
 * (lower case), BASE64 after `0s` (commons-codec Base64 with no line breaks, padded).
 *
 * Decoding: a value of two or more characters in double quotes is the UTF-8 of what is inside;
 * `0x`/`0X` then hex digits (commons-codec Hex.decodeHex: an odd count or a non-hex digit is a
 * DecoderException, which XAttrCodec wraps in an IOException whose message is the cause's
 * toString); `0s`/`0S` then base64 (decoded leniently, as commons-codec does); anything else is
 * the UTF-8 of the text as given.
 */
import { FileSystemError } from '../../lib/errors/index.ts';

/** XAttrCodec's constants (valueOf of the upper-cased `-e` argument). */
export type XAttrCodec = 'TEXT' | 'HEX' | 'BASE64';
export const XATTR_CODECS: readonly XAttrCodec[] = ['TEXT', 'HEX', 'BASE64'];

const HEX_DIGIT = /^[0-9a-fA-F]$/;

/** Hex.decodeHex's DecoderException, as XAttrCodec's IOException shows it. */
function decoderError(message: string): FileSystemError {
  return new FileSystemError('FS_INVALID_ARGUMENT', `org.apache.commons.codec.DecoderException: ${message}`, { exceptionClassName: 'java.io.IOException' });
}

function decodeHex(s: string): Uint8Array {
  if (s.length % 2 !== 0) throw decoderError('Odd number of characters.');
  for (let i = 0; i < s.length; i++) {
    if (!HEX_DIGIT.test(s[i]!)) throw decoderError(`Illegal hexadecimal character ${s[i]} at index ${i}`);
  }
  return new Uint8Array(Buffer.from(s, 'hex'));
}

/** XAttrCodec.decodeValue. */
export function decodeXAttrValue(value: string): Uint8Array {
  if (value.length >= 2) {
    const en = value.slice(0, 2).toLowerCase();
    if (value.startsWith('"') && value.endsWith('"')) return new TextEncoder().encode(value.slice(1, -1));
    if (en === '0x') return decodeHex(value.slice(2));
    if (en === '0s') return new Uint8Array(Buffer.from(value.slice(2), 'base64'));
  }
  return new TextEncoder().encode(value);
}

/** XAttrCodec.encodeValue. */
export function encodeXAttrValue(value: Uint8Array, codec: XAttrCodec): string {
  if (codec === 'HEX') return `0x${Buffer.from(value).toString('hex')}`;
  if (codec === 'BASE64') return `0s${Buffer.from(value).toString('base64')}`;
  return `"${new TextDecoder().decode(value)}"`;
}
