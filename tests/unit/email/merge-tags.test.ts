import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  mergeProblems,
  parseTemplate,
  renderTemplate,
  templateFields
} from '$lib/core/email/merge-tags';

describe('merge tags', () => {
  it('replaces fields and uses the fallback only when the value is empty', () => {
    const t = 'Hello {{first_name | "there"}}, from {{ city }}!';
    expect(renderTemplate(t, { first_name: 'Ana', city: 'Lyon' }, { html: false })).toBe(
      'Hello Ana, from Lyon!'
    );
    expect(renderTemplate(t, { first_name: '', city: 'Lyon' }, { html: false })).toBe(
      'Hello there, from Lyon!'
    );
  });

  it('escapes values and fallbacks in HTML but not in text', () => {
    const values = { name: '<b>Tom & "Jerry"</b>' };
    expect(renderTemplate('<p>{{name}}</p>', values, { html: true })).toBe(
      '<p>&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;</p>'
    );
    expect(renderTemplate('{{name}}', values, { html: false })).toBe(values.name);
    expect(renderTemplate('{{x | "a<b"}}', { x: '' }, { html: true })).toBe('a&lt;b');
    expect(escapeHtml("it's")).toBe('it&#39;s');
  });

  it('reads escaped quotes in fallbacks', () => {
    expect(renderTemplate('{{x | "say \\"hi\\""}}', {}, { html: false })).toBe('say "hi"');
  });

  it('names an unknown field with its line and column', () => {
    const problems = mergeProblems('Hi\n  {{frist_name}}', ['first_name'], 'HTML body');
    expect(problems).toEqual([
      {
        part: 'HTML body',
        line: 2,
        column: 3,
        message: 'Unknown field "frist_name" in the HTML body at line 2, column 3.'
      }
    ]);
    expect(mergeProblems('{{first_name}}', ['first_name'], 'subject')).toEqual([]);
  });

  it('reports unclosed and malformed tags', () => {
    const open = parseTemplate('Hi {{name', 'subject');
    expect(open.ok).toBe(false);
    if (!open.ok) expect(open.problems[0]).toMatchObject({ line: 1, column: 4 });
    const bad = parseTemplate('{{name | there}}', 'subject');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems[0].message).toContain('{{field | "fallback"}}');
    expect(() => renderTemplate('{{}}', {}, { html: false })).toThrow(/not a merge tag/);
  });

  it('lists the fields a template uses, once each', () => {
    expect(templateFields('{{a}} {{b|"x"}} {{a}} text')).toEqual(['a', 'b']);
  });

  it('leaves text without tags as it is', () => {
    expect(renderTemplate('no tags { here }', {}, { html: true })).toBe('no tags { here }');
  });
});
