/**
 * The dashboard's help on what each figure means is the README's "Delivery figures, exactly"
 * section, read at build time: one text for the README, `slice report` and the app. It is
 * turned into HTML here (bullets, paragraphs, `code`, **bold**), the text escaped first.
 */
import readme from '../../../../README.md?raw';

const HEADING = '### Delivery figures, exactly';

function escape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function inline(s: string): string {
  return escape(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

/** The README section as Markdown (without its heading), '' if the README lost it. */
export function figureDefinitionsMarkdown(text: string = readme): string {
  const start = text.indexOf(HEADING);
  if (start === -1) return '';
  const rest = text.slice(start + HEADING.length);
  const end = rest.search(/\n#{1,3} /);
  return (end === -1 ? rest : rest.slice(0, end)).trim();
}

/** The section as HTML: list items and paragraphs, joined lines unwrapped. */
export function figureDefinitionsHtml(text: string = readme): string {
  const md = figureDefinitionsMarkdown(text);
  const blocks: string[] = [];
  let items: string[] = [];
  let para: string[] = [];
  const flushPara = () => {
    if (para.length) blocks.push(`<p>${inline(para.join(' '))}</p>`);
    para = [];
  };
  const flushList = () => {
    if (items.length) blocks.push(`<ul>${items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`);
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
  return blocks.join('\n');
}
