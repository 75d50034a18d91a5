/**
 * `hsec/config`: Hadoop configuration: Hadoop's XML files and key names, declared defaults, typed
 * getters (`getInt`, `getTimeDuration`, ...). See docs/configuration.md for every key.
 */
export { Configuration, loadConfiguration, DEFAULT_CONF_DIR, SITE_FILES, POLICY_FILE, ALL_KEYS, type LoadConfigurationOptions, type KeyDef } from '../lib/config/index.ts';
