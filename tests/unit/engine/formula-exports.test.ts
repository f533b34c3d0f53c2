/**
 * Every CSV the app lets a person download neutralises cells a spreadsheet would run as a
 * formula (a leading = + - @ tab or CR gets a `'`): the rejected-rows report, the members
 * export and the suppression list, each through the engine as the app calls it. The cell
 * writer itself is tested on all six starts in tests/unit/csv/write-csv.test.ts; here each
 * exporter is shown to go through it, headers included.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { importText, trackEngines } from './engine-fixture';

const { setup } = trackEngines();

const rows = (csv: string) =>
  Papa.parse<string[]>(csv.replace(/\r\n$/, ''), { newline: '\r\n' }).data;

/** The payloads a spreadsheet would run, as they survive an import (values are trimmed). */
const FORMULAS = ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)'];

describe('formula cells in exports', () => {
  it('the rejected-rows report neutralises raw lines and column names', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('A');
    const lines = [...FORMULAS, '\t=1+1'].map((f) => `${f.replaceAll('"', '')},extra`);
    const outcome = await importText(
      engine,
      c.id,
      ['email', 'ok@example.org', ...lines].join('\n') + '\n',
      { email: 'email' }
    );
    if (!outcome.ok) throw new Error(outcome.message);
    const report = rows(await engine.rejectedReport(outcome.importId));
    expect(report[0]).toEqual(['line', 'column', 'reason', 'raw']);
    const raws = report.slice(1).map((r) => r[3]);
    expect(raws).toHaveLength(lines.length);
    for (const [i, raw] of raws.entries()) expect(raw).toBe(`'${lines[i]}`);
  });

  it('the members export neutralises values and field names', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('A');
    const text =
      'email,@note\n' +
      FORMULAS.map((f, i) => `p${i}@example.org,"${f.replaceAll('"', '""')}"`).join('\n');
    const outcome = await importText(engine, c.id, text + '\n', {
      email: 'email',
      '@note': 'text'
    });
    if (!outcome.ok) throw new Error(outcome.message);
    const everyone = (await engine.listSegments(c.id))[0];
    const blob = await engine.exportMembersCsv(everyone.id, ['email', '@note']);
    const out = rows(await blob.text());
    expect(out[0]).toEqual(['email', "'@note"]);
    expect(out.slice(1).map((r) => r[1])).toEqual(FORMULAS.map((f) => `'${f}`));
  });

  it('the suppression list neutralises addresses that start like a formula', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('A');
    const addresses = ['=cmd@example.org', '+tag@example.org', '-dash@example.org'];
    const imported = await engine.importSuppressions(c.id, `email\n${addresses.join('\n')}\n`);
    expect(imported).toEqual({ added: 3, problems: [] });
    const out = rows(await engine.exportSuppressions(c.id));
    expect(out[0]).toEqual(['email', 'reason', 'added_at', 'note']);
    expect(
      out
        .slice(1)
        .map((r) => r[0])
        .sort()
    ).toEqual(addresses.map((a) => `'${a}`).sort());
  });
});
