/**
 * The plain-text body of a message: the one the author wrote, or, when left empty, text
 * derived from the HTML body by html-to-text (links kept as "text [url]", images dropped),
 * so every message is multipart/alternative with a readable text part.
 */
import { compile } from 'html-to-text';

/**
 * Compiled once: convert() compiles its options on every call, which made deriving the text
 * of each message cost about 0.4 ms instead of 0.015 ms (an emailing derives one per message).
 */
const convertHtml = compile({
  wordwrap: 78,
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } }
  ]
});

export function textFromHtml(html: string): string {
  return convertHtml(html);
}

/** The text body to send: the written one when it has content, else derived from the HTML. */
export function textBody(text: string, html: string): string {
  return text.trim() !== '' ? text : textFromHtml(html);
}
