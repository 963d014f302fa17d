import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { SAMPLES } from '../env';
import { call, contrastRatio, open } from './api';

// Browser specs share one data directory: each file here gets a unique name, and rows are found
// with the text filter so that jobs made by other specs do not matter. The retention test puts the
// setting back when it ends so later specs keep their history.

const stamp = Date.now().toString(36);

async function scan(page: Page, file: string, status: 'done' | 'error') {
  await page.getByTestId('nav-scan').click();
  await page.locator('[data-testid="dropzone"] input[type=file]').setInputFiles(file);
  await expect(page.locator(`[data-testid="photo-card"][data-status="${status}"]`).first()).toBeVisible();
}

async function filterText(page: Page, text: string) {
  await page.getByTestId('nav-history').click();
  await page.getByTestId('history-filter-text').fill(text);
}

test.afterAll(async ({ request }) => {
  await call(request, 'settings.update', { retention: { days: null, records: null } });
});

test('an inspected photo is in History, FINISHED, with its detail', async ({ page }, info) => {
  const photo = info.outputPath(`hist-${stamp}-ok.jpg`);
  copyFileSync(join(SAMPLES, 'sample4.jpg'), photo);
  await open(page);
  await scan(page, photo, 'done');

  await page.keyboard.press('Control+5');
  await expect(page.getByTestId('history-filter-kind')).toBeVisible();
  await page.getByTestId('history-filter-kind').click();
  await page.getByRole('option', { name: 'Find faces' }).click();
  await page.getByTestId('history-filter-text').fill(`hist-${stamp}-ok`);

  const row = page.getByTestId('history-row');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-kind', 'inspect');
  await expect(row).toHaveAttribute('data-status', 'FINISHED');
  await expect(row).toContainText('4 faces');

  await row.click();
  const detail = page.getByTestId('history-detail');
  await expect(detail).toBeVisible();
  await expect(detail.getByTestId('history-detail-summary')).toHaveText('4 faces');
  await expect(detail).toContainText(`hist-${stamp}-ok.jpg`);
  // The result's fields in words, values written for people: no JSON keys.
  const fields = detail.getByTestId('history-result-fields');
  await expect(fields).toContainText('Faces');
  await expect(fields).toContainText('Total time');
  await expect(fields).toContainText(/Width\s*\d[\d,]* px/);
  await expect(fields).not.toContainText('totalMs');
  await expect(fields).not.toContainText('{');
});

test.describe('in Portuguese on an English browser', () => {
  test.use({ locale: 'en-US' });

  test('the date filter and the job details follow the app language, not the browser', async ({
    page,
    request,
  }) => {
    // Not named hist-…: the export test counts its rows by that prefix.
    const name = `date-${stamp}-pt.jpg`;
    await call(request, 'image.inspect', {
      source: { name, bytes: readFileSync(join(SAMPLES, 'sample4.jpg')).toString('base64') },
    });
    await page.addInitScript(() => window.localStorage.setItem('vigil.language', 'pt-BR'));
    await open(page);
    await filterText(page, name);
    const row = page.getByTestId('history-row');
    await expect(row).toHaveCount(1);

    const since = page.getByTestId('history-filter-since');
    await expect(since).toHaveAttribute('placeholder', 'DD/MM/AAAA');
    const day = (offset: number) => {
      const d = new Date();
      d.setDate(d.getDate() + offset);
      const two = (n: number) => String(n).padStart(2, '0');
      return {
        iso: `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`,
        pt: `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()}`,
      };
    };
    // Typed day first, as Brazil writes it: today keeps the job, tomorrow hides it.
    await since.fill(day(0).pt);
    await expect(since).toHaveAttribute('data-value', day(0).iso);
    await expect(row).toHaveCount(1);
    await since.fill(day(1).pt);
    await expect(since).toHaveAttribute('data-value', day(1).iso);
    await expect(page.getByTestId('history-empty')).toBeVisible();
    // Not a real day: flagged in the app's words, and the filter keeps the last good day.
    await since.fill('31/02/2026');
    await since.blur();
    await expect(page.getByText('Data inválida: escreva como DD/MM/AAAA')).toBeVisible();
    await expect(since).toHaveAttribute('aria-invalid', 'true');
    await expect(since).toHaveValue('31/02/2026');
    await expect(since).toHaveAttribute('data-value', day(1).iso);
    // Picked on the calendar: the field writes it the same way.
    await page.getByTestId('history-filter-since-calendar').click();
    await page.locator(`[data-testid="date-calendar"] [data-day="${day(0).iso}"]`).click();
    await expect(since).toHaveValue(day(0).pt);
    await expect(since).not.toHaveAttribute('aria-invalid', 'true');
    await expect(row).toHaveCount(1);

    await row.click();
    const fields = page.getByTestId('history-detail').getByTestId('history-result-fields');
    await expect(fields).toContainText('Largura');
    await expect(fields).toContainText('Tempo total');
    await expect(fields).not.toContainText('width');
    await expect(fields).not.toContainText('totalMs');
  });
});

