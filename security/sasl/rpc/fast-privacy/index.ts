/** hsec fast privacy between hsec peers (docs/fast-privacy.md): negotiation, the key message, the GCM layer. */
export { FAST_PRIVACY_SUITE, checkFastPrivacyAcceptance, fastPrivacyAcceptance, fastPrivacyOffer, type FastPrivacyField } from './negotiation.ts';
export { createClientLayerSwitch, createServerLayerSwitch, type LayerSwitchOptions } from './layer-switch.ts';
export { decodeKeyMessage, encodeKeyMessage, KEY_BYTES, KEY_MESSAGE_BYTES } from './key-message.ts';
export { Direction, FAST_PRIVACY_RAW_SEND_SIZE, GcmReceiveLayer, GcmSendLayer, REKEY_AFTER_BYTES, REKEY_AFTER_TOKENS } from './gcm-layer.ts';
