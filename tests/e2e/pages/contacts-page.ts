/**
 * The Contacts section: the virtualised table, its search, sort and columns, and the detail
 * panel of an open contact.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class ContactsPage {
  readonly grid: Locator;
  readonly search: Locator;
  readonly status: Locator;
  readonly detail: Locator;

  constructor(readonly page: Page) {
    this.grid = page.getByRole('grid', { name: 'Contacts' });
    this.search = page.getByRole('searchbox', { name: 'Search contacts' });
    this.status = page.getByRole('status').filter({ hasText: /contacts|Counting/ });
    this.detail = page.getByRole('complementary', { name: 'Contact details' });
  }

  /** Data rows currently in the DOM (the header row excluded). */
  rows(): Locator {
    return this.grid.getByRole('row').filter({ has: this.page.getByRole('gridcell') });
  }

  row(n: number): Locator {
    return this.rows().nth(n);
  }

  /** The cell of the visible column `column` in data row `n` (0-based), by header position. */
  async cell(n: number, column: string): Promise<Locator> {
    const headers = await this.grid.getByRole('columnheader').allInnerTexts();
    const index = headers.findIndex((h) => h.replace(/[▲▼]/g, '').trim() === column);
    if (index < 0) throw new Error(`no column ${column} in ${headers.join(', ')}`);
    return this.row(n).getByRole('gridcell').nth(index);
  }

  header(column: string): Locator {
    return this.grid.getByRole('columnheader', { name: column, exact: true });
  }

  async sortBy(column: string): Promise<void> {
    await this.header(column).getByRole('button').click();
  }

  async expectTotal(text: string | RegExp): Promise<void> {
    await expect(this.status).toHaveText(text);
  }

  async openRow(n: number): Promise<void> {
    await this.row(n).click();
    await expect(this.detail).toBeVisible();
  }

  /** The value shown for an attribute in the open contact's panel. */
  attribute(field: string): Locator {
    return this.detail.getByRole('group', { name: field, exact: true }).getByRole('definition');
  }
}
