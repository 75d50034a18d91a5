/** hsec fast privacy between hsec peers (docs/fast-privacy.md): negotiation, the key message, the TLS PSK channel. */
export { FAST_PRIVACY_SUITE, checkFastPrivacyAcceptance, fastPrivacyAcceptance, fastPrivacyOffer, type FastPrivacyField } from './negotiation.ts';
export { createClientLayerSwitch, createServerLayerSwitch } from './layer-switch.ts';
export { decodeKeyMessage, encodeKeyMessage, KEY_MESSAGE_BYTES, PSK_BYTES } from './key-message.ts';
export { clientChannel, serverChannel, PSK_IDENTITY, RETIRE_AFTER_BYTES, type ChannelOptions } from './protected-channel.ts';
