/** The delivery figures of stored DeliveryColumns, counted by the report `slice report` uses. */
import {
  BOUNCE_HARD,
  BOUNCE_SOFT,
  DELIVERY_KINDS,
  DeliveryReport,
  type DeliveryColumns,
  type DeliveryFigures
} from '$lib/core/analytics';

export function figuresOf(c: DeliveryColumns): DeliveryFigures {
  const report = new DeliveryReport();
  for (let i = 0; i < c.count; i++) {
    const bounce =
      c.bounce[i] === BOUNCE_HARD ? 'hard' : c.bounce[i] === BOUNCE_SOFT ? 'soft' : undefined;
    // The message code is the message: its key stands for id and recipient.
    report.add({
      messageId: `m${c.message[i]}`,
      recipient: '',
      emailing: c.emailings[c.emailing[i]],
      kind: DELIVERY_KINDS[c.kind[i]],
      at: c.at[i],
      machine: c.machine[i] === 1,
      bounce
    });
  }
  return report.figures();
}
