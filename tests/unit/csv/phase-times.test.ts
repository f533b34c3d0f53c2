/** Phase times: summed per phase, timed around sync and async work and an iterable's waits. */
import { describe, expect, it } from 'vitest';
import { PhaseTimes, timedChunks } from '../../../src/lib/core/csv/phase-times';

describe('PhaseTimes', () => {
  it('sums each phase and times the waits of an async iterable', async () => {
    const phases = new PhaseTimes();
    phases.add('parse', 1.4);
    phases.add('parse', 2.2);
    expect(phases.time('columns', () => 7)).toBe(7);
    await phases.timeAsync('write', () => new Promise((r) => setTimeout(r, 20)));
    async function* slow() {
      for (const x of ['a', 'b']) {
        await new Promise((r) => setTimeout(r, 15));
        yield x;
      }
    }
    const seen: string[] = [];
    for await (const x of timedChunks(slow(), phases, 'read')) seen.push(x);
    expect(seen).toEqual(['a', 'b']);
    expect(phases.ms.parse).toBeCloseTo(3.6);
    expect(phases.ms.write).toBeGreaterThanOrEqual(15);
    expect(phases.ms.read).toBeGreaterThanOrEqual(25);
    expect(phases.rounded()).toMatchObject({ parse: 4 });
  });
});
