// The namespace journal against a real full and read-only file system (a small tmpfs this test
// mounts; root or CAP_SYS_ADMIN needed, as CI has): a change that cannot be written fails with
// STORAGE_IO naming the journal and the OS error and is not applied (the namespace stays as it
// was); the same change succeeds once there is room; a read-only name dir fails the load with
// STORAGE_IO; a reload agrees with what callers were told.
import { expect } from 'chai';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { StorageError } from '../../../lib/errors/index.ts';
import { fillUp, mountTmpfs, remount, unmount } from '../../support/tmpfs.ts';
import { hdfsUser, namesystem, type TestNamesystem } from '../../support/namesystem.ts';

describe('namenode: the namespace journal on a full and a read-only file system (tmpfs)', function () {
  this.timeout(120_000);
  let mnt: string | undefined;
  before(function () {
    mnt = mountTmpfs(this, '256k');
  });
  after(() => unmount(mnt));

  it('mkdirs that cannot be written fails with STORAGE_IO and changes nothing; after freeing space it works; a reload agrees', async () => {
    let t: TestNamesystem = await namesystem({ dir: join(mnt!, 'ns') });
    try {
      await t.ns.mkdirs('/before', { perm: 0o755 }, true, hdfsUser);
      const filler = fillUp(mnt!);
      let failed: (Error & { code?: string; details?: Record<string, unknown> }) | undefined;
      let i = 0;
      for (; i < 400 && !failed; i++) {
        // a full tmpfs still takes a few appends into the journal's last page
        await t.ns.mkdirs(`/d${i}`, { perm: 0o755 }, true, hdfsUser).catch((e: Error) => { failed = e; });
      }
      expect(failed, 'a mkdirs failed').to.be.instanceOf(StorageError);
      expect(failed!.code).to.equal('STORAGE_IO');
      expect(failed!.details!['errno']).to.equal('ENOSPC');
      expect(String(failed!.details!['path'])).to.match(/\/ns\/journal\.\d{10}$/);
      expect(failed!.message).to.contain(`mkdirs of /d${i - 1}`);
      expect(failed!.message).to.contain('nothing was changed');
      expect(t.ns.getFileInfo(`/d${i - 1}`, hdfsUser)).to.equal(undefined);
      rmSync(filler);
      expect(await t.ns.mkdirs(`/d${i - 1}`, { perm: 0o755 }, true, hdfsUser)).to.equal(true);

      // a read-only name dir cannot be opened for appending: the load fails, naming the directory
      await t.ns.store.close();
      remount(mnt!, 'ro');
      try {
        const ro = await namesystem({ dir: join(mnt!, 'ns') }).catch((e: Error) => e);
        expect(ro).to.be.instanceOf(StorageError);
        expect((ro as StorageError).details['errno']).to.equal('EROFS');
        expect((ro as StorageError).message).to.contain('Cannot use the namespace');
      } finally {
        remount(mnt!, 'rw');
      }

      t = await namesystem({ dir: join(mnt!, 'ns'), clock: t.clock });
      for (let j = 0; j < i; j++) expect(t.ns.getFileInfo(`/d${j}`, hdfsUser)?.fileType, `/d${j}`).to.equal('IS_DIR');
      expect(t.ns.getFileInfo('/before', hdfsUser)!.fileType).to.equal('IS_DIR');
    } finally {
      await t.ns.store.close();
    }
  });
});
