/**
 * Email conditions in the engine read the delivery store: what the relay and imported
 * provider exports reported counts at once, people apart from machines, and a new append is
 * counted on the next live count even though the evaluator keeps results between counts.
 */
import { describe, expect, it } from 'vitest';
import type { Definition } from '$lib/core/segment/definition';
import type { MatchedEvent } from '$lib/engine/delivery-service';
import { EVAL_OPTIONS, importText, PEOPLE, PEOPLE_FIELDS, trackEngines } from './engine-fixture';

const { setup } = trackEngines();
const T0 = Date.parse('2026-06-10T08:00:00Z');

function ev(row: number, kind: MatchedEvent['kind'], machine = false, at = T0): MatchedEvent {
  return {
    messageId: `e1:${row}`,
    recipient: `p${row}@example.org`,
    emailing: 'e1',
    kind,
    at,
    machine,
    contact: row
  };
}

const opened = (machine?: 'include' | 'only'): Definition => ({
  version: 1,
  root: {
    kind: 'group',
    match: 'all',
    children: [{ kind: 'email', activity: 'opened', emailing: 'e1', ...(machine && { machine }) }]
  }
});

describe('email conditions over the delivery store', () => {
  it('count reported activity, people only unless asked, and follow new appends', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('Spring');
    expect((await importText(engine, c.id, PEOPLE, PEOPLE_FIELDS)).ok).toBe(true);
    const count = async (d: Definition) => {
      const r = await engine.count(c.id, d, EVAL_OPTIONS);
      if (!r.ok) throw new Error(JSON.stringify(r));
      return r.count;
    };
    expect(await count(opened())).toBe(0);
    await engine.delivery.append(c.id, [
      ev(0, 'sent'),
      ev(1, 'sent'),
      ev(2, 'sent'),
      ev(0, 'opened', true, T0 + 2000), // a privacy proxy
      ev(1, 'opened', false, T0 + 60_000) // a person
    ]);
    expect(await count(opened())).toBe(1);
    expect(await count(opened('only'))).toBe(1);
    expect(await count(opened('include'))).toBe(2);
    // The cached result of the first condition is not served once the store changed.
    await engine.delivery.append(c.id, [ev(2, 'opened', false, T0 + 90_000)]);
    expect(await count(opened())).toBe(2);
    const received: Definition = {
      version: 1,
      root: {
        kind: 'group',
        match: 'all',
        children: [{ kind: 'email', activity: 'received', count: { op: 'exactly', n: 0 } }]
      }
    };
    // Four people, three handed a message: one never received one.
    expect(await count(received)).toBe(1);
  });

  it('filter the contacts browser, and follow new appends there too', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('Spring');
    expect((await importText(engine, c.id, PEOPLE, PEOPLE_FIELDS)).ok).toBe(true);
    await engine.delivery.append(c.id, [ev(0, 'opened', true), ev(1, 'opened')]);
    const page = (machine?: 'include') =>
      engine.queryContacts(c.id, {
        offset: 0,
        limit: 10,
        email: {
          condition: {
            kind: 'email',
            activity: 'opened',
            emailing: 'e1',
            ...(machine && { machine })
          },
          now: EVAL_OPTIONS.now
        }
      });
    expect((await page()).ids).toEqual([1]);
    expect((await page('include')).ids).toEqual([0, 1]);
    await engine.delivery.append(c.id, [ev(3, 'opened', false, T0 + 5000)]);
    expect((await page()).ids).toEqual([1, 3]);
    await expect(
      engine.queryContacts(c.id, {
        offset: 0,
        limit: 10,
        email: {
          condition: { kind: 'email', activity: 'bounced', machine: 'only' },
          now: EVAL_OPTIONS.now
        }
      })
    ).rejects.toThrow('"machine" applies only to opened and clicked');
  });
});
