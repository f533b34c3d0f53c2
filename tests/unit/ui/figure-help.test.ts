import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { figureDefinitionsHtml, figureDefinitionsMarkdown } from '$lib/ui/analytics/figure-help';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('the dashboard help is the README section "Delivery figures, exactly"', () => {
  it('takes the section up to the next heading and renders its list', () => {
    const md = figureDefinitionsMarkdown(readme);
    expect(md).toContain('**machine share**');
    expect(md).not.toContain('## Relay');
    const html = figureDefinitionsHtml(readme);
    expect(html.startsWith('<ul><li>A <strong>message</strong>')).toBe(true);
    expect(html).toContain('<code>opened_machine</code>');
    expect(html).toContain('0.3 %');
  });

  it('escapes markup in the text and gives nothing when the section is gone', () => {
    const text = '### Delivery figures, exactly\n\n- a <b>bold</b> & `x<y`\n  wrapped\n\n## Next\n';
    expect(figureDefinitionsHtml(text)).toBe(
      '<ul><li>a &lt;b&gt;bold&lt;/b&gt; &amp; <code>x&lt;y</code> wrapped</li></ul>'
    );
    expect(figureDefinitionsHtml('# Nothing here')).toBe('');
  });
});
