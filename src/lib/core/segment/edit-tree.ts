/**
 * Edits of a definition tree for the builder, addressed by the same paths the validator uses
 * ("root.children[2].children[0]"), so that a validation message lands on the condition it
 * names. Every edit returns a new definition; the input is never changed.
 */
import type { FieldSpec } from '../columns/types';
import type { Condition, Definition, Group, Rule, SegmentNode, Value } from './definition';
import { rulesForType, typeFamily } from './rules';

export type NewConditionKind = Condition['kind'] | 'group';

/** "root.children[1].children[0]" → [1, 0]; null when it is not such a path. */
export function parsePath(path: string): number[] | null {
  if (path === 'root') return [];
  if (!path.startsWith('root')) return null;
  const out: number[] = [];
  const re = /\.children\[(\d+)\]/y;
  re.lastIndex = 4;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) return null;
    out.push(Number(m[1]));
  }
  return out;
}

export function pathOf(indices: number[]): string {
  return 'root' + indices.map((i) => `.children[${i}]`).join('');
}

export function childPath(groupPath: string, index: number): string {
  return `${groupPath}.children[${index}]`;
}

export function nodeAt(def: Definition, path: string): SegmentNode | undefined {
  const indices = parsePath(path);
  if (!indices) return undefined;
  let node: SegmentNode = def.root;
  for (const i of indices) {
    if (node.kind !== 'group') return undefined;
    const next: SegmentNode | undefined = node.children[i];
    if (!next) return undefined;
    node = next;
  }
  return node;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Applies `change` to the children of the group at `groupPath` in a copy of `def`. */
function editGroup(
  def: Definition,
  groupPath: string,
  change: (children: SegmentNode[]) => void
): Definition {
  const copy = clone(def);
  const group = nodeAt(copy, groupPath);
  if (!group || group.kind !== 'group') return def;
  change(group.children);
  return copy;
}

function split(path: string): { parent: string; index: number } | null {
  const indices = parsePath(path);
  if (!indices || indices.length === 0) return null;
  return { parent: pathOf(indices.slice(0, -1)), index: indices[indices.length - 1] };
}

export function appendNode(def: Definition, groupPath: string, node: SegmentNode): Definition {
  return editGroup(def, groupPath, (children) => children.push(clone(node)));
}

export function removeNode(def: Definition, path: string): Definition {
  const at = split(path);
  if (!at) return def;
  return editGroup(def, at.parent, (children) => children.splice(at.index, 1));
}

export function duplicateNode(def: Definition, path: string): Definition {
  const at = split(path);
  const node = nodeAt(def, path);
  if (!at || !node) return def;
  return editGroup(def, at.parent, (children) => children.splice(at.index + 1, 0, clone(node)));
}

/** Moves a node up (-1) or down (+1) among its siblings; unchanged at either end. */
export function moveNode(def: Definition, path: string, delta: -1 | 1): Definition {
  const at = split(path);
  if (!at) return def;
  return editGroup(def, at.parent, (children) => {
    const to = at.index + delta;
    if (to < 0 || to >= children.length) return;
    const [node] = children.splice(at.index, 1);
    children.splice(to, 0, node);
  });
}

export function replaceNode(def: Definition, path: string, node: SegmentNode): Definition {
  if (path === 'root') return node.kind === 'group' ? { version: 1, root: clone(node) } : def;
  const at = split(path);
  if (!at) return def;
  return editGroup(def, at.parent, (children) => {
    if (at.index < children.length) children[at.index] = clone(node);
  });
}

export function setMatch(def: Definition, path: string, match: Group['match']): Definition {
  const node = nodeAt(def, path);
  if (!node || node.kind !== 'group') return def;
  return replaceNode(def, path, { ...node, match });
}

/** The value a rule starts with when chosen (empty where the user must type it). */
export function defaultValue(type: FieldSpec['type'], rule: Rule): Value | undefined {
  const family = typeFamily(type);
  if (rule === 'is_empty' || rule === 'is_not_empty' || family === 'boolean') return undefined;
  switch (rule) {
    case 'in':
    case 'not_in':
      return [];
    case 'in_last':
    case 'not_in_last':
    case 'more_than_ago':
    case 'in_next':
      return { n: 30, unit: 'days' };
    case 'anniversary_in':
      return 'month';
    case 'age_between':
      return [18, 65];
    case 'age_equals':
    case 'age_gt':
    case 'age_lt':
      return 18;
    case 'between':
      return family === 'number' ? [0, 100] : ['', ''];
  }
  return family === 'number' ? undefined : '';
}

/** An attribute condition on `field` with the first sensible rule for its type. */
export function attributeFor(field: FieldSpec, rule?: Rule): Condition {
  const rules = rulesForType(field.type);
  const chosen =
    rule && rules.includes(rule)
      ? rule
      : typeFamily(field.type) === 'boolean'
        ? 'is_true'
        : rules[0];
  const value = defaultValue(field.type, chosen);
  return value === undefined
    ? { kind: 'attribute', field: field.name, rule: chosen }
    : { kind: 'attribute', field: field.name, rule: chosen, value };
}

/** A new node of a kind, filled in as far as the campaign allows. */
export function newNode(
  kind: NewConditionKind,
  context: { fields: FieldSpec[]; eventTypes: string[]; segments: { id: string }[] }
): SegmentNode {
  switch (kind) {
    case 'group':
      return { kind: 'group', match: 'any', children: [] };
    case 'attribute':
      return context.fields[0]
        ? attributeFor(context.fields[0])
        : { kind: 'attribute', field: '', rule: 'equals', value: '' };
    case 'event':
      return { kind: 'event', event: context.eventTypes[0] ?? '' };
    case 'email':
      return { kind: 'email', activity: 'opened' };
    case 'segment':
      return { kind: 'segment', segment: context.segments[0]?.id ?? '', member: true };
    case 'sample':
      return { kind: 'sample', buckets: 10, bucket: 0, seed: 'sample' };
  }
}
