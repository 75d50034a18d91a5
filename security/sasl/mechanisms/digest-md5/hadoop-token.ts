/**
 * How Hadoop feeds a delegation/block/job token to DIGEST-MD5 (Hadoop's
 * SaslRpcServer/SaslRpcClient): protocol "" and server name "default" (so realm "default" and
 * digest-uri "/default"); user name = standard padded Base64 of the token identifier bytes;
 * password = standard padded Base64 of the token password bytes.
 */
export const HADOOP_DIGEST_PROTOCOL = '';
export const HADOOP_DIGEST_SERVER_NAME = 'default';

/** SASL user name for a token identifier. */
export function encodeTokenIdentifier(identifier: Uint8Array): string {
  return Buffer.from(identifier).toString('base64');
}

/** Token identifier bytes from a SASL user name. */
export function decodeTokenIdentifier(userName: string): Buffer {
  return Buffer.from(userName, 'base64');
}

/** SASL password characters for a token password. */
export function encodeTokenPassword(password: Uint8Array): string {
  return Buffer.from(password).toString('base64');
}

/** The DIGEST-MD5 client credentials of a token: spread into DigestMd5ClientOptions. */
export function tokenClientCredentials(identifier: Uint8Array, password: Uint8Array): {
  username: string;
  password: string;
  protocol: string;
  serverName: string;
} {
  return {
    username: encodeTokenIdentifier(identifier),
    password: encodeTokenPassword(password),
    protocol: HADOOP_DIGEST_PROTOCOL,
    serverName: HADOOP_DIGEST_SERVER_NAME,
  };
}
