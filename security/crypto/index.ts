/** Hadoop's CryptoCodec suites hsec implements: AES/CTR/NoPadding (Hadoop's crypto/CipherSuite). */
export * from './aes-ctr.ts';
