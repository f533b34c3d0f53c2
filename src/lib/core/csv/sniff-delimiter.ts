/**
 * Guesses a CSV file's delimiter from a sample of its text: the one a first line `sep=;` names
 * (Excel's hint), else the candidate that splits the header and the following records into the
 * same number of fields, outside quoted parts.
 */
import { readSepHint } from './sep-hint';
import type { Delimiter } from './types';

const CANDIDATES: readonly Delimiter[] = [',', ';', '\t', '|'];
const MAX_RECORDS = 50;

/** Counts of each candidate per record, for the first records of the sample. */
function countPerRecord(sample: string): number[][] {
  const records: number[][] = [];
  let counts = [0, 0, 0, 0];
  let inQuotes = false;
  let empty = true;
  for (let i = 0; i < sample.length && records.length < MAX_RECORDS; i++) {
    const c = sample[i];
    if (c === '"') {
      // A doubled quote inside quotes toggles twice: nothing changes, as it should.
      inQuotes = !inQuotes;
      empty = false;
      continue;
    }
    if (inQuotes) continue;
    if (c === '\n' || c === '\r') {
      if (!empty) records.push(counts);
      counts = [0, 0, 0, 0];
      empty = true;
      continue;
    }
    empty = false;
    const k = CANDIDATES.indexOf(c as Delimiter);
    if (k >= 0) counts[k]++;
  }
  // The last record is complete only if the sample ended right there; keep it if it is alone.
  if (!empty && records.length === 0) records.push(counts);
  return records;
}

export function sniffDelimiter(sample: string): Delimiter {
  const hint = readSepHint(sample);
  if (hint && hint.problem === undefined) return hint.delimiter;
  const records = countPerRecord(sample);
  if (records.length === 0) return ',';
  let best: Delimiter = ',';
  let bestScore = -1;
  let bestFields = 0;
  CANDIDATES.forEach((delimiter, k) => {
    const header = records[0][k];
    if (header === 0) return;
    let same = 0;
    for (const r of records) if (r[k] === header) same++;
    const score = same / records.length;
    // Prefer consistency, then more fields; ties keep the earlier (more common) candidate.
    if (score > bestScore + 1e-9 || (Math.abs(score - bestScore) <= 1e-9 && header > bestFields)) {
      best = delimiter;
      bestScore = score;
      bestFields = header;
    }
  });
  return best;
}
