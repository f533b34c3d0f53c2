/**
 * Segment rows and their stored memberships. A membership is a bitset over contact rows
 * (bit r of word r >>> 5), stored apart from the segment row so that listing hundreds of
 * segments reads no bitsets.
 */
import type { SegmentRecord } from '$lib/engine/api';
import type { SliceDb } from './slice-db';

export type SegmentRow = SegmentRecord;

export interface MembershipRow {
  segmentId: string;
  campaignId: string;
  /** Contacts the bitset was computed over; rows added later are not members. */
  rowCount: number;
  bits: Uint32Array;
  count: number;
  generatedAt: string;
}

export async function listSegmentRows(db: SliceDb, campaignId: string): Promise<SegmentRow[]> {
  const rows = await db.segments.where('campaignId').equals(campaignId).toArray();
  return rows.sort(
    (a, b) =>
      Number(b.isDefault) - Number(a.isDefault) ||
      a.createdAt.localeCompare(b.createdAt) ||
      a.name.localeCompare(b.name)
  );
}

export function getMembership(db: SliceDb, segmentId: string): Promise<MembershipRow | undefined> {
  return db.memberships.get(segmentId);
}

/**
 * Records a generation on the segment row: its count and time, appended to the size history
 * the dashboard charts (kept in the row, so backups carry it). Runs inside a transaction on
 * `segments`.
 */
export async function recordGeneration(
  db: SliceDb,
  segmentId: string,
  count: number,
  generatedAt: string
): Promise<void> {
  const row = await db.segments.get(segmentId);
  if (!row) return;
  await db.segments.update(segmentId, {
    count,
    generatedAt,
    sizeHistory: [...(row.sizeHistory ?? []), { at: generatedAt, size: count }]
  });
}

/** Stores a membership and records the generation (count, time, size history) together. */
export function storeMembership(db: SliceDb, membership: MembershipRow): Promise<void> {
  return db.transaction('rw', db.segments, db.memberships, async () => {
    await db.memberships.put(membership);
    await recordGeneration(db, membership.segmentId, membership.count, membership.generatedAt);
  });
}

export function deleteSegmentRow(db: SliceDb, segmentId: string): Promise<void> {
  return db.transaction('rw', db.segments, db.memberships, async () => {
    await db.segments.delete(segmentId);
    await db.memberships.delete(segmentId);
  });
}
