/**
 * Hadoop-style configuration: declared keys, layered XML resources, typed getters. See
 * docs/configuration.md for every key.
 */
export { Configuration, DEFAULTS_SOURCE, PROGRAMMATIC_SOURCE, type ConfigurationOptions } from './configuration.ts';
export { loadConfiguration, withPolicyFile, SITE_FILES, POLICY_FILE, OVERRIDES_SOURCE, DEFAULT_CONF_DIR, type LoadConfigurationOptions } from './load.ts';
export { KeyRegistry } from './registry.ts';
export { ALL_KEYS, defaultRegistry } from './keys/index.ts';
export { key, type KeyDef, type ConfigType, type TimeUnit } from './types.ts';
export { parseConfigurationXml, type XmlProperty } from './xml-loader.ts';
export { parseBoolean, parseBytes, parseDuration, parseInt32, parseInt64, parseStrings, parseTrimmedStringCollection } from './values.ts';
