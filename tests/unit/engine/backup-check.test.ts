/**
 * Backups are checked before they are trusted: a damaged, truncated or hand-edited file is
 * refused with a message saying what is wrong, and nothing is created; a backup written by
 * the previous format still restores.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Engine } from '$lib/engine/engine';
import { trackEngines } from './engine-fixture';

const { setup } = trackEngines();

const V1 = readFileSync(new URL('../../fixtures/backup/campaign-v1.slice', import.meta.url));

interface Parts {
  header: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  data: Uint8Array<ArrayBuffer>;
}

function split(bytes: Uint8Array<ArrayBuffer>): Parts {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)));
  const base = 12 + length + ((8 - ((12 + length) % 8)) % 8);
  return { header, data: bytes.slice(base) };
}

/** Writes a backup file back from its parts, with a checksum that matches the data. */
async function join({ header, data }: Parts, checksum = true): Promise<Blob> {
  if (checksum) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
    header.checksum = `sha256:${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const prefix = new Uint8Array(12);
  prefix.set(new TextEncoder().encode('SLICEBK1'));
  new DataView(prefix.buffer).setUint32(8, json.length, true);
  const pad = new Uint8Array((8 - ((12 + json.length) % 8)) % 8);
  return new Blob([prefix, json, pad, data]);
}

async function backupOf(engine: Engine): Promise<Uint8Array<ArrayBuffer>> {
  const restored = await engine.importBackup(new Blob([V1]));
  return new Uint8Array(await (await engine.exportBackup(restored.id)).arrayBuffer());
}

/** Restoring `file` is refused with `message`, and no campaign appears. */
async function refused(engine: Engine, file: Blob, message: RegExp): Promise<void> {
  const before = (await engine.listCampaigns()).length;
  await expect(engine.importBackup(file)).rejects.toThrow(message);
  expect((await engine.listCampaigns()).length).toBe(before);
}

describe('restoring a backup', () => {
  it('restores a backup of the previous format (1, without checksum)', async () => {
    const { engine } = setup();
    const c = await engine.importBackup(new Blob([V1]));
    expect(c).toMatchObject({ name: 'Autumn fair', contactCount: 4, eventCount: 2 });
    const segments = await engine.listSegments(c.id);
    expect(segments.map((s) => [s.name, s.count])).toEqual([
      ['All participants', 4],
      ['French', 2]
    ]);
    const page = await engine.members(segments[1].id, { offset: 0, limit: 10 });
    expect(page.total).toBe(2);
  });

  it('writes a checksum and refuses a file whose data changed', async () => {
    const { engine } = setup();
    const bytes = await backupOf(engine);
    const { header, data } = split(bytes);
    expect(header.version).toBe(3);
    expect(header.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    const flipped = bytes.slice();
    flipped[flipped.length - 3] ^= 0x10;
    await refused(engine, new Blob([flipped]), /does not match its checksum/);
    await refused(
      engine,
      await join({ header: { ...header, checksum: undefined }, data }, false),
      /checksum is missing/
    );
  });

  it('refuses a truncated file', async () => {
    const { engine } = setup();
    const bytes = await backupOf(engine);
    await refused(engine, new Blob([bytes.subarray(0, bytes.length - 40)]), /damaged|truncated/);
    await refused(
      engine,
      new Blob([bytes.subarray(0, 40)]),
      /truncated \(its header is incomplete\)/
    );
    await refused(engine, new Blob([bytes.subarray(0, 5)]), /not a Slice backup/);
  });

  it('refuses a header that does not describe a campaign', async () => {
    const { engine } = setup();
    const parts = split(await backupOf(engine));
    delete parts.header.contacts.columns.city;
    await refused(engine, await join(parts), /damaged: its header does not describe a campaign/);
    const newer = split(await backupOf(engine));
    newer.header.version = 9;
    await refused(engine, await join(newer), /newer version of Slice \(format 9\)/);
  });

  it('refuses codes past their dictionary', async () => {
    const { engine } = setup();
    const parts = split(await backupOf(engine));
    parts.header.contacts.columns.city.dict = [''];
    await refused(
      engine,
      await join(parts),
      /damaged: the value of field "city" on contact 1 refers to entry \d+ of a dictionary of 1/
    );
  });

  it('refuses a field whose type does not match its column', async () => {
    const { engine } = setup();
    const parts = split(await backupOf(engine));
    const city = parts.header.contacts.fields.find((f: { name: string }) => f.name === 'city');
    city.type = 'number';
    await refused(
      engine,
      await join(parts),
      /field "city" is number but its column holds string values/
    );
    const unknown = split(await backupOf(engine));
    unknown.header.contacts.fields[0].type = 'colour';
    await refused(engine, await join(unknown), /has an unknown type "colour"/);
    const identity = split(await backupOf(engine));
    identity.header.contacts.identity = 'mail';
    await refused(engine, await join(identity), /identity field "mail" is not one of the fields/);
  });

  it('refuses event offsets that go backwards and events out of time order', async () => {
    const { engine } = setup();
    const parts = split(await backupOf(engine));
    const { offsets, at } = parts.header.events;
    const view = new DataView(parts.data.buffer);
    // Contact rows: elodie, marc (2 events), ana, zoe. Offsets [0, 0, 2, 2, 2].
    view.setUint32(offsets.offset + 4 * 1, 2, true);
    view.setUint32(offsets.offset + 4 * 2, 1, true);
    await refused(engine, await join(parts), /event offsets go backwards at contact 2/);
    const unsorted = split(await backupOf(engine));
    const v = new DataView(unsorted.data.buffer);
    const first = v.getFloat64(unsorted.header.events.at.offset, true);
    const second = v.getFloat64(unsorted.header.events.at.offset + 8, true);
    v.setFloat64(unsorted.header.events.at.offset, Math.max(first, second) + 1, true);
    expect(at.length).toBe(2);
    await refused(engine, await join(unsorted), /events of contact 2 are not in time order/);
    const types = split(await backupOf(engine));
    types.header.events.types = [];
    await refused(
      engine,
      await join(types),
      /the type of event 1 refers to entry \d+ of a dictionary of 0/
    );
  });

  it('refuses a membership that does not hold the count it says', async () => {
    const { engine } = setup();
    const parts = split(await backupOf(engine));
    parts.header.memberships[0].count = 3;
    await refused(engine, await join(parts), /does not hold the member count it says/);
    const orphan = split(await backupOf(engine));
    orphan.header.memberships[0].segmentId = 'nope';
    await refused(engine, await join(orphan), /members of a segment it does not have/);
  });
});
