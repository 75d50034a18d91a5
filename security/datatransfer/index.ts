/**
 * Data-transfer protection for the DataNode streaming port (Hadoop's
 * SaslDataTransferClient / SaslDataTransferServer; docs/data-transfer.md):
 * the SASL handshake on both sides (general and encrypted), AES/CTR cipher negotiation, and the
 * protected streams that follow. DataNodes call dataTransferServerHandshake, clients (and DataNodes
 * writing downstream) dataTransferClientHandshake; both return {input, output, protection}.
 */
export * from './messages.ts';
export * from './credentials.ts';
export * from './errors.ts';
export * from './cipher-option.ts';
export * from './protection.ts';
export * from './events.ts';
export * from './handshake-choice.ts';
export * from './handshake-client.ts';
export * from './handshake-server.ts';
export * from './wrapped-frames.ts';
export * from './streams.ts';
export * from './handshake-socket.ts';
export * from './config.ts';
