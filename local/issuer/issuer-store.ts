import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  readonly payload: AdapterPayload;
  /** Epoch ms; absent when the artefact does not expire. */
  readonly expiresAt?: number;
}

/**
 * The issuer's sessions, grants and tokens in one JSON file (mode 0600), so that a
 * signed-in browser stays signed in and refresh tokens keep working across a restart
 * of the local platform. Writes are few (a handful per sign-in), so the whole file is
 * rewritten on each.
 */
export class IssuerStore {
  private readonly entries: Map<string, Entry>;

  constructor(private readonly file: string) {
    const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as [string, Entry][]) : [];
    const now = Date.now();
    this.entries = new Map(saved.filter(([, entry]) => !entry.expiresAt || entry.expiresAt > now));
  }

  /** The `adapter` option of oidc-provider: one adapter per model (Session, Grant, AccessToken, ...). */
  readonly adapterFactory = (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    const find = async (id: string) => this.get(key(id));
    const findWhere = (matches: (payload: AdapterPayload) => boolean) => {
      for (const [name, entry] of this.entries) {
        if (name.startsWith(`${model}:`) && matches(entry.payload)) return this.get(name);
      }
      return undefined;
    };
    return {
      upsert: async (id, payload, expiresIn) => {
        this.entries.set(key(id), { payload, ...(expiresIn ? { expiresAt: Date.now() + expiresIn * 1000 } : {}) });
        this.save();
      },
      find,
      findByUid: async (uid) => findWhere((payload) => payload.uid === uid),
      findByUserCode: async (userCode) => findWhere((payload) => payload.userCode === userCode),
      consume: async (id) => {
        const entry = this.entries.get(key(id));
        if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
        this.save();
      },
      destroy: async (id) => {
        this.entries.delete(key(id));
        this.save();
      },
      revokeByGrantId: async (grantId) => {
        for (const [name, entry] of this.entries) {
          if (entry.payload.grantId === grantId) this.entries.delete(name);
        }
        this.save();
      },
    };
  };

  private get(name: string): AdapterPayload | undefined {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    if (entry.expiresAt && entry.expiresAt <= Date.now()) {
      this.entries.delete(name);
      return undefined;
    }
    return entry.payload;
  }

  private save(): void {
    const now = Date.now();
    const live = [...this.entries].filter(([, entry]) => !entry.expiresAt || entry.expiresAt > now);
    writeFileSync(`${this.file}.tmp`, JSON.stringify(live), { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
  }
}
