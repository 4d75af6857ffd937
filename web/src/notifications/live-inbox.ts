import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api/client';
import type { InboxPage, LiveTicket } from '../api/types';

/** The type of a live event, or undefined if it is not one. */
function typeOf(text: string): string | undefined {
  try {
    return (JSON.parse(text) as { type?: string }).type;
  } catch {
    return undefined;
  }
}

/** The app pings this often, so that API Gateway's ten-minute idle timeout never closes a quiet connection. */
const pingEveryMs = 4 * 60_000;
/** Waits before reconnecting: doubled after each failure, up to a minute. */
const firstRetryMs = 2_000;
const lastRetryMs = 60_000;

/**
 * The signed-in person's inbox as the header's bell shows it: the unread count, read on start
 * and again whenever the live connection says a message has arrived. The connection opens with a
 * one-use ticket from the API, reconnects by itself (after a drop, or when the device comes back
 * online) and stops at sign-out. Without it (no WebSocket, a network that blocks it) the count is
 * still right on every load, and on every visit to the inbox.
 */
export class LiveInbox {
  private count = 0;
  private arrived = 0;
  private readonly listeners = new Set<() => void>();
  private socket: WebSocket | undefined;
  private ping: ReturnType<typeof setInterval> | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private retryMs = firstRetryMs;
  private stopped = false;
  private readonly onOnline = () => this.reconnectNow();

  constructor(private readonly api: ApiClient) {}

  get unread(): number {
    return this.count;
  }

  /** How many times the live connection has said a message arrived: a screen listing messages reads them again. */
  get arrivals(): number {
    return this.arrived;
  }

  /** Reads the count, then keeps it current while the app is open. */
  start(): void {
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    void this.refresh();
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    clearTimeout(this.retry);
    clearInterval(this.ping);
    this.socket?.close(1000);
    this.socket = undefined;
  }

  /** Called back when the inbox changes (a message arrived, or some were read). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** What the API answered after marking messages read. */
  setUnread(count: number): void {
    if (count === this.count) return;
    this.count = count;
    this.emit();
  }

  /** Reads the unread count again (one message's worth of inbox). */
  async refresh(): Promise<void> {
    try {
      const page = await this.api.get<InboxPage>('/api/v1/notifications', { query: { limit: 1 } });
      this.count = page.unread;
    } catch {
      // Offline or signed out: the count stays as it was until the next read.
    }
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.socket || typeof WebSocket === 'undefined') return;
    let ticket: LiveTicket;
    try {
      ticket = await this.api.post<LiveTicket>('/api/v1/notifications/live-tickets');
    } catch {
      return this.retryLater();
    }
    if (this.stopped) return;
    const url = new URL(ticket.path, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('ticket', ticket.ticket);
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.retryMs = firstRetryMs;
      clearInterval(this.ping);
      this.ping = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send('ping'), pingEveryMs);
      // Whatever arrived while no connection was open.
      void this.refresh();
    });
    socket.addEventListener('message', (event: MessageEvent<string>) => {
      if (typeOf(event.data) !== 'inbox') return;
      this.arrived++;
      void this.refresh();
    });
    socket.addEventListener('close', () => {
      if (this.socket === socket) this.socket = undefined;
      clearInterval(this.ping);
      this.retryLater();
    });
  }

  private retryLater(): void {
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, lastRetryMs);
  }

  private reconnectNow(): void {
    if (this.stopped || this.socket) return;
    clearTimeout(this.retry);
    this.retryMs = firstRetryMs;
    void this.connect();
  }
}

/** The unread count and the arrivals so far, re-rendering when either changes. */
export function useInbox(inbox: LiveInbox | undefined): { unread: number; arrivals: number } {
  const [state, setState] = useState({ unread: inbox?.unread ?? 0, arrivals: inbox?.arrivals ?? 0 });
  useEffect(() => {
    if (!inbox) return;
    const update = () => setState({ unread: inbox.unread, arrivals: inbox.arrivals });
    update();
    return inbox.subscribe(update);
  }, [inbox]);
  return state;
}
