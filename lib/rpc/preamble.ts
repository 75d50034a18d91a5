/**
 * The 7-byte connection preamble every Hadoop IPC client sends first: "hrpc", version 9, service
 * class, auth protocol (0 = NONE, 0xDF = SASL). Follows Client.writeConnectionHeader and
 * Server.Connection.readAndProcess. A peer that opens with "GET " is an HTTP
 * client hitting the RPC port; Hadoop answers it with a plain-text HTTP error.
 */
import { ProtocolError } from '../errors/index.ts';
import { AuthProtocol, RPC_MAGIC, RPC_VERSION, type AuthProtocolCode } from './constants.ts';

export const PREAMBLE_LENGTH = 7;

export interface Preamble {
  version: number;
  serviceClass: number;
  authProtocol: AuthProtocolCode;
}

/** Encodes the preamble (version is always 9). */
export function encodePreamble(p: { serviceClass?: number; authProtocol: AuthProtocolCode }): Uint8Array {
  const out = new Uint8Array(PREAMBLE_LENGTH);
  out.set(RPC_MAGIC, 0);
  out[4] = RPC_VERSION;
  out[5] = (p.serviceClass ?? 0) & 0xff;
  out[6] = p.authProtocol & 0xff;
  return out;
}

/** True when the bytes start like an HTTP GET (Server: "It looks like you are making an HTTP request"). */
export function looksLikeHttp(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!) === 'GET ';
}

/** The plain-text reply Hadoop sends to an HTTP client on the RPC port (Server.RECEIVED_HTTP_REQ_RESPONSE). */
export const HTTP_ON_RPC_PORT_RESPONSE =
  'HTTP/1.1 404 Not Found\r\nContent-type: text/plain\r\n\r\n' +
  'It looks like you are making an HTTP request to a Hadoop IPC port. ' +
  'This is not the correct port for the web interface on this daemon.\r\n';

/** Decodes exactly 7 bytes; wrong magic, version or auth protocol raise ProtocolError. */
export function decodePreamble(bytes: Uint8Array): Preamble {
  if (bytes.length < PREAMBLE_LENGTH) {
    throw new ProtocolError('PROTOCOL_TRUNCATED', `IPC preamble needs ${PREAMBLE_LENGTH} bytes, got ${bytes.length}`);
  }
  for (let i = 0; i < RPC_MAGIC.length; i++) {
    if (bytes[i] !== RPC_MAGIC[i]) {
      throw new ProtocolError('PROTOCOL_MALFORMED', 'Connection does not start with the Hadoop IPC magic "hrpc"', {
        http: looksLikeHttp(bytes),
      });
    }
  }
  const version = bytes[4]!;
  if (version !== RPC_VERSION) {
    throw new ProtocolError('PROTOCOL_VERSION', `Unsupported IPC version ${version}; this server speaks version ${RPC_VERSION}`, {
      version,
    });
  }
  const raw = (bytes[6]! << 24) >> 24; // signed byte
  if (raw !== AuthProtocol.NONE && raw !== AuthProtocol.SASL) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `Unknown IPC auth protocol ${raw} (expected 0 NONE or -33 SASL)`, {
      authProtocol: raw,
    });
  }
  return { version, serviceClass: bytes[5]!, authProtocol: raw as AuthProtocolCode };
}
