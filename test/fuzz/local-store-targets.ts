/**
 * Fuzz targets for what hsec reads back from stores outside the process: replies of a KCM daemon
 * (Heimdal's or sssd's credential-cache socket: framing, names, UUID lists, credential lists and
 * the credentials in them), the keyring helper's dump (a script's stdout) and the keyring primary
 * index payload, the delegation-token store's journal records, a Curator SharedCount znode, and
 * the hadoop.zk.acl / hadoop.zk.auth texts. The seeds are what our encoders write for valid
 * values, the credential taken from MIT's ccache in test/vectors.
 */
import { readFileSync } from 'node:fs';
import { KcmReplyDecoder, readCredList, readKcmName, readUuidList } from '../../security/kerberos/ccache/kcm/kcm-protocol.ts';
import { decodeCredential, decodePrincipal, encodeCredential, encodePrincipal } from '../../security/kerberos/ccache/ccache-format.ts';
import { parseCcache } from '../../security/kerberos/ccache/index.ts';
import { decodePrimaryIndex, encodePrimaryIndex, parseDump } from '../../security/kerberos/ccache/keyring/keyring-script.ts';
import { countersRecord, keyPutRecord, keyRemoveRecord, recordPayloads, snapshotEndRecord, tokenPutRecord, tokenRemoveRecord, type RecordVisitor } from '../../security/token/store/journal/record-codec.ts';
import { DelegationKey } from '../../security/token/keys/delegation-key.ts';
import { scanFrames } from '../../lib/journal/frame.ts';
import { decodeSharedCount, encodeSharedCount } from '../../lib/zk/shared-count.ts';
import { parseAcls, parseAuthInfos } from '../../lib/zk/acl.ts';
import { HsecError } from '../../lib/errors/index.ts';
import type { FuzzTarget } from './targets.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

function vectorCcache() {
  const v = JSON.parse(readFileSync(new URL('../vectors/kerberos-files.json', import.meta.url), 'utf8')) as { ccache: { fileHex: string } };
  return parseCcache(Buffer.from(v.ccache.fileHex, 'hex'));
}

/** One KCM reply frame: length, outer status 0, then the payload (inner status and body). */
const kcmReply = (status: number, body: Buffer): Buffer => Buffer.concat([u32(4 + body.length), u32(0), u32(status), body]);

function kcmSeeds(): Uint8Array[] {
  const cc = vectorCcache();
  const cred = encodeCredential(cc.credentials[0]!);
  return [
    Buffer.concat([kcmReply(0, Buffer.from('0\0', 'utf8')), kcmReply(0, Buffer.alloc(32, 0xab))]),
    kcmReply(0, Buffer.concat([u32(2), u32(cred.length), cred, u32(cred.length), cred])),
    kcmReply(0, encodePrincipal(cc.defaultPrincipal)),
    kcmReply(-1765328242, Buffer.alloc(0)),
  ];
}

/** What the KCM cache does with a daemon's replies: frame them, then read the body as each request's answer would be read. */
function kcmReplies(b: Uint8Array): unknown {
  const d = new KcmReplyDecoder();
  d.push(Buffer.from(b));
  const out: unknown[] = [];
  for (let r = d.take(); r; r = d.take()) {
    for (const read of [readKcmName, readUuidList, (x: Buffer) => readCredList(x).map((c) => decodeCredential(c)), (x: Buffer) => decodePrincipal(x)]) {
      try {
        out.push(read(r.body));
      } catch (e) {
        if (!(e instanceof HsecError)) throw e;
      }
    }
  }
  return out;
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const KEYRING_DUMP = [
  'C 123456',
  `P ${b64(encodePrimaryIndex('krb_ccache_hsec'))}`,
  `K 777 ${b64('krb_ccache_hsec')}`,
  `E 777 888 user ${b64('__krb5_princ__')} ${b64(Buffer.of(0, 0, 0, 1, 0, 0, 0, 1))}`,
  `E 777 889 user ${b64('krbtgt/EXAMPLE.TEST@EXAMPLE.TEST')} ${b64(Buffer.alloc(40, 3))}`,
  '',
].join('\n');

/** What the keyring cache does with the helper's dump: parse it, then read the primary index. */
function keyringDump(b: Uint8Array): unknown {
  const d = parseDump(str(b));
  return [d, d.primary && decodePrimaryIndex(d.primary)];
}

const NO_VISITOR: RecordVisitor = { tokenPut() {}, tokenRemove() {}, keyPut() {}, keyRemove() {}, counters() {}, snapshotEnd() {} };

export const LOCAL_STORE_TARGETS: readonly FuzzTarget[] = [
  { name: 'KCM daemon replies', seeds: kcmSeeds, run: kcmReplies },
  { name: 'keyring helper dump and primary index', seeds: () => [utf8(KEYRING_DUMP)], run: keyringDump },
  {
    name: 'token store journal records',
    seeds: () => [Buffer.concat([
      tokenPutRecord('alice-7', 7, 2, 1_700_086_400_000, Uint8Array.from({ length: 20 }, (_, i) => i)),
      keyPutRecord(new DelegationKey(2, 1_700_604_800_000, Uint8Array.from({ length: 20 }, (_, i) => 255 - i))),
      countersRecord(7, 2), tokenRemoveRecord('alice-6'), keyRemoveRecord(1), snapshotEndRecord(1, 1),
    ])],
    run: (b) => scanFrames(Buffer.from(b), 0, b.length, recordPayloads(NO_VISITOR)),
  },
  { name: 'ZooKeeper SharedCount znode', seeds: () => [encodeSharedCount(42), encodeSharedCount(-1)], run: (b) => decodeSharedCount(b, '/fuzz/count') },
  {
    name: 'hadoop.zk.acl and hadoop.zk.auth texts',
    seeds: () => ['sasl:hdfs:cdrwa,world:anyone:r', 'digest:hdfs:0Lz3jM9HFZVh3Q7zS2hqcFqJyOY=:rwcda', 'digest:hdfs-zkfcs:mypassword'].map(utf8),
    run: (b) => [parseAcls, parseAuthInfos].map((parse) => {
      try {
        return parse(str(b));
      } catch (e) {
        if (!(e instanceof HsecError)) throw e;
        return e.code;
      }
    }),
  },
];
