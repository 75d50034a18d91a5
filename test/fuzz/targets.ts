/**
 * Every decoder that takes bytes (or text) from outside the process, as a fuzz target: the IPC
 * preamble, frames, RpcSaslProto, request and response headers, the connection context, the
 * ClientProtocol token messages, Writable tokens, token URL strings, HDTS credentials files,
 * delegation-token identifiers and master keys, exported block keys, the fast-privacy key message,
 * DIGEST-MD5 directives and a DIGEST-MD5 server fed a forged response, GSS initial tokens and RFC
 * 4121 per-message tokens, the SASL GSSAPI layer message, Kerberos ASN.1 messages (AP-REQ,
 * KRB-ERROR, KDC-REP, Ticket, raw DER), keytab and ccache files, krb5.conf, Hadoop XML
 * configuration, ZooKeeper replies, what reaches a DataNode (op requests WRITE_BLOCK for a new file
 * and an append, READ_BLOCK and BLOCK_CHECKSUM, write packets, meta file headers and VERSION files,
 * block token identifiers, data-transfer SASL messages), what reaches a client from a DataNode (op
 * responses, pipeline acks, a BLOCK_CHECKSUM answer taken to a file checksum), block reports,
 * ZooKeeper token store znodes, the namespace journal (every op kind) and snapshot, and the
 * whitelist and principal-rule texts; and from the files next to this one: every request and
 * response of ClientProtocol, DatanodeProtocol, the two refresh protocols and InterDatanodeProtocol
 * (./rpc-method-targets.ts), service-ACL, host-list and proxy-user values, chmod and umask modes,
 * path globs and trash checkpoint names (./text-targets.ts), and what `hsec fs -text` reads:
 * SequenceFiles and gzip/zlib/codec detection (./file-targets.ts), and KCM daemon replies, the
 * keyring helper's dump, the delegation-token store's journal, a SharedCount znode and the
 * ZooKeeper ACL texts (./local-store-targets.ts). Each target has seeds that are valid inputs
 * (bytes stock Hadoop or MIT wrote, from test/vectors, or our encoders' output), which the mutator
 * starts from. A run must return or throw an HsecError (a typed error with a code); anything else
 * is an internal error.
 */
