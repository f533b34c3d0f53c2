/**
 * A Svelte action for a region that replaces the control a person just used (the Import
 * button gives way to the progress, the progress to the result): when that control's removal
 * left the focus on nothing, the region takes it, so a keyboard or screen-reader user goes on
 * from there instead of from the top of the page. Focus elsewhere is never taken away.
 */
export function focusWhenLost(node: HTMLElement): void {
  const active = document.activeElement;
  if (active === null || active === document.body) node.focus({ preventScroll: false });
}
