/**
 * Which list `hsec policy` edits and where, from the same keys the servers read
 * (security/resolver/list-store.ts): with `hsec.security.sasl.whitelist.store=zookeeper` the znodes
 * `hsec.security.sasl.whitelist.zookeeper.path` and `hsec.security.sasl.private.principals.zookeeper.path`
 * through a `hadoop.zk.*` session (new znodes get `hadoop.zk.acl`); with the file store the
 * variable whitelist file when `hadoop.security.sasl.variablewhitelist.enable` is true (servers
 * re-read it after its cache period), else the fixed whitelist file (read at server start), and the
 * principal rules file. The audit log is `hsec.security.sasl.policy.audit.file`, by default
 * `hsec-policy-audit.log` beside the list file, or in `hadoop.tmp.dir` for ZooKeeper.
 */
import { dirname, join } from 'node:path';
import type { Configuration } from '../../lib/config/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { Perms, formatAcl, zkAclsFromConfig } from '../../lib/zk/index.ts';
import { DEFAULT_PRIVATE_PRINCIPALS_ZNODE, DEFAULT_WHITELIST_ZNODE, listStoreKind, PRIVATE_PRINCIPALS_ZNODE_KEY, WHITELIST_ZNODE_KEY, znodePath } from '../../security/resolver/list-store.ts';
import { PRIVATE_PRINCIPALS_FILE_KEY } from '../../security/resolver/principal-rules-resolver.ts';
import { FIXED_WHITELIST_FILE_KEY, VARIABLE_WHITELIST_ENABLE_KEY, VARIABLE_WHITELIST_FILE_KEY } from '../../security/resolver/whitelist-based-resolver.ts';
import { znodeOrigin } from '../../security/resolver/zookeeper-list-source.ts';
import { loadKrb5Config } from '../../security/kerberos/config/index.ts';
import { zkSessionFromConfig } from '../../security/zk/session.ts';
import { AUDIT_FILE_KEY } from './audit-log.ts';
import type { ListKind } from './list-edit.ts';
import { FileListEditor, ZnodeListEditor, type ListEditor } from './list-editor.ts';

export interface OpenList {
  readonly editor: ListEditor;
  readonly auditFile: string;
  /** The ZooKeeper session's identities (empty for files). */
  identities(): string[];
  /** A warning to show before writing (a world-writable ACL), if any. */
  readonly warning?: string | undefined;
  close(): Promise<void>;
}

/** Opens the list of `kind`; for ZooKeeper waits for the session (ZK_UNREACHABLE after hadoop.zk.timeout-ms). */
export async function openList(conf: Configuration, kind: ListKind, env: NodeJS.ProcessEnv = process.env): Promise<OpenList> {
  const configured = conf.getTrimmed(AUDIT_FILE_KEY);
  if (listStoreKind(conf) === 'zookeeper') {
    const path = kind === 'whitelist' ? znodePath(conf, WHITELIST_ZNODE_KEY, DEFAULT_WHITELIST_ZNODE) : znodePath(conf, PRIVATE_PRINCIPALS_ZNODE_KEY, DEFAULT_PRIVATE_PRINCIPALS_ZNODE);
    const acl = zkAclsFromConfig(conf);
    const session = zkSessionFromConfig(conf, () => ({ conf: loadKrb5Config(undefined, env) }));
    try {
      await session.client.ready();
    } catch (e) {
      await session.close();
      throw e;
    }
    const open = acl.some((a) => a.scheme === 'world' && (a.perms & (Perms.WRITE | Perms.CREATE | Perms.DELETE | Perms.ADMIN)) !== 0);
    return {
      editor: new ZnodeListEditor(session.client, path, acl, znodeOrigin(path)),
      auditFile: configured ?? join(conf.getTrimmed('hadoop.tmp.dir') ?? '/tmp', 'hsec-policy-audit.log'),
      identities: () => session.client.identities,
      warning: open ? `a new ${path} gets hadoop.zk.acl ${acl.map(formatAcl).join(',')}: anyone may change it; set hadoop.zk.acl (e.g. digest:admin:HASH:rwcda,world:anyone:r)` : undefined,
      close: () => session.close(),
    };
  }
  const { file, key } = listFile(conf, kind);
  return {
    editor: new FileListEditor(file, key),
    auditFile: configured ?? join(dirname(file), 'hsec-policy-audit.log'),
    identities: () => [],
    close: async () => undefined,
  };
}

/** The file the file store edits for `kind`, and the key naming it. */
export function listFile(conf: Configuration, kind: ListKind): { file: string; key: string } {
  if (kind === 'principals') {
    const file = conf.getTrimmed(PRIVATE_PRINCIPALS_FILE_KEY);
    if (!file) {
      throw new ConfigError('CONFIG_MISSING', `${PRIVATE_PRINCIPALS_FILE_KEY} is not set: name the principal rules file (or use hsec.security.sasl.whitelist.store=zookeeper)`, { configKey: PRIVATE_PRINCIPALS_FILE_KEY });
    }
    return { file, key: PRIVATE_PRINCIPALS_FILE_KEY };
  }
  if (conf.getBoolean(VARIABLE_WHITELIST_ENABLE_KEY)) return { file: conf.getTrimmed(VARIABLE_WHITELIST_FILE_KEY, '/etc/hadoop/whitelist'), key: VARIABLE_WHITELIST_FILE_KEY };
  return { file: conf.getTrimmed(FIXED_WHITELIST_FILE_KEY, '/etc/hadoop/fixedwhitelist'), key: FIXED_WHITELIST_FILE_KEY };
}
