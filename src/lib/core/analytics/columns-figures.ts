/**
 * The delivery figures of stored DeliveryColumns (optionally of one emailing), counted by the
 * same DeliveryReport as `slice report`: the app and the command line print the same numbers.
 */
import { BOUNCE_HARD, BOUNCE_SOFT, DELIVERY_KINDS, type DeliveryColumns } from './delivery-columns';
import { DeliveryReport, type DeliveryFigures } from './delivery-report';

export function figuresOfColumns(c: DeliveryColumns, emailing?: string): DeliveryFigures {
  const report = new DeliveryReport();
  const only = emailing === undefined ? -1 : c.emailings.indexOf(emailing);
  if (emailing !== undefined && only === -1) return report.figures();
  for (let i = 0; i < c.count; i++) {
    if (only !== -1 && c.emailing[i] !== only) continue;
    const b = c.bounce[i];
    // The message code stands for the message (its id and recipient).
    report.add({
      messageId: `#${c.message[i]}`,
      recipient: '',
      emailing: '',
      kind: DELIVERY_KINDS[c.kind[i]],
      at: c.at[i],
      machine: c.machine[i] === 1,
      bounce: b === BOUNCE_HARD ? 'hard' : b === BOUNCE_SOFT ? 'soft' : undefined
    });
  }
  return report.figures();
}
