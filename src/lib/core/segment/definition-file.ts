/**
 * Reading a segment definition from a file a person chose (the builder's "Import JSON", the
 * command line's --definition): bytes to a JSON value, with a message naming the file and
 * where its JSON breaks, and validation problems as one sentence. Structure is the
 * validator's job (validate.ts); this only gets the text and the JSON right.
 */
import type { ValidationError } from './validate';

export type DefinitionFileRead = { ok: true; value: unknown } | { ok: false; message: string };

/** Text of a file: UTF-8 (with or without BOM), or UTF-16 with a BOM (Windows editors). */
function decode(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    // The decoder drops a UTF-8 BOM itself.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** "line L, column C" of a character offset. */
function place(text: string, offset: number): string {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return `line ${line}, column ${offset - last}`;
}

/** The JSON value of a definition file, or why it has none. */
export function readDefinitionFile(bytes: Uint8Array, name: string): DefinitionFileRead {
  const text = decode(bytes);
  if (text === null) {
    return { ok: false, message: `${name} is not a text file in UTF-8 (or UTF-16 with a BOM).` };
  }
  if (text.trim() === '') return { ok: false, message: `${name} is empty.` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    // Engines word it differently; where it breaks is what a person needs.
    const at = /position (\d+)/.exec(raw);
    const offset = at ? Number(at[1]) : null;
    const end = text.trimEnd().length;
    let why: string;
    if (/Unterminated|end of (JSON )?(data|input)/i.test(raw) || (offset !== null && offset >= end))
      why = 'the text ends before the JSON is complete (is the file cut short?)';
    else if (offset !== null) why = `the text is not JSON at ${place(text, offset)}`;
    else if (!/^\s*[[{"\d-]/.test(text) && !/^\s*(true|false|null)/.test(text))
      why = 'it does not start like JSON (a definition starts with {)';
    else why = 'the text is not JSON';
    return { ok: false, message: `${name} is not valid JSON: ${why}.` };
  }
}

/** A path as a person can read it: a deep one (64 groups) as its start, depth and end. */
function shortPath(path: string): string {
  const steps = path.split('.');
  if (steps.length <= 6) return path;
  return `${steps.slice(0, 2).join('.')}. … .${steps.slice(-2).join('.')}, ${steps.length - 1} levels deep`;
}

/** Validation problems as one sentence: the first few, each with the condition's path. */
export function definitionProblemsText(errors: ValidationError[], max = 5): string {
  const shown = errors
    .slice(0, max)
    .map((e) => `${e.message} (${shortPath(e.path)})`)
    .join('; ');
  return errors.length > max ? `${shown} — and ${errors.length - max} more` : shown;
}
