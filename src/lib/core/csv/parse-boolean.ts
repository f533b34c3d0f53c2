/**
 * Reads yes/no values in the languages of the users' exports (English, French, Dutch, German)
 * and as 1/0 or true/false, into the BooleanColumn codes.
 */

const TRUE_WORDS = ['true', 'yes', 'y', 'oui', 'o', 'vrai', 'v', 'ja', 'j', 't', '1'];
const FALSE_WORDS = ['false', 'no', 'n', 'non', 'faux', 'f', 'nee', 'nein', '0'];

// Every word as written in lower case, Capitalised and UPPER CASE: most cells are found here
// without trimming or case conversion.
const CODES = new Map<string, 1 | 2>();
for (const [words, code] of [
  [TRUE_WORDS, 2],
  [FALSE_WORDS, 1]
] as const) {
  for (const w of words) {
    CODES.set(w, code);
    CODES.set(w.toUpperCase(), code);
    CODES.set(w[0].toUpperCase() + w.slice(1), code);
  }
}

/** 0 = empty, 1 = false, 2 = true, -1 = not a boolean. */
export function parseBoolean(raw: string): 0 | 1 | 2 | -1 {
  const fast = CODES.get(raw);
  if (fast !== undefined) return fast;
  const s = raw.trim().toLowerCase();
  if (s === '') return 0;
  return CODES.get(s) ?? -1;
}
