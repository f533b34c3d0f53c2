/**
 * The builder's state: structural edits addressed by validator paths, the debounced live count
 * with its per-condition counts, validation messages on the condition they concern, a late
 * answer to a superseded edit ignored, and saving. Runs against a real engine in Node.
 */
import { describe, expect, it, vi } from 'vitest';
import { COUNT_DELAY_MS, SegmentEditor } from '$lib/state/segment-editor.svelte';
import {
  EVAL_OPTIONS,
  importText,
  PEOPLE,
  PEOPLE_FIELDS,
  trackEngines
} from '../engine/engine-fixture';

const { setup } = trackEngines();

async function editorOnPeople() {
  const { engine } = setup();
  const c = await engine.createCampaign('A');
  expect((await importText(engine, c.id, PEOPLE, PEOPLE_FIELDS)).ok).toBe(true);
  const campaign = await engine.getCampaign(c.id);
  const editor = new SegmentEditor(c.id, {
    campaign: () => campaign,
    options: () => EVAL_OPTIONS,
    segments: () => [],
    engine: () => engine
  });
  return { engine, editor, id: c.id };
}

const settle = async (editor: SegmentEditor) => {
  await expect.poll(() => editor.count.status, { timeout: 5000 }).not.toBe('counting');
};

describe('SegmentEditor', () => {
  it('adds, duplicates, moves and removes conditions and groups at any depth', async () => {
    const { editor } = await editorOnPeople();
    editor.add('root', 'attribute');
    editor.add('root', 'group');
    editor.add('root.children[1]', 'attribute');
    editor.add('root.children[1]', 'group');
    editor.add('root.children[1].children[1]', 'event');
    expect(editor.node('root.children[1].children[1].children[0]')?.kind).toBe('event');
    editor.duplicate('root.children[0]');
    expect(editor.definition.root.children.map((c) => c.kind)).toEqual([
      'attribute',
      'attribute',
      'group'
    ]);
    editor.move('root.children[2]', -1);
    expect(editor.definition.root.children.map((c) => c.kind)).toEqual([
      'attribute',
      'group',
      'attribute'
    ]);
    editor.move('root.children[0]', -1); // already first: unchanged
    expect(editor.definition.root.children[0].kind).toBe('attribute');
    editor.setMatch('root.children[1]', 'none');
    expect(editor.node('root.children[1]')).toMatchObject({ kind: 'group', match: 'none' });
    editor.remove('root.children[1]');
    expect(editor.definition.root.children).toHaveLength(2);
    editor.dispose();
  });

  it('counts once edits pause, with a count per top-level condition', async () => {
    const { editor } = await editorOnPeople();
    editor.replace('root', {
      kind: 'group',
      match: 'all',
      children: [
        { kind: 'attribute', field: 'email', rule: 'ends_with', value: '.fr' },
        { kind: 'attribute', field: 'newsletter', rule: 'is_true' }
      ]
    });
    expect(editor.count.status).toBe('counting');
    await settle(editor);
    expect(editor.count).toMatchObject({ status: 'ok', count: 1, total: 4 });
    expect(editor.parts).toEqual([2, 2]);
    editor.dispose();
  });

  it('counts a lone edit at once, and a burst of edits once, after it', async () => {
    const { editor } = await editorOnPeople();
    await settle(editor);
    await new Promise((r) => setTimeout(r, COUNT_DELAY_MS));
    const refresh = vi.spyOn(editor, 'refreshCount');
    editor.add('root', 'attribute');
    // The lone edit's count starts on the next macrotask, not after the debounce.
    await new Promise((r) => setTimeout(r, 0));
    expect(refresh).toHaveBeenCalledTimes(1);
    await settle(editor);
    refresh.mockClear();
    // Three edits in a row (typing): counted once, when the burst pauses.
    for (const value of ['.f', '.fr', '.org'])
      editor.replace('root.children[0]', {
        kind: 'attribute',
        field: 'email',
        rule: 'ends_with',
        value
      });
    await new Promise((r) => setTimeout(r, 0));
    expect(refresh).not.toHaveBeenCalled();
    await settle(editor);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(editor.count).toMatchObject({ status: 'ok' });
    editor.dispose();
  });

  it('puts validation messages on the condition they concern, instead of a count', async () => {
    const { editor } = await editorOnPeople();
    editor.add('root', 'attribute');
    editor.replace('root.children[0]', {
      kind: 'attribute',
      field: 'age',
      rule: 'between',
      value: [50, 20]
    });
    await settle(editor);
    expect(editor.count.status).toBe('invalid');
    expect(editor.errorsAt('root.children[0]')[0].message).toMatch(/starts after it ends/);
    expect(editor.errorsAt('root')).toEqual([]);
    expect(editor.parts).toEqual([null]);
    editor.dispose();
  });

  it('a newer edit supersedes the count of an older one', async () => {
    const { editor } = await editorOnPeople();
    editor.replace('root', {
      kind: 'group',
      match: 'all',
      children: [{ kind: 'attribute', field: 'email', rule: 'ends_with', value: '.fr' }]
    });
    const older = editor.refreshCount();
    editor.replace('root', { kind: 'group', match: 'all', children: [] });
    const newer = editor.refreshCount();
    await Promise.all([older, newer]);
    expect(editor.count).toMatchObject({ status: 'ok', count: 4 });
    editor.dispose();
  });

  it('saves a new segment, then knows it has no unsaved changes', async () => {
    const { engine, editor, id } = await editorOnPeople();
    editor.name = 'French';
    editor.add('root', 'attribute');
    // A new condition waits for its value: saving refuses, naming the problem.
    expect(await editor.save()).toBeNull();
    expect(editor.saveError).toMatch(/Field "email", rule equals: the value is blank/);
    editor.replace('root.children[0]', {
      kind: 'attribute',
      field: 'email',
      rule: 'ends_with',
      value: '.fr'
    });
    expect(editor.dirty).toBe(true);
    const saved = await editor.save();
    expect(editor.saveError).toBeNull();
    expect(saved?.id).toBeTruthy();
    expect(editor.id).toBe(saved?.id);
    expect(editor.dirty).toBe(false);
    expect((await engine.listSegments(id)).map((s) => s.name)).toContain('French');
    editor.name = '';
    expect(await editor.save()).toBeNull();
    expect(editor.saveError).toMatch(/needs a name/);
    editor.dispose();
  });
});
