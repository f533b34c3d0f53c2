/**
 * The user's class (hard or soft) for a bounce reason of a campaign, overriding the one the
 * relay or the provider's export gave: a provider that calls "mailbox full" permanent would
 * otherwise suppress addresses that will accept mail next week. Applied when the delivery
 * events are served (delivery-service.ts) and by the suppression feed.
 */
export interface BounceClassRow {
  campaignId: string;
  /** The raw reason, exactly as stored with the events. */
  reason: string;
  bounce: 'hard' | 'soft';
}
