/**
 * Reads yes/no values in the languages of the users' exports (English, French, Dutch, German)
 * and as 1/0 or true/false, into the BooleanColumn codes.
 */

const TRUE_WORDS = new Set(['true', 'yes', 'y', 'oui', 'o', 'vrai', 'v', 'ja', 'j', 't', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', 'non', 'faux', 'f', 'nee', 'nein', '0']);

/** 0 = empty, 1 = false, 2 = true, -1 = not a boolean. */
export function parseBoolean(raw: string): 0 | 1 | 2 | -1 {
  const s = raw.trim().toLowerCase();
  if (s === '') return 0;
  if (TRUE_WORDS.has(s)) return 2;
  if (FALSE_WORDS.has(s)) return 1;
  return -1;
}
