/**
 * `slice report --events delivery.csv [--emailing ID] [--tz Zone] [--preset slice|sendgrid|mailgun]
 *  [--format text|json]`: the delivery figures of an email provider's event export (or a Slice
 * events file), counted exactly as the app's dashboard counts them. `--format json` prints the
 * figures object alone, with the documented keys; rows that could not be counted go to stderr.
 */
import { openFile } from '../open-file';
import { detectEncoding, previewCsv, readBlobText } from '../../src/lib/core/csv/index';
import {
  DELIVERY_PRESETS,
  presetLabel,
  readDeliveryExport,
  type DeliveryFigures,
  type DeliveryPreset
} from '../../src/lib/core/analytics/index';
import { formatIsoDay } from '../../src/lib/core/segment/index';
import { readReportInParallel } from '../report-threads';
import { zonedParser } from '../zoned-parser';
import { parseFlags, timeOptions } from './segment-args';

const USAGE =
  'usage: slice report --events delivery.csv [--emailing ID] [--tz Area/City] [--preset slice|sendgrid|mailgun] [--format text|json]';

function percent(r: number | null): string {
  return r === null ? '—' : `${(r * 100).toFixed(1)} %`;
}

function textReport(f: DeliveryFigures): string[] {
  const rows: [string, string][] = [
    ['Sent', String(f.sent)],
    ['Delivered', `${f.delivered}  (delivery rate ${percent(f.delivery_rate)})`],
    ['Bounced, hard', String(f.bounced_hard)],
    ['Bounced, soft', `${f.bounced_soft}  (bounce rate ${percent(f.bounce_rate)})`],
    [
      'Opened (people)',
      `${f.opened_unique} unique, ${f.opened_total} in all  (open rate ${percent(f.open_rate)})`
    ],
    ['Opened by machines only', String(f.opened_machine)],
    [
      'Clicked (people)',
      `${f.clicked_unique} unique, ${f.clicked_total} in all  (click rate ${percent(f.click_rate)}, click-to-open ${percent(f.click_to_open_rate)})`
    ],
    ['Clicked by machines only', String(f.clicked_machine)],
    ['Unsubscribed', `${f.unsubscribed}  (${percent(f.unsubscribe_rate)})`],
    ['Complained', `${f.complained}  (${percent(f.complaint_rate)})`]
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
}

export async function run(args: string[]): Promise<number> {
  const flags = parseFlags(args, ['events', 'emailing', 'tz', 'preset', 'format']);
  if (typeof flags === 'string') {
    console.error(`slice report: ${flags}\n${USAGE}`);
    return 2;
  }
  if (!flags.events) {
    console.error(`slice report: --events is required\n${USAGE}`);
    return 2;
  }
  const format = flags.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    console.error(`slice report: --format must be text or json\n${USAGE}`);
    return 2;
  }
  if (flags.preset !== undefined && !DELIVERY_PRESETS.includes(flags.preset as DeliveryPreset)) {
    console.error(`slice report: --preset must be one of ${DELIVERY_PRESETS.join(', ')}`);
    return 2;
  }
  const time = timeOptions({ tz: flags.tz } as Record<string, string>);
  if (typeof time === 'string') {
    console.error(`slice report: ${time}`);
    return 2;
  }

  const blob = await openFile(flags.events);
  const preview = await previewCsv(blob, 'events', flags.events);
  if (preview.problem) {
    const where = preview.problem.line ? ` (line ${preview.problem.line})` : '';
    console.error(`slice report: ${flags.events}${where}: ${preview.problem.message}`);
    return 1;
  }
  const head = new Uint8Array(await blob.slice(0, 4).arrayBuffer());
  const bomLength = detectEncoding(head).bomLength;
  const readOptions = {
    delimiter: preview.delimiter,
    preset: flags.preset as DeliveryPreset | undefined,
    emailing: flags.emailing,
    timeZone: time.timeZone
  };
  // A large export is read on two cores; SLICE_REPORT_THREADS=1 keeps it on one.
  const result =
    (process.env.SLICE_REPORT_THREADS === '1'
      ? null
      : await readReportInParallel(flags.events, blob, preview, bomLength, readOptions)) ??
    (await readDeliveryExport(readBlobText(blob, preview.encoding, bomLength), {
      ...readOptions,
      parseTime: zonedParser(time.timeZone)
    }));
  if ('problem' in result) {
    const where = result.problem.line ? ` (line ${result.problem.line})` : '';
    console.error(`slice report: ${flags.events}${where}: ${result.problem.message}`);
    return 1;
  }

  if (result.problemCount > 0) {
    const unknown = Object.entries(result.unknownTypes)
      .map(([type, n]) => `'${type}' ×${n}`)
      .join(', ');
    console.error(
      `slice report: ${result.problemCount} row(s) not counted${unknown ? ` (unknown event types: ${unknown})` : ''}`
    );
    for (const p of result.problems.slice(0, 20)) {
      console.error(`  line ${p.line}${p.column ? `, ${p.column}` : ''}: ${p.reason}`);
    }
    if (result.problemCount > 20) console.error(`  … and ${result.problemCount - 20} more`);
  }
  const figures = result.report.figures();
  if (format === 'json') {
    console.log(JSON.stringify(figures, null, 2));
    return 0;
  }
  const lines = [
    `${presetLabel(result.preset)}: ${result.rows} rows, ${result.report.messages} messages${flags.emailing ? `, emailing ${flags.emailing}` : ''}`,
    '',
    ...textReport(figures)
  ];
  if (result.report.repeated > 0) {
    lines.push('', `${result.report.repeated} repeated event(s) (same event id) counted once.`);
  }
  if (result.days.length > 0) {
    lines.push(
      '',
      `By day (${time.timeZone}): sent, delivered, opened, clicked (people; machines)`
    );
    for (const d of result.days) {
      lines.push(
        `  ${formatIsoDay(d.day)}  ${d.sent}  ${d.delivered}  ${d.opened} (${d.openedMachine})  ${d.clicked} (${d.clickedMachine})`
      );
    }
  }
  console.log(lines.join('\n'));
  return 0;
}
