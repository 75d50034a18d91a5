/**
 * The Kerberos V5 GSS-API mechanism (RFC 2743 framing, RFC 1964/4121 tokens): initiator and
 * acceptor context state machines, acceptor credentials from keytabs, the established context's
 * per-message calls, and the token codecs. SASL GSSAPI and SPNEGO build on this module only.
 */
export { InitiatorContext, InitiatorState, DEFAULT_INITIATOR_FLAGS, type InitiatorOptions } from './initiator.ts';
export { AcceptorContext, AcceptorState, type AcceptorOptions } from './acceptor.ts';
export { AcceptorCredential, type AcceptorCredentialOptions, type KeytabCredentialOptions, type ServiceKey } from './acceptor-credential.ts';
export { GssSecurityContext, type GssRole, type SecurityContextParams, type Unwrapped } from './security-context.ts';
export { ReplayCache, type ReplayCacheOptions, type ReplayEntry } from './replay-cache.ts';
export { SequenceWindow, type SequenceFault, type SequenceWindowOptions } from './sequence-window.ts';
export { GSS_FLAGS, GSS_CHECKSUM_TYPE, encodeAuthenticatorChecksum, decodeAuthenticatorChecksum, type AuthenticatorChecksum } from './authenticator-checksum.ts';
export { KRB5_MECH_OID, TOK_ID, encodeInitialToken, decodeInitialToken, type InitialToken } from './framing.ts';
export { TOKEN_FLAG, MIC_TOKEN_ID, WRAP_TOKEN_ID, makeMicToken, verifyMicToken, makeWrapToken, openWrapToken, parseTokenHeader, wrapSizeLimit } from './per-message-tokens.ts';
export { describeKrbErrorToken, encodeKrbErrorToken, wireErrorCode } from './krb-error-token.ts';