import { readFileSync } from 'node:fs';
import { scanFrames } from '../../lib/journal/frame.ts';
import { aclRecord, xattrsRecord, quotaRecord, storagePolicyRecord, lastTxidRecord, identityRecord, inodeRecord, journalPayloads, snapshotEndRecord, snapshotPayloads, transactionRecord } from '../../cluster/namenode/namespace/edit-log.ts';
import { HsecError } from '../../lib/errors/index.ts';
import { DataInput } from '../../lib/codec/data-input.ts';
import { FrameDecoder, encodeFrame } from '../../lib/rpc/frame.ts';
import { decodePreamble, encodePreamble } from '../../lib/rpc/preamble.ts';
import {
  decodeConnectionContext, decodeRequestHeader, decodeRequestHeaderProto, decodeResponseHeader, decodeSasl,
  encodeConnectionContext, encodeRequestHeader, encodeRequestHeaderProto, encodeResponseHeader, encodeSasl,
} from '../../lib/rpc/messages.ts';
import { AuthProtocol, SaslState } from '../../lib/rpc/constants.ts';
import { parseConfigurationXml } from '../../lib/config/xml-loader.ts';
import { decodeConnectResponse, encodeConnectRequest, readReplyHeader } from '../../lib/zk/records.ts';
import { readStat } from '../../lib/zk/jute.ts';
import { readMultiResponse } from '../../lib/zk/multi.ts';
import {
  decodeGetDelegationTokenResponse, decodeGetServerDefaultsResponse, decodeRenewDelegationTokenResponse, decodeTokenRequest,
  encodeGetDelegationTokenResponse, encodeTokenRequest,
} from '../../cluster/protocol/client-protocol.ts';
import { Token } from '../../security/token/token.ts';
import { Credentials } from '../../security/token/credentials.ts';
import { DelegationTokenIdentifier } from '../../security/token/delegation-token-identifier.ts';
import { DelegationKey } from '../../security/token/keys/delegation-key.ts';
import { parseDirectives } from '../../security/sasl/mechanisms/digest-md5/directives.ts';
import { createSaslServer } from '../../security/sasl/registry.ts';
import { HADOOP_DIGEST_PROTOCOL, HADOOP_DIGEST_SERVER_NAME, tokenClientCredentials } from '../../security/sasl/index.ts';
import { createSaslClient } from '../../security/sasl/registry.ts';
import { decodeLayerMessage, encodeLayerMessage } from '../../security/sasl/mechanisms/gssapi/layer-message.ts';
import { decodeInitialToken } from '../../security/kerberos/gss/framing.ts';
import { GssSecurityContext } from '../../security/kerberos/gss/security-context.ts';
import { InitiatorContext } from '../../security/kerberos/gss/initiator.ts';
import { GSS_FLAGS } from '../../security/kerberos/gss/authenticator-checksum.ts';
import { getProfile, randomKey } from '../../security/kerberos/crypto/index.ts';
import { decodeApReq, decodeKdcRep, decodeKrbError, decodeTicket, encodeKrbError } from '../../security/kerberos/messages/index.ts';
import { parseDer } from '../../security/kerberos/messages/der.ts';
import { parseKeytab } from '../../security/kerberos/keytab/index.ts';
import { parseCcache } from '../../security/kerberos/ccache/index.ts';
import { parseKrb5Conf } from '../../security/kerberos/config/krb5-conf.ts';
import { alice, nn, ticketFor } from '../support/kerberos-tickets.ts';
import { ByteQueue } from '../../cluster/protocol/datatransfer/byte-queue.ts';
import { tryReadDelimited, tryReadOpRequest } from '../../cluster/protocol/datatransfer/op-frame.ts';
import { delimit } from '../../lib/codec/varint.ts';
import { parseIp } from '../../lib/net/ip-address.ts';
import { decodeOpBlockChecksum, decodeOpReadBlock, decodeOpWriteBlock, encodeOpBlockChecksum, encodeOpReadBlock, encodeOpWriteBlock, type OpWriteBlock } from '../../cluster/protocol/datatransfer/messages.ts';
import { encodeDataPacket, encodeLastPacket, tryReadPacket } from '../../cluster/protocol/datatransfer/packet.ts';
import { verifyChecksums } from '../../cluster/protocol/datatransfer/checksum.ts';
import { decodeMetadataHeader, encodeMetadataHeader } from '../../cluster/datanode/storage/block-metadata-header.ts';
import { formatProperties, parseProperties } from '../../cluster/datanode/storage/storage-version.ts';
import { BlockTokenIdentifier } from '../../security/token/block-token-identifier.ts';
import { DataTransferEncryptorStatus, decodeMessageBody, encodeMessageBody } from '../../security/datatransfer/messages.ts';
import { decodeTokenZnode } from '../../security/token/store/zookeeper/znode-codec.ts';
import { compileIpList } from '../../security/resolver/ip-list.ts';
import { parsePrincipalRules } from '../../security/resolver/principal-rules.ts';
import { decodeBlockOpResponse, decodeClientReadStatus, decodePipelineAck, encodeBlockOpResponse, encodeClientReadStatus, encodePipelineAck } from '../../cluster/protocol/datatransfer/messages.ts';
import { decodeBlocksBuffers, encodeBlocksBuffers } from '../../cluster/protocol/block-list-as-longs.ts';
import { checkOpResponse } from '../../cluster/client/block-reader.ts';
import { compositeCrcFileChecksum, md5CrcFileChecksum } from '../../cluster/client/file-checksum.ts';
import { decodeMethodMessage, rpcMethodSeeds } from './rpc-method-targets.ts';
import { TEXT_TARGETS } from './text-targets.ts';
import { FILE_TARGETS } from './file-targets.ts';
import { LOCAL_STORE_TARGETS } from './local-store-targets.ts';
import { decodeExportedBlockKeys, encodeExportedBlockKeys } from '../../security/token/keys/exported-block-keys.ts';
import { decodeKeyMessage, encodeKeyMessage } from '../../security/sasl/rpc/fast-privacy/key-message.ts';

export interface FuzzTarget {
  readonly name: string;
  /** Valid inputs to mutate from. */
  readonly seeds: () => Uint8Array[];
  /** Decodes one input; may throw only HsecError. */
  readonly run: (input: Uint8Array) => unknown;
  /** `run` returns a promise to await. */
  readonly async?: boolean;
}

