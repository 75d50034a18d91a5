/**
 * MEMORY credential caches (MIT cc_memory.c): named caches held by this process and gone when it
 * exits, for programs and tests that must not touch the disk. The collection is every memory cache
 * of the process, the named one first (MIT mcc_ptcursor yields all of them).
 */
import { createHash, randomBytes } from 'node:crypto';
import { KerberosError } from '../../../lib/errors/index.ts';
import type { Credential } from '../types.ts';
import { serializeCcacheBytes, type Ccache } from './ccache-format.ts';
import { storeCredential } from './ccache.ts';
import type { CcacheCollection, CredentialCache } from './credential-cache.ts';

const caches = new Map<string, Ccache>();

class MemoryCache implements CredentialCache {
  readonly type = 'MEMORY' as const;
  readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  get fullName(): string {
    return `MEMORY:${this.name}`;
  }

  async read(): Promise<Ccache> {
    const cc = caches.get(this.name);
    if (!cc) throw new KerberosError('KRB_NO_CREDENTIALS', `no credential cache ${this.fullName} in this process: run a login that stores into it first`, { ccache: this.fullName });
    return cc;
  }

  async write(cc: Ccache): Promise<void> {
    caches.set(this.name, cc);
  }

  async store(cred: Credential): Promise<void> {
    caches.set(this.name, storeCredential(await this.read(), cred));
  }

  async destroy(): Promise<boolean> {
    return caches.delete(this.name);
  }

  async changeStamp(): Promise<string | undefined> {
    const cc = caches.get(this.name);
    return cc && createHash('sha256').update(serializeCcacheBytes(cc)).digest('hex');
  }
}

export function openMemoryCache(name: string): CredentialCache {
  return new MemoryCache(name);
}

export function memoryCollection(name: string): CcacheCollection {
  return {
    type: 'MEMORY',
    supportsSwitch: false,
    list: async () => [...new Set([name, ...caches.keys()])].filter((n) => caches.has(n)).map((n) => new MemoryCache(n)),
    newUnique: async () => new MemoryCache(randomBytes(6).toString('base64url')),
    switchTo: () => Promise.reject(new KerberosError('KRB_CCACHE', 'MEMORY caches have no primary to switch', { ccache: `MEMORY:${name}` })),
  };
}
