/**
 * The Import section: choose the kind and the file, read the preview and mapping, import,
 * read the outcome.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class ImportPage {
  readonly mapping: Locator;
  readonly result: Locator;

  constructor(readonly page: Page) {
    this.mapping = page.getByRole('table', { name: 'Columns of the file and how to import them' });
    this.result = page.getByRole('region', { name: /Import (finished|cancelled|failed)/ });
  }

  async chooseFile(path: string, kind: 'contacts' | 'events' = 'contacts'): Promise<void> {
    await this.page
      .getByRole('radio', { name: kind === 'contacts' ? /Contacts/ : /Events/ })
      .check();
    await this.page
      .getByLabel(kind === 'contacts' ? 'Choose a contacts file' : 'Choose an events file')
      .setInputFiles(path);
  }

  /** The alert that says why a file cannot be imported. */
  fileProblem(): Locator {
    return this.page.getByRole('alert').filter({ hasText: 'cannot be imported' });
  }

  typeOf(column: string): Locator {
    return this.page.getByLabel(`Type of column ${column}`, { exact: true });
  }

  fieldNameOf(column: string): Locator {
    return this.page.getByLabel(`Field name for column ${column}`, { exact: true });
  }

  async startImport(): Promise<void> {
    await this.page.getByRole('button', { name: /^Import (\d+ columns?|events)$/ }).click();
  }

  async expectFinished(): Promise<void> {
    await expect(this.page.getByText('Import finished', { exact: true })).toBeVisible({
      timeout: 30_000
    });
  }

  /** The table of an import's rejected rows (on the result screen or in the History). */
  rejectedRows(fileName: string, within: Page | Locator = this.page): Locator {
    return within.getByRole('table', { name: `Rejected rows of ${fileName}`, exact: false });
  }

  /** Expects the rejected-rows table to list exactly these rows (line, column, reason). */
  async expectRejected(
    table: Locator,
    rows: [line: number, column: string, reason: string | RegExp][]
  ): Promise<void> {
    const body = table.locator('tbody tr');
    await expect(body).toHaveCount(rows.length);
    for (const [i, [line, column, reason]] of rows.entries()) {
      await expect(body.nth(i).getByRole('cell')).toHaveText([String(line), column, reason]);
    }
  }

  /** A count of the finished import's summary (Added, Updated, Skipped, Rejected). */
  count(
    label: 'Added' | 'Updated' | 'Skipped' | 'Rejected' | 'Events added' | 'Already imported'
  ): Locator {
    return this.page.getByRole('group', { name: label, exact: true }).getByRole('definition');
  }
}
