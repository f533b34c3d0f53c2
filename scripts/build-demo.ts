/**
 * Writes the demo campaign's files, static/demo/contacts.csv and static/demo/events.csv (see
 * tests/support/demo.ts). Run before `vite build`.
 */
import { fileURLToPath } from 'node:url';
import { writeDemoFiles } from '../tests/support/demo';

const dir = fileURLToPath(new URL('../static/demo/', import.meta.url));
const { contacts, events } = await writeDemoFiles(dir);
console.log(
  `build-demo: ${contacts.lines} contacts (${(contacts.bytes / 1024).toFixed(0)} KiB), ` +
    `${events.lines} events (${(events.bytes / 1024).toFixed(0)} KiB) in static/demo/`
);
