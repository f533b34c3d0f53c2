/**
 * A campaign's delivery events (what the relay and providers' exports reported) as an email
 * activity table in the CSR form the evaluator reads: per contact, sorted by time, the target
 * being the emailing. Machine opens and clicks (privacy proxies, link scanners) get types of
 * their own, so an email condition counts people unless it asks for machines too.
 * Events matched to no contact, and kinds that are no activity a segment can name (dropped,
 * deferred), are left out.
 */
import { DELIVERY_KINDS, type DeliveryColumns } from '../analytics/delivery-columns';
import type { EmailActivity, EventTable } from '../columns/types';

/** Type name of machine activity: never equal to a type an events file can hold unprefixed. */
export function machineActivityType(activity: 'opened' | 'clicked'): string {
  return `machine:${activity}`;
}

const ACTIVITY_OF_KIND: Partial<Record<(typeof DELIVERY_KINDS)[number], EmailActivity>> = {
  sent: 'received',
  delivered: 'delivered',
  bounced: 'bounced',
  opened: 'opened',
  clicked: 'clicked',
  unsubscribed: 'unsubscribed',
  complained: 'complained'
};

export const DELIVERY_ACTIVITY_TYPES: readonly string[] = [
  'received',
  'delivered',
  'bounced',
  'opened',
  'clicked',
  'unsubscribed',
  'complained',
  machineActivityType('opened'),
  machineActivityType('clicked')
];

/** Delivery kind code -> activity type code in DELIVERY_ACTIVITY_TYPES (human), or -1. */
function kindTypeCodes(machine: boolean): Int16Array {
  const codes = new Int16Array(DELIVERY_KINDS.length).fill(-1);
  DELIVERY_KINDS.forEach((kind, k) => {
    const activity = ACTIVITY_OF_KIND[kind];
    if (!activity) return;
    const name =
      machine && (activity === 'opened' || activity === 'clicked')
        ? machineActivityType(activity)
        : activity;
    codes[k] = DELIVERY_ACTIVITY_TYPES.indexOf(name);
  });
  return codes;
}

export function deliveryActivityTable(columns: DeliveryColumns, rowCount: number): EventTable {
  const human = kindTypeCodes(false);
  const machine = kindTypeCodes(true);
  const n = columns.count;
  // Counting sort by contact, then by time within each contact (stable on equal times).
  const offsets = new Uint32Array(rowCount + 1);
  const typeOf = new Int16Array(n);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const row = columns.contact[i];
    const code = (columns.machine[i] === 1 ? machine : human)[columns.kind[i]];
    typeOf[i] = code;
    if (row < 0 || row >= rowCount || code < 0) {
      typeOf[i] = -1;
      continue;
    }
    offsets[row + 1]++;
    kept++;
  }
  for (let r = 0; r < rowCount; r++) offsets[r + 1] += offsets[r];
  const order = new Uint32Array(kept);
  const fill = offsets.slice(0, rowCount);
  for (let i = 0; i < n; i++) if (typeOf[i] >= 0) order[fill[columns.contact[i]]++] = i;
  const at = columns.at;
  for (let r = 0; r < rowCount; r++) {
    const start = offsets[r];
    const end = offsets[r + 1];
    if (end - start > 1) {
      const slice = order.subarray(start, end);
      let sorted = true;
      for (let k = 1; k < slice.length && sorted; k++) sorted = at[slice[k - 1]] <= at[slice[k]];
      if (!sorted) {
        const copy = Array.from(slice).sort((a, b) => at[a] - at[b] || a - b);
        slice.set(copy);
      }
    }
  }
  const table: EventTable = {
    count: kept,
    types: [...DELIVERY_ACTIVITY_TYPES],
    targets: columns.emailings,
    offsets,
    type: new Uint16Array(kept),
    target: new Uint32Array(kept),
    at: new Float64Array(kept),
    propCodes: new Uint32Array(kept),
    props: ['']
  };
  for (let k = 0; k < kept; k++) {
    const i = order[k];
    table.type[k] = typeOf[i];
    table.target[k] = columns.emailing[i];
    table.at[k] = at[i];
  }
  return table;
}
