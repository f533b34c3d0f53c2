/**
 * A file problem as one sentence for a person: the message, capitalised, with where it is
 * (line, column) added unless the message already says it. The import page and the tests of
 * the bad-input corpus show the same text.
 */
import type { FileProblem } from './types';

export function problemText(problem: FileProblem): string {
  const message = problem.message.charAt(0).toUpperCase() + problem.message.slice(1);
  const where = [
    problem.line !== undefined && !message.includes(`line ${problem.line}`)
      ? `line ${problem.line}`
      : '',
    problem.column && !message.includes(problem.column) ? `column “${problem.column}”` : ''
  ].filter(Boolean);
  return where.length > 0 ? `${message} (${where.join(', ')})` : message;
}
