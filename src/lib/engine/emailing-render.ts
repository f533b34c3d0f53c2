/**
 * Renders an emailing for one contact of the loaded campaign: merge values read from the
 * worker's columns, the subject and text unescaped, the HTML escaped, the text derived from
 * the HTML when left empty.
 */
import type { ContactTable } from '$lib/core/columns/types';
import { parseTemplate, renderParts, type TemplatePart } from '$lib/core/email/merge-tags';
import { textBody } from '$lib/core/email/text-body';
import type { EmailingContent } from '$lib/db/emailings';
import { cellValue } from './cell-values';

export interface CompiledEmailing {
  subject: TemplatePart[];
  html: TemplatePart[];
  text: TemplatePart[] | null;
  fromName: TemplatePart[];
}

function parts(source: string, part: string): TemplatePart[] {
  const parsed = parseTemplate(source, part);
  if (!parsed.ok) throw new Error(parsed.problems[0].message);
  return parsed.parts;
}

export function compileEmailing(content: EmailingContent): CompiledEmailing {
  return {
    subject: parts(content.subject, 'subject'),
    html: parts(content.html, 'HTML body'),
    text: content.text.trim() ? parts(content.text, 'text body') : null,
    fromName: parts(content.fromName, 'from name')
  };
}

/** The campaign's field holding the address: the first of type email, else one named email. */
export function emailField(table: ContactTable | null): string | null {
  if (!table) return null;
  const typed = table.fields.find((f) => f.type === 'email');
  if (typed) return typed.name;
  return table.fields.find((f) => f.name.toLowerCase() === 'email')?.name ?? null;
}

export function fieldText(table: ContactTable, row: number, field: string): string {
  const spec = table.fields.find((f) => f.name === field);
  if (!spec) return '';
  const v = cellValue(table.columns[field], spec.type, row);
  return v === null ? '' : String(v);
}

export function renderFor(
  compiled: CompiledEmailing,
  table: ContactTable | null,
  row: number
): { subject: string; html: string; text: string; fromName: string } {
  const values = (field: string) =>
    table && row >= 0 && row < table.rowCount ? fieldText(table, row, field) : '';
  const html = renderParts(compiled.html, values, { html: true });
  return {
    subject: renderParts(compiled.subject, values, { html: false }),
    html,
    text: compiled.text ? renderParts(compiled.text, values, { html: false }) : textBody('', html),
    fromName: renderParts(compiled.fromName, values, { html: false })
  };
}
