/**
 * Provider exports read end to end: preset recognition, mapping of each provider's vocabulary,
 * machine flags, unknown types reported, the emailing filter and days in a time zone.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  detectPreset,
  isMachineUserAgent,
  readDeliveryExport,
  type DeliveryExportOptions,
  type DeliveryExportResult
} from '../../../src/lib/core/analytics/index';
import { parseDateTime } from '../../../src/lib/core/csv/index';
import { formatIsoDay } from '../../../src/lib/core/segment/index';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/delivery/${name}`, import.meta.url), 'utf8');

async function* chunksOf(text: string, size = 97): AsyncIterable<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function read(
  text: string,
  options: Partial<DeliveryExportOptions> = {}
): Promise<DeliveryExportResult> {
  const result = await readDeliveryExport(chunksOf(text), {
    delimiter: ',',
    timeZone: 'UTC',
    parseTime: (raw) => parseDateTime(raw, 'ymd'),
    ...options
  });
  if ('problem' in result) throw new Error(result.problem.message);
  return result;
}

describe('detectPreset', () => {
  it('recognises each format from its header', () => {
    expect(detectPreset(['email', 'timestamp', 'event', 'sg_message_id'])).toBe('sendgrid');
    expect(detectPreset(['event', 'recipient', 'timestamp'])).toBe('mailgun');
    expect(detectPreset(['contact', 'type', 'target', 'at'])).toBe('slice');
    expect(detectPreset(['Email', ' Event ', 'TIMESTAMP'])).toBe('sendgrid');
    expect(detectPreset(['name', 'when'])).toBeNull();
  });
});

describe('isMachineUserAgent', () => {
  it('knows the proxies and scanners, not a person’s browser', () => {
    expect(
      isMachineUserAgent(
        'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)'
      )
    ).toBe(true);
    expect(isMachineUserAgent('Mozilla/5.0 (compatible; BingPreview/1.0b)')).toBe(true);
    expect(
      isMachineUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36'
      )
    ).toBe(false);
    expect(isMachineUserAgent('')).toBe(false);
  });
});

describe('readDeliveryExport', () => {
  it('reads a SendGrid export with the documented figures', async () => {
    const r = await read(fixture('sendgrid-events.csv'));
    expect(r.preset).toBe('sendgrid');
    expect(r.rows).toBe(23);
    expect(r.report.figures()).toEqual({
      sent: 6,
      delivered: 5,
      bounced_hard: 1,
      bounced_soft: 0,
      opened_unique: 1,
      opened_total: 2,
      opened_machine: 1,
      clicked_unique: 1,
      clicked_total: 1,
      clicked_machine: 0,
      unsubscribed: 1,
      complained: 1,
      delivery_rate: 5 / 6,
      open_rate: 1 / 5,
      click_rate: 1 / 5,
      click_to_open_rate: 1,
      bounce_rate: 1 / 6,
      unsubscribe_rate: 1 / 5,
      complaint_rate: 1 / 5
    });
    expect(r.report.repeated).toBe(1);
    expect(r.report.dropped()).toBe(1);
    expect(r.unknownTypes).toEqual({ group_resubscribe: 1 });
    expect(r.problems).toEqual([
      { line: 24, column: 'event', reason: "unknown event type 'group_resubscribe'" }
    ]);
  });

  it('filters by emailing', async () => {
    const r = await read(fixture('sendgrid-events.csv'), { emailing: 'spring' });
    const f = r.report.figures();
    expect([f.sent, f.delivered]).toEqual([5, 4]);
    expect(r.otherEmailings).toBe(2);
  });

  it('reads a Mailgun export: severity, the client-info bot flag, unknown events reported', async () => {
    const r = await read(fixture('mailgun-events.csv'));
    expect(r.preset).toBe('mailgun');
    const f = r.report.figures();
    expect(f).toMatchObject({
      sent: 3,
      delivered: 2,
      bounced_hard: 1,
      bounced_soft: 0,
      opened_unique: 1,
      opened_total: 1,
      opened_machine: 1,
      clicked_unique: 1,
      clicked_total: 2,
      unsubscribed: 1,
      complained: 0
    });
    expect(r.unknownTypes).toEqual({ stored: 1 });
  });

  it('reads Slice email activity and buckets days in the zone of the report', async () => {
    const text = [
      'contact,type,target,at,machine',
      'a@x.org,received,spring,2026-03-01T22:30:00Z,',
      'a@x.org,opened,spring,2026-03-01T23:30:00Z,',
      'b@x.org,received,spring,2026-03-01T22:30:00Z,',
      'b@x.org,opened,spring,2026-03-01T23:10:00Z,true',
      'c@x.org,received,autumn,2026-03-01T10:00:00Z,'
    ].join('\n');
    const utc = await read(text);
    expect(utc.days.map((d) => [formatIsoDay(d.day), d.sent, d.opened, d.openedMachine])).toEqual([
      ['2026-03-01', 3, 1, 1]
    ]);
    const paris = await read(text, { timeZone: 'Europe/Paris' });
    expect(paris.days.map((d) => [formatIsoDay(d.day), d.sent, d.opened, d.openedMachine])).toEqual(
      [
        ['2026-03-01', 3, 0, 0],
        ['2026-03-02', 0, 1, 1]
      ]
    );
    const f = paris.report.figures();
    expect([f.sent, f.opened_unique, f.opened_machine]).toEqual([3, 1, 1]);
  });

  it('reports rows it cannot count with line and column, and counts the rest', async () => {
    const text = [
      'email,timestamp,event',
      'a@x.org,1767261600,processed',
      ',1767261600,processed',
      'b@x.org,yesterday,processed',
      'c@x.org,1767261600,'
    ].join('\r\n');
    const r = await read(text);
    expect(r.report.figures().sent).toBe(1);
    expect(r.problemCount).toBe(3);
    expect(r.problems).toEqual([
      { line: 3, column: 'email', reason: 'no recipient' },
      { line: 4, column: 'timestamp', reason: "'yesterday' is not a time" },
      { line: 5, column: 'event', reason: 'no event type' }
    ]);
  });

  it('names what a file lacks instead of guessing', async () => {
    const bad = await readDeliveryExport(chunksOf('name,when\nx,y\n'), {
      delimiter: ',',
      timeZone: 'UTC',
      parseTime: Date.parse
    });
    expect('problem' in bad && bad.problem.message).toMatch(
      /SendGrid event export \(email, event, timestamp\)/
    );
    const forced = await readDeliveryExport(chunksOf('email,event\nx,y\n'), {
      delimiter: ',',
      preset: 'sendgrid',
      timeZone: 'UTC',
      parseTime: Date.parse
    });
    expect('problem' in forced && forced.problem.message).toBe(
      'A SendGrid event export needs the column(s) timestamp.'
    );
  });
});
