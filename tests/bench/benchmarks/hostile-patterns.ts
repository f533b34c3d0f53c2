/**
 * hostile-patterns: the `contains` rule (segment/text.ts, the evaluator's own keyMatcher on
 * keys in comparison form) over 1,000,000 distinct values, with patterns built to hurt a
 * backtracking matcher — `a*a*…*a*b` (30 stars), 30 `+` parts ending in a piece that is never
 * found, 20 `|` alternatives none of which matches — against a benign `gmail|yahoo`. The values
 * are runs of 60 `a` and digits (the worst case for those patterns: every piece but the last is
 * found at once, the last is searched to the end) and, for the benign pattern, ordinary
 * addresses. `stars_long` runs the star pattern on values ten times longer, ten times fewer:
 * the same characters in all, so a matcher linear in the text takes about the same time (a
 * backtracking one would not finish).
 *
 * Pieces are found left to right with indexOf, so each value costs time linear in its length
 * times the number of pieces, never exponential; three or more plain alternatives are tested
 * by one RegExp of escaped literals (text.ts keyMatcher), linear too. Before that RegExp, the
 * 20 alternatives took 22.0 s on 1M values (one indexOf each: V8's indexOf leaves its fast path
 * when a piece starts with a character found everywhere in the value, about 1 µs a call here).
 */
import { keyMatcher, parsePattern, textKey } from '../../../src/lib/core/segment/text';
import { result, round, timeRuns, type Timings } from '../lib/timing';
import type { Benchmark } from '../lib/types';

const VALUES = 1_000_000;

function values(kind: 'runs-of-a' | 'addresses', n: number, run = 60): string[] {
  const out: string[] = new Array(n);
  const domains = ['gmail.com', 'example.org', 'yahoo.fr', 'mail.be', 'proton.me'];
  for (let i = 0; i < n; i++) {
    out[i] =
      kind === 'runs-of-a'
        ? 'a'.repeat(run) + String(i)
        : `person.${i.toString(36)}@${domains[i % domains.length]}`;
  }
  // Keys as the evaluator holds them (folded once per dictionary entry, not per match).
  return out.map((v) => textKey(v, false));
}

const PATTERNS = {
  benign: 'gmail|yahoo',
  stars: `${'a*'.repeat(30)}b`,
  plus: `${'a+'.repeat(30)}zzz`,
  alternatives: Array.from({ length: 20 }, (_, i) => `a${i}q`).join('|')
};

function count(keys: string[], pattern: string): number {
  const matches = keyMatcher(parsePattern(pattern, false));
  let n = 0;
  for (let i = 0; i < keys.length; i++) if (matches(keys[i])) n++;
  return n;
}

export const benchmark: Benchmark = {
  name: 'hostile-patterns',
  kind: 'node',
  order: 93,
  async run(ctx) {
    const n = ctx.quick ? VALUES / 10 : VALUES;
    const hostile = values('runs-of-a', n);
    const ordinary = values('addresses', n);
    const long = values('runs-of-a', n / 10, 600);
    const timed: Record<string, Timings> = {};
    const matches: Record<string, number> = {};
    const cases: [string, string[], string][] = [
      ['benign', ordinary, PATTERNS.benign],
      ['benign_on_runs', hostile, PATTERNS.benign],
      ['stars', hostile, PATTERNS.stars],
      ['stars_long', long, PATTERNS.stars],
      ['plus', hostile, PATTERNS.plus],
      ['alternatives', hostile, PATTERNS.alternatives]
    ];
    for (const [name, keys, pattern] of cases) {
      matches[name] = count(keys, pattern);
      timed[name] = await timeRuns(() => count(keys, pattern), { runs: 5 });
      ctx.log(`  ${name}: ${round(timed[name].median)} ms median, ${matches[name]} of ${n} match`);
    }
    // Expected outcomes, so a matcher that gave up early could not look fast.
    let expected = 0;
    for (let i = 0; i < n; i++) if (i % 5 === 0 || i % 5 === 2) expected++;
    if (matches.benign !== expected)
      throw new Error(`the benign pattern matched ${matches.benign}, not ${expected}`);
    for (const name of ['stars', 'stars_long', 'plus', 'alternatives'])
      if (matches[name] !== 0) throw new Error(`${name} matched ${matches[name]} values`);
    const worst = Math.max(timed.stars.median, timed.plus.median, timed.alternatives.median);
    return result('hostile-patterns', n, timed.stars, {
      benign_ms: round(timed.benign.median),
      benign_on_runs_ms: round(timed.benign_on_runs.median),
      stars_ms: round(timed.stars.median),
      stars_long_ms: round(timed.stars_long.median),
      plus_ms: round(timed.plus.median),
      alternatives_ms: round(timed.alternatives.median),
      ratio_worst_to_benign: round(worst / timed.benign.median, 1)
    });
  }
};
