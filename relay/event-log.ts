/**
 * Delivery events (`GET /v1/events`), kept on disk as one JSON line each in
 * `<dataDir>/events.jsonl` and in memory for reading. The cursor is the eventId of the last
 * event read: ids are increasing integers (as strings), so `after` survives restarts.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type EventType =
  'delivered' | 'bounced' | 'deferred' | 'opened' | 'clicked' | 'complained' | 'unsubscribed';

export interface RelayEvent {
  eventId: string;
  messageId: string;
  type: EventType;
  at: string;
  bounce?: 'hard' | 'soft';
  reason?: string;
  url?: string;
  machine?: true;
}

export type NewEvent = Omit<RelayEvent, 'eventId' | 'at'> & { at?: string };

export class EventLog {
  private readonly file: string;
  private readonly events: RelayEvent[] = [];
  private lastId = 0;
  // Kept open: reopening the file for every event costs more than writing it.
  private fd: number | null = null;
  // Lines not yet on disk: written together once per turn of the event loop (a write per
  // delivered message was a tenth of the relay's time); readers see the events at once.
  private pending: string[] = [];
  private flushing: NodeJS.Immediate | null = null;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.file = join(dataDir, 'events.jsonl');
    if (existsSync(this.file)) {
      for (const line of readFileSync(this.file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const e = JSON.parse(line) as RelayEvent;
          this.events.push(e);
          this.lastId = Math.max(this.lastId, Number(e.eventId));
        } catch {
          // A line cut by a crash while it was written: the events before it are whole.
        }
      }
    }
  }

  all(): readonly RelayEvent[] {
    return this.events;
  }

  append(list: NewEvent[]): RelayEvent[] {
    if (list.length === 0) return [];
    const now = new Date().toISOString();
    const added = list.map((e) => {
      const event: RelayEvent = { eventId: String(++this.lastId), ...e, at: e.at ?? now };
      return event;
    });
    for (const e of added) this.pending.push(JSON.stringify(e) + '\n');
    this.flushing ??= setImmediate(() => this.flush());
    this.events.push(...added);
    return added;
  }

  /** Writes the events appended since the last flush. */
  flush(): void {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = null;
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.fd ??= openSync(this.file, 'a');
    writeSync(this.fd, text);
  }

  close(): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** Events with an id greater than `after` (a previous `next`, or none for the start). */
  page(after: string | null, limit: number): { events: RelayEvent[]; next: string } {
    const from = after === null ? 0 : Number(after);
    // Ids are increasing and dense from 1, so the position is found by bisection.
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (Number(this.events[mid].eventId) <= from) lo = mid + 1;
      else hi = mid;
    }
    const events = this.events.slice(lo, lo + limit);
    const next = events.length > 0 ? events[events.length - 1].eventId : String(from);
    return { events, next };
  }
}
