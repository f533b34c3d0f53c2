/**
 * The Analytics tab's CSV export (ChartCard: toCsv of a chart's data table) neutralises cells
 * a spreadsheet would run as formulas. Bounce reasons are the receiving server's own words
 * and links come from an email's HTML: either may start with `=`, `+`, `-`, `@`, tab or CR.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { toCsv } from '$lib/core/csv/write-csv';
import type { Dashboard } from '$lib/engine/analytics-api';
import { bounceChart, linksChart } from '$lib/ui/analytics/dashboard-charts';

const STARTS = ['=', '+', '-', '@', '\t', '\r'];
const hostile = STARTS.map((s) => `${s}HYPERLINK("http://evil.example","x")`);

const rows = (csv: string) =>
  Papa.parse<string[]>(csv.replace(/\r\n$/, ''), { newline: '\r\n' }).data;

describe('chart data as CSV', () => {
  // Only the parts of a dashboard these two charts read.
  const dashboard = {
    bounceReasons: hostile.map((reason) => ({ reason, bounce: 'hard', messages: 1 })),
    links: hostile.map((url) => ({ url, uniqueHuman: 1, human: 2, machine: 0 })),
    figures: { bounced_hard: 6, bounced_soft: 0, clicked_unique: 6, clicked_total: 12 }
  } as unknown as Dashboard;

  it('neutralises every bounce reason and link that starts like a formula', () => {
    for (const table of [bounceChart(dashboard).table, linksChart(dashboard).table]) {
      const out = rows(toCsv(table.headers, table.rows));
      expect(out[0]).toEqual(table.headers);
      expect(out.slice(1).map((r) => r[0])).toEqual(hostile.map((h) => `'${h}`));
    }
  });
});
