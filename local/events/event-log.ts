import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** An EventBridge event as it was put. */
export interface RecordedEvent {
  readonly kind: 'event';
  readonly id: string;
  readonly time: string;
  readonly source: string;
  readonly detailType: string;
  readonly eventBusName: string;
  readonly detail: unknown;
}

/** An SNS message as it was published. */
export interface RecordedNotification {
  readonly kind: 'notification';
  readonly id: string;
  readonly time: string;
  readonly topicArn: string;
  readonly subject: string | undefined;
  readonly message: string;
}

export type RecordedEntry = RecordedEvent | RecordedNotification;

/**
 * Where EventBridge events and SNS notifications go on the local platform: what is sent is
 * kept (one JSON line each, under the state directory) for the operator to read and for tests
 * to check, and each event is handed to the listeners (the platform's rules, which invoke
 * their functions).
 */
export class LocalEventLog {
  private readonly entries: RecordedEntry[] = [];
  private readonly listeners = new Set<(event: RecordedEvent) => void>();

  constructor(
    private readonly file: string,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (line.trim()) this.entries.push(JSON.parse(line) as RecordedEntry);
      }
    }
  }

  putEvent(event: Omit<RecordedEvent, 'kind' | 'id' | 'time'>): RecordedEvent {
    const entry: RecordedEvent = { kind: 'event', id: randomUUID(), time: new Date().toISOString(), ...event };
    this.append(entry);
    this.log(`[event] ${entry.source} ${entry.detailType}`);
    for (const listener of this.listeners) listener(entry);
    return entry;
  }

  /** Calls `listener` with every event put from now on (the bus's rules); returns how to stop. */
  onEvent(listener: (event: RecordedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(notification: Omit<RecordedNotification, 'kind' | 'id' | 'time'>): RecordedNotification {
    const entry: RecordedNotification = {
      kind: 'notification',
      id: randomUUID(),
      time: new Date().toISOString(),
      ...notification,
    };
    this.append(entry);
    this.log(`[notice] ${entry.subject ?? ''}: ${entry.message}`);
    return entry;
  }

  events(detailType?: string): RecordedEvent[] {
    return this.entries.filter(
      (entry): entry is RecordedEvent => entry.kind === 'event' && (!detailType || entry.detailType === detailType),
    );
  }

  notifications(): RecordedNotification[] {
    return this.entries.filter((entry): entry is RecordedNotification => entry.kind === 'notification');
  }

  private append(entry: RecordedEntry): void {
    this.entries.push(entry);
    appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }
}