const vector = (file: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`../vectors/${file}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Inputs read from the outside world: an HsecError is the answer to bad bytes; anything else is a bug. */
export function isTypedFailure(e: unknown): boolean {
  return e instanceof HsecError;
}

const hdts = () => vector('hdts-credentials.json') as { files: Record<string, string>; token: { identifier: Record<string, unknown> }; token_url_string: string };
const files = () => vector('kerberos-files.json') as { keytab: { fileHex: string }; ccache: { fileHex: string; serviceKeytabHex: string } };

/** The first frames of the recorded stock Hadoop 3.4.1 Kerberos IPC session (frame heads only). */
function ipcTraceHeads(): Uint8Array[] {
  const trace = vector('ipc-sasl-traces.json') as Record<string, { client_to_server: Array<Record<string, string>>; server_to_client: Array<Record<string, string>> }>;
  return Object.values(trace)
    .filter((v) => typeof v === 'object' && v && 'client_to_server' in v)
    .flatMap((v) => [...v.client_to_server, ...v.server_to_client])
    .map((m) => m['frame_head_hex'] ?? m['preamble_hex'])
    .filter((h): h is string => typeof h === 'string')
    .map(hex);
}

function delegationIdentifier(): DelegationTokenIdentifier {
  return DelegationTokenIdentifier.create('HDFS_DELEGATION_TOKEN', {
    owner: 'alice@EXAMPLE.TEST', renewer: 'yarn', realUser: '', issueDate: 1_700_000_000_000, maxDate: 1_700_604_800_000, sequenceNumber: 7, masterKeyId: 2,
  });
}

function sampleToken(): Token {
  return new Token(delegationIdentifier().bytes, Uint8Array.from({ length: 20 }, (_, i) => i), 'HDFS_DELEGATION_TOKEN', '127.0.0.1:8020');
}

/** A GSS context pair on a fresh aes256 session key, as GSSAPI would leave it after AP-REQ/AP-REP. */
function contextPair(): { ini: GssSecurityContext; acc: GssSecurityContext } {
  const etype = getProfile(18).etype;
  const base = {
    initiatorName: alice, acceptorName: nn, sessionKey: randomKey(etype), initiatorSubkey: randomKey(etype), acceptorSubkey: randomKey(etype),
    flags: GSS_FLAGS.MUTUAL | GSS_FLAGS.REPLAY | GSS_FLAGS.SEQUENCE | GSS_FLAGS.CONF | GSS_FLAGS.INTEG, endTime: Date.now() + 3_600_000,
  };
  return {
    ini: new GssSecurityContext({ ...base, role: 'initiator', sendSeq: 1, recvSeq: 7 }),
    acc: new GssSecurityContext({ ...base, role: 'acceptor', sendSeq: 7, recvSeq: 1 }),
  };
}

let gss: { acc: GssSecurityContext; wrapped: Uint8Array[] } | undefined;
function gssPair() {
  if (!gss) {
    const { ini, acc } = contextPair();
    gss = { acc, wrapped: [ini.wrap(utf8('getDelegationToken'), true), ini.wrap(Buffer.alloc(1024, 7), false), ini.wrap(Uint8Array.of(), true)] };
  }
  return gss;
}

/** An initial context token (GSS framing around an AP-REQ) for an in-process ticket. */
function initialToken(): Uint8Array {
  const service = { principal: nn, kvno: 3, key: randomKey(18) };
  return new InitiatorContext({ credential: ticketFor(service) }).step()!;
}

const DIGEST_IDENTIFIER = utf8('fuzz-identifier');
const DIGEST_PASSWORD = utf8('fuzz-password');

/** A DIGEST-MD5 server that has sent its challenge; each run answers it with the fuzzed response. */
async function digestServerStep(response: Uint8Array): Promise<void> {
  const server = createSaslServer('DIGEST-MD5', { protocol: HADOOP_DIGEST_PROTOCOL, serverName: HADOOP_DIGEST_SERVER_NAME, qop: ['auth-conf', 'auth-int', 'auth'], passwordLookup: async () => Buffer.from(DIGEST_PASSWORD).toString('base64') });
  await server.step(new Uint8Array());
  await server.step(response);
}

async function digestResponseSeed(): Promise<Uint8Array> {
  const server = createSaslServer('DIGEST-MD5', { protocol: HADOOP_DIGEST_PROTOCOL, serverName: HADOOP_DIGEST_SERVER_NAME, qop: ['auth'], passwordLookup: async () => Buffer.from(DIGEST_PASSWORD).toString('base64') });
  const challenge = (await server.step(new Uint8Array()))!;
  const client = createSaslClient('DIGEST-MD5', { ...tokenClientCredentials(DIGEST_IDENTIFIER, DIGEST_PASSWORD), qop: ['auth'] });
  return (await client.step(challenge))!;
}
let digestSeed: Uint8Array | undefined;
export async function prepareTargets(): Promise<void> {
  digestSeed ??= await digestResponseSeed();
}

const KRB5_CONF = `[libdefaults]
  default_realm = EXAMPLE.TEST
  clockskew = 300
  permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha256-128
[realms]
  EXAMPLE.TEST = {
    kdc = 127.0.0.1:88
    kdc = tcp/kdc2.example.test
  }
[domain_realm]
  .example.test = EXAMPLE.TEST
`;

const CORE_SITE = `<?xml version="1.0"?>
<configuration>
  <property><name>hadoop.security.authentication</name><value>kerberos</value><final>true</final></property>
  <property><name>hadoop.rpc.protection</name><value>privacy,authentication</value></property>
  <property><name>ipc.maximum.data.length</name><value>\${x.y}</value><description>a &amp; b</description></property>
</configuration>
`;

/** What the DataNode's op loop does with the first bytes of a connection: frame, then decode the op. */
function dataNodeOp(b: Uint8Array): unknown {
  const q = new ByteQueue();
  q.push(b);
  const req = tryReadOpRequest(q);
  if (req?.op === 'WRITE_BLOCK') return decodeOpWriteBlock(req.body);
  if (req?.op === 'READ_BLOCK') return decodeOpReadBlock(req.body);
  if (req?.op === 'BLOCK_CHECKSUM') return decodeOpBlockChecksum(req.body);
  return req;
}

/** What BlockReceiver does with packet bytes: frame, then verify the chunk checksums. */
function dataNodePackets(b: Uint8Array): unknown {
  const q = new ByteQueue();
  q.push(b);
  for (let p = tryReadPacket(q); p; p = tryReadPacket(q)) {
    if (p.checksums.length > 0) verifyChecksums({ type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 }, p.data, p.checksums, p.header.offsetInBlock);
  }
  return q.length;
}

const FUZZ_BLOCK = { poolId: 'BP-1-127.0.0.1-1', blockId: 1073741825, generationStamp: 1001, numBytes: 134217728 };
const FUZZ_TOKEN = { identifier: Uint8Array.of(1, 2, 3), password: Uint8Array.of(4, 5, 6), kind: 'HDFS_BLOCK_TOKEN', service: '' };
const FUZZ_WRITE: OpWriteBlock = {
  header: { baseHeader: { block: FUZZ_BLOCK, token: FUZZ_TOKEN }, clientName: 'DFSClient_NONMAPREDUCE_1_1' }, targets: [{ id: { ipAddr: '127.0.0.1', hostName: 'h', datanodeUuid: 'u', xferPort: 9866, infoPort: 0, ipcPort: 0 } }],
  stage: 'PIPELINE_SETUP_CREATE', pipelineSize: 2, minBytesRcvd: 0, maxBytesRcvd: 0, latestGenerationStamp: 0, requestedChecksum: { type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 }, cachingStrategy: {}, targetPinnings: [false],
};


const blockTokens = () => vector('block-token-identifiers.json') as { formats: Record<string, { tokens: Array<{ identifier_hex: string }> }> };
const zkStore = () => vector('zk-delegation-token-store.json') as { znodes_final: Array<{ path: string; data_hex: string }> };

/** What a client does with a DataNode's answer to an op, then its acks and read status. */
function dataNodeReplies(b: Uint8Array): unknown {
  const q = new ByteQueue();
  q.push(b);
  const first = tryReadDelimited(q);
  if (!first) return undefined;
  const response = decodeBlockOpResponse(first);
  const second = tryReadDelimited(q);
  return second ? [response, decodePipelineAck(second)] : response;
}

/**
 * What a client does with a DataNode's answer to BLOCK_CHECKSUM (file-checksum-computer.ts
 * blockChecksumFrom: frame, decode, status), then the file checksums of a one-block file from it
 * (file-checksum.ts: MD5-of-MD5-of-CRC and composite CRC).
 */
function blockChecksumAnswer(b: Uint8Array): unknown {
  const q = new ByteQueue();
  q.push(b);
  const frame = tryReadDelimited(q, 1 << 20, 'BlockOpResponse');
  if (!frame) return undefined;
  const response = decodeBlockOpResponse(frame);
  checkOpResponse(response, 'BLOCK_CHECKSUM', '127.0.0.1:9866', FUZZ_BLOCK.blockId);
  const answer = response.checksumResponse;
  const type = answer?.crcType?.slice('CHECKSUM_'.length);
  if (!answer || (type !== 'CRC32' && type !== 'CRC32C')) return response;
  return [md5CrcFileChecksum([answer.blockChecksum], type, answer.bytesPerCrc, answer.crcPerBlock), compositeCrcFileChecksum([answer.blockChecksum], [1000, 24], type, answer.bytesPerCrc, 1024, 24)];
}

/** What the ZooKeeper whitelist watcher does with a znode's text: parse, build the lookup table, match. */
async function whitelistText(b: Uint8Array): Promise<unknown> {
  const list = await compileIpList(Buffer.from(b).toString('utf8'), 'fuzz znode', async () => '10.9.8.7'); // no DNS in the fuzzer
  return ['10.1.2.3', '192.168.1.7', '2001:db8::1', '127.0.0.1'].map((a) => list.value.match(parseIp(a)!));
}

const WHITELIST = '# internal networks\n10.0.0.0/8\n192.168.1.7\n2001:db8::/32\n::ffff:10.1.2.3\ngateway.example.test\n';
const PRINCIPAL_RULES = '# private principals\nalice@EXAMPLE.TEST\n*/etl-*.example.test@EXAMPLE.TEST\nhive/*@*\n';

export const TARGETS: readonly FuzzTarget[] = [
  {
    name: 'BlockTokenIdentifier (legacy and protobuf)',
    seeds: () => Object.values(blockTokens().formats).flatMap((f) => f.tokens.map((t) => hex(t.identifier_hex))),
    run: (b) => BlockTokenIdentifier.decode(b).toString(),
  },
  {
    name: 'data-transfer SASL messages',
    seeds: () => [
      encodeMessageBody({ status: DataTransferEncryptorStatus.SUCCESS, payload: utf8('realm="0",nonce="abc",qop="auth-conf",charset=utf-8,algorithm=md5-sess') }),
      encodeMessageBody({ status: DataTransferEncryptorStatus.SUCCESS, payload: Uint8Array.of(1, 2, 3), cipherOptions: [{ suite: 1, inKey: new Uint8Array(32), inIv: new Uint8Array(16), outKey: new Uint8Array(32), outIv: new Uint8Array(16) }] }),
      encodeMessageBody({ status: DataTransferEncryptorStatus.ERROR_UNKNOWN_KEY, message: 'Can\'t re-compute encryption key for nonce', accessTokenError: true }),
    ],
    run: decodeMessageBody,
  },
  {
    name: 'DataNode replies to a client (op response, pipeline acks, read status)',
    seeds: () => [
      Buffer.concat([delimit(encodeBlockOpResponse({ status: 'SUCCESS', firstBadLink: '' })), delimit(encodePipelineAck({ seqno: 3, reply: ['SUCCESS', 'SUCCESS'], flag: [0, 0] }))]),
      delimit(encodeBlockOpResponse({ status: 'SUCCESS', readOpChecksumInfo: { checksum: { type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 }, chunkOffset: 1024 } })),
      delimit(encodeBlockOpResponse({ status: 'ERROR_ACCESS_TOKEN', message: 'Block token with block_token_identifier (...) doesn\'t have READ permission' })),
    ],
    run: dataNodeReplies,
  },
  {
    name: 'BLOCK_CHECKSUM answer to a client',
    seeds: () => [
      delimit(encodeBlockOpResponse({ status: 'SUCCESS', checksumResponse: { bytesPerCrc: 512, crcPerBlock: 2, blockChecksum: Uint8Array.from({ length: 16 }, (_, i) => i * 13), crcType: 'CHECKSUM_CRC32C', blockChecksumOptions: { blockChecksumType: 'MD5CRC', stripeLength: 0 } } })),
      delimit(encodeBlockOpResponse({ status: 'SUCCESS', checksumResponse: { bytesPerCrc: 512, crcPerBlock: 2, blockChecksum: Uint8Array.of(0xde, 0xad, 0xbe, 0xef), crcType: 'CHECKSUM_CRC32', blockChecksumOptions: { blockChecksumType: 'COMPOSITE_CRC', stripeLength: 0 } } })),
    ],
    run: blockChecksumAnswer,
  },
  { name: 'client read status', seeds: () => [encodeClientReadStatus('CHECKSUM_OK'), encodeClientReadStatus('SUCCESS')], run: decodeClientReadStatus },
  {
    name: 'block report buffers',
    seeds: () => encodeBlocksBuffers([{ blockId: 1073741825, numBytes: 9, generationStamp: 1001, state: 'FINALIZED' }, { blockId: 1073741826, numBytes: 0, generationStamp: 1002, state: 'RBW' }]).blocksBuffers,
    run: (b) => decodeBlocksBuffers(2, [b]),
  },
  {
    name: 'ZooKeeper token store znodes',
    seeds: () => zkStore().znodes_final.filter((z) => /\/DT_\d+$/.test(z.path)).map((z) => hex(z.data_hex)),
    run: (b) => decodeTokenZnode(b, 'HDFS_DELEGATION_TOKEN', '/fuzz/ZKDTSMTokensRoot/DT_1'),
  },
  { name: 'whitelist text (file or znode)', seeds: () => [utf8(WHITELIST)], run: whitelistText, async: true },
  { name: 'private principal rules', seeds: () => [utf8(PRINCIPAL_RULES)], run: (b) => parsePrincipalRules(Buffer.from(b).toString('utf8'), 'fuzz znode') },
  {
    name: 'DataNode op requests (WRITE_BLOCK, READ_BLOCK, BLOCK_CHECKSUM)',
    seeds: () => [
      encodeOpWriteBlock(FUZZ_WRITE),
      encodeOpWriteBlock({ ...FUZZ_WRITE, stage: 'PIPELINE_SETUP_APPEND', header: { ...FUZZ_WRITE.header, baseHeader: { ...FUZZ_WRITE.header.baseHeader, block: { ...FUZZ_BLOCK, numBytes: 1100 } } }, minBytesRcvd: 1100, maxBytesRcvd: 1100, latestGenerationStamp: 1002 }),
      encodeOpReadBlock({ header: { baseHeader: { block: FUZZ_BLOCK, token: FUZZ_TOKEN }, clientName: 'c' }, offset: 0, len: 1000, sendChecksums: true }),
      encodeOpBlockChecksum({ header: { block: FUZZ_BLOCK, token: FUZZ_TOKEN }, blockChecksumOptions: { blockChecksumType: 'COMPOSITE_CRC', stripeLength: 0 } }),
      encodeOpBlockChecksum({ header: { block: FUZZ_BLOCK, token: FUZZ_TOKEN } }),
    ],
    run: dataNodeOp,
  },
  {
    name: 'DataNode write packets (framing, checksums)',
    seeds: () => [Buffer.concat([encodeDataPacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false }, { type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 }, Uint8Array.from({ length: 1100 }, (_, i) => i)), encodeLastPacket(1100, 1)])],
    run: dataNodePackets,
  },
  { name: 'block meta file header', seeds: () => [encodeMetadataHeader({ type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 })], run: (b) => decodeMetadataHeader(b, 'fuzz.meta') },
  { name: 'DataNode VERSION file', seeds: () => [utf8(formatProperties({ storageID: 'DS-1', clusterID: 'CID-1', cTime: 0, datanodeUuid: 'u', storageType: 'DATA_NODE', layoutVersion: -57 }))], run: (b) => parseProperties(Buffer.from(b).toString('utf8')) },
  { name: 'ipc preamble', seeds: () => [encodePreamble({ authProtocol: AuthProtocol.SASL }), encodePreamble({ authProtocol: AuthProtocol.NONE })], run: decodePreamble },
  {
    name: 'ipc frames (split feed)',
    seeds: () => [encodeFrame(encodeRequestHeader({ rpcKind: 2, rpcOp: 0, callId: -33, clientId: new Uint8Array(), retryCount: -1 }), encodeSasl({ state: SaslState.NEGOTIATE })), ...ipcTraceHeads()],
    run: (input) => {
      const d = new FrameDecoder({ maxDataLength: 1 << 20 });
      const cut = input.length >> 1;
      d.push(input.subarray(0, cut));
      d.push(input.subarray(cut));
    },
  },
  { name: 'RpcSaslProto', seeds: () => [encodeSasl({ state: SaslState.NEGOTIATE, auths: [{ method: 'TOKEN', mechanism: 'DIGEST-MD5', protocol: '', serverId: 'default', challenge: utf8('realm="default",nonce="x"') }, { method: 'KERBEROS', mechanism: 'GSSAPI', protocol: 'nn', serverId: 'localhost' }] }), encodeSasl({ state: SaslState.INITIATE, token: utf8('abc'), auths: [{ method: 'KERBEROS', mechanism: 'GSSAPI' }] })], run: decodeSasl },
  { name: 'RpcRequestHeaderProto', seeds: () => [encodeRequestHeader({ rpcKind: 2, rpcOp: 0, callId: 3, clientId: new Uint8Array(16), retryCount: 0 })], run: decodeRequestHeader },
  { name: 'RpcResponseHeaderProto', seeds: () => [encodeResponseHeader({ callId: 3, status: 1, serverIpcVersionNum: 9, exceptionClassName: 'org.apache.hadoop.security.token.SecretManager$InvalidToken', errorMsg: 'token expired', errorDetail: 1, clientId: new Uint8Array(16), retryCount: -1 })], run: decodeResponseHeader },
  { name: 'RequestHeaderProto', seeds: () => [encodeRequestHeaderProto({ methodName: 'getDelegationToken', declaringClassProtocolName: 'org.apache.hadoop.hdfs.protocol.ClientProtocol', clientProtocolVersion: 1n })], run: decodeRequestHeaderProto },
  { name: 'IpcConnectionContextProto', seeds: () => [encodeConnectionContext({ protocol: 'org.apache.hadoop.hdfs.protocol.ClientProtocol', userInfo: { effectiveUser: 'alice@EXAMPLE.TEST', realUser: 'oozie' } })], run: decodeConnectionContext },
  {
    name: 'ClientProtocol token messages',
    seeds: () => [encodeGetDelegationTokenResponse(sampleToken()), encodeTokenRequest('renew', sampleToken())],
    run: (b) => {
      // Each decoder on the same bytes: a response for one may be a request for another.
      for (const f of [decodeGetDelegationTokenResponse, decodeRenewDelegationTokenResponse, decodeGetServerDefaultsResponse, (x: Uint8Array) => decodeTokenRequest('cancel', x)]) {
        try {
          f(b);
        } catch (e) {
          if (!isTypedFailure(e)) throw e;
        }
      }
    },
  },
  { name: 'Token (Writable)', seeds: () => [sampleToken().encodeWritable()], run: (b) => Token.decodeWritable(b) },
  { name: 'Token URL string', seeds: () => [utf8(hdts().token_url_string)], run: (b) => Token.decodeFromUrlString(text(b)) },
  { name: 'HDTS credentials file', seeds: () => Object.values(hdts().files).map(hex), run: (b) => Credentials.decode(b, 'fuzz') },
  { name: 'DelegationTokenIdentifier', seeds: () => [delegationIdentifier().bytes], run: (b) => DelegationTokenIdentifier.decode(b) },
  { name: 'DelegationKey (Writable)', seeds: () => [new DelegationKey(3, 1_700_000_000_000, Uint8Array.from({ length: 8 }, (_, i) => i + 1)).encode()], run: (b) => DelegationKey.decode(b) },
  { name: 'DIGEST-MD5 directives', seeds: () => [utf8('realm="default",nonce="OA6MG9tEQGm2hh",qop="auth,auth-int,auth-conf",charset=utf-8,algorithm=md5-sess,cipher="3des,rc4"')], run: (b) => parseDirectives(b, 'SASL_BAD_RESPONSE') },
  { name: 'DIGEST-MD5 server (forged responses)', seeds: () => (digestSeed ? [digestSeed] : []), run: digestServerStep, async: true },
  { name: 'GSS initial token (AP-REQ)', seeds: () => [initialToken()], run: decodeInitialToken },
  { name: 'GSS wrap token (RFC 4121 unwrap)', seeds: () => gssPair().wrapped, run: (b) => gssPair().acc.unwrap(b) },
  { name: 'SASL GSSAPI layer message', seeds: () => [encodeLayerMessage({ layers: 7, maxBuffer: 65536, authorizationId: '' }), encodeLayerMessage({ layers: 4, maxBuffer: 65536, authorizationId: 'alice@EXAMPLE.TEST' })], run: (b) => decodeLayerMessage(b, 'client') },
  {
    name: 'Kerberos ASN.1 messages',
    seeds: () => [decodeInitialToken(initialToken()).body, encodeKrbError({ stime: 1_700_000_000_000, susec: 0, errorCode: 25, realm: 'EXAMPLE.TEST', sname: nn.name, eText: 'preauth required' }), ticketFor({ principal: nn, kvno: 1, key: randomKey(17) }).ticket],
    run: (b) => {
      for (const f of [decodeApReq, decodeKrbError, decodeKdcRep, decodeTicket, (x: Uint8Array) => parseDer(x, 'fuzz')]) {
        try {
          f(b);
        } catch (e) {
          if (!isTypedFailure(e)) throw e;
        }
      }
    },
  },
  { name: 'keytab file', seeds: () => [hex(files().keytab.fileHex), hex(files().ccache.serviceKeytabHex)], run: (b) => parseKeytab(b) },
  { name: 'ccache file', seeds: () => [hex(files().ccache.fileHex)], run: parseCcache },
  { name: 'krb5.conf', seeds: () => [utf8(KRB5_CONF)], run: (b) => parseKrb5Conf(Buffer.from(b).toString('utf8')) },
  { name: 'Hadoop XML configuration', seeds: () => [utf8(CORE_SITE)], run: (b) => parseConfigurationXml(Buffer.from(b).toString('utf8'), 'fuzz.xml') },
  {
    name: 'namespace journal records',
    seeds: () => [Buffer.concat([
      transactionRecord([{ op: 'MKDIR', id: 16386, path: '/a', perm: { owner: 'alice', group: 'supergroup', mode: 0o755 }, mtime: 1 }, { op: 'RENAME', src: '/a', dst: '/b', mtime: 2, overwrite: true }]),
      transactionRecord([{ op: 'ADD_BLOCK', fileId: 16387, previous: { blockId: 1073741825, generationStamp: 1001, numBytes: 5 }, block: { blockId: 1073741826, generationStamp: 1002, numBytes: 0 } }, { op: 'CLOSE', fileId: 16387, mtime: 3, atime: 2, blocks: [{ blockId: 1073741826, generationStamp: 1002, numBytes: 7 }] }]),
      transactionRecord([{ op: 'SET_PERMISSIONS', path: '/b', mode: 0o1750 }, { op: 'SET_OWNER', path: '/b', owner: 'bob', group: '' }]),
    ]), Buffer.concat([
      transactionRecord([
        { op: 'ADD_FILE', id: 16388, path: '/b/f', perm: { owner: 'alice', group: 'g', mode: 0o644 }, mtime: 4, replication: 3, blockSize: 134217728, clientName: 'DFSClient_1', clientMachine: '127.0.0.1', overwrite: false },
        { op: 'GENSTAMP', generationStamp: 1003 }, { op: 'UPDATE_BLOCK', fileId: 16388, block: { blockId: 1073741827, generationStamp: 1003, numBytes: 9 } },
        { op: 'ABANDON_BLOCK', fileId: 16388, blockId: 1073741827 },
      ]),
      transactionRecord([{ op: 'APPEND', path: '/b/f', clientName: 'DFSClient_2', clientMachine: '10.0.0.2', newBlock: true }, { op: 'APPEND', path: '/b/g', clientName: 'c', clientMachine: '', newBlock: false }]),
      transactionRecord([{ op: 'REASSIGN_LEASE', fileId: 16388, newHolder: 'HDFS_NameNode' }]),
      transactionRecord([{ op: 'TIMES', path: '/b/f', mtime: -1, atime: 5 }, { op: 'SET_REPLICATION', path: '/b/f', replication: 2 }, { op: 'DELETE', path: '/b', mtime: 6 }]),
      transactionRecord([{ op: 'SET_XATTRS', path: '/b/f', xattrs: [{ namespace: 'USER', name: 'k', value: new Uint8Array([1, 2, 3]) }, { namespace: 'SECURITY', name: 'hdfs.unreadable.by.superuser' }] }]),
      transactionRecord([{ op: 'SET_STORAGE_POLICY', path: '/b', policyId: 2 }, { op: 'SET_STORAGE_POLICY', path: '/b/f', policyId: 0 }]),
    ])],
    run: (b) => scanFrames(Buffer.from(b), 0, b.length, journalPayloads(() => undefined)),
  },
  {
    name: 'namespace snapshot records',
    seeds: () => [Buffer.concat([
      identityRecord({ namespaceId: 1, clusterId: 'CID-1', blockPoolId: 'BP-1', cTime: 0 }, { lastInodeId: 16390, lastBlockId: 1073741830, generationStamp: 1010 }),
      inodeRecord({ kind: 'file', id: 16390, parentId: 16385, name: 'f', perm: { owner: 'a', group: 'g', mode: 0o644 }, mtime: 1, atime: 1, replication: 3, blockSize: 1 << 27, blocks: [{ blockId: 1073741830, generationStamp: 1010, numBytes: 9 }], uc: { clientName: 'c', clientMachine: 'm' } }),
      aclRecord(16390, [{ scope: 'ACCESS', type: 'USER', name: 'bob', permission: 6 }, { scope: 'ACCESS', type: 'GROUP', permission: 4 }]),
      xattrsRecord(16390, [{ namespace: 'USER', name: 'a', value: new Uint8Array([1, 2]) }, { namespace: 'TRUSTED', name: 'b' }]),
      quotaRecord(16385, 9_223_372_036_854_775_807n, 1073741824n),
      lastTxidRecord(42),
      storagePolicyRecord(16390, 15),
      snapshotEndRecord(1),
    ])],
    run: (b) => scanFrames(Buffer.from(b), 0, b.length, snapshotPayloads({ identity: () => undefined, inode: () => undefined, acl: () => undefined, xattrs: () => undefined, truncateBlock: () => undefined, quota: () => undefined, lastTxid: () => undefined, storagePolicy: () => undefined, end: () => undefined })),
  },
  { name: 'RPC method messages (ClientProtocol, DatanodeProtocol, refresh protocols, InterDatanodeProtocol)', seeds: rpcMethodSeeds, run: decodeMethodMessage },
  ...TEXT_TARGETS,
  ...FILE_TARGETS,
  ...LOCAL_STORE_TARGETS,
  {
    name: 'ExportedBlockKeys (Writable)',
    seeds: () => [encodeExportedBlockKeys({
      isBlockTokenEnabled: true, keyUpdateInterval: 36_000_000, tokenLifetime: 36_000_000, currentKey: new DelegationKey(5, 1_700_000_000_000, Uint8Array.from({ length: 20 }, (_, i) => i)),
      allKeys: [4, 5, 6].map((id) => new DelegationKey(id, 1_700_000_000_000 + id, Uint8Array.from({ length: 20 }, (_, i) => i * id))),
    })],
    run: decodeExportedBlockKeys,
  },
  { name: 'fast-privacy key message', seeds: () => [encodeKeyMessage(Uint8Array.from({ length: 32 }, (_, i) => i))], run: decodeKeyMessage },
  {
    name: 'ZooKeeper replies',
    seeds: () => [encodeConnectRequest({ lastZxidSeen: 0n, timeOut: 10_000, sessionId: 0n, passwd: new Uint8Array(16) }).subarray(4)],
    run: (b) => {
      for (const f of [decodeConnectResponse, (x: Uint8Array) => readReplyHeader(new DataInput(x)), (x: Uint8Array) => readStat(new DataInput(x)), (x: Uint8Array) => readMultiResponse(new DataInput(x))]) {
        try {
          f(b);
        } catch (e) {
          if (!isTypedFailure(e)) throw e;
        }
      }
    },
  },
];
