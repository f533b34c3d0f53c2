/**
 * One polite live region for the whole app: results of actions (created, deleted, imported)
 * are announced to screen-reader users without moving their focus.
 */
class Announcer {
  message = $state('');
  #timer: ReturnType<typeof setTimeout> | undefined;

  say(message: string): void {
    // Clearing first makes a repeated identical message be announced again.
    this.message = '';
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => (this.message = message), 30);
  }
}

export const announcer = new Announcer();
