/**
 * AES cipher option negotiation after the data-transfer SASL exchange (Hadoop's
 * SaslDataTransferClient.doSaslHandshake, DataTransferSaslUtil.negotiateCipherOption /
 * wrap / unwrap): a client whose QOP list includes auth-conf and whose
 * dfs.encrypt.data.transfer.cipher.suites is AES/CTR/NoPadding offers that suite; a DataNode that
 * negotiated auth-conf and has the same setting answers with fresh random keys of its own
 * dfs.encrypt.data.transfer.cipher.key.bitlength and 16-byte IVs (generated in the order inKey,
 * inIv, outKey, outIv). The keys travel wrapped by the SASL layer just established (inKey first,
 * then outKey, so they take sequence numbers 0 and 1); the IVs travel in clear. "in" is the
 * client-to-DataNode direction.
 */
import { randomBytes } from 'node:crypto';
import { ConfigError, ProtocolError } from '../../lib/errors/index.ts';
import type { Qop, SaslSecurityLayer } from '../sasl/mechanism.ts';
import { AES_BLOCK_SIZE, AES_CTR_NOPADDING, AES_KEY_LENGTHS } from '../crypto/aes-ctr.ts';
import { CipherSuiteProto, type CipherOption } from './messages.ts';

export const CIPHER_SUITES_KEY = 'dfs.encrypt.data.transfer.cipher.suites';
export const CIPHER_KEY_BITLENGTH_KEY = 'dfs.encrypt.data.transfer.cipher.key.bitlength';
/** Hadoop's CipherSuite.SM4_CTR_NOPADDING name: accepted by Hadoop 3.4, not (yet) by hsec. */
export const SM4_CTR_NOPADDING = 'SM4/CTR/NoPadding';

/** AES key sizes for dfs.encrypt.data.transfer.cipher.key.bitlength. */
export type AesKeyBits = 128 | 192 | 256;

/** A negotiated AES/CTR option with its keys in clear. */
export interface AesCtrOption {
  readonly inKey: Buffer;
  readonly inIv: Buffer;
  readonly outKey: Buffer;
  readonly outIv: Buffer;
}

/**
 * Checks dfs.encrypt.data.transfer.cipher.suites: unset/empty = no AES; AES/CTR/NoPadding = AES;
 * anything else is a ConfigError ("Invalid cipher suite", as Hadoop; SM4 is named as unsupported).
 */
export function parseCipherSuites(value: string | undefined): typeof AES_CTR_NOPADDING | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (v === AES_CTR_NOPADDING) return AES_CTR_NOPADDING;
  const why = v === SM4_CTR_NOPADDING ? `${SM4_CTR_NOPADDING} is not supported by hsec; use ${AES_CTR_NOPADDING}` : `the only supported suite is ${AES_CTR_NOPADDING}`;
  throw new ConfigError('CONFIG_INVALID', `Invalid cipher suite, ${CIPHER_SUITES_KEY}=${v}: ${why}`, { configKey: CIPHER_SUITES_KEY, value: v });
}

/** Checks dfs.encrypt.data.transfer.cipher.key.bitlength (Hadoop: 128, 192 or 256). */
export function parseKeyBitLength(value: number): AesKeyBits {
  if (value !== 128 && value !== 192 && value !== 256) {
    throw new ConfigError('CONFIG_INVALID', `${CIPHER_KEY_BITLENGTH_KEY}=${value} is not an AES key length; use 128, 192 or 256`, { configKey: CIPHER_KEY_BITLENGTH_KEY, value });
  }
  return value;
}

/** The client's offer: [AES/CTR] when it requested auth-conf and configured the suite, else none. */
export function clientCipherOptions(requestedQop: readonly Qop[], cipherSuites: string | undefined): CipherOption[] | undefined {
  if (!requestedQop.includes('auth-conf')) return undefined;
  return parseCipherSuites(cipherSuites) ? [{ suite: CipherSuiteProto.AES_CTR_NOPADDING }] : undefined;
}

/**
 * The DataNode's choice (negotiateCipherOption): undefined when its suites are unset or the client
 * offered no AES/CTR; otherwise fresh keys and IVs from `random` (default node:crypto).
 */
export function negotiateCipherOption(
  cipherSuites: string | undefined,
  keyBits: AesKeyBits,
  offered: readonly CipherOption[],
  random: (size: number) => Uint8Array = randomBytes,
): AesCtrOption | undefined {
  if (!parseCipherSuites(cipherSuites)) return undefined;
  if (!offered.some((o) => o.suite === CipherSuiteProto.AES_CTR_NOPADDING)) return undefined;
  const keyLen = keyBits / 8;
  const inKey = Buffer.from(random(keyLen));
  const inIv = Buffer.from(random(AES_BLOCK_SIZE));
  const outKey = Buffer.from(random(keyLen));
  const outIv = Buffer.from(random(AES_BLOCK_SIZE));
  return { inKey, inIv, outKey, outIv };
}

/** The option as the DataNode sends it: keys wrapped (inKey, then outKey), IVs in clear. */
export function wrapCipherOption(option: AesCtrOption, layer: SaslSecurityLayer): CipherOption {
  const inKey = layer.wrap(option.inKey);
  const outKey = layer.wrap(option.outKey);
  return { suite: CipherSuiteProto.AES_CTR_NOPADDING, inKey, inIv: option.inIv, outKey, outIv: option.outIv };
}

/**
 * The client's reading of the DataNode's option: AES/CTR only (what it offered), keys unwrapped
 * in the order they were wrapped, lengths checked (16/24/32-byte keys of one size, 16-byte IVs).
 */
export function unwrapCipherOption(option: CipherOption, layer: SaslSecurityLayer): AesCtrOption {
  if (option.suite !== CipherSuiteProto.AES_CTR_NOPADDING) {
    throw new ProtocolError('DATA_TRANSFER_CIPHER', `DataNode chose cipher suite ${CipherSuiteProto[option.suite] ?? option.suite}, which this client did not offer (it offers ${AES_CTR_NOPADDING})`, {
      suite: option.suite,
    });
  }
  if (!option.inKey || !option.outKey || !option.inIv || !option.outIv) {
    throw new ProtocolError('DATA_TRANSFER_CIPHER', 'DataNode sent an AES/CTR cipher option without its keys and IVs', { suite: option.suite });
  }
  const inKey = Buffer.from(layer.unwrap(option.inKey));
  const outKey = Buffer.from(layer.unwrap(option.outKey));
  const aes: AesCtrOption = { inKey, inIv: Buffer.from(option.inIv), outKey, outIv: Buffer.from(option.outIv) };
  checkAesCtrOption(aes);
  return aes;
}

/** Key and IV lengths of a negotiated option. */
export function checkAesCtrOption(o: AesCtrOption): void {
  if (!AES_KEY_LENGTHS.includes(o.inKey.length) || o.outKey.length !== o.inKey.length) {
    throw new ProtocolError('DATA_TRANSFER_CIPHER', `AES/CTR keys of ${o.inKey.length} and ${o.outKey.length} bytes; expected two keys of 16, 24 or 32 bytes`, {
      inKeyLength: o.inKey.length,
      outKeyLength: o.outKey.length,
    });
  }
  if (o.inIv.length !== AES_BLOCK_SIZE || o.outIv.length !== AES_BLOCK_SIZE) {
    throw new ProtocolError('DATA_TRANSFER_CIPHER', `AES/CTR IVs of ${o.inIv.length} and ${o.outIv.length} bytes; expected ${AES_BLOCK_SIZE}`, {
      inIvLength: o.inIv.length,
      outIvLength: o.outIv.length,
    });
  }
}
