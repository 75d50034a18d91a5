/** Hadoop's CryptoCodec suites hsec implements: AES/CTR/NoPadding (hadoop-wire.md 9). */
export * from './aes-ctr.ts';
