/**
 * A cell as quoted in a rejection reason: whole when short, else its start and its length, so
 * that a 10 MB cell does not make a 10 MB message (or rejected-rows report line).
 */
const MAX = 60;

export function shortCell(value: string): string {
  if (value.length <= MAX) return value;
  return `${value.slice(0, MAX)}… (${value.length.toLocaleString('en')} characters)`;
}
