/**
 * A campaign's time zone: chosen at creation (default the runtime's), changed in settings,
 * used to read zone-less times of its files and to count its segments; and the command line
 * gives the same count as the app on a file of local times near midnight.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Definition } from '$lib/core/segment/definition';
import { csvFile, EVENT_OPTIONS, importText, trackEngines } from './engine-fixture';

const { setup } = trackEngines();
const exec = promisify(execFile);

const CONTACTS = ['email', 'a@x.fr', 'b@x.fr', 'c@x.fr', 'd@x.fr', 'e@x.fr'].join('\n');
// Local (Paris) wall times around midnight of 30 September 2026.
const EVENTS = [
  'contact,type,target,at',
  'a@x.fr,page_view,/offer,2026-09-30 00:30',
  'b@x.fr,page_view,/offer,2026-09-29 23:30',
  'c@x.fr,page_view,/offer,2026-09-30 23:45',
  'd@x.fr,page_view,/offer,2026-10-01 00:10',
  'e@x.fr,page_view,/offer,2026-09-29 23:10'
].join('\n');
const ON_30_SEPTEMBER: Definition = {
  version: 1,
  root: {
    kind: 'group',
    match: 'all',
    children: [
      { kind: 'event', event: 'page_view', window: { between: ['2026-09-30', '2026-09-30'] } }
    ]
  }
};
const NOW = '2026-10-05T12:00:00.000Z';

async function campaignWithLocalTimes(zone?: string, readIn?: string) {
  const { engine, db } = setup();
  const c = await engine.createCampaign('Local times', zone);
  expect((await importText(engine, c.id, CONTACTS, { email: 'email' })).ok).toBe(true);
  const events = await engine.importEvents(c.id, csvFile(EVENTS, 'events.csv'), {
    ...EVENT_OPTIONS,
    mapping: { ...EVENT_OPTIONS.mapping, properties: [] },
    ...(readIn ? { timeZone: readIn } : {})
  });
  expect(events).toMatchObject({ ok: true, added: 5 });
  return { engine, db, id: c.id };
}

describe('campaign time zone', () => {
  it('is chosen at creation, defaults to the runtime zone, and is refused when unknown', async () => {
    const { engine } = setup();
    const paris = await engine.createCampaign('Paris', 'europe/paris');
    expect(paris.timeZone).toBe('Europe/Paris');
    const plain = await engine.createCampaign('Plain');
    expect(plain.timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    await expect(engine.createCampaign('Bad', 'Mars/Olympus')).rejects.toThrow(
      'Unknown time zone "Mars/Olympus" (expected an IANA name such as Europe/Paris).'
    );
    expect((await engine.listCampaigns()).map((c) => c.name)).toEqual(['Paris', 'Plain']);
    expect((await engine.getCampaign(paris.id))?.timeZone).toBe('Europe/Paris');
  });

  it('is changed with setCampaignTimeZone; an unknown zone changes nothing', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('A', 'Europe/Paris');
    await expect(engine.setCampaignTimeZone(c.id, 'Europe/Pariss')).rejects.toThrow(
      /Unknown time zone "Europe\/Pariss"/
    );
    expect((await engine.getCampaign(c.id))?.timeZone).toBe('Europe/Paris');
    const changed = await engine.setCampaignTimeZone(c.id, 'America/New_York');
    expect(changed.timeZone).toBe('America/New_York');
    expect((await engine.getCampaign(c.id))?.timeZone).toBe('America/New_York');
  });

  it('reads zone-less event times in the campaign zone and counts days in it', async () => {
    const { engine, id } = await campaignWithLocalTimes('Europe/Paris');
    const count = await engine.count(id, ON_30_SEPTEMBER, { now: NOW });
    expect(count).toMatchObject({ ok: true, count: 2 });
    const detail = await engine.getContact(id, 1);
    expect(detail?.events[0].at).toBe('2026-09-29T21:30:00.000Z');
    // Saved and generated with no zone given: the campaign's.
    const saved = await engine.saveSegment({
      campaignId: id,
      name: 'On 30/09',
      kind: 'dynamic',
      definition: ON_30_SEPTEMBER
    });
    expect(await engine.generate(saved.id, { now: NOW })).toMatchObject({ ok: true, count: 2 });
    expect((await engine.members(saved.id, { offset: 0, limit: 10 })).ids).toEqual([0, 2]);
  });

  it('reads in the zone the import names when the mapping step changed it', async () => {
    const { engine, id } = await campaignWithLocalTimes('Europe/Paris', 'UTC');
    const detail = await engine.getContact(id, 0);
    expect(detail?.events[0].at).toBe('2026-09-30T00:30:00.000Z');
    // Counted in Paris days: 00:30Z, 23:30Z (29th) and 23:10Z (29th) are all on the 30th there.
    expect(await engine.count(id, ON_30_SEPTEMBER, { now: NOW })).toMatchObject({ count: 3 });
    const { engine: other, id: otherId } = await campaignWithLocalTimes('Europe/Paris');
    const bad = await other.importEvents(otherId, csvFile(EVENTS, 'events.csv'), {
      ...EVENT_OPTIONS,
      mapping: { ...EVENT_OPTIONS.mapping, properties: [] },
      timeZone: 'Nowhere/City'
    });
    expect(bad).toMatchObject({ ok: false });
    expect(bad.ok === false && bad.message).toContain('Unknown time zone "Nowhere/City"');
    expect((await other.getCampaign(otherId))?.eventCount).toBe(5);
  });

  it('keeps its zone through a backup', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('Tokyo', 'Asia/Tokyo');
    const restored = await engine.importBackup(await engine.exportBackup(c.id));
    expect(restored.timeZone).toBe('Asia/Tokyo');
  });

  it('the command line reads local times in --tz and gives the app’s count', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slice-zone-'));
    await writeFile(join(dir, 'contacts.csv'), CONTACTS);
    await writeFile(join(dir, 'events.csv'), EVENTS);
    await writeFile(join(dir, 'def.json'), JSON.stringify(ON_30_SEPTEMBER));
    const cli = async (extra: string[], env: Record<string, string> = {}) => {
      const { stdout } = await exec(
        process.execPath,
        [
          '--import',
          'tsx',
          'bin/slice.ts',
          'segment',
          '--contacts',
          join(dir, 'contacts.csv'),
          '--events',
          join(dir, 'events.csv'),
          '--definition',
          join(dir, 'def.json'),
          '--now',
          NOW,
          '--output',
          'ids',
          ...extra
        ],
        { cwd: process.cwd(), env: { ...process.env, ...env } }
      );
      return stdout.trim().split('\n');
    };
    const { engine, id } = await campaignWithLocalTimes('Europe/Paris');
    const app = await engine.count(id, ON_30_SEPTEMBER, { now: NOW });
    const inParis = await cli(['--tz', 'Europe/Paris']);
    expect(inParis).toEqual(['a@x.fr', 'c@x.fr']);
    expect(app).toMatchObject({ ok: true, count: inParis.length });
    // No --tz: the system's zone, for reading and counting alike.
    expect(await cli([], { TZ: 'Europe/Paris' })).toEqual(['a@x.fr', 'c@x.fr']);
    const { engine: ny, id: nyId } = await campaignWithLocalTimes('America/New_York');
    const nyCount = await ny.count(nyId, ON_30_SEPTEMBER, { now: NOW });
    const inNewYork = await cli([], { TZ: 'America/New_York' });
    expect(nyCount).toMatchObject({ ok: true, count: inNewYork.length });
    expect(inNewYork).toEqual(['a@x.fr', 'c@x.fr']);
  });
});
