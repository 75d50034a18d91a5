/**
 * Pure byte codecs shared by every wire format: Java DataInput/DataOutput primitives, Hadoop
 * vint/vlong, Text, WritableUtils strings, protobuf varint32 framing, and base64 flavours.
 */
export * from './data-output.ts';
export * from './data-input.ts';
export * from './vint.ts';
export * from './varint.ts';
export * from './base64.ts';