test('a bad file gives an ERROR row with its code', async ({ page }, info) => {
  const bad = info.outputPath(`hist-${stamp}-bad.jpg`);
  writeFileSync(bad, 'this is not a photo');
  await open(page);
  await scan(page, bad, 'error');

  await filterText(page, `hist-${stamp}-bad`);
  await page.getByTestId('history-filter-status').click();
  await page.getByRole('option', { name: 'Error' }).click();
  const row = page.getByTestId('history-row');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-status', 'ERROR');
  await expect(row.getByTestId('history-error-code')).toHaveAttribute('data-code', 'NOT_AN_IMAGE');

  await row.click();
  await expect(page.getByTestId('history-detail-error')).toHaveAttribute('data-code', 'NOT_AN_IMAGE');
});

for (const scheme of ['light', 'dark'] as const) {
  test(`status badges reach 4.5:1 contrast on their rows in the ${scheme} theme`, async ({ page }, info) => {
    // Not named hist-…: the export test counts its rows by that prefix.
    const photo = info.outputPath(`badge-${stamp}-${scheme}.jpg`);
    copyFileSync(join(SAMPLES, 'sample4.jpg'), photo);
    const bad = info.outputPath(`badge-${stamp}-${scheme}-bad.jpg`);
    writeFileSync(bad, 'this is not a photo');
    await page.emulateMedia({ colorScheme: scheme });
    await open(page);
    await scan(page, photo, 'done');
    await scan(page, bad, 'error');
    await filterText(page, `badge-${stamp}-${scheme}`);
    const badges = page.getByTestId('history-status');
    await expect(badges).toHaveCount(2);
    // Every other row is tinted: both rows' badges count.
    for (const badge of await badges.all()) expect(await contrastRatio(badge)).toBeGreaterThanOrEqual(4.5);
  });
}

test('export buttons download the filtered history', async ({ page }) => {
  await open(page);
  await filterText(page, `hist-${stamp}`);
  await expect(page.getByTestId('history-row')).toHaveCount(2);
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('history-export-csv').click(),
  ]);
  expect(csv.suggestedFilename()).toMatch(/\.csv$/);
  const [json] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('history-export-json').click(),
  ]);
  expect(json.suggestedFilename()).toMatch(/\.json$/);
});

test('deleting a selected row removes it', async ({ page }, info) => {
  const photo = info.outputPath(`hist-${stamp}-del.jpg`);
  copyFileSync(join(SAMPLES, 'sample4.jpg'), photo);
  await open(page);
  await scan(page, photo, 'done');
  await filterText(page, `hist-${stamp}-del`);
  const row = page.getByTestId('history-row');
  await expect(row).toHaveCount(1);
  // Selected with the keyboard: Space on the row's checkbox selects it, and does not open the job.
  await row.getByTestId('history-row-select').focus();
  await page.keyboard.press('Space');
  await expect(row.getByTestId('history-row-select')).toBeChecked();
  await page.getByTestId('history-delete-selected').click();
  await page.getByTestId('history-confirm-delete').click();
  await expect(page.getByTestId('history-empty')).toBeVisible();
});

test.describe('in Portuguese', () => {
  test.use({ locale: 'pt-BR' });

  test('the text filter finds the words of a summary as the page says them', async ({ page }, info) => {
    const photo = info.outputPath(`histpt-${stamp}.jpg`);
    copyFileSync(join(SAMPLES, 'sample4.jpg'), photo);
    await open(page);
    await scan(page, photo, 'done');
    await filterText(page, `nada-${stamp}`);
    await expect(page.getByTestId('history-empty')).toBeVisible();
    // The record stores "4 faces"; the page says "4 rostos", which is what a Portuguese user types.
    await page.getByTestId('history-filter-text').fill('rostos');
    const newest = page.getByTestId('history-row').first();
    await expect(newest).toContainText(`histpt-${stamp}.jpg`);
    await expect(newest).toContainText('4 rostos');
  });
});

test('retention of 1 record leaves exactly 1 in History, once the deletion is confirmed', async ({
  page,
  request,
}) => {
  const total = (await call<{ total: number }>(request, 'history.list', { limit: 1 })).total;
  expect(total).toBeGreaterThan(1);
  await open(page);
  await page.getByTestId('nav-settings').click();
  const records = page.getByTestId('settings-retention-records');
  await records.fill('1');
  await page.getByTestId('settings-retention-save').click();
  // Nothing is deleted before the count the core gives is confirmed.
  await expect(page.getByTestId('settings-retention-confirm-count')).toHaveAttribute(
    'data-count',
    String(total - 1),
  );
  await expect(page.getByTestId('settings-retention-saved')).toHaveCount(0);
  await page.getByTestId('settings-retention-confirm').click();
  await expect(page.getByTestId('settings-retention-saved')).toBeVisible();
  await expect(page.getByTestId('settings-retention-current')).toContainText('at most 1 record');

  await page.getByTestId('nav-history').click();
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  await expect(page.getByTestId('history-total')).toHaveAttribute('data-total', '1');
});

test('diagnostics shows the data folder, latency and a copyable report', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await open(page);
  await page.getByTestId('nav-diagnostics').click();
  await expect(page.getByTestId('diagnostics-data-dir')).toContainText('vigil-e2e-');
  await expect(page.getByTestId('diagnostics-latency-row').first()).toBeVisible();
  await page.getByTestId('diagnostics-copy-report').click();
  await expect(page.getByTestId('diagnostics-copy-status')).toHaveAttribute('data-state', 'copied');
  const text = await page.evaluate(() => navigator.clipboard.readText());
  expect(text).toContain('dataDir:');
  expect(text).toContain('channel\tcount');
});
