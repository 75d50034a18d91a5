// The typed ClientProtocol client over real Hadoop IPC (RpcClient -> RpcServer on loopback, SIMPLE
// auth): a small in-test namespace answers through CLIENT_PROTOCOL_CODEC's server side, so every
// call crosses the wire as protobuf both ways. It stands in for the NameNode's namespace, which is
// not part of these codecs; what is under test is the client, the codec and the IPC envelope.
import { expect } from 'chai';
import { HsecError, RemoteError } from '../../../lib/errors/index.ts';
import { RpcClient, RpcServer } from '../../../security/sasl/rpc/index.ts';
import { CLIENT_PROTOCOL, CLIENT_PROTOCOL_CODEC, CreateFlag, DEFAULT_SERVER_DEFAULTS } from '../../../cluster/protocol/client-protocol.ts';
import type { ClientProtocolMessages, ClientProtocolMethodName } from '../../../cluster/protocol/client-protocol.ts';
import { ClientProtocolClient } from '../../../cluster/protocol/client-protocol-client.ts';
import { EMPTY_TOKEN, utf8 } from '../../../cluster/protocol/hdfs-types.ts';
import type { HdfsFileStatus, LocatedBlock } from '../../../cluster/protocol/hdfs-types.ts';
import type { MethodHandler, ProtocolHandlers } from '../../../lib/rpc/call-context.ts';

type Impl = { [M in ClientProtocolMethodName]?: (req: ClientProtocolMessages[M]['request'], user: string) => ClientProtocolMessages[M]['response'] };

function handlers(impl: Impl): ProtocolHandlers {
  const out: Record<string, MethodHandler> = {};
  for (const [method, fn] of Object.entries(impl)) {
    const m = method as 'mkdirs';
    out[method] = (bytes, ctx) => CLIENT_PROTOCOL_CODEC.encodeResponse(m, (fn as NonNullable<Impl['mkdirs']>)(CLIENT_PROTOCOL_CODEC.decodeRequest(m, bytes), ctx.user));
  }
  return out;
}

