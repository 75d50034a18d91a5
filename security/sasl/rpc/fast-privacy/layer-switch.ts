/**
 * The fast privacy switch of each side (lib/rpc/auth-hooks.ts, docs/fast-privacy.md): the client
 * draws a fresh random pre-shared key, sends it in its key message under the SASL layer and serves
 * the TLS channel with it; the server reads the key from that message and opens the channel.
 * Randomness is node:crypto's CSPRNG unless injected (tests).
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { ClientLayerSwitch, ProtectedChannel, ServerLayerSwitch } from '../../../../lib/rpc/auth-hooks.ts';
import { decodeKeyMessage, encodeKeyMessage, PSK_BYTES } from './key-message.ts';
import { clientChannel, serverChannel, type ChannelOptions } from './protected-channel.ts';

export function createClientLayerSwitch(options: ChannelOptions = {}, random: (n: number) => Uint8Array = randomBytes): ClientLayerSwitch {
  const psk = Uint8Array.from(random(PSK_BYTES));
  return {
    keyMessage: encodeKeyMessage(psk),
    secure(socket: Socket): ProtectedChannel {
      const channel = clientChannel(socket, psk, options);
      psk.fill(0);
      return channel;
    },
  };
}

export function createServerLayerSwitch(options: ChannelOptions = {}): ServerLayerSwitch {
  return {
    secure(keyMessage: Uint8Array, socket: Socket): ProtectedChannel {
      const psk = decodeKeyMessage(keyMessage);
      keyMessage.fill(0);
      const channel = serverChannel(socket, psk, options);
      psk.fill(0);
      return channel;
    },
  };
}
