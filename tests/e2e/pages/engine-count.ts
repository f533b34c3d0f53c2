/**
 * The engine in Node (the `slice segment` command) on the demo files the build wrote, for
 * checking what the page counts against it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function engineCount(definition: unknown, now: string, zone: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'slice-seg-'));
  const file = join(dir, 'definition.json');
  writeFileSync(file, JSON.stringify(definition));
  const out = execFileSync(
    'npx',
    [
      'tsx',
      'bin/slice.ts',
      'segment',
      '--contacts',
      'build/demo/contacts.csv',
      '--events',
      'build/demo/events.csv',
      '--definition',
      file,
      '--now',
      now,
      '--tz',
      zone,
      '--output',
      'count'
    ],
    { encoding: 'utf8' }
  );
  return Number(out.trim());
}
