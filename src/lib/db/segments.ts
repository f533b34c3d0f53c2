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

/** Stores a membership and the segment's count and time together. */
export function storeMembership(db: SliceDb, membership: MembershipRow): Promise<void> {
  return db.transaction('rw', db.segments, db.memberships, async () => {
    await db.memberships.put(membership);
    await db.segments.update(membership.segmentId, {
      count: membership.count,
      generatedAt: membership.generatedAt
    });
  });
}

export function deleteSegmentRow(db: SliceDb, segmentId: string): Promise<void> {
  return db.transaction('rw', db.segments, db.memberships, async () => {
    await db.segments.delete(segmentId);
    await db.memberships.delete(segmentId);
  });
}
