/**
 * Data-transfer protection settings from a (frozen) Configuration, with Hadoop's keys and defaults
 * (DFSConfigKeys / HdfsClientConfigKeys): dfs.encrypt.data.transfer,
 * dfs.encrypt.data.transfer.algorithm, dfs.encrypt.data.transfer.cipher.suites,
 * dfs.encrypt.data.transfer.cipher.key.bitlength and dfs.data.transfer.protection. Read once at
 * DataNode or client start and passed to the handshake. The per-peer QOP list comes from the
 * data-transfer SaslPropertiesResolver (dfs.data.transfer.saslproperties.resolver.class), which the
 * caller builds; this only says whether one is configured.
 */
import { ConfigError } from '../../lib/errors/index.ts';
import type { Configuration } from '../../lib/config/index.ts';
import type { Qop } from '../sasl/mechanism.ts';
import { parseHadoopProtection } from '../sasl/qop.ts';
import { ALL_CIPHER_NAMES, type DigestCipherName } from '../sasl/mechanisms/digest-md5/ciphers.ts';
import { CIPHER_KEY_BITLENGTH_KEY, CIPHER_SUITES_KEY, parseCipherSuites, parseKeyBitLength, type AesKeyBits } from './cipher-option.ts';
import type { AES_CTR_NOPADDING } from '../crypto/aes-ctr.ts';

export const ENCRYPT_DATA_TRANSFER_KEY = 'dfs.encrypt.data.transfer';
export const ENCRYPT_DATA_TRANSFER_ALGORITHM_KEY = 'dfs.encrypt.data.transfer.algorithm';
export const DATA_TRANSFER_PROTECTION_KEY = 'dfs.data.transfer.protection';
export const DATA_TRANSFER_RESOLVER_CLASS_KEY = 'dfs.data.transfer.saslproperties.resolver.class';

export interface DataTransferSecurityConfig {
  /** dfs.encrypt.data.transfer (default false). */
  readonly encryptDataTransfer: boolean;
  /** dfs.encrypt.data.transfer.algorithm: the DIGEST cipher a NameNode names in its data encryption keys. */
  readonly encryptionAlgorithm: DigestCipherName | undefined;
  /** dfs.data.transfer.protection as SASL QOPs; undefined when unset (no general handshake). */
  readonly protection: readonly Qop[] | undefined;
  /** dfs.encrypt.data.transfer.cipher.suites. */
  readonly cipherSuites: typeof AES_CTR_NOPADDING | undefined;
  /** dfs.encrypt.data.transfer.cipher.key.bitlength (default 128). */
  readonly cipherKeyBits: AesKeyBits;
}

export function dataTransferSecurityFromConfig(conf: Configuration): DataTransferSecurityConfig {
  const algorithm = conf.getTrimmed(ENCRYPT_DATA_TRANSFER_ALGORITHM_KEY);
  if (algorithm && !(ALL_CIPHER_NAMES as readonly string[]).includes(algorithm)) {
    throw new ConfigError('CONFIG_INVALID', `${ENCRYPT_DATA_TRANSFER_ALGORITHM_KEY}=${algorithm} is not a DIGEST-MD5 cipher; use one of ${ALL_CIPHER_NAMES.join(', ')} (3des or rc4 in practice)`, {
      configKey: ENCRYPT_DATA_TRANSFER_ALGORITHM_KEY,
      value: algorithm,
    });
  }
  const protectionText = conf.getTrimmed(DATA_TRANSFER_PROTECTION_KEY);
  let protection: Qop[] | undefined;
  if (protectionText) {
    try {
      protection = parseHadoopProtection(protectionText);
    } catch (cause) {
      throw new ConfigError('CONFIG_INVALID', `Invalid ${DATA_TRANSFER_PROTECTION_KEY} value "${protectionText}": use authentication, integrity and/or privacy`, {
        configKey: DATA_TRANSFER_PROTECTION_KEY,
        value: protectionText,
      }, { cause });
    }
  }
  return {
    encryptDataTransfer: conf.getBoolean(ENCRYPT_DATA_TRANSFER_KEY),
    encryptionAlgorithm: (algorithm || undefined) as DigestCipherName | undefined,
    protection,
    cipherSuites: parseCipherSuites(conf.getTrimmed(CIPHER_SUITES_KEY)),
    cipherKeyBits: parseKeyBitLength(conf.getInt(CIPHER_KEY_BITLENGTH_KEY)),
  };
}
