/**
 * Writes the demo campaign's files, static/demo/contacts.csv and static/demo/events.csv:
 * 3,000 seeded participants in European formats (`;`, `12,5`, `31/12/2025`, `oui/non`) and
 * their events. Deterministic, so the demo is the same for everyone. Run before `vite build`.
 */
import { fileURLToPath } from 'node:url';
import {
  writeContactsCsv,
  writeEventsCsv,
  type GeneratorOptions
} from '../tests/support/generator';

export const DEMO_OPTIONS: GeneratorOptions = {
  rows: 3000,
  seed: 2026,
  delimiter: ';',
  european: true
};

const dir = fileURLToPath(new URL('../static/demo/', import.meta.url));
const contacts = await writeContactsCsv(`${dir}contacts.csv`, DEMO_OPTIONS);
const events = await writeEventsCsv(`${dir}events.csv`, DEMO_OPTIONS);
console.log(
  `build-demo: ${contacts.lines} contacts (${(contacts.bytes / 1024).toFixed(0)} KiB), ` +
    `${events.lines} events (${(events.bytes / 1024).toFixed(0)} KiB) in static/demo/`
);
