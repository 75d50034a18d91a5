/**
 * The fast privacy channel (docs/fast-privacy.md): TLS 1.2 with a pre-shared key (RFC 4279) and the
 * suite PSK-AES256-GCM-SHA384 (RFC 5487; AES-256-GCM records as RFC 5288 defines them) over the
 * connection's socket, right after the client's key message. The key is fresh and random per
 * connection and reached the server inside the SASL layer, so only the two authenticated peers
 * hold it; TLS derives one AES-GCM key per direction from it and from both sides' fresh randoms,
 * puts each record's sequence number into the AEAD's authenticated data (a replayed, reordered,
 * dropped or reflected record, or one from another connection, fails its tag) and closes the
 * connection on any failure. The roles are reversed: the hsec server is the TLS client, because it
 * learns the key last and speaks first once it has it, so neither side has read channel bytes as
 * IPC frames. Keys retire after RETIRE_AFTER_BYTES: the connection is replaced, long before
 * AES-GCM's data bound (TLS 1.2 renegotiation would do it in place, but OpenSSL refuses application
 * records interleaved with a renegotiation, and both sides write at any time). Records are sealed inside OpenSSL, with no per-record
 * JavaScript object: that is what makes privacy cost about what authentication costs.
 */
import type { Socket } from 'node:net';
import { connect, createSecureContext, TLSSocket, type SecureContext, type TLSSocketOptions } from 'node:tls';
import { SaslError } from '../../../../lib/errors/index.ts';
import type { ProtectedChannel } from '../../../../lib/rpc/auth-hooks.ts';

const TLS_OPTIONS = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'PSK-AES256-GCM-SHA384' } as const;
/** The PSK identity both ends use (the key itself is per connection). */
export const PSK_IDENTITY = 'hsec-fast-privacy';
/**
 * Bytes (both directions) after which a channel's keys retire: the client puts no new call on the
 * connection and closes it once its calls are answered, and the next call opens a new connection
 * (a new SASL session, a new pre-shared key, new TLS randoms, so new keys). 2^36 (64 GiB) keeps each
 * key far under the 2^24.5 full records (about 2^38.5 bytes) TLS 1.3 allows one AES-GCM key (RFC 8446
 * section 5.5, a 2^-57 margin) and the 2^64 record sequence numbers. The server closes a channel that
 * carries twice as much: a client that does not move on loses the connection, never the bound.
 */
export const RETIRE_AFTER_BYTES = 2 ** 36;

let secureContext: SecureContext | undefined;
/** One context for every channel: creating one per connection costs more than the PSK handshake. */
function context(): SecureContext {
  secureContext ??= createSecureContext(TLS_OPTIONS);
  return secureContext;
}

/** What a TLS record failure means here, with OpenSSL's words as the cause. */
function channelError(err: Error): SaslError {
  return new SaslError(
    'SASL_INTEGRITY',
    `hsec fast privacy: a TLS record from the peer did not authenticate (altered, replayed, reordered or from another connection) or the peer broke the channel; closing the connection (${err.message.trim()})`,
    {},
    { cause: err },
  );
}

function channel(socket: TLSSocket, retireAfterBytes: number): ProtectedChannel {
  const ready = new Promise<void>((resolve, reject) => {
    const fail = (err?: Error): void => {
      done();
      reject(new SaslError('SASL_INTEGRITY', `hsec fast privacy: the TLS PSK channel did not come up: ${err?.message ?? 'the peer closed the connection first'}`, {}, err ? { cause: err } : undefined));
    };
    const up = (): void => {
      done();
      resolve();
    };
    const done = (): void => {
      socket.off('error', fail);
      socket.off('close', fail);
      socket.off('end', fail);
      socket.off('secure', up);
      socket.off('secureConnect', up);
    };
    socket.once('error', fail);
    socket.once('close', fail);
    socket.once('end', fail);
    socket.once('secure', up);
    socket.once('secureConnect', up);
  });
  ready.catch(() => undefined); // the engines also see the socket's own events
  return { socket, ready, retireAfterBytes };
}

export interface ChannelOptions {
  /** Bytes after which the keys retire (default RETIRE_AFTER_BYTES). */
  readonly retireAfterBytes?: number;
}

/** The hsec client's end: the TLS server role, waiting for the hsec server's ClientHello. */
export function clientChannel(socket: Socket, psk: Uint8Array, options: ChannelOptions = {}): ProtectedChannel {
  const key = Buffer.from(psk);
  // Node reads pskCallback from these options too (_tls_wrap.js), though @types/node lists it for servers only.
  const tlsOptions: TLSSocketOptions & { pskCallback: (socket: TLSSocket, identity: string) => Buffer | null } = {
    isServer: true,
    secureContext: context(),
    pskCallback: (_socket, identity) => (identity === PSK_IDENTITY ? key : null),
  };
  const tls = new TLSSocket(socket, tlsOptions);
  // A TLSSocket built with isServer outside a tls.Server reports its record errors (a bad MAC) only
  // as the internal '_tlsError' event (a tls.Server would releaseControl() first): make them the
  // socket's 'error', so the connection fails with the reason instead of a bare end of stream.
  tls.on('_tlsError', (err: Error) => tls.destroy(channelError(err)));
  return channel(tls, options.retireAfterBytes ?? RETIRE_AFTER_BYTES);
}

/** The hsec server's end: the TLS client role, which starts the handshake. */
export function serverChannel(socket: Socket, psk: Uint8Array, options: ChannelOptions = {}): ProtectedChannel {
  const key = Buffer.from(psk);
  const tls = connect({
    socket,
    secureContext: context(),
    pskCallback: () => ({ psk: key, identity: PSK_IDENTITY }),
    // No certificate exists to check: the PSK, known only to the authenticated peers, is the proof.
    checkServerIdentity: () => undefined,
  });
  return channel(tls, options.retireAfterBytes ?? RETIRE_AFTER_BYTES);
}
