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
 * IPC frames. The TLS client also renegotiates (new randoms, new keys) every REKEY_AFTER_BYTES
 * bytes, long before AES-GCM's data bound. Records are sealed inside OpenSSL, with no per-record
 * JavaScript object: that is what makes privacy cost about what authentication costs.
 */
import type { Socket } from 'node:net';
import { connect, createSecureContext, TLSSocket, type SecureContext, type TLSSocketOptions } from 'node:tls';
import type { ProtectedChannel } from '../../../../lib/rpc/auth-hooks.ts';

const TLS_OPTIONS = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'PSK-AES256-GCM-SHA384' } as const;
/** The PSK identity both ends use (the key itself is per connection). */
export const PSK_IDENTITY = 'hsec-fast-privacy';
/**
 * Bytes (both directions) after which the TLS client renegotiates: 2^38 (256 GiB) keeps each key
 * under the 2^24.5 full records (about 2^38.5 bytes) TLS 1.3 allows one AES-GCM key (RFC 8446
 * section 5.5, a 2^-57 margin), far below the 2^64 sequence numbers.
 */
export const REKEY_AFTER_BYTES = 2 ** 38;

let secureContext: SecureContext | undefined;
/** One context for every channel: creating one per connection costs more than the PSK handshake. */
function context(): SecureContext {
  secureContext ??= createSecureContext(TLS_OPTIONS);
  return secureContext;
}

function channel(socket: TLSSocket): ProtectedChannel {
  const ready = new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    socket.once('error', onError);
    socket.once('secure', () => {
      socket.off('error', onError);
      resolve();
    });
    socket.once('secureConnect', () => {
      socket.off('error', onError);
      resolve();
    });
  });
  ready.catch(() => undefined); // also reported as the socket's 'error'
  return { socket, ready };
}

/** The hsec client's end: the TLS server role, waiting for the hsec server's ClientHello. */
export function clientChannel(socket: Socket, psk: Uint8Array): ProtectedChannel {
  const key = Buffer.from(psk);
  // Node reads pskCallback from these options too (_tls_wrap.js), though @types/node lists it for servers only.
  const options: TLSSocketOptions & { pskCallback: (socket: TLSSocket, identity: string) => Buffer | null } = {
    isServer: true,
    secureContext: context(),
    pskCallback: (_socket, identity) => (identity === PSK_IDENTITY ? key : null),
  };
  const tls = new TLSSocket(socket, options);
  return channel(tls);
}

export interface ServerChannelOptions {
  /** Renegotiate after this many bytes (default REKEY_AFTER_BYTES). */
  readonly rekeyAfterBytes?: number;
}

/** The hsec server's end: the TLS client role; it starts the handshake and renegotiates to rekey. */
export function serverChannel(socket: Socket, psk: Uint8Array, options: ServerChannelOptions = {}): ProtectedChannel {
  const key = Buffer.from(psk);
  const tls = connect({
    socket,
    secureContext: context(),
    pskCallback: () => ({ psk: key, identity: PSK_IDENTITY }),
    // No certificate exists to check: the PSK, known only to the authenticated peers, is the proof.
    checkServerIdentity: () => undefined,
  });
  const every = options.rekeyAfterBytes ?? REKEY_AFTER_BYTES;
  let next = every;
  let renegotiating = false;
  tls.on('data', () => {
    if (renegotiating || tls.bytesRead + tls.bytesWritten < next) return;
    renegotiating = true;
    next = tls.bytesRead + tls.bytesWritten + every;
    tls.renegotiate({}, (err) => {
      renegotiating = false;
      if (err) tls.destroy(err);
    });
  });
  return channel(tls);
}
