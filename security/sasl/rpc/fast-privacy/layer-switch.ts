/**
 * The layer switch of each side of a connection that negotiated fast privacy (docs/fast-privacy.md,
 * lib/rpc/auth-hooks.ts): the client draws two fresh random keys, one per direction, puts them in
 * its key message and uses them at once; the server takes them from that message. Each key serves
 * one direction, so a token reflected back to its sender fails. Randomness is node:crypto's CSPRNG
 * unless injected (tests).
 */
import { randomBytes } from 'node:crypto';
import type { ClientLayerSwitch, ServerLayerSwitch, SwitchedLayers } from '../../../../lib/rpc/auth-hooks.ts';
import { decodeKeyMessage, encodeKeyMessage, KEY_BYTES, type KeyMessage } from './key-message.ts';
import { Direction, GcmReceiveLayer, GcmSendLayer, type RekeyLimits } from './gcm-layer.ts';

export interface LayerSwitchOptions {
  /** Source of the keys; default node:crypto randomBytes. */
  readonly random?: (n: number) => Uint8Array;
  /** Rekey limits (default REKEY_AFTER_TOKENS / REKEY_AFTER_BYTES). */
  readonly limits?: RekeyLimits;
}

function layersFor(side: 'client' | 'server', keys: KeyMessage, limits: RekeyLimits | undefined): SwitchedLayers {
  const client = side === 'client';
  const layers = {
    send: new GcmSendLayer(client ? keys.clientToServer : keys.serverToClient, client ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT, limits),
    receive: new GcmReceiveLayer(client ? keys.serverToClient : keys.clientToServer, client ? Direction.SERVER_TO_CLIENT : Direction.CLIENT_TO_SERVER, client ? 'server' : 'client', limits),
  };
  keys.clientToServer.fill(0);
  keys.serverToClient.fill(0);
  return layers;
}

/** The client's switch: fresh keys, the message that carries them, and the layers that use them. */
export function createClientLayerSwitch(options: LayerSwitchOptions = {}): ClientLayerSwitch {
  const random = options.random ?? randomBytes;
  const keys: KeyMessage = { clientToServer: Uint8Array.from(random(KEY_BYTES)), serverToClient: Uint8Array.from(random(KEY_BYTES)) };
  const keyMessage = encodeKeyMessage(keys);
  return { keyMessage, layers: layersFor('client', keys, options.limits) };
}

/** The server's switch: the layers come from the client's key message. */
export function createServerLayerSwitch(options: LayerSwitchOptions = {}): ServerLayerSwitch {
  return {
    accept(keyMessage: Uint8Array): SwitchedLayers {
      const keys = decodeKeyMessage(keyMessage);
      keyMessage.fill(0);
      return layersFor('server', keys, options.limits);
    },
  };
}
