// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  namespace App {
    interface PageState {
      /** The emailing whose link takes the focus when the list opens (after Send or Schedule). */
      focusEmailing?: string;
    }
  }
}
export {};
