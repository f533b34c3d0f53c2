import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  figureDefinitions,
  figureDefinitionsMarkdown,
  type HelpBlock
} from '$lib/ui/analytics/figure-help';

/** The blocks written back as HTML would be, to compare them with what they mean. */
function asHtml(blocks: HelpBlock[]): string {
  const esc = (t: string) =>
    t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const line = (spans: { kind: string; text: string }[]) =>
    spans
      .map((s) =>
        s.kind === 'code'
          ? `<code>${esc(s.text)}</code>`
          : s.kind === 'strong'
            ? `<strong>${esc(s.text)}</strong>`
            : esc(s.text)
      )
      .join('');
  return blocks
    .map((b) =>
      b.kind === 'p'
        ? `<p>${line(b.spans)}</p>`
        : `<ul>${b.items.map((i) => `<li>${line(i)}</li>`).join('')}</ul>`
    )
    .join('\n');
}

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('the dashboard help is the README section "Delivery figures, exactly"', () => {
  it('takes the section up to the next heading and renders its list', () => {
    const md = figureDefinitionsMarkdown(readme);
    expect(md).toContain('**machine share**');
    expect(md).not.toContain('## Relay');
    const html = asHtml(figureDefinitions(readme));
    expect(html.startsWith('<ul><li>A <strong>message</strong>')).toBe(true);
    expect(html).toContain('<code>opened_machine</code>');
    expect(html).toContain('0.3 %');
  });

  it('keeps markup in the text as text and gives nothing when the section is gone', () => {
    const text = '### Delivery figures, exactly\n\n- a <b>bold</b> & `x<y`\n  wrapped\n\n## Next\n';
    expect(figureDefinitions(text)).toEqual([
      {
        kind: 'ul',
        items: [
          [
            { kind: 'text', text: 'a <b>bold</b> & ' },
            { kind: 'code', text: 'x<y' },
            { kind: 'text', text: ' wrapped' }
          ]
        ]
      }
    ]);
    expect(figureDefinitions('# Nothing here')).toEqual([]);
  });
});
