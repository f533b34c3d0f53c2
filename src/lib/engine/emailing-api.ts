/**
 * The emailing part of the EngineApi: compose, target, preview, test, schedule, send, follow
 * progress, the suppression list and the relay settings.
 */
import type { EmailingAction, EmailingStatus } from '$lib/core/email/emailing-status';
import type { MergeProblem } from '$lib/core/email/merge-tags';
import type { SkipReason } from '$lib/core/email/recipients';
import type { RelayCapabilities } from '$lib/core/email/relay-protocol';
import type { SuppressionEntry } from '$lib/core/email/suppression-csv';
import type {
  EmailingContent,
  LedgerState,
  RelaySettingsRow,
  SuppressionReason
} from '$lib/db/emailings';

export type { EmailingContent, LedgerState, SuppressionReason };
export type {
  EmailingAction,
  EmailingStatus,
  MergeProblem,
  RelayCapabilities,
  SkipReason,
  SuppressionEntry
};

export interface EmailingDraft extends EmailingContent {
  targets: string[];
  refreshTargets: boolean;
  scheduledAt: string | null;
  capDays: number | null;
}

export interface EmailingRecord extends EmailingDraft {
  id: string;
  campaignId: string;
  status: EmailingStatus;
  /** Actions the status allows (the list shows only these). */
  actions: EmailingAction[];
  contacts: number;
  toSend: number;
  /** Handed over and answered by the relay (accepted + rejected). */
  sent: number;
  accepted: number;
  rejected: number;
  skipCounts: Record<SkipReason, number>;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  /** Scheduled, due, and not started (the app was closed at the time). */
  overdue: boolean;
  /** Handed to the relay ahead of time: it goes out at its time with the app closed. */
  handedOverAt?: string | null;
  /** What last happened at the relay (handed over, withdrawn, already sent). */
  notice?: string | null;
}

export interface AudienceCount {
  /** Distinct contacts in the targets. */
  contacts: number;
  toSend: number;
  counts: Record<SkipReason, number>;
  /** Why there is nothing to count (no email field, no target). */
  problem: string | null;
}

export interface RenderedPreview {
  to: string;
  subject: string;
  html: string;
  text: string;
  problems: MergeProblem[];
}

export interface RelaySettings extends Omit<RelaySettingsRow, 'id'> {
  /** Where these settings come from: saved by the user, relay.json from npm start, or none. */
  source: 'saved' | 'relay.json' | 'default';
}

export type ConnectionTest =
  { ok: true; capabilities: RelayCapabilities } | { ok: false; problem: string; message: string };

export interface SenderStatus {
  /** This tab runs the sender (holds the Web Lock); others show progress only. */
  sending: boolean;
  /** What the sender is doing, for the page. */
  activity: string | null;
  /** The relay could not be reached on the last try; sending resumes when it answers. */
  relayDown: boolean;
}

export interface ContactMailing {
  emailingId: string;
  name: string;
  state: LedgerState;
  reason: string | null;
  at: string | null;
}

export interface EmailingApi {
  listEmailings(campaignId: string): Promise<EmailingRecord[]>;
  getEmailing(id: string): Promise<EmailingRecord | null>;
  createEmailing(campaignId: string, draft?: Partial<EmailingDraft>): Promise<EmailingRecord>;
  /** Refused (with the reason) when the status does not allow editing. */
  updateEmailing(id: string, draft: Partial<EmailingDraft>): Promise<EmailingRecord>;
  /** Problems with merge tags (unknown fields, syntax) and missing parts, before scheduling. */
  emailingProblems(id: string): Promise<MergeProblem[]>;
  /** Runs a status action: schedule, send, reschedule, pause, resume, cancel, delete. */
  emailingAction(
    id: string,
    action: EmailingAction,
    options?: { scheduledAt?: string }
  ): Promise<EmailingRecord | null>;
  /** Segment count versus messages to send, and why they differ. */
  emailingAudience(
    campaignId: string,
    targets: string[],
    capDays: number | null
  ): Promise<AudienceCount>;
  /** The emailing rendered for one contact (row id). */
  previewEmailing(id: string, contactId: number): Promise<RenderedPreview>;
  /** Sends the emailing, merged as `contactId`, to one address through the relay. */
  sendTestEmailing(
    id: string,
    address: string,
    contactId: number
  ): Promise<{ ok: true } | { ok: false; message: string }>;
  /** The emailings a contact received or was skipped from, with the state and reason. */
  contactMailings(campaignId: string, contactId: number): Promise<ContactMailing[]>;

  listSuppressions(campaignId: string): Promise<SuppressionEntry[]>;
  addSuppression(campaignId: string, email: string): Promise<void>;
  removeSuppression(campaignId: string, email: string): Promise<void>;
  importSuppressions(
    campaignId: string,
    csv: string
  ): Promise<{ added: number; problems: string[] }>;
  exportSuppressions(campaignId: string): Promise<string>;

  relaySettings(): Promise<RelaySettings>;
  saveRelaySettings(settings: Omit<RelaySettings, 'source'>): Promise<RelaySettings>;
  testRelay(settings?: { url: string; token: string }): Promise<ConnectionTest>;

  /** Starts the sender in this tab: it runs once this tab holds the Web Lock `slice-sender`. */
  startSender(): Promise<void>;
  senderStatus(): Promise<SenderStatus>;
}
