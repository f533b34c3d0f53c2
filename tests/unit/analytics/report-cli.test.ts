/**
 * `slice report`, run as a user would: the JSON keys exactly as documented, text output,
 * clear refusals with a non-zero exit.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixture = (name: string) => `tests/fixtures/delivery/${name}`;

async function slice(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [
      '--import',
      'tsx',
      'bin/slice.ts',
      ...args
    ]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const KEYS = [
  'sent',
  'delivered',
  'bounced_hard',
  'bounced_soft',
  'opened_unique',
  'opened_total',
  'opened_machine',
  'clicked_unique',
  'clicked_total',
  'clicked_machine',
  'unsubscribed',
  'complained',
  'delivery_rate',
  'open_rate',
  'click_rate',
  'click_to_open_rate',
  'bounce_rate',
  'unsubscribe_rate',
  'complaint_rate'
];

describe('slice report', () => {
  it('prints exactly the documented keys as JSON', async () => {
    const r = await slice([
      'report',
      '--events',
      fixture('sendgrid-events.csv'),
      '--format',
      'json'
    ]);
    expect(r.code).toBe(0);
    const figures = JSON.parse(r.stdout) as Record<string, number | null>;
    expect(Object.keys(figures)).toEqual(KEYS);
    expect(figures.sent).toBe(6);
    expect(figures.opened_machine).toBe(1);
    expect(r.stderr).toMatch(
      /1 row\(s\) not counted \(unknown event types: 'group_resubscribe' ×1\)/
    );
    expect(r.stderr).toMatch(/line 24, event: unknown event type 'group_resubscribe'/);
  });

  it('filters one emailing and prints a readable text report', async () => {
    const r = await slice([
      'report',
      '--events',
      fixture('mailgun-events.csv'),
      '--emailing',
      'promo',
      '--tz',
      'Europe/Paris'
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Mailgun event export: 13 rows, 3 messages, emailing promo/);
    expect(r.stdout).toMatch(/Delivered\s+2 {2}\(delivery rate 66\.7 %\)/);
    expect(r.stdout).toMatch(/Opened by machines only\s+1/);
    expect(r.stdout).toMatch(/By day \(Europe\/Paris\)/);
    expect(r.stdout).toMatch(/2026-01-01 {2}3 {2}2 {2}1 \(1\) {2}2 \(0\)/);
  });

  it('reads zone-less times of a Slice file in --tz', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slice-report-'));
    await writeFile(
      join(dir, 'activity.csv'),
      'contact,type,target,at\na@x.org,received,e1,2026-03-02 00:30\nb@x.org,received,e1,2026-03-01T23:30:00Z\n'
    );
    const paris = await slice([
      'report',
      '--events',
      join(dir, 'activity.csv'),
      '--tz',
      'Europe/Paris'
    ]);
    expect(paris.stdout).toMatch(/2026-03-02 {2}2 {2}0/);
    const utc = await slice(['report', '--events', join(dir, 'activity.csv'), '--tz', 'UTC']);
    expect(utc.stdout).toMatch(/2026-03-01 {2}1 {2}0/);
    expect(utc.stdout).toMatch(/2026-03-02 {2}1 {2}0/);
  });

  it('honours --preset and refuses bad input with one clear message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slice-report-'));
    await writeFile(join(dir, 'odd.csv'), 'who,what,when\na@x.org,open,1767261600\n');
    const unknown = await slice(['report', '--events', join(dir, 'odd.csv')]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /odd\.csv \(line 1\): The header is not one of a Slice events file/
    );
    const forced = await slice(['report', '--events', join(dir, 'odd.csv'), '--preset', 'mailgun']);
    expect(forced.code).toBe(1);
    expect(forced.stderr).toMatch(
      /A Mailgun event export needs the column\(s\) recipient, event, timestamp\./
    );
    const badPreset = await slice([
      'report',
      '--events',
      join(dir, 'odd.csv'),
      '--preset',
      'brevo'
    ]);
    expect(badPreset.code).toBe(2);
    expect(badPreset.stderr).toMatch(/--preset must be one of slice, sendgrid, mailgun/);
    const missing = await slice(['report', '--events', join(dir, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read '.*nope\.csv': no such file/);
    expect(missing.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
