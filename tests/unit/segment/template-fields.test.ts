import { describe, expect, it } from 'vitest';
import type { FieldSpec } from '../../../src/lib/core/columns/types';
import type { Definition } from '../../../src/lib/core/segment/definition';
import { fitTemplate, templateSource } from '../../../src/lib/core/segment/template-fields';
import { validateDefinition } from '../../../src/lib/core/segment/validate';

const SOURCE_FIELDS: FieldSpec[] = [
  { name: 'Civility', type: 'category' },
  { name: 'newsletter', type: 'boolean' },
  { name: 'score', type: 'number' },
  { name: 'loyalty_tier', type: 'text' }
];

const DEF: Definition = {
  version: 1,
  root: {
    kind: 'group',
    match: 'all',
    children: [
      { kind: 'attribute', field: 'Civility', rule: 'equals', value: 'Mrs' },
      { kind: 'attribute', field: 'newsletter', rule: 'is_true' },
      {
        kind: 'group',
        match: 'any',
        children: [
          { kind: 'attribute', field: 'score', rule: 'gt', value: 50 },
          { kind: 'attribute', field: 'loyalty_tier', rule: 'equals', value: 'gold' },
          { kind: 'segment', segment: 'seg-a', member: true }
        ]
      }
    ]
  }
};

describe('templates', () => {
  const source = templateSource(DEF, SOURCE_FIELDS, [{ id: 'seg-a', name: 'VIP list' }]);

  it('records the types of the fields and the names of the segments used', () => {
    expect(source.fieldTypes).toEqual({
      Civility: 'category',
      newsletter: 'boolean',
      score: 'number',
      loyalty_tier: 'text'
    });
    expect(source.segmentNames).toEqual({ 'seg-a': 'VIP list' });
  });

  it('matches fields by name (then ignoring case and accents) and segments by name', () => {
    const fields: FieldSpec[] = [
      { name: 'civility', type: 'text' },
      { name: 'newsletter', type: 'boolean' },
      { name: 'score', type: 'number' },
      { name: 'loyalty_tier', type: 'category' }
    ];
    const fit = fitTemplate(source, { fields, segments: [{ id: 'seg-b', name: 'vip list' }] });
    expect(fit.problems).toEqual([]);
    expect(fit.renamed).toEqual([{ from: 'Civility', to: 'civility' }]);
    expect(fit.definition.root.children[0]).toMatchObject({ field: 'civility' });
    expect(JSON.stringify(fit.definition)).toContain('"segment":"seg-b"');
    expect(
      validateDefinition(fit.definition, {
        fields,
        segments: [{ id: 'seg-b', name: 'vip list', references: [] }]
      })
    ).toEqual([]);
    // The template itself is untouched.
    expect(source.definition.root.children[0]).toMatchObject({ field: 'Civility' });
  });

  it('flags missing fields, fields of another kind and missing segments on their condition', () => {
    const fields: FieldSpec[] = [
      { name: 'civility', type: 'category' },
      { name: 'score', type: 'text' }
    ];
    const fit = fitTemplate(source, { fields, segments: [] });
    expect(fit.problems.map((p) => [p.path, p.kind, p.name])).toEqual([
      ['root.children[1]', 'field', 'newsletter'],
      ['root.children[2].children[0]', 'field', 'score'],
      ['root.children[2].children[1]', 'field', 'loyalty_tier'],
      ['root.children[2].children[2]', 'segment', 'VIP list']
    ]);
    expect(fit.problems[1].message).toMatch(/“score” of this campaign is text/);
    // Unmatched conditions stay as they were, so the validator names them in the builder.
    const errors = validateDefinition(fit.definition, { fields, segments: [] });
    expect(errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['root.children[1]', 'root.children[2].children[1]'])
    );
  });
});
