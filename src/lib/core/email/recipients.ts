/**
 * Recipient selection: from the contacts of one or more segments or lists to the messages to
 * send. A contact in several targets counts once; then each contact is either a recipient or
 * skipped with one reason, checked in this order: invalid address, duplicate (another contact
 * already has this normalised address), suppressed, frequency-capped. The counts per reason
 * are what the app shows before sending ("segment count vs messages to send").
 */
import { isValidEmail, normaliseEmail } from '../csv/email';

export type SkipReason = 'invalid' | 'duplicate' | 'suppressed' | 'capped';

export const SKIP_REASONS: readonly SkipReason[] = ['suppressed', 'invalid', 'duplicate', 'capped'];

export const SKIP_LABELS: Record<SkipReason, string> = {
  suppressed: 'on the suppression list',
  invalid: 'invalid address',
  duplicate: 'duplicate address',
  capped: 'frequency cap'
};

export interface Candidate {
  contactId: number;
  /** The address as stored for the contact (may be empty or malformed). */
  email: string;
}

export interface Recipient {
  contactId: number;
  /** Normalised (trimmed, lower-case) address. */
  email: string;
}

export interface Skipped {
  contactId: number;
  email: string;
  reason: SkipReason;
}

export interface RecipientSelection {
  /** Distinct contacts across the targets. */
  contacts: number;
  recipients: Recipient[];
  skipped: Skipped[];
  counts: Record<SkipReason, number>;
}

export interface SelectionRules {
  /** Normalised addresses never to send to. */
  suppressed: ReadonlySet<string>;
  /** Frequency cap in days (skip who received any emailing in the last N days); null = off. */
  capDays?: number | null;
  /** Epoch ms of the last emailing each normalised address received (for the cap). */
  lastReceived?: ReadonlyMap<string, number>;
  /** Epoch ms now (for the cap). */
  now?: number;
}

const DAY_MS = 86_400_000;

export function selectRecipients(
  targets: readonly (readonly Candidate[])[],
  rules: SelectionRules
): RecipientSelection {
  const seenContacts = new Set<number>();
  const seenEmails = new Set<string>();
  const recipients: Recipient[] = [];
  const skipped: Skipped[] = [];
  const counts: Record<SkipReason, number> = { suppressed: 0, invalid: 0, duplicate: 0, capped: 0 };
  const capFrom =
    rules.capDays != null && rules.capDays > 0
      ? (rules.now ?? Date.now()) - rules.capDays * DAY_MS
      : null;
  const skip = (c: Candidate, email: string, reason: SkipReason) => {
    counts[reason]++;
    skipped.push({ contactId: c.contactId, email, reason });
  };
  for (const target of targets) {
    for (const c of target) {
      if (seenContacts.has(c.contactId)) continue;
      seenContacts.add(c.contactId);
      const email = normaliseEmail(c.email ?? '');
      if (!isValidEmail(email)) {
        skip(c, email, 'invalid');
        continue;
      }
      if (seenEmails.has(email)) {
        skip(c, email, 'duplicate');
        continue;
      }
      seenEmails.add(email);
      if (rules.suppressed.has(email)) {
        skip(c, email, 'suppressed');
        continue;
      }
      if (capFrom !== null) {
        const last = rules.lastReceived?.get(email);
        if (last !== undefined && last >= capFrom) {
          skip(c, email, 'capped');
          continue;
        }
      }
      recipients.push({ contactId: c.contactId, email });
    }
  }
  return { contacts: seenContacts.size, recipients, skipped, counts };
}
