/**
 * The selective-encryption policy of the pseudo-cluster (`hsec start`): the whitelist lives in its
 * ZooKeeper at /hsec/whitelist, seeded with 127.0.0.2/32 (127.0.0.1 is always whitelisted, as in
 * Hadoop), readable by everyone and writable only by the digest identity `admin`, whose
 * `digest:admin:<random password>` is written to a 0600 file for `hsec -D hadoop.zk.auth=@FILE
 * policy ...`. The NameNode reads the znode without that identity, as production servers should.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { digestId, formatAcl, parseAcls, parseAuthInfos, ZkClient } from '../../lib/zk/index.ts';

export const PSEUDO_WHITELIST_ZNODE = '/hsec/whitelist';
export const PSEUDO_WHITELIST_SEED = '127.0.0.2/32';

export interface PseudoPolicy {
  /** hadoop.zk.acl for new znodes: admin writes, everyone reads. */
  readonly acl: string;
  /** The file holding `digest:admin:PASSWORD` (mode 0600), for `hadoop.zk.auth=@FILE`. */
  readonly adminAuthFile: string;
}

/** Writes the admin auth file and creates the seeded whitelist znode (and /hsec) with the ACL. */
export async function seedPseudoPolicy(connectString: string, dir: string): Promise<PseudoPolicy> {
  const credentials = `admin:${randomBytes(12).toString('base64url')}`;
  const adminAuthFile = join(dir, 'zk-admin.auth');
  writeFileSync(adminAuthFile, `digest:${credentials}\n`, { mode: 0o600 });
  const acl = parseAcls(`digest:${digestId(credentials)}:rwcda,world:anyone:r`);
  const zk = await ZkClient.connect({ connectString, authInfos: parseAuthInfos(`digest:${credentials}`) });
  try {
    const text = `# seeded by hsec start: clients from ${PSEUDO_WHITELIST_SEED} authenticate only; edit with hsec policy\n${PSEUDO_WHITELIST_SEED}\n`;
    await zk.multi([
      { type: 'create', path: '/hsec', acl },
      { type: 'create', path: PSEUDO_WHITELIST_ZNODE, data: new TextEncoder().encode(text), acl },
    ]);
  } finally {
    await zk.close();
  }
  return { acl: acl.map(formatAcl).join(','), adminAuthFile };
}
