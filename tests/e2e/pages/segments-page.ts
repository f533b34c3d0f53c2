/**
 * The Segments section: the list of segments and the builder, through roles and labels.
 * Conditions are list items named "Condition 1", "Condition 2.1"…; their controls are labelled
 * "Condition 1: filter", "Condition 1: rule", "Condition 1: value" and so on.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class SegmentsPage {
  readonly table: Locator;
  readonly liveCount: Locator;
  readonly summary: Locator;

  constructor(readonly page: Page) {
    this.table = page.getByRole('table', { name: 'Segments of this campaign' });
    this.liveCount = page.getByLabel('Matching contacts');
    this.summary = page.getByRole('region', { name: 'In plain words' });
  }

  row(name: string): Locator {
    return this.table
      .getByRole('row')
      .filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }

  async newSegment(name: string): Promise<void> {
    await this.page.getByRole('link', { name: 'New segment' }).click();
    await this.page.getByLabel('Segment name').fill(name);
  }

  condition(number: string): Locator {
    return this.page.getByRole('listitem', { name: `Condition ${number}`, exact: true });
  }

  control(number: string, what: string): Locator {
    return this.page.getByLabel(`Condition ${number}: ${what}`, { exact: true });
  }

  async addCondition(): Promise<void> {
    await this.page.getByRole('button', { name: '+ Add condition', exact: true }).click();
  }

  /** Picks the filter by its visible label (e.g. "civility · Category"). */
  async filter(number: string, label: string): Promise<void> {
    await this.control(number, 'filter').selectOption({ label });
  }

  async rule(number: string, label: string): Promise<void> {
    await this.control(number, 'rule').selectOption({ label });
  }

  async expectCount(n: number): Promise<void> {
    await expect(this.liveCount).toHaveText(n.toLocaleString('en-US'), { timeout: 20_000 });
    await expect(this.page.getByText('Counting…')).toBeHidden();
  }

  async save(): Promise<void> {
    await this.page.getByRole('button', { name: /^Save (segment|changes)$/ }).click();
    await expect(this.page.getByText('Unsaved changes.')).toBeHidden();
    // A new segment moves to its own address once saved: wait for it, or a click that follows
    // could be undone by that navigation.
    await expect(this.page).not.toHaveURL(/\/segments\/new$/);
  }
}
