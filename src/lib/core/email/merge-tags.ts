/**
 * Merge tags: `{{field}}` and `{{field | "fallback"}}` in subjects and bodies. A template is
 * parsed once into literal text and tags, checked against the campaign's fields (an unknown
 * field is an error naming it and where it is), then rendered per contact. In HTML bodies the
 * values are escaped, so a contact's data can never inject markup into a message.
 */

export interface MergeTag {
  field: string;
  /** Used when the contact's value is empty; null when the tag has none. */
  fallback: string | null;
  /** Offset of the opening `{{` in the template. */
  offset: number;
  /** 1-based line and column of the opening `{{`, for messages. */
  line: number;
  column: number;
}

export type TemplatePart = string | MergeTag;

export interface MergeProblem {
  /** Which part of the emailing: subject, html, text, fromName… */
  part: string;
  line: number;
  column: number;
  message: string;
}

export type ParsedTemplate =
  { ok: true; parts: TemplatePart[] } | { ok: false; problems: MergeProblem[] };

// Field names as imports make them: letters, digits, _, -, ., spaces inside.
const TAG_BODY = /^\s*([^\s|"{}][^|"{}]*?)\s*(?:\|\s*"((?:[^"\\]|\\.)*)"\s*)?$/;

function position(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** Splits a template into text and tags; syntax errors name their line and column. */
export function parseTemplate(source: string, part = 'template'): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const problems: MergeProblem[] = [];
  let at = 0;
  while (at < source.length) {
    const open = source.indexOf('{{', at);
    if (open < 0) break;
    if (open > at) parts.push(source.slice(at, open));
    const close = source.indexOf('}}', open + 2);
    const where = position(source, open);
    if (close < 0) {
      problems.push({ part, ...where, message: 'This merge tag is not closed with "}}".' });
      at = source.length;
      break;
    }
    const body = source.slice(open + 2, close);
    const match = TAG_BODY.exec(body);
    if (!match) {
      problems.push({
        part,
        ...where,
        message: `"{{${body}}}" is not a merge tag: write {{field}} or {{field | "fallback"}}.`
      });
    } else {
      const fallback = match[2] === undefined ? null : match[2].replace(/\\(.)/g, '$1');
      parts.push({ field: match[1], fallback, offset: open, ...where });
    }
    at = close + 2;
  }
  if (at < source.length) parts.push(source.slice(at));
  return problems.length ? { ok: false, problems } : { ok: true, parts };
}

/** Problems of a template against the fields the campaign has (syntax and unknown fields). */
export function mergeProblems(
  source: string,
  fields: readonly string[],
  part: string
): MergeProblem[] {
  const parsed = parseTemplate(source, part);
  if (!parsed.ok) return parsed.problems;
  const known = new Set(fields);
  const problems: MergeProblem[] = [];
  for (const p of parsed.parts) {
    if (typeof p !== 'string' && !known.has(p.field)) {
      problems.push({
        part,
        line: p.line,
        column: p.column,
        message: `Unknown field "${p.field}" in the ${part} at line ${p.line}, column ${p.column}.`
      });
    }
  }
  return problems;
}

/** The fields a template uses, in order of first use. */
export function templateFields(source: string): string[] {
  const parsed = parseTemplate(source);
  if (!parsed.ok) return [];
  const seen = new Set<string>();
  for (const p of parsed.parts) if (typeof p !== 'string') seen.add(p.field);
  return [...seen];
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * Renders parsed parts for one contact. `values` gives each field's value as text ('' when
 * empty); `html` escapes values and fallbacks alike.
 */
export function renderParts(
  parts: readonly TemplatePart[],
  values: (field: string) => string,
  options: { html: boolean }
): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') {
      out += p;
      continue;
    }
    const raw = values(p.field);
    const value = raw === '' && p.fallback !== null ? p.fallback : raw;
    out += options.html ? escapeHtml(value) : value;
  }
  return out;
}

/** Parses and renders in one go; throws with the first problem when the template is invalid. */
export function renderTemplate(
  source: string,
  values: Record<string, string>,
  options: { html: boolean }
): string {
  const parsed = parseTemplate(source);
  if (!parsed.ok) throw new Error(parsed.problems[0].message);
  return renderParts(parsed.parts, (f) => values[f] ?? '', options);
}
