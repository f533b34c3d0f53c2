/**
 * One delivery event, whatever wrote it (the relay, SendGrid, Mailgun or a Slice events file),
 * in the shape the delivery report counts. Providers' vocabularies are mapped onto these kinds
 * by `presets.ts`; nothing here knows a provider.
 */
export type DeliveryKind =
  | 'sent'
  | 'dropped'
  | 'delivered'
  | 'deferred'
  | 'bounced'
  | 'opened'
  | 'clicked'
  | 'unsubscribed'
  | 'complained';

export interface DeliveryEvent {
  /**
   * The provider's message id ('' when the file has none). A message is this id and the
   * recipient; without an id, the recipient and the emailing.
   */
  messageId: string;
  /** Normalised recipient address ('' when the file has none). */
  recipient: string;
  /** Emailing (campaign, category, target) the message belongs to, '' when unknown. */
  emailing: string;
  kind: DeliveryKind;
  /** Epoch milliseconds. */
  at: number;
  /** For bounces: permanent (hard) or temporary (soft). */
  bounce?: 'hard' | 'soft';
  /** The raw reason the receiving server or the provider gave. */
  reason?: string;
  url?: string;
  /** An open or click from a mail privacy proxy or a link scanner rather than a person. */
  machine: boolean;
  /** The provider's own event id when it has one: the same id twice is one event. */
  eventId?: string;
}
