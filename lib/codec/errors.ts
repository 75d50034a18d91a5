/**
 * Error builders shared by the codecs in this folder: truncated input and oversized lengths are
 * reported as ProtocolError with the stable codes PROTOCOL_TRUNCATED / PROTOCOL_TOO_LARGE /
 * PROTOCOL_MALFORMED, naming what was being read (never the bytes themselves).
 */
import { ProtocolError } from '../errors/index.ts';

export function truncated(what: string, needed: number, available: number): ProtocolError {
  return new ProtocolError(
    'PROTOCOL_TRUNCATED',
    `Truncated input while reading ${what}: needed ${needed} byte(s), ${available} left`,
    { what, needed, available },
  );
}

export function tooLarge(what: string, length: number, max: number): ProtocolError {
  return new ProtocolError(
    'PROTOCOL_TOO_LARGE',
    `${what} length ${length} exceeds the maximum of ${max} bytes`,
    { what, length, max },
  );
}

export function malformed(what: string, reason: string): ProtocolError {
  return new ProtocolError('PROTOCOL_MALFORMED', `Malformed ${what}: ${reason}`, { what });
}