describe('protocol/ClientProtocolClient over loopback IPC', function () {
  const files = new Map<string, HdfsFileStatus>();
  const seen: string[] = [];
  let server: RpcServer;
  let rpc: RpcClient;
  let client: ClientProtocolClient;

  const status = (type: 'IS_DIR' | 'IS_FILE', perm: number, owner: string, extra: Partial<HdfsFileStatus> = {}): HdfsFileStatus => ({
    fileType: type, path: new Uint8Array(0), length: 0, permission: { perm }, owner, group: 'supergroup',
    modification_time: 1, access_time: 1, fileId: 16385 + files.size, ...extra,
  });
  const block: LocatedBlock = {
    b: { poolId: 'BP-1', blockId: 1073741825, generationStamp: 1001 }, offset: 0, corrupt: false, blockToken: EMPTY_TOKEN,
    locs: [{ id: { ipAddr: '127.0.0.1', hostName: 'localhost', datanodeUuid: 'dn-1', xferPort: 9866, infoPort: 9864, ipcPort: 9867 } }],
    storageTypes: ['DISK'], storageIDs: ['DS-1'],
  };

  before(async () => {
    server = new RpcServer({ authentication: 'simple', handshakeTimeoutMs: 2000 });
    server.registerProtocol(CLIENT_PROTOCOL, handlers({
      getServerDefaults: () => ({ serverDefaults: DEFAULT_SERVER_DEFAULTS }),
      mkdirs: (r, user) => {
        seen.push(`mkdirs ${r.src} ${r.masked.perm.toString(8)} ${user}`);
        files.set(r.src, status('IS_DIR', r.masked.perm, user));
        return { result: true };
      },
      create: (r, user) => {
        seen.push(`create ${r.src} flag=${r.createFlag}`);
        const fs = status('IS_FILE', r.masked.perm, user, { blocksize: r.blockSize, block_replication: r.replication });
        files.set(r.src, fs);
        return { fs };
      },
      addBlock: (r) => {
        seen.push(`addBlock ${r.src} fileId=${r.fileId}`);
        return { block };
      },
      complete: (r) => {
        seen.push(`complete ${r.src} last=${r.last?.numBytes}`);
        files.set(r.src, { ...files.get(r.src)!, length: r.last?.numBytes ?? 0 });
        return { result: true };
      },
      getFileInfo: (r) => ({ fs: files.get(r.src) }),
      getListing: (r) => {
        if (!files.has(r.src)) return {};
        const children = [...files.entries()].filter(([p]) => p.startsWith(`${r.src}/`)).map(([p, s]) => ({ ...s, path: utf8(p.slice(r.src.length + 1)) }));
        return { dirList: { partialListing: children, remainingEntries: 0 } };
      },
      getBlockLocations: (r) => {
        const fs = files.get(r.src);
        if (!fs) throw new RemoteError('RPC_REMOTE', `File does not exist: ${r.src}`, { exceptionClassName: 'java.io.FileNotFoundException' });
        return { locations: { fileLength: fs.length, blocks: [{ ...block, b: { ...block.b, numBytes: fs.length } }], underConstruction: false, isLastBlockComplete: true } };
      },
      rename: (r) => {
        const fs = files.get(r.src);
        if (!fs) return { result: false };
        files.delete(r.src);
        files.set(r.dst, fs);
        return { result: true };
      },
      delete: (r) => ({ result: [...files.keys()].filter((p) => p === r.src || p.startsWith(`${r.src}/`)).map((p) => files.delete(p)).length > 0 }),
      renewLease: (r) => {
        seen.push(`renewLease ${r.clientName}`);
        return {};
      },
      getDataEncryptionKey: () => ({}),
    }));
    const { port } = await server.start('127.0.0.1', 0);
    rpc = new RpcClient();
    client = new ClientProtocolClient({ rpc, address: { host: '127.0.0.1', port }, credentials: { user: 'alice' }, timeoutMs: 5000 });
  });

  after(async () => {
    rpc.stop();
    await server.stop();
  });

  it('mkdir, put (create, addBlock, complete through ._COPYING_ and rename), ls, get, rm: each call typed both ways', async () => {
    expect(await client.mkdirs({ src: '/d', masked: { perm: 0o755 }, createParent: true, unmasked: { perm: 0o777 } })).to.equal(true);
    const fs = await client.create({
      src: '/d/f._COPYING_', masked: { perm: 0o644 }, clientName: 'DFSClient_NONMAPREDUCE_1_1', createFlag: CreateFlag.CREATE | CreateFlag.OVERWRITE,
      createParent: true, replication: 3, blockSize: 134217728, cryptoProtocolVersion: ['ENCRYPTION_ZONES'],
    });
    expect(fs!.blocksize).to.equal(134217728);
    const lb = await client.addBlock({ src: '/d/f._COPYING_', clientName: 'DFSClient_NONMAPREDUCE_1_1', fileId: fs!.fileId });
    expect(lb.storageIDs).to.deep.equal(['DS-1']);
    expect(lb.locs![0]!.id.xferPort).to.equal(9866);
    expect((await client.getServerDefaults()).checksumType).to.equal('CHECKSUM_CRC32C');
    expect(await client.getDataEncryptionKey()).to.equal(undefined);
    await client.renewLease('DFSClient_NONMAPREDUCE_1_1');
    expect(await client.complete('/d/f._COPYING_', 'DFSClient_NONMAPREDUCE_1_1', { ...lb.b, numBytes: 200000 }, fs!.fileId)).to.equal(true);
    expect(await client.rename('/d/f._COPYING_', '/d/f')).to.equal(true);

    const listing = await client.getListing('/d');
    expect(listing!.partialListing!.map((s) => new TextDecoder().decode(s.path))).to.deep.equal(['f']);
    expect(listing!.remainingEntries).to.equal(0);
    expect((await client.getFileInfo('/d/f'))!.length).to.equal(200000);
    expect(await client.getFileInfo('/nope')).to.equal(undefined);
    expect(await client.getListing('/nope')).to.equal(undefined);
    const located = await client.getBlockLocations('/d/f', 0, 1342177280);
    expect(located!.blocks![0]!.b.numBytes).to.equal(200000);
    expect(await client.delete('/d', true)).to.equal(true);
    expect(seen).to.deep.equal([
      'mkdirs /d 755 alice', 'create /d/f._COPYING_ flag=3', 'addBlock /d/f._COPYING_ fileId=16386',
      'renewLease DFSClient_NONMAPREDUCE_1_1', 'complete /d/f._COPYING_ last=200000',
    ]);
  });

  it('a server-side exception arrives as a RemoteError with Hadoop\'s class name; an unserved method too', async () => {
    const missing = await client.getBlockLocations('/missing', 0, 1).then(() => undefined, (e: unknown) => e as HsecError);
    expect(missing).to.be.instanceOf(RemoteError);
    expect(missing!.details.exceptionClassName).to.equal('java.io.FileNotFoundException');
    expect(missing!.message).to.contain('File does not exist: /missing');
    const unserved = await client.getFsStats().then(() => undefined, (e: unknown) => e as HsecError);
    expect(unserved).to.be.instanceOf(RemoteError);
  });
});
