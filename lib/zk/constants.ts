/**
 * The ZooKeeper client protocol's numbers, in one table: operation codes (ZooDefs.OpCode), the
 * special xids (ClientCnxn: NOTIFICATION_XID, PING_XID, AUTHPACKET_XID), permission bits
 * (ZooDefs.Perms), create-mode flags (CreateMode), watcher event types and keeper states
 * (Watcher.Event), and KeeperException.Code values. Checked against ZooKeeper 3.8's sources.
 */

/** ZooDefs.OpCode: the request types this client sends. */
export const OpCode = {
  notification: 0,
  create: 1,
  delete: 2,
  exists: 3,
  getData: 4,
  setData: 5,
  getACL: 6,
  setACL: 7,
  getChildren: 8,
  ping: 11,
  getChildren2: 12,
  check: 13,
  multi: 14,
  auth: 100,
  sasl: 102,
  closeSession: -11,
  /** In a MultiResponse: the result of an operation that failed (ErrorResponse follows). */
  error: -1,
} as const;

/** ClientCnxn's reserved xids; ordinary requests count up from 1. */
export const Xid = {
  notification: -1,
  ping: -2,
  auth: -4,
} as const;

/** ZooDefs.Perms bits; ACL strings spell them `r w c d a` (ZKUtil.getPermFromString). */
export const Perms = {
  READ: 1,
  WRITE: 2,
  CREATE: 4,
  DELETE: 8,
  ADMIN: 16,
  ALL: 31,
} as const;

/** CreateMode flags sent in CreateRequest.flags. */
export const CREATE_MODE_FLAGS = {
  persistent: 0,
  ephemeral: 1,
  'persistent-sequential': 2,
  'ephemeral-sequential': 3,
} as const;

export type CreateMode = keyof typeof CREATE_MODE_FLAGS;

/** Watcher.Event.EventType. */
export const EventType = {
  None: -1,
  NodeCreated: 1,
  NodeDeleted: 2,
  NodeDataChanged: 3,
  NodeChildrenChanged: 4,
} as const;

/** KeeperException.Code values the client interprets (others are reported by number and name). */
export const KeeperCode = {
  OK: 0,
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  DATAINCONSISTENCY: -3,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  UNKNOWNSESSION: -12,
  NEWCONFIGNOQUORUM: -13,
  RECONFIGINPROGRESS: -14,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDCALLBACK: -113,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  SESSIONMOVED: -118,
  NOTREADONLY: -119,
  EPHEMERALONLOCALSESSION: -120,
  NOWATCHER: -121,
  REQUESTTIMEOUT: -122,
  RECONFIGDISABLED: -123,
  SESSIONCLOSEDREQUIRESASLAUTH: -124,
} as const;

/** The KeeperException.Code name of a number, e.g. -101 -> NONODE (UNKNOWN(n) otherwise). */
export function keeperCodeName(code: number): string {
  for (const [name, value] of Object.entries(KeeperCode)) if (value === code) return name;
  return `UNKNOWN(${code})`;
}

/** The protocol version in ConnectRequest (ClientCnxn sends 0). */
export const PROTOCOL_VERSION = 0;

/** A session password is 16 bytes (ZooKeeperServer.generatePasswd); a new session sends zeros. */
export const SESSION_PASSWORD_LENGTH = 16;

/**
 * Largest frame accepted from a server: ZooKeeper's client `jute.maxbuffer` default (0xfffff,
 * ZKClientConfig.CLIENT_MAX_PACKET_LENGTH_DEFAULT) plus room for the reply header and Stat.
 */
export const DEFAULT_MAX_FRAME_LENGTH = 0xfffff + 1024;

/** ZooKeeper's default client port, used when the connect string names a host without one. */
export const DEFAULT_PORT = 2181;
