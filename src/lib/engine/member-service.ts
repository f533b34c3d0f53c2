/**
 * Members as the user sets them: manual segments edited by identity or email (typed or from a
 * CSV; replace, add or remove; unknown keys listed, never created), lists (a snapshot of any
 * segment that never changes afterwards), the contacts the browser shows added to a manual
 * segment, and the members exported as CSV with the columns the user picked.
 */
import {
  createBitset,
  fullBitset,
  orInPlace,
  popcount,
  setBit,
  toIndices,
  type Bitset
} from '$lib/core/columns/bitset';
import { memberCsvChunks } from '$lib/core/csv/members-csv';
import { dictEntry } from '$lib/db/column-chunks';
import {
  applyMemberKeys,
  contactKeyIndex,
  parseMemberKeys,
  type MemberEditMode
} from '$lib/core/segment/member-keys';
import type { ContactQuery, EvalOptions, MemberEditOutcome, SegmentRecord } from './api';
import type { LoadedCampaign } from './campaign-cache';
import { matchingRows } from './contact-query';
import { isoAt, type EngineContext } from './engine-context';
import type { SegmentService } from './segment-service';

const MODES: MemberEditMode[] = ['replace', 'add', 'remove'];

export class MemberService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly segments: SegmentService
  ) {}

  private async manual(
    segmentId: string
  ): Promise<{ segment: SegmentRecord; loaded: LoadedCampaign }> {
    await this.ctx.ready;
    const segment = await this.ctx.db.segments.get(segmentId);
    if (!segment) throw new Error('This segment does not exist (it may have been deleted).');
    if (segment.kind !== 'manual') {
      throw new Error(
        segment.kind === 'list'
          ? `“${segment.name}” is a list: its members were fixed when it was saved and never change.`
          : `“${segment.name}” is computed from its conditions; only a manual segment's members are edited by hand.`
      );
    }
    const loaded = await this.ctx.cache.get(segment.campaignId);
    if (!loaded?.contacts) throw new Error('This campaign has no contacts yet: import some first.');
    return { segment, loaded };
  }

  /** Replaces, adds to or removes from a manual segment's members the contacts `text` names. */
  async editMembers(
    segmentId: string,
    text: string,
    mode: MemberEditMode
  ): Promise<MemberEditOutcome> {
    if (!MODES.includes(mode))
      throw new Error(`Unknown mode “${String(mode)}” (replace, add or remove).`);
    const { loaded } = await this.manual(segmentId);
    const contacts = loaded.contacts!;
    const { keys, column } = parseMemberKeys(text, contacts.fields, contacts.identity);
    if (keys.length === 0 && mode !== 'replace') {
      return {
        ok: false,
        message:
          'No identity or email found: give one per line, or a CSV with an identity or email column.'
      };
    }
    const current = await this.segments.membership(loaded, segmentId);
    const edit = applyMemberKeys(current, contacts.rowCount, keys, contactKeyIndex(contacts), mode);
    await this.segments.storeMembers(loaded, segmentId, edit.bits);
    return {
      ok: true,
      keys: keys.length,
      column,
      matched: edit.matched,
      unknown: edit.unknown,
      added: edit.added,
      removed: edit.removed,
      count: edit.count
    };
  }

  /** Adds to a manual segment every contact the browser's query shows (search, segment). */
  async addShownContacts(
    campaignId: string,
    query: Pick<ContactQuery, 'search' | 'segmentId'>,
    segmentId: string
  ): Promise<{ added: number; count: number }> {
    const { segment, loaded } = await this.manual(segmentId);
    if (segment.campaignId !== campaignId)
      throw new Error('The segment belongs to another campaign.');
    const contacts = loaded.contacts!;
    let membership: Bitset | null = null;
    if (query.segmentId) {
      membership = await this.segments.membership(loaded, query.segmentId);
      if (!membership) return { added: 0, count: segment.count ?? 0 };
    }
    const rows = matchingRows(
      contacts,
      loaded.derived,
      { ...query, offset: 0, limit: 0 },
      membership
    );
    // No search and no segment: the browser shows every contact.
    const shown = rows ? createBitset(contacts.rowCount) : fullBitset(contacts.rowCount);
    if (rows) for (let i = 0; i < rows.length; i++) setBit(shown, rows[i]);
    const current = await this.segments.membership(loaded, segmentId);
    const before = current ? popcount(current) : 0;
    const bits = createBitset(contacts.rowCount);
    if (current) bits.set(current.subarray(0, bits.length));
    orInPlace(bits, shown);
    const count = await this.segments.storeMembers(loaded, segmentId, bits);
    return { added: count - before, count };
  }

  /** A new list holding the segment's members as they are now; it never changes afterwards. */
  async saveAsList(segmentId: string, name: string, options: EvalOptions): Promise<SegmentRecord> {
    await this.ctx.ready;
    const source = await this.ctx.db.segments.get(segmentId);
    if (!source) throw new Error('This segment does not exist (it may have been deleted).');
    const loaded = await this.ctx.cache.get(source.campaignId);
    if (!loaded) throw new Error('This campaign does not exist (it may have been deleted).');
    let bits = await this.segments.membership(loaded, segmentId);
    // Never generated: the list holds who matches the conditions now.
    if (!bits && source.kind === 'dynamic' && source.definition)
      bits = await this.segments.evaluateNow(loaded, source.definition, options);
    bits ??= createBitset(loaded.contacts?.rowCount ?? 0);
    const list = await this.segments.saveSegment({
      campaignId: source.campaignId,
      name: name.trim() || `${source.name} (list)`,
      description: `Members of “${source.name}” on ${isoAt(this.ctx).slice(0, 10)}.`,
      kind: 'list',
      definition: null,
      autoUpdate: false
    });
    await this.segments.storeMembers(loaded, list.id, bits.slice());
    return (await this.ctx.db.segments.get(list.id)) ?? list;
  }

  /** The members as CSV (RFC 4180, formula cells neutralised) with the columns chosen. */
  async exportMembersCsv(segmentId: string, columns: string[]): Promise<Blob> {
    await this.ctx.ready;
    const segment = await this.ctx.db.segments.get(segmentId);
    if (!segment) throw new Error('This segment does not exist (it may have been deleted).');
    const loaded = await this.ctx.cache.get(segment.campaignId);
    const contacts = loaded?.contacts;
    if (!loaded || !contacts) return new Blob([], { type: 'text/csv;charset=utf-8' });
    const unknown = columns.filter((c) => !contacts.columns[c]);
    if (unknown.length > 0)
      throw new Error(
        `No field named ${unknown.map((c) => `“${c}”`).join(', ')} in this campaign.`
      );
    if (columns.length === 0) throw new Error('Choose at least one column to export.');
    const bits = await this.segments.membership(loaded, segmentId);
    const rows = bits ? toIndices(bits) : new Uint32Array(0);
    const parts = [...memberCsvChunks(contacts, rows, columns, dictEntry)];
    return new Blob(parts, { type: 'text/csv;charset=utf-8' });
  }
}
