/**
 * SASL wrapping of the IPC byte stream once the QOP is auth-int or auth-conf
 * (SaslRpcClient.WrappedOutputStream / WrappedInputStream, Server.Connection.unwrapPacketAndProcessRpcs).
 * Both directions carry one plaintext stream cut into pieces of at most rawSendSize bytes, each
 * wrapped into one WRAP frame; RPC frames may straddle WRAP frames and one WRAP may hold several.
 * Hadoop's client reads the unwrapped bytes as one stream (SaslRpcClient.WrappedInputStream keeps
 * the rest of a WRAP for the next read), so a server may put every response ready at the same time
 * into one WRAP; its server reads requests the same way. The receiver unwraps and re-frames the
 * plaintext with a second FrameDecoder; a non-WRAP frame once wrapping is active is an error.
 *
 * With hsec's fast privacy (docs/fast-privacy.md) the client's first WRAP, unwrapped by the SASL
 * layer, is a key message (unwrapOne) and a protected channel replaces wrapping after it; a key
 * message where none was agreed is refused with an error that says so.
 */
import { ProtocolError, SaslError } from '../errors/index.ts';
import { CallId, FAST_PRIVACY_KEY_MAGIC, SaslState } from './constants.ts';
import { FrameDecoder, type FrameDecoderOptions } from './frame.ts';
import { parseRequest, parseResponse, parseSaslBody, wrapFrameHead, wrapRequestFrame, WRAP_REQUEST_PREFIX, WRAP_RESPONSE_PREFIX } from './ipc-frames.ts';
import type { UnwrapLayer, WrapLayer } from './auth-hooks.ts';
import { concatBytes } from './delimited.ts';

/**
 * Cuts a plaintext stream given as parts into pieces of at most `size` bytes: a piece inside one
 * part is a view of it, only a piece spanning parts is copied.
 */
export function splitPieces(parts: readonly Uint8Array[], size: number): Uint8Array[] {
  const max = Math.max(1, size);
  const out: Uint8Array[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  for (const part of parts) {
    let at = 0;
    while (at < part.length) {
      const take = Math.min(max - pendingBytes, part.length - at);
      const slice = part.subarray(at, at + take);
      at += take;
      if (pendingBytes === 0 && take === max) {
        out.push(slice);
        continue;
      }
      pending.push(slice);
      pendingBytes += take;
      if (pendingBytes === max) {
        out.push(concatBytes(pending));
        pending = [];
        pendingBytes = 0;
      }
    }
  }
  if (pendingBytes > 0) out.push(pending.length === 1 ? pending[0]! : concatBytes(pending));
  return out;
}

/** Client side: the plaintext stream as whole WRAP frames of at most rawSendSize plaintext bytes each. */
export function wrapClientStream(layer: WrapLayer, plaintext: Uint8Array | readonly Uint8Array[]): Uint8Array[] {
  const parts = plaintext instanceof Uint8Array ? [plaintext] : plaintext;
  return splitPieces(parts, layer.rawSendSize).map((piece) => wrapRequestFrame(layer.wrap(piece)));
}

/**
 * What an engine writes for a plaintext stream: for each piece of at most rawSendSize bytes, the
 * WRAP frame's head and then the wrapped token itself (so the token is never copied into a frame).
 * Write the returned arrays in order.
 */
export function wrapStreamParts(layer: WrapLayer, plaintext: readonly Uint8Array[], side: 'client' | 'server'): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const piece of splitPieces(plaintext, layer.rawSendSize)) {
    const token = layer.wrap(piece);
    out.push(wrapFrameHead(side === 'client' ? WRAP_REQUEST_PREFIX : WRAP_RESPONSE_PREFIX, token.length), token);
  }
  return out;
}

/**
 * Receiver side: takes outer frame payloads, requires each to be a WRAP, unwraps it and returns the
 * plaintext frames it completes. `side` says which header type the outer frames carry.
 */
export class Unwrapper {
  readonly #layer: UnwrapLayer;
  readonly #side: 'client' | 'server';
  readonly #inner: FrameDecoder;

  constructor(layer: UnwrapLayer, side: 'client' | 'server', options: FrameDecoderOptions = {}) {
    this.#layer = layer;
    this.#side = side;
    this.#inner = new FrameDecoder(options);
  }

  /** Bytes unwrapped but not yet returned as a frame. */
  get buffered(): number {
    return this.#inner.buffered;
  }

  push(outerPayload: Uint8Array): Uint8Array[] {
    const plaintext = this.unwrapOne(outerPayload);
    if (this.#inner.buffered === 0 && startsWithKeyMagic(plaintext)) {
      throw new SaslError(
        'SASL_STATE',
        `The ${this.#side === 'client' ? 'server' : 'client'} switched to hsec fast privacy, which this side did not agree to: the negotiation ` +
          'field was lost or altered in transit, or the peers disagree about it; check hsec.rpc.privacy.fast on both sides',
        { qop: this.#layer.qop },
      );
    }
    return this.#inner.push(plaintext);
  }

  /** The plaintext of one WRAP frame, outside the frame stream (a fast privacy key message). */
  unwrapOne(outerPayload: Uint8Array): Uint8Array {
    return this.#layer.unwrap(this.#token(outerPayload));
  }

  /** The token of a WRAP frame: the common header bytes are matched directly, anything else is parsed in full. */
  #token(outer: Uint8Array): Uint8Array {
    const prefix = this.#side === 'client' ? WRAP_RESPONSE_PREFIX : WRAP_REQUEST_PREFIX;
    const token = tokenAfterPrefix(outer, prefix);
    if (token) return token;
    const { header, rest } = this.#side === 'client' ? parseResponse(outer) : parseRequest(outer);
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
    return sasl.token;
  }
}

function startsWithKeyMagic(bytes: Uint8Array): boolean {
  if (bytes.length < FAST_PRIVACY_KEY_MAGIC.length) return false;
  for (let i = 0; i < FAST_PRIVACY_KEY_MAGIC.length; i++) if (bytes[i] !== FAST_PRIVACY_KEY_MAGIC[i]) return false;
  return true;
}

/**
 * When `payload` is exactly `prefix` (delimited header, then the RpcSaslProto length and its
 * `state = WRAP` and `token` tags), a token length and the token, returns the token (a view);
 * otherwise undefined and the caller parses the frame in full. Protobuf gives those bytes one
 * meaning, so matching them is the same as decoding them.
 */
function tokenAfterPrefix(payload: Uint8Array, prefix: { header: Uint8Array }): Uint8Array | undefined {
  const head = prefix.header;
  if (payload.length < head.length + 4) return undefined;
  for (let i = 0; i < head.length; i++) if (payload[i] !== head[i]) return undefined;
  // varint body length, then 0x10 0x05 (state = WRAP), 0x1a (token), varint token length, token.
  let at = head.length;
  const bodyLength = readVarint(payload, at);
  if (!bodyLength) return undefined;
  at = bodyLength.next;
  if (bodyLength.value !== payload.length - at) return undefined;
  if (payload[at] !== 0x10 || payload[at + 1] !== SaslState.WRAP || payload[at + 2] !== 0x1a) return undefined;
  const tokenLength = readVarint(payload, at + 3);
  if (!tokenLength || tokenLength.value !== payload.length - tokenLength.next) return undefined;
  return payload.subarray(tokenLength.next);
}

function readVarint(b: Uint8Array, at: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let shift = 0; shift < 35 && at < b.length; shift += 7) {
    const byte = b[at++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return { value, next: at };
  }
  return undefined;
}
