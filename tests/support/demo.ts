/**
 * The demo campaign's files: 3,000 seeded participants in European formats (`;`, `12,5`,
 * `31/12/2025`, `oui/non`) and their events. Deterministic, so the demo is the same for everyone.
 * Written into static/demo/ by scripts/build-demo.ts, and into a temporary folder by tests.
 */
import { writeContactsCsv, writeEventsCsv, type GeneratorOptions } from './generator';

export const DEMO_OPTIONS: GeneratorOptions = {
  rows: 3000,
  seed: 2026,
  delimiter: ';',
  european: true
};

/** Writes `contacts.csv` and `events.csv` into `dir` (which must end with a slash). */
export async function writeDemoFiles(dir: string) {
  const contacts = await writeContactsCsv(`${dir}contacts.csv`, DEMO_OPTIONS);
  const events = await writeEventsCsv(`${dir}events.csv`, DEMO_OPTIONS);
  return { contacts, events };
}
