import { clear, createStore, del, entries, set, type UseStore } from 'idb-keyval';
import { ApiError, type ApiClient, NetworkError } from '../api/client';
import type { ClassMarks } from '../api/types';

/** A class-day register saved while the API could not be reached, waiting in the browser to be sent. */
export interface QueuedRegister {
  readonly classId: string;
  readonly className: string;
  readonly date: string;
  readonly marks: ClassMarks['marks'];
  readonly queuedAt: string;
  /** Set when the API refused it (not a connection problem): shown to the teacher, not retried. */
  readonly refused?: string;
}

export interface OutboxState {
  readonly online: boolean;
  readonly pending: readonly QueuedRegister[];
  readonly syncing: boolean;
}

const retryEveryMs = 30_000;

const keyOf = (classId: string, date: string) => `${classId}/${date}`;

/**
 * Attendance marked offline. One entry per class and day, so marking the same register again
 * replaces what waits. Sending is a PUT of the whole register, which the API upserts on
 * (student, date): a register sent twice (the connection dropped after the server saved it)
 * ends as one set of marks, never two.
 */
export class AttendanceOutbox {
  private state: OutboxState;
  private readonly listeners = new Set<(state: OutboxState) => void>();
  private running: Promise<void> | undefined;

  constructor(
    private readonly api: ApiClient,
    private readonly store: UseStore = createStore('campus-offline', 'attendance'),
  ) {
    this.state = { online: navigator.onLine, pending: [], syncing: false };
    window.addEventListener('online', () => {
      this.update({ online: true });
      void this.sync();
    });
    window.addEventListener('offline', () => this.update({ online: false }));
    // The browser can be online while the API is not reachable: try again now and then.
    setInterval(() => {
      if (this.state.online && this.state.pending.some((entry) => !entry.refused)) void this.sync();
    }, retryEveryMs);
  }

  get current(): OutboxState {
    return this.state;
  }

  subscribe(listener: (state: OutboxState) => void): () => void {
    this.listeners.add(listener);
    listener(this.state);
    return () => this.listeners.delete(listener);
  }

  /** Reads what an earlier visit left waiting, then sends it if the browser is online. */
  async start(): Promise<void> {
    await this.reload();
    if (this.state.online) await this.sync();
  }

  /** Sends now if possible; otherwise keeps it. Resolves to whether the API has it. */
  async save(register: Omit<QueuedRegister, 'queuedAt' | 'refused'>): Promise<'sent' | 'queued'> {
    if (this.state.online) {
      try {
        await this.send(register);
        await del(keyOf(register.classId, register.date), this.store);
        await this.reload();
        return 'sent';
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
      }
    }
    await set(keyOf(register.classId, register.date), { ...register, queuedAt: new Date().toISOString() }, this.store);
    await this.reload();
    return 'queued';
  }

  /** The register waiting for this class and day, if any (the marking screen starts from it). */
  waitingFor(classId: string, date: string): QueuedRegister | undefined {
    return this.state.pending.find((entry) => entry.classId === classId && entry.date === date);
  }

  async discard(classId: string, date: string): Promise<void> {
    await del(keyOf(classId, date), this.store);
    await this.reload();
  }

  /** Sends everything waiting, one register at a time; a run already going is joined, not repeated. */
  sync(): Promise<void> {
    this.running ??= (async () => {
      this.update({ syncing: true });
      try {
        for (const entry of this.state.pending) {
          if (entry.refused) continue;
          try {
            await this.send(entry);
            await del(keyOf(entry.classId, entry.date), this.store);
          } catch (error) {
            if (error instanceof NetworkError) break;
            // 5xx: try again at the next sync. A refusal (4xx) will not change by retrying.
            if (error instanceof ApiError && error.status < 500) {
              await set(keyOf(entry.classId, entry.date), { ...entry, refused: error.message }, this.store);
            }
          }
        }
      } finally {
        await this.reload();
        this.running = undefined;
        this.update({ syncing: false });
      }
    })();
    return this.running;
  }

  /** On sign-out: registers wait under the teacher who marked them, never to be sent with someone else's sign-in. */
  async clearAll(): Promise<void> {
    await clear(this.store);
    await this.reload();
  }

  private send(register: Pick<QueuedRegister, 'classId' | 'date' | 'marks'>) {
    return this.api.put(
      `/api/v1/classes/${encodeURIComponent(register.classId)}/attendance/${encodeURIComponent(register.date)}`,
      { marks: register.marks } satisfies ClassMarks,
    );
  }

  private async reload(): Promise<void> {
    const all = (await entries<string, QueuedRegister>(this.store)).map(([, value]) => value);
    all.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
    this.update({ pending: all });
  }

  private update(change: Partial<OutboxState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener(this.state);
  }
}
