/**
 * Before sending to a campaign whose complaint rate is over 0.3 % (the bulk-sender limit of the
 * large mailbox providers), the person is asked to confirm: sending more may get every later
 * message filtered. Resolves to whether to go on.
 */
import { engine } from './engine';

const pct = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 2 });

export async function confirmComplaintRate(campaignId: string): Promise<boolean> {
  const { rate, confirm: ask } = await engine().campaignComplaints(campaignId);
  if (!ask || rate === null) return true;
  return confirm(
    `This campaign's complaint rate is ${pct.format(rate)}, over the 0.3 % limit of the large ` +
      'mailbox providers: more messages may get this sender filtered as spam. Send anyway?'
  );
}
