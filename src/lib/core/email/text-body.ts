/**
 * The plain-text body of a message: the one the author wrote, or, when left empty, text
 * derived from the HTML body by html-to-text (links kept as "text [url]", images dropped),
 * so every message is multipart/alternative with a readable text part.
 */
import { convert } from 'html-to-text';

export function textFromHtml(html: string): string {
  return convert(html, {
    wordwrap: 78,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } }
    ]
  });
}

/** The text body to send: the written one when it has content, else derived from the HTML. */
export function textBody(text: string, html: string): string {
  return text.trim() !== '' ? text : textFromHtml(html);
}
