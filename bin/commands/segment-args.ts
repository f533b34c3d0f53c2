/**
 * Shared argument handling of the `segment` and `sql` commands: flags, the contacts file,
 * the definition file (read and validated), and now / time zone.
 */
import { readFile } from 'node:fs/promises';
import type { ContactTable } from '../../src/lib/core/columns/types';
import {
  isValidTimeZone,
  runtimeTimeZone,
  validateDefinition,
  type Definition,
  type ValidationError
} from '../../src/lib/core/segment/index';
import { readDefinitionFile } from '../../src/lib/core/segment/definition-file';
import { loadContactsCsv } from '../load-csv';

export type Flags = Record<string, string>;

/** `--name value` pairs; returns an error message for anything else. */
export function parseFlags(args: string[], allowed: string[]): Flags | string {
  const flags: Flags = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) return `unexpected argument '${a}'`;
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (!allowed.includes(name)) return `unknown option '--${name}'`;
    const value = eq > 0 ? a.slice(eq + 1) : args[++i];
    if (value === undefined) return `option '--${name}' needs a value`;
    flags[name] = value;
  }
  return flags;
}

export function formatErrors(errors: ValidationError[]): string {
  return errors.map((e) => `  ${e.path}${e.field ? ` (${e.field})` : ''}: ${e.message}`).join('\n');
}

/**
 * now from --now (ISO 8601) or the clock; time zone from --tz or the system's. The zone is the
 * app's campaign zone: zone-less times in the files are read in it, and days counted in it.
 */
export function timeOptions(flags: Flags): { now: number; timeZone: string } | string {
  const now = flags.now === undefined ? Date.now() : Date.parse(flags.now);
  if (Number.isNaN(now)) return `--now '${flags.now}' is not an ISO 8601 date or date-time`;
  const timeZone = flags.tz ?? runtimeTimeZone();
  if (!isValidTimeZone(timeZone))
    return `--tz '${timeZone}' is not an IANA time zone (e.g. Europe/Brussels)`;
  return { now, timeZone };
}

/** The contacts of a CSV file; date-times without a zone are read in `timeZone` (--tz). */
export async function loadContacts(
  path: string,
  identity: string | undefined,
  timeZone: string
): Promise<ContactTable | string> {
  const loaded = await loadContactsCsv(
    path,
    identity === undefined ? { timeZone } : { identity, timeZone }
  );
  if (loaded.problem) {
    const where = loaded.problem.line ? ` (line ${loaded.problem.line})` : '';
    return `${path}${where}: ${loaded.problem.message}`;
  }
  if (loaded.rejected.length > 0) {
    console.error(
      `slice: ${path}: ${loaded.rejected.length} row(s) rejected (see 'slice inspect ${path}'); they are not counted`
    );
  }
  return loaded.table;
}

/** Reads and validates the definition file against the contacts' fields. */
export async function loadDefinition(
  path: string,
  contacts: ContactTable
): Promise<Definition | string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    return `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'not a file' : e instanceof Error ? e.message : String(e)}`;
  }
  const read = readDefinitionFile(bytes, path);
  if (!read.ok) return read.message;
  const def = read.value;
  // The command line has no stored segments, so segment conditions cannot be resolved.
  const errors = validateDefinition(def, { fields: contacts.fields, segments: [] });
  if (errors.length > 0) return `${path}: invalid segment definition:\n${formatErrors(errors)}`;
  return def as Definition;
}
