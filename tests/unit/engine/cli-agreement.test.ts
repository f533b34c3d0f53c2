/**
 * `slice segment` and the app give the same counts for real files: contacts with mixed line
 * endings, events with repeated rows (two page views in one second are two) and mixed line
 * endings. The CLI runs as a user runs it; the app side goes through the engine's preview and
 * import, as the import screen does.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../csv/helpers';
import { all, contactOptions, csvFile, EVAL_OPTIONS, trackEngines } from './engine-fixture';

const run = promisify(execFile);
const { setup } = trackEngines();

const CONTACTS = FIXTURES + 'mixed-line-endings.csv';
const EVENTS = FIXTURES + 'events-repeated-mixed.csv';

const views = (n: number) =>
  all({ kind: 'event', event: 'page_view', count: { op: 'at_least', n } });

async function cliCount(definition: unknown): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'slice-agree-'));
  const def = join(dir, 'def.json');
  await writeFile(def, JSON.stringify(definition));
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'bin/slice.ts',
      'segment',
      ...['--contacts', CONTACTS, '--events', EVENTS, '--definition', def],
      ...['--now', EVAL_OPTIONS.now, '--tz', EVAL_OPTIONS.timeZone]
    ],
    { cwd: process.cwd() }
  );
  return Number(stdout.trim());
}

describe('the command line and the app agree', () => {
  it('on repeated events and mixed line endings', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('Agree');
    const contacts = csvFile(await readFile(CONTACTS, 'utf8'), 'contacts.csv');
    const preview = await engine.previewFile(contacts, 'contacts');
    expect(await engine.importContacts(c.id, contacts, contactOptions(preview))).toMatchObject({
      ok: true,
      added: 6,
      rejected: 0
    });
    const events = csvFile(await readFile(EVENTS, 'utf8'), 'events.csv');
    const eventPreview = await engine.previewFile(events, 'events');
    const options = {
      mapping: eventPreview.suggestedMapping!,
      encoding: eventPreview.encoding,
      delimiter: eventPreview.delimiter
    };
    expect(await engine.importEvents(c.id, events, options)).toMatchObject({
      ok: true,
      added: 6,
      rejected: 0
    });
    // ana viewed twice, chloe three times, bob once.
    const expected = [
      [1, 3],
      [2, 2],
      [3, 1]
    ];
    for (const [n, count] of expected) {
      const app = await engine.count(c.id, views(n), EVAL_OPTIONS);
      expect(app, `at least ${n}`).toMatchObject({ ok: true, count });
      expect(await cliCount(views(n)), `at least ${n}`).toBe(count);
    }
    // Importing the same events file again changes nothing, in the app.
    expect(await engine.importEvents(c.id, events, options)).toMatchObject({
      ok: true,
      added: 0,
      skipped: 6
    });
    expect(await engine.count(c.id, views(3), EVAL_OPTIONS)).toMatchObject({ ok: true, count: 1 });
  });
});
