/** The small HTML pages a recipient sees: the unsubscribe confirmation and its result. */
const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
  `<meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>` +
  `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}` +
  `button{font:inherit;padding:.5rem 1rem}</style></head><body>${body}</body></html>`;

export function confirmPage(action: string): string {
  return page(
    'Unsubscribe',
    `<h1>Unsubscribe</h1><p>Do you want to stop receiving these emails?</p>` +
      `<form method="post" action="${action}"><input type="hidden" name="List-Unsubscribe" value="One-Click">` +
      `<button type="submit">Unsubscribe</button></form>`
  );
}

export function donePage(): string {
  return page(
    'Unsubscribed',
    `<h1>You are unsubscribed</h1><p>You will not receive these emails any more.</p>`
  );
}

export function notFoundPage(): string {
  return page(
    'Link not valid',
    `<h1>This link is not valid</h1><p>It may have been cut when copied.</p>`
  );
}

/** A transparent 1×1 GIF. */
export const PIXEL = Buffer.from(
  'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7',
  'base64'
);
