import { describe, expect, it } from 'vitest';
import { textBody, textFromHtml } from '$lib/core/email/text-body';

describe('text body', () => {
  it('derives readable text from the HTML when the text body is empty', () => {
    const html =
      '<h1>Hello</h1><p>Visit <a href="https://example.org/x">our shop</a>.</p><img src="a.png">';
    const text = textBody('  ', html);
    expect(text).toContain('HELLO');
    expect(text).toContain('our shop [https://example.org/x]');
    expect(text).not.toContain('a.png');
    expect(text).not.toContain('<');
  });

  it('keeps the written text body', () => {
    expect(textBody('Plain words', '<p>Other</p>')).toBe('Plain words');
  });

  it('wraps long lines', () => {
    const text = textFromHtml(`<p>${'word '.repeat(60)}</p>`);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(78);
  });
});
