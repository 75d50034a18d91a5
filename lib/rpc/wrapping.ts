/**
 * SASL wrapping of the IPC byte stream once the QOP is auth-int or auth-conf (hadoop-wire.md 6.7;
 * SaslRpcClient.WrappedOutputStream / WrappedInputStream, Server.Connection.unwrapPacketAndProcessRpcs).
 * Client -> server: the plaintext framed stream is cut into pieces of at most rawSendSize bytes,
 * each wrapped into one WRAP frame (RPC frames may straddle WRAP frames). Server -> client: each
 * complete framed response is wrapped on its own. The receiver unwraps and re-frames the plaintext
 * with a second FrameDecoder; a non-WRAP frame once wrapping is active is an error.
 */
import { ProtocolError, SaslError } from '../errors/index.ts';
import { CallId, SaslState } from './constants.ts';
import { FrameDecoder, type FrameDecoderOptions } from './frame.ts';
import { parseRequest, parseResponse, parseSaslBody, wrapRequestFrame, wrapResponseFrame } from './ipc-frames.ts';
import type { SecurityLayer } from './auth-hooks.ts';
import { concatBytes } from './delimited.ts';

/** Client side: wraps the plaintext framed stream into WRAP frames of at most rawSendSize plaintext bytes. */
export function wrapClientStream(layer: SecurityLayer, plaintext: Uint8Array): Uint8Array[] {
  const size = Math.max(1, layer.rawSendSize);
  const out: Uint8Array[] = [];
  for (let at = 0; at < plaintext.length; at += size) {
    out.push(wrapRequestFrame(layer.wrap(plaintext.subarray(at, Math.min(plaintext.length, at + size)))));
  }
  return out;
}

/**
 * Server side: wraps one complete framed response (length prefix included) into one WRAP frame,
 * as Server.wrapWithSasl does. A response larger than the negotiated rawSendSize (the peer's
 * receive buffer) is split over several WRAP frames instead of exceeding it: Hadoop's client
 * (SaslRpcClient.WrappedInputStream) reads the unwrapped bytes as one stream, so both forms parse.
 */
export function wrapServerResponse(layer: SecurityLayer, framedResponse: Uint8Array): Uint8Array {
  const size = Math.max(1, layer.rawSendSize);
  if (framedResponse.length <= size) return wrapResponseFrame(layer.wrap(framedResponse));
  const parts: Uint8Array[] = [];
  for (let at = 0; at < framedResponse.length; at += size) {
    parts.push(wrapResponseFrame(layer.wrap(framedResponse.subarray(at, Math.min(framedResponse.length, at + size)))));
  }
  return concatBytes(parts);
}

/**
 * Receiver side: takes outer frame payloads, requires each to be a WRAP, unwraps it and returns the
 * plaintext frames it completes. `side` says which header type the outer frames carry.
 */
export class Unwrapper {
  readonly #layer: SecurityLayer;
  readonly #side: 'client' | 'server';
  readonly #inner: FrameDecoder;

  constructor(layer: SecurityLayer, side: 'client' | 'server', options: FrameDecoderOptions = {}) {
    this.#layer = layer;
    this.#side = side;
    this.#inner = new FrameDecoder(options);
  }

  push(outerPayload: Uint8Array): Uint8Array[] {
    const { header, rest } = this.#side === 'client' ? parseResponse(outerPayload) : parseRequest(outerPayload);
    if (header.callId !== CallId.SASL) {
      throw new SaslError('SASL_INTEGRITY', this.#side === 'client' ? 'Server sent non-wrapped response' : 'Client sent non-wrapped request after negotiating a SASL security layer', {
        callId: header.callId,
        qop: this.#layer.qop,
      });
    }
    const sasl = parseSaslBody(rest);
    if (sasl.state !== SaslState.WRAP) {
      throw new SaslError('SASL_STATE', `Expected a SASL WRAP message once ${this.#layer.qop} is negotiated, got state ${sasl.state}`, {
        qop: this.#layer.qop,
      });
    }
    if (!sasl.token) throw new ProtocolError('PROTOCOL_MALFORMED', 'SASL WRAP message carries no token');
    return this.#inner.push(this.#layer.unwrap(sasl.token));
  }
}

