/**
 * Where the NameNode keeps its delegation tokens and master keys
 * (`hsec.namenode.delegation.token.store`): `journal` (the default: its own journal store in
 * `<dfs.namenode.name.dir>/hsec-delegation-tokens/`, durable before a change takes effect) or
 * `zookeeper` (ZKDelegationTokenSecretManager's layout under the `zk-dt-secret-manager.*` keys, a
 * token space several NameNodes share: security/token/store/zookeeper). Hadoop's NameNode keeps
 * tokens in its edit log only; a ZooKeeper-backed secret manager is what its router uses
 * (dfs.federation.router.secret.manager.class), hence an hsec key for the choice.
 */
import { join } from 'node:path';
import type { Configuration } from '../../lib/config/index.ts';
import type { Krb5Config } from '../../security/kerberos/config/index.ts';
import { JournalTokenStore } from '../../security/token/store/journal/journal-token-store.ts';
import type { TokenStore } from '../../security/token/store/token-store.ts';
import { zkTokenStoreFromConfig } from '../../security/token/store/zookeeper/config.ts';

export const TOKEN_STORE_KEY = 'hsec.namenode.delegation.token.store';
/** Directory in the name directory holding the delegation keys and tokens (journal store). */
export const TOKEN_STORE_DIR = 'hsec-delegation-tokens';
/** The whole-file JSON store of earlier versions, migrated into TOKEN_STORE_DIR on first start. */
export const LEGACY_TOKEN_STORE_FILE = 'hsec-delegation-tokens.json';

/** The store `hsec.namenode.delegation.token.store` names, for a NameNode whose name directory is `nameDir` (`krb5`: for a Kerberos ZooKeeper login). */
export function nameNodeTokenStore(conf: Configuration, nameDir: string, krb5?: Krb5Config): TokenStore {
  if (conf.getEnum(TOKEN_STORE_KEY) === 'zookeeper') return zkTokenStoreFromConfig(conf, krb5 ? { loginOptions: { conf: krb5 } } : {});
  return new JournalTokenStore({
    dir: join(nameDir, TOKEN_STORE_DIR),
    legacyJsonFile: join(nameDir, LEGACY_TOKEN_STORE_FILE),
    configKey: 'dfs.namenode.name.dir',
  });
}
