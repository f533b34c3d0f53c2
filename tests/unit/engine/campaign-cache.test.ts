import { describe, expect, it } from 'vitest';
import { CampaignCache } from '$lib/engine/campaign-cache';
import { evaluateDefinition } from '$lib/core/segment/evaluate';
import {
  all,
  EVAL_OPTIONS,
  importText,
  PEOPLE,
  PEOPLE_FIELDS,
  trackEngines
} from './engine-fixture';

const { setup } = trackEngines();

const inLiege = all({ kind: 'attribute', field: 'city', rule: 'equals', value: 'Liège' });

describe('the campaign cache and the evaluation results', () => {
  it('keeps evaluation results per loaded campaign and drops them with it', async () => {
    const { engine, db } = setup();
    const c = await engine.createCampaign('A');
    expect((await importText(engine, c.id, PEOPLE, PEOPLE_FIELDS)).ok).toBe(true);
    const other = await engine.createCampaign('B');
    expect((await importText(engine, other.id, PEOPLE, PEOPLE_FIELDS)).ok).toBe(true);

    const cache = new CampaignCache(db);
    const count = async (id: string) => {
      const loaded = (await cache.get(id))!;
      const bits = evaluateDefinition(
        inLiege,
        { contacts: loaded.contacts!, events: loaded.noEvents },
        { now: Date.parse(EVAL_OPTIONS.now), timeZone: 'UTC', cache: loaded.derived.evaluation }
      );
      return { loaded, bits };
    };

    const first = await count(c.id);
    const held = first.loaded.derived.evaluation;
    expect(held.size).toBe(1);
    expect(held.byteSize).toBeGreaterThan(0);
    expect((await count(c.id)).loaded.derived.evaluation).toBe(held);
    expect(held.hits).toBe(1);

    // Another campaign: its own results, the first campaign's dropped with it.
    const b = await count(other.id);
    expect(b.loaded.derived.evaluation).not.toBe(held);
    expect(b.loaded.derived.evaluation.hits).toBe(0);
    expect(cache.peek(c.id)).toBeNull();

    cache.drop(other.id);
    expect(cache.peek(other.id)).toBeNull();
    const again = await count(other.id);
    expect(again.loaded.derived.evaluation).not.toBe(b.loaded.derived.evaluation);
    expect(again.loaded.derived.evaluation.hits).toBe(0);
    expect(Array.from(again.bits)).toEqual(Array.from(first.bits));
  });
});
