/**
 * Extended attributes as Hadoop models them (HDFS-2006; hadoop-hdfs-client org.apache.hadoop.fs.XAttr,
 * org.apache.hadoop.hdfs.XAttrHelper, hadoop-common org.apache.hadoop.fs.XAttrSetFlag) and their
 * wire form (xattr.proto XAttrProto, converted as PBHelperClient.convertXAttrProto / convertXAttr
 * do). Shared by the NameNode, the client library and `hsec fs -getfattr / -setfattr`.
 *
 * A name travels without its namespace prefix; `user.a` is namespace USER, name `a`. XAttrHelper
 * takes the prefix case-insensitively and prints it in lower case; the rest of the name is case
 * sensitive. An attribute with no value and one with an empty value are the same to Hadoop (the
 * NameNode stores a zero-length value as none; clients read none as an empty value).
 */
import { FileSystemError } from '../../lib/errors/index.ts';

export const XATTR_NAMESPACES = ['USER', 'TRUSTED', 'SECURITY', 'SYSTEM', 'RAW'] as const;
/** XAttr.NameSpace (XAttrProto.XAttrNamespaceProto names). */
export type XAttrNamespace = (typeof XATTR_NAMESPACES)[number];

/** One extended attribute (XAttr). */
export interface XAttr {
  readonly namespace: XAttrNamespace;
  /** the name after the prefix */
  readonly name: string;
  /** absent = no value */
  readonly value?: Uint8Array;
}

/** XAttrProto as the codec reads and writes it. */
export interface XAttrProto {
  namespace: XAttrNamespace;
  name: string;
  value?: Uint8Array;
}

/** XAttrSetFlag / XAttrSetFlagProto bits of SetXAttrRequestProto.flag. */
export const XAttrSetFlag = { CREATE: 0x01, REPLACE: 0x02 } as const;

/** HdfsServerConstants.SECURITY_XATTR_UNREADABLE_BY_SUPERUSER. */
export const SECURITY_XATTR_UNREADABLE_BY_SUPERUSER = 'security.hdfs.unreadable.by.superuser';

const PREFIX_MESSAGE = "An XAttr name must be prefixed with user/trusted/security/system/raw, followed by a '.'";

function illegalArgument(message: string): FileSystemError {
  return new FileSystemError('FS_INVALID_ARGUMENT', message, { exceptionClassName: 'org.apache.hadoop.HadoopIllegalArgumentException' });
}

/**
 * XAttrHelper.buildXAttr: `prefix.name` to an XAttr. The prefix (at least 3 characters before the
 * first '.') must name a namespace, in any case; the name after it must not be empty
 * (HadoopIllegalArgumentException with Hadoop's messages).
 */
export function parseXAttrName(prefixedName: string, value?: Uint8Array): XAttr {
  const dot = prefixedName.indexOf('.');
  if (dot < 3) throw illegalArgument(PREFIX_MESSAGE);
  if (dot === prefixedName.length - 1) throw illegalArgument('XAttr name cannot be empty.');
  const prefix = prefixedName.slice(0, dot).toUpperCase();
  const namespace = XATTR_NAMESPACES.find((ns) => ns === prefix);
  if (!namespace) throw illegalArgument(PREFIX_MESSAGE);
  return { namespace, name: prefixedName.slice(dot + 1), ...(value !== undefined ? { value } : {}) };
}

/** XAttrHelper.getPrefixedName: `user.a`. */
export function prefixedName(x: Pick<XAttr, 'namespace' | 'name'>): string {
  return `${x.namespace.toLowerCase()}.${x.name}`;
}

/** XAttr.equalsIgnoreValue: same namespace and name. */
export function sameXAttr(a: Pick<XAttr, 'namespace' | 'name'>, b: Pick<XAttr, 'namespace' | 'name'>): boolean {
  return a.namespace === b.namespace && a.name === b.name;
}

/** PBHelperClient.convertXAttrProto: the value only when there is one. */
export function xattrToProto(x: XAttr): XAttrProto {
  return { namespace: x.namespace, name: x.name, ...(x.value !== undefined ? { value: x.value } : {}) };
}

/** PBHelperClient.convertXAttr. */
export function xattrFromProto(p: XAttrProto): XAttr {
  return { namespace: p.namespace, name: p.name, ...(p.value !== undefined ? { value: p.value } : {}) };
}

/** PBHelperClient.convert(EnumSet<XAttrSetFlag>) / convert(int): the flag bits. */
export function xattrSetFlagBits(flags: { create?: boolean; replace?: boolean }): number {
  return (flags.create ? XAttrSetFlag.CREATE : 0) | (flags.replace ? XAttrSetFlag.REPLACE : 0);
}
