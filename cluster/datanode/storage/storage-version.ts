/**
 * The VERSION files of a DataNode's storage directory, in the Java properties format Hadoop's
 * StorageInfo / DataStorage / BlockPoolSliceStorage write them (`#<date>` then `key=value` lines,
 * `\` before `=`, `:`, `#`, `!` and `\`):
 *
 *   <dir>/current/VERSION          storageID, clusterID, cTime, datanodeUuid, storageType=DATA_NODE, layoutVersion
 *   <dir>/current/<bpid>/current/VERSION   namespaceID, cTime, blockpoolID, layoutVersion
 *
 * They keep the DataNode's identity (its UUID and storage id) across restarts and tie the
 * directory to one cluster: a NameNode of another cluster or namespace is refused
 * (DataStorage.recoverTransitionRead: "Incompatible clusterIDs"). Files are written whole to a
 * temporary name and renamed, so a crash leaves the old or the new one.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StorageError } from '../../../lib/errors/index.ts';
import { fileError } from '../../../lib/fs/file-errors.ts';
import { DATANODE_LAYOUT_VERSION } from '../../protocol/datanode-protocol.ts';

export interface DataStorageInfo {
  /** DatanodeStorage id, `DS-<uuid>` (DatanodeStorage.generateUuid). */
  storageID: string;
  /** Set when the first NameNode handshake binds the directory to a cluster. */
  clusterID: string | undefined;
  cTime: number;
  datanodeUuid: string;
  layoutVersion: number;
}

export interface BlockPoolStorageInfo {
  namespaceID: number;
  cTime: number;
  blockpoolID: string;
  layoutVersion: number;
}

const HINT = 'check dfs.datanode.data.dir and the permissions of the directory';

/** Java Properties.store: a date comment, then escaped `key=value` lines. */
export function formatProperties(props: Readonly<Record<string, string | number>>, now = new Date()): string {
  const lines = [`#${now.toUTCString()}`];
  for (const [k, v] of Object.entries(props)) lines.push(`${escape(k)}=${escape(String(v))}`);
  return `${lines.join('\n')}\n`;
}

/** Java Properties.load for the simple files above (no line continuations). */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimStart();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    let i = 0;
    while (i < line.length && !(line[i] === '=' || line[i] === ':')) i += line[i] === '\\' ? 2 : 1;
    out.set(unescape(line.slice(0, i).trimEnd()), unescape(line.slice(i + 1).trimStart()));
  }
  return out;
}

function escape(s: string): string {
  return s.replace(/[\\=:#!]/g, (c) => `\\${c}`);
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

export async function readDataStorageInfo(path: string): Promise<DataStorageInfo | undefined> {
  const props = await readProperties(path);
  if (!props) return undefined;
  const storageID = props.get('storageID');
  const datanodeUuid = props.get('datanodeUuid');
  if (!storageID || !datanodeUuid || props.get('storageType') !== 'DATA_NODE') {
    throw new StorageError('STORAGE_INCOMPATIBLE', `${path} is not a DataNode VERSION file (storageType=${props.get('storageType')}, storageID and datanodeUuid required); ${HINT}`, { path, configKey: 'dfs.datanode.data.dir' });
  }
  return {
    storageID,
    clusterID: props.get('clusterID') || undefined,
    cTime: Number(props.get('cTime') ?? 0),
    datanodeUuid,
    layoutVersion: Number(props.get('layoutVersion') ?? DATANODE_LAYOUT_VERSION),
  };
}

/** A fresh identity: DataNode.generateUuid and DatanodeStorage.generateUuid. */
export function newDataStorageInfo(): DataStorageInfo {
  return { storageID: `DS-${randomUUID()}`, clusterID: undefined, cTime: 0, datanodeUuid: randomUUID(), layoutVersion: DATANODE_LAYOUT_VERSION };
}

export async function writeDataStorageInfo(path: string, info: DataStorageInfo): Promise<void> {
  await writeProperties(path, {
    storageID: info.storageID,
    clusterID: info.clusterID ?? '',
    cTime: info.cTime,
    datanodeUuid: info.datanodeUuid,
    storageType: 'DATA_NODE',
    layoutVersion: info.layoutVersion,
  });
}

export async function readBlockPoolStorageInfo(path: string): Promise<BlockPoolStorageInfo | undefined> {
  const props = await readProperties(path);
  if (!props) return undefined;
  return {
    namespaceID: Number(props.get('namespaceID') ?? 0),
    cTime: Number(props.get('cTime') ?? 0),
    blockpoolID: props.get('blockpoolID') ?? '',
    layoutVersion: Number(props.get('layoutVersion') ?? DATANODE_LAYOUT_VERSION),
  };
}

export async function writeBlockPoolStorageInfo(path: string, info: BlockPoolStorageInfo): Promise<void> {
  await writeProperties(path, { namespaceID: info.namespaceID, cTime: info.cTime, blockpoolID: info.blockpoolID, layoutVersion: info.layoutVersion });
}

async function readProperties(path: string): Promise<Map<string, string> | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileError('read', path, e, HINT, { configKey: 'dfs.datanode.data.dir' });
  }
  return parseProperties(text);
}

async function writeProperties(path: string, props: Record<string, string | number>): Promise<void> {
  const tmp = `${path}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, formatProperties(props), { mode: 0o644 });
    await rename(tmp, path);
  } catch (e) {
    throw fileError('write', path, e, HINT, { configKey: 'dfs.datanode.data.dir' });
  }
}
