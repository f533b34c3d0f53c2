/**
 * Applying saved criteria (a template) to another campaign: each field a condition names is
 * matched to the campaign's fields by name — exactly, else ignoring case and accents — and must
 * be of the same kind (text, number, date, yes/no); a segment condition is matched to the
 * campaign's segment of the same name. What finds no match stays as it was in the definition
 * and is listed, so the builder shows it on its condition for the user to fix.
 */
import type { FieldSpec, FieldType } from '../columns/types';
import type { Definition, SegmentNode } from './definition';
import { typeFamily } from './rules';
import { foldText } from '../text/fold';
import { nameRecord } from '../columns/name-record';

export interface TemplateProblem {
  /** Path of the condition in the definition, as the validator writes it (root.children[0]…). */
  path: string;
  /** What the template names (a field or a segment). */
  name: string;
  kind: 'field' | 'segment';
  message: string;
}

export interface TemplateFit {
  definition: Definition;
  problems: TemplateProblem[];
  /** Fields matched under another spelling: template name -> campaign name. */
  renamed: { from: string; to: string }[];
}

export interface TemplateSource {
  definition: Definition;
  /** Types of the fields the template's conditions use, as in the campaign it was saved from. */
  fieldTypes: Record<string, FieldType>;
  /** Names of the segments its segment conditions use, by their id in that campaign. */
  segmentNames: Record<string, string>;
}

export interface TemplateTarget {
  fields: FieldSpec[];
  segments: { id: string; name: string }[];
}

/** Field types and segment names a definition uses, to store with it as a template. */
export function templateSource(
  definition: Definition,
  fields: FieldSpec[],
  segments: { id: string; name: string }[]
): TemplateSource {
  const fieldTypes = nameRecord<FieldType>();
  const segmentNames = nameRecord<string>();
  walk(definition.root, 'root', (node) => {
    if (node.kind === 'attribute') {
      const f = fields.find((x) => x.name === node.field);
      if (f) fieldTypes[f.name] = f.type;
    } else if (node.kind === 'segment') {
      const s = segments.find((x) => x.id === node.segment);
      if (s) segmentNames[node.segment] = s.name;
    }
  });
  return { definition: structuredClone(definition), fieldTypes, segmentNames };
}

function walk(node: SegmentNode, path: string, visit: (n: SegmentNode, path: string) => void) {
  visit(node, path);
  if (node.kind === 'group')
    node.children.forEach((c, i) => walk(c, `${path}.children[${i}]`, visit));
}

function findField(
  name: string,
  wantedType: FieldType | undefined,
  fields: FieldSpec[]
): FieldSpec | undefined {
  const exact = fields.find((f) => f.name === name);
  const found = exact ?? fields.find((f) => foldText(f.name) === foldText(name));
  if (!found) return undefined;
  if (wantedType && typeFamily(wantedType) !== typeFamily(found.type)) return undefined;
  return found;
}

export function fitTemplate(source: TemplateSource, target: TemplateTarget): TemplateFit {
  const definition = structuredClone(source.definition);
  const problems: TemplateProblem[] = [];
  const renamed: { from: string; to: string }[] = [];
  walk(definition.root, 'root', (node, path) => {
    if (node.kind === 'attribute') {
      const wanted = source.fieldTypes[node.field];
      const found = findField(node.field, wanted, target.fields);
      if (!found) {
        const sameName = target.fields.find((f) => foldText(f.name) === foldText(node.field));
        problems.push({
          path,
          name: node.field,
          kind: 'field',
          message: sameName
            ? `The field “${sameName.name}” of this campaign is ${sameName.type}, the template's “${node.field}” was ${wanted}: choose another field.`
            : `This campaign has no field “${node.field}”: choose another field.`
        });
      } else if (found.name !== node.field) {
        renamed.push({ from: node.field, to: found.name });
        node.field = found.name;
      }
    } else if (node.kind === 'segment') {
      const name = source.segmentNames[node.segment];
      const found =
        name === undefined
          ? undefined
          : (target.segments.find((s) => s.name === name) ??
            target.segments.find((s) => foldText(s.name) === foldText(name)));
      if (found) node.segment = found.id;
      else
        problems.push({
          path,
          name: name ?? node.segment,
          kind: 'segment',
          message: `This campaign has no segment “${name ?? node.segment}”: choose another segment.`
        });
    }
  });
  return { definition, problems, renamed };
}
