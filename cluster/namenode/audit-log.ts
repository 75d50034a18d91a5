/**
 * The NameNode's audit log, component `namenode.audit` (Hadoop 3.4.1's FSNamesystem.AUDIT_LOG written
 * by FSNamesystem.FSNamesystemAuditLogger): one line per audited call, at INFO,
 *   allowed=<true|false>\tugi=<UGI>\tip=/<address>\tcmd=<cmd>\tsrc=<src>\tdst=<dst>\tperm=<owner:group:mode>\tproto=rpc
 * with src and dst escaped as StringEscapeUtils.escapeJava does (so a path cannot forge a line),
 * `null` for an absent value, the client address as InetAddress.getHostAddress prints it, and
 * `proto=rpc` (Server.getProtocol() of an RPC call). The commands listed in
 * dfs.namenode.audit.log.debug.cmdlist are written only while the logger is at DEBUG (still as INFO
 * lines, as Hadoop does). Hadoop's optional fields are off by default
 * and not written: trackingId (dfs.namenode.audit.log.token.tracking.id) and callerContext
 * (hadoop.caller.context.enabled). Callers pass names and paths only: a token appears as its
 * identifier's toStringStable text, never its password.
 */
import { getLogger } from '../../lib/log/logger.ts';
import { javaHostAddress } from '../../lib/net/ip-address.ts';

const audit = getLogger('namenode.audit');

/** One logAuditEvent(succeeded, ugi, addr, cmd, src, dst, status) call. */
export interface AuditEvent {
  allowed: boolean;
  /** UserGroupInformation.toString() of the caller (lib/rpc/ugi-string.ts) */
  ugi: string;
  /** the client's address */
  ip: string;
  cmd: string;
  src: string | null;
  dst?: string | null | undefined;
  /** the status's `owner:group:permission`, or undefined for none */
  perm?: string | undefined;
}

/** FSNamesystemAuditLogger.logAuditEvent's line. */
export function auditLine(e: AuditEvent): string {
  return `allowed=${e.allowed}\tugi=${e.ugi}\tip=/${javaHostAddress(e.ip)}\tcmd=${e.cmd}\tsrc=${escapeJava(e.src)}\tdst=${escapeJava(e.dst ?? null)}\tperm=${e.perm ?? 'null'}\tproto=rpc`;
}

/** The NameNode's audit logger (FSNamesystemAuditLogger), with its dfs.namenode.audit.log.debug.cmdlist. */
export class AuditLog {
  readonly #debugCmds: ReadonlySet<string>;

  constructor(debugCmds: Iterable<string> = []) {
    this.#debugCmds = new Set(debugCmds);
  }

  /**
   * Writes the event to `namenode.audit` at INFO: the fields, and Hadoop's line as the message. A
   * command of the debug list only when the logger is at DEBUG (AUDIT_LOG.isDebugEnabled()).
   */
  log(e: AuditEvent): void {
    // getfileinfo is audited on every call: nothing is formatted while the audit log is off (Hadoop's isInfoEnabled check)
    if (!audit.isLevelEnabled('info')) return;
    if (this.#debugCmds.has(e.cmd) && !audit.isLevelEnabled('debug')) return;
    audit.info({ allowed: e.allowed, ugi: e.ugi, ip: e.ip, cmd: e.cmd, src: e.src, dst: e.dst ?? null, perm: e.perm ?? null, proto: 'rpc' }, auditLine(e));
  }
}

/**
 * commons-text StringEscapeUtils.escapeJava: `"` and `\` backslashed, \b \t \n \f \r as such, every
 * other character below 32 or above 0x7f as \uXXXX (upper-case hex; UTF-16 units); null stays "null".
 */
export function escapeJava(s: string | null): string {
  if (s === null) return 'null';
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const named = NAMED_ESCAPES[s[i]!];
    if (named !== undefined) out += named;
    else if (c < 32 || c > 0x7f) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += s[i];
  }
  return out;
}

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };
