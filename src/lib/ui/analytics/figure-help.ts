/**
 * The dashboard's help on what each figure means is the README's "Delivery figures, exactly"
 * section, read at build time: one text for the README, `slice report` and the app. It is
 * turned into blocks of text spans here (bullets, paragraphs, `code`, **bold**) that the page
 * renders as text: nothing of it is ever markup.
 */
import readme from '../../../../README.md?raw';

const HEADING = '### Delivery figures, exactly';

/** A run of the help's text: plain, `code` or **bold**; always text, never markup. */
export interface HelpSpan {
  kind: 'text' | 'code' | 'strong';
  text: string;
}

/** A paragraph, or a list whose items are each a line of spans. */
export type HelpBlock = { kind: 'p'; spans: HelpSpan[] } | { kind: 'ul'; items: HelpSpan[][] };

function inline(s: string): HelpSpan[] {
  const spans: HelpSpan[] = [];
  let last = 0;
  for (const m of s.matchAll(/`([^`]+)`|\*\*([^*]+)\*\*/g)) {
    if (m.index > last) spans.push({ kind: 'text', text: s.slice(last, m.index) });
    spans.push(m[1] !== undefined ? { kind: 'code', text: m[1] } : { kind: 'strong', text: m[2] });
    last = m.index + m[0].length;
  }
  if (last < s.length) spans.push({ kind: 'text', text: s.slice(last) });
  return spans;
}

/** The README section as Markdown (without its heading), '' if the README lost it. */
export function figureDefinitionsMarkdown(text: string = readme): string {
  const start = text.indexOf(HEADING);
  if (start === -1) return '';
  const rest = text.slice(start + HEADING.length);
  const end = rest.search(/\n#{1,3} /);
  return (end === -1 ? rest : rest.slice(0, end)).trim();
}

/** The section as blocks: list items and paragraphs, joined lines unwrapped. */
export function figureDefinitions(text: string = readme): HelpBlock[] {
  const md = figureDefinitionsMarkdown(text);
  const blocks: HelpBlock[] = [];
  let items: string[] = [];
  let para: string[] = [];
  const flushPara = () => {
    if (para.length) blocks.push({ kind: 'p', spans: inline(para.join(' ')) });
    para = [];
  };
  const flushList = () => {
    if (items.length) blocks.push({ kind: 'ul', items: items.map(inline) });
    items = [];
  };
  for (const raw of md.split('\n')) {
    const line = raw.trim();
    if (line === '') {
      flushPara();
      flushList();
    } else if (line.startsWith('- ')) {
      flushPara();
      items.push(line.slice(2));
    } else if (items.length && raw.startsWith('  ')) {
      items[items.length - 1] += ` ${line}`;
    } else {
      flushList();
      para.push(line);
    }
  }
  flushPara();
  flushList();
  return blocks;
}
