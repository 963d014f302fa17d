import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { SAMPLES } from '../env';
import { call, open } from './api';

// Browser specs share one data directory and run one after another. Everything made here carries
// a unique stamp; the defaults are put back, and the data folder is moved back where the server
// started it, when this file ends.

const stamp = Date.now().toString(36);

test.describe.configure({ mode: 'serial' });

type Settings = {
  detection: { minScore: number; minFace: number };
  blur: { style: string; shape: string; scale: number; format: string; quality: number };
  builtIn: { detection: { minScore: number; minFace: number }; blur: Settings['blur'] };
};
type DataInfo = { dir: string; source: string };

const subjectNames = async (request: APIRequestContext) =>
  (await call<{ subjects: { name: string }[] }>(request, 'watchlist.list', { query: stamp })).subjects
    .map((s) => s.name)
    .sort();

async function openSettings(page: Page) {
  await open(page);
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('settings-defaults')).toBeVisible();
}

async function showWatchlist(page: Page, query: string) {
  await page.getByTestId('nav-watchlist').click();
  await page.getByTestId('watchlist-search').fill(query);
}

let startDir = '';

test.beforeAll(async ({ request }) => {
  startDir = (await call<DataInfo>(request, 'data.info', {})).dir;
});

test.afterAll(async ({ request }) => {
  await call(request, 'settings.update', {
    detection: null,
    blur: null,
    thresholds: null,
    retention: { days: null, records: null },
  });
  const now = await call<DataInfo>(request, 'data.info', {});
  if (now.dir !== startDir) await call(request, 'data.move', { to: startDir, removeOld: true });
});

test('detection threshold and blur defaults are saved, survive a reload and reach settings.get', async ({
  page,
  request,
}) => {
  await openSettings(page);
  const section = page.getByTestId('settings-defaults');
  await expect(page.getByTestId('settings-defaults-state')).toHaveAttribute('data-custom', 'false');

  await page.getByTestId('settings-detection-minScore').fill('0.45');
  await page.getByTestId('settings-blur-style').getByText('Pixelate').click();
  await page.getByTestId('settings-blur-format').getByText('PNG').click();
  await expect(page.getByTestId('settings-blur-quality')).toBeDisabled();
  await page.getByTestId('settings-blur-scale').fill('2');
  await page.getByTestId('settings-detection-minFace').fill('16');
  await page.getByTestId('settings-defaults-save').click();
  await expect(page.getByTestId('settings-defaults-saved')).toBeVisible();

  const saved = await call<Settings>(request, 'settings.get', {});
  expect(saved.detection).toEqual({ minScore: 0.45, minFace: 16 });
  expect(saved.blur).toMatchObject({ style: 'pixelate', format: 'png', scale: 2, shape: 'ellipse' });

  await page.reload();
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('settings-detection-minScore')).toHaveValue('0.45');
  await expect(page.getByTestId('settings-blur-scale')).toHaveValue('2×');
  await expect(section.locator('[data-testid="settings-blur-format"] input[value="png"]')).toBeChecked();
  await expect(section.locator('[data-testid="settings-blur-style"] input[value="pixelate"]')).toBeChecked();
  await expect(page.getByTestId('settings-defaults-state')).toHaveAttribute('data-custom', 'true');
  await expect(page.getByTestId('settings-detection-minFace')).toHaveValue('16 px');
  // The Blur page starts from them.
  await page.getByTestId('nav-blur').click();
  await expect(page.getByTestId('blur-min-face')).toHaveValue('16 px');
  await page.getByTestId('nav-settings').click();

  // Out of range: nothing can be saved.
  await page.getByTestId('settings-blur-style').getByText('Blur', { exact: true }).click();
  await page.getByTestId('settings-blur-scale').fill('9');
  await expect(page.getByTestId('settings-defaults-save')).toBeDisabled();
  await page.getByTestId('settings-blur-scale').fill('2');

  await page.getByTestId('settings-defaults-restore').click();
  await expect(page.getByTestId('settings-defaults-state')).toHaveAttribute('data-custom', 'false');
  const back = await call<Settings>(request, 'settings.get', {});
  expect(back.detection).toEqual(back.builtIn.detection);
  expect(back.blur).toEqual(back.builtIn.blur);
  await expect(page.getByTestId('settings-detection-minScore')).toHaveValue(
    back.builtIn.detection.minScore.toFixed(2),
  );
});

test('a threshold typed with either separator is read; out of range is flagged, never clamped', async ({
  page,
  request,
}) => {
  await openSettings(page);
  const match = page.getByTestId('settings-threshold-match');
  const possible = page.getByTestId('settings-threshold-possible');
  const save = page.getByTestId('settings-save');
  const matchError = page.getByTestId('settings-threshold-match-error');
  // The other language's comma is a decimal separator, not noise to drop (0,45 is not 45 → 1.00).
  await match.fill('0,45');
  await possible.fill('0.3');
  await match.blur();
  await expect(match).toHaveValue('0.45');
  await expect(matchError).toHaveCount(0);
  await expect(save).toBeEnabled();
  for (const typed of ['1.5', '45', '-1']) {
    await match.fill(typed);
    await match.blur();
    await expect(match).toHaveValue(typed);
    await expect(matchError).toHaveText('Enter a value from 0 to 1');
    await expect(save).toBeDisabled();
  }
  // Inverted: said once (under the slider, not also under the field), and no band is drawn.
  await match.fill('0.20');
  await possible.fill('0.40');
  await expect(page.getByText('Must not be above the match threshold')).toHaveCount(1);
  await expect(page.getByTestId('thresholds-zones')).toHaveCount(0);
  await expect(save).toBeDisabled();

  await match.fill('0,45');
  await possible.fill('0,3');
  await expect(page.getByTestId('thresholds-zones')).toContainText('Possible 0.30–0.45');
  await save.click();
  await expect(page.getByTestId('settings-saved')).toBeVisible();
  const saved = await call<{ thresholds: { match: number; possible: number } }>(request, 'settings.get', {});
  expect(saved.thresholds).toEqual({ match: 0.45, possible: 0.3 });
  await page.getByTestId('settings-restore').click();
  await expect(page.getByTestId('settings-thresholds-state')).toHaveAttribute('data-custom', 'false');
});

test('detection and blur numbers out of range stay as typed, flagged, after leaving the field', async ({
  page,
}) => {
  await openSettings(page);
  const save = page.getByTestId('settings-defaults-save');
  const fields = [
    ['settings-blur-scale', '9', 'Enter a value from 1 to 4'],
    ['settings-blur-quality', '0', 'Enter a whole number from 1 to 100'],
    ['settings-detection-minFace', '4', 'Enter a whole number from 8 to 4,096'],
    ['settings-detection-minScore', '1,5', 'Enter a value from 0 to 1'],
  ] as const;
  for (const [id, typed, message] of fields) {
    const field = page.getByTestId(id);
    const before = await field.inputValue();
    await field.fill(typed);
    await field.blur();
    await expect(field).toHaveValue(id === 'settings-detection-minFace' ? `${typed} px` : typed);
    await expect(page.getByTestId('settings-defaults')).toContainText(message);
    await expect(save).toBeDisabled();
    await field.fill(before.replace(/[^\d.,]/g, ''));
    await field.blur();
  }
  // Either separator in the region size, read as the same value.
  await page.getByTestId('settings-blur-scale').fill('1,5');
  await page.getByTestId('settings-blur-scale').blur();
  await expect(page.getByTestId('settings-blur-scale')).toHaveValue('1.5×');
  await expect(save).toBeEnabled();
  // Nothing saved: the defaults stay as the earlier test left them.
});

test('retention below 1 is refused, and a retention that deletes records asks first, with the count', async ({
  page,
  request,
}) => {
  type Total = { total: number };
  // Earlier specs may have left little history: three jobs of this file's own.
  for (let i = 1; i <= 3; i++) {
    await call(request, 'image.inspect', { source: { path: `${process.cwd()}/${SAMPLES}/sample${i}.jpg` } });
  }
  const total = (await call<Total>(request, 'history.list', { limit: 1 })).total;
  expect(total).toBeGreaterThanOrEqual(3);
  await openSettings(page);
  const section = page.getByTestId('settings-retention');
  const records = page.getByTestId('settings-retention-records');
  const days = page.getByTestId('settings-retention-days');
  const save = page.getByTestId('settings-retention-save');

  // 0 is not turned into 1 (which would keep one record), nor -5 days into 5.
  await records.fill('0');
  await records.blur();
  await expect(records).toHaveValue('0');
  await expect(section).toContainText('Enter a whole number from 1 to 10,000,000, or leave empty');
  await expect(save).toBeDisabled();
  await records.fill('');
  await days.fill('-5');
  await days.blur();
  await expect(days).toHaveValue('-5');
  await expect(section).toContainText('Enter a whole number from 1 to 36,500, or leave empty');
  await expect(save).toBeDisabled();
  await days.fill('');

  // Keeping 1 would delete the rest: the core counts them, and Cancel deletes nothing.
  await records.fill('1');
  await save.click();
  const count = page.getByTestId('settings-retention-confirm-count');
  await expect(count).toHaveAttribute('data-count', String(total - 1));
  await expect(count).toContainText(`deletes ${total - 1} of the ${total} history records`);
  await expect(page.getByTestId('settings-retention-confirm')).toHaveText(
    `Delete ${total - 1} records and save`,
  );
  await page.getByTestId('settings-retention-cancel').click();
  await expect(count).toHaveCount(0);
  expect((await call<Total>(request, 'history.list', { limit: 1 })).total).toBe(total);
  expect((await call<{ retention: unknown }>(request, 'settings.get', {})).retention).toEqual({
    days: null,
    records: null,
  });
  await expect(page.getByTestId('settings-retention-saved')).toHaveCount(0);

  // A rule that deletes nothing now is saved without asking.
  await records.fill('10000000');
  await save.click();
  await expect(page.getByTestId('settings-retention-saved')).toBeVisible();
  await expect(page.getByTestId('settings-retention-confirm')).toHaveCount(0);
  expect((await call<{ retention: unknown }>(request, 'settings.get', {})).retention).toEqual({
    days: null,
    records: 10_000_000,
  });
  expect((await call<Total>(request, 'history.list', { limit: 1 })).total).toBeGreaterThanOrEqual(total);
  await call(request, 'settings.update', { retention: { days: null, records: null } });
});

test.describe('in Portuguese', () => {
  test.use({ locale: 'pt-BR' });

  test('match thresholds take 0.45 typed with a dot and show it with a comma', async ({ page }) => {
    await openSettings(page);
    const match = page.getByTestId('settings-threshold-match');
    await match.fill('0.45');
    await match.blur();
    await expect(match).toHaveValue('0,45');
    await expect(page.getByTestId('settings-threshold-match-error')).toHaveCount(0);
    await expect(page.getByTestId('settings-save')).toBeEnabled();
    await match.fill('1,5');
    await match.blur();
    await expect(match).toHaveValue('1,5');
    await expect(page.getByTestId('settings-threshold-match-error')).toHaveText('Digite um valor de 0 a 1');
    await expect(page.getByTestId('settings-save')).toBeDisabled();
    // Nothing saved.
  });

  test('number fields show and take the decimal comma and the dot between thousands', async ({
    page,
    request,
  }) => {
    await openSettings(page);
    await page.getByTestId('settings-detection-minScore').fill('0,45');
    await page.getByTestId('settings-blur-scale').fill('1,5');
    await page.getByTestId('settings-blur-scale').blur();
    await expect(page.getByTestId('settings-blur-scale')).toHaveValue('1,5×');
    await page.getByTestId('settings-defaults-save').click();
    await expect(page.getByTestId('settings-defaults-saved')).toBeVisible();
    const saved = await call<Settings>(request, 'settings.get', {});
    expect(saved.detection.minScore).toBe(0.45);
    expect(saved.blur.scale).toBe(1.5);
    await page.reload();
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('settings-detection-minScore')).toHaveValue('0,45');
    // A whole number groups its thousands as Portuguese writes them, and is read back whole.
    const records = page.getByTestId('settings-retention-records');
    await records.fill('20000');
    await expect(records).toHaveValue('20.000');
    await expect(page.getByTestId('settings-retention-save')).toBeEnabled();
    await page.getByTestId('settings-defaults-restore').click();
    await expect(page.getByTestId('settings-defaults-state')).toHaveAttribute('data-custom', 'false');
  });
});

test('back up now, change the watchlist, restore the backup: the later change is gone', async ({
  page,
  request,
}, info) => {
  await call(request, 'watchlist.create', { name: `Kept ${stamp}` });
  await openSettings(page);

  const download = page.waitForEvent('download');
  await page.getByTestId('settings-backup-now').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^vigil-backup-.*\.tar\.gz$/);
  const archive = info.outputPath(file.suggestedFilename());
  await file.saveAs(archive);
  expect(statSync(archive).size).toBeGreaterThan(100);
  await expect(page.getByTestId('settings-backup-done')).toBeVisible();

  await call(request, 'watchlist.create', { name: `Later ${stamp}` });
  expect(await subjectNames(request)).toEqual([`Kept ${stamp}`, `Later ${stamp}`]);

  await page.locator('[data-testid="settings-backup"] input[type=file]').setInputFiles(archive);
  const dialog = page.getByTestId('settings-restore-dialog');
  await expect(dialog).toContainText(file.suggestedFilename());
  await dialog.getByTestId('settings-restore-confirm').click();
  await expect(page.getByTestId('settings-restore-done')).toBeVisible();
  await expect(page.getByTestId('settings-restore-previous')).toContainText('.before-restore-');

  expect(await subjectNames(request)).toEqual([`Kept ${stamp}`]);
  await showWatchlist(page, stamp);
  await expect(page.getByTestId('subject-row')).toHaveCount(1);
  await expect(page.getByTestId('subject-row')).toContainText(`Kept ${stamp}`);

  // A file that is not a backup is refused, and nothing changes.
  const junk = info.outputPath('junk.tar.gz');
  writeFileSync(junk, 'not an archive');
  await page.getByTestId('nav-settings').click();
  await page.locator('[data-testid="settings-backup"] input[type=file]').setInputFiles(junk);
  await page.getByTestId('settings-restore-confirm').click();
  await expect(page.getByTestId('settings-restore-dialog').getByTestId('error-notice')).toHaveAttribute(
    'data-code',
    'BAD_INPUT',
  );
  expect(await subjectNames(request)).toEqual([`Kept ${stamp}`]);
});

test('moving the data folder: refused into a non-empty folder, then moved with the watchlist intact', async ({
  page,
  request,
}, info) => {
  await call(request, 'watchlist.create', { name: `Mover ${stamp}` });
  await openSettings(page);
  await expect(page.getByTestId('settings-data-dir')).toHaveText(startDir);
  await expect(page.getByTestId('settings-data-source')).toHaveAttribute('data-source', 'flag');
  // A browser cannot open a folder on the server's machine: only copying the path is offered.
  await expect(page.getByTestId('settings-data-open')).toHaveCount(0);
  await expect(page.getByTestId('settings-data-copy')).toBeVisible();

  const occupied = info.outputPath('occupied');
  mkdirSync(occupied, { recursive: true });
  writeFileSync(`${occupied}/someone-else.txt`, 'mine');
  await page.getByTestId('settings-data-move').click();
  await page.getByTestId('settings-move-target').fill(occupied);
  await page.getByTestId('settings-move-confirm').click();
  const dialog = page.getByTestId('settings-move-dialog');
  await expect(dialog.getByTestId('error-notice')).toHaveAttribute('data-code', 'TARGET_NOT_EMPTY');

  const target = info.outputPath('moved-data');
  await page.getByTestId('settings-move-target').fill(target);
  await page.getByTestId('settings-move-remove-old').check();
  await page.getByTestId('settings-move-confirm').click();
  await expect(page.getByTestId('settings-data-moved')).toBeVisible();
  await expect(page.getByTestId('settings-data-old')).toHaveAttribute('data-removed', 'true');
  await expect(page.getByTestId('settings-data-dir')).toHaveText(target);
  expect((await call<DataInfo>(request, 'data.info', {})).dir).toBe(target);

  await showWatchlist(page, stamp);
  await expect(page.getByTestId('subject-row').filter({ hasText: `Mover ${stamp}` })).toHaveCount(1);
  await expect(page.getByTestId('subject-row').filter({ hasText: `Kept ${stamp}` })).toHaveCount(1);
  // …and new work is kept in the new folder.
  await call(request, 'watchlist.create', { name: `Moved ${stamp}` });
  expect(await subjectNames(request)).toContain(`Moved ${stamp}`);
});

test('equal thresholds say that no face will be a possible match', async ({ page }) => {
  await open(page);
  await page.getByTestId('nav-settings').click();
  const note = page.getByTestId('thresholds-no-possible');
  await page.getByTestId('settings-threshold-possible').fill('0.5');
  await page.getByTestId('settings-threshold-match').fill('0.5');
  await expect(note).toBeVisible();
  await page.getByTestId('settings-threshold-possible').fill('0.3');
  await expect(note).toHaveCount(0);
  // Nothing saved: the next test starts from the stored thresholds.
});

test('unsaved changes survive a page switch, and the navigation says they are unsaved', async ({
  page,
  request,
}) => {
  await openSettings(page);
  const nav = page.getByTestId('nav-settings');
  await expect(nav).toHaveAccessibleName('Settings');
  await page.getByTestId('settings-threshold-match').fill('0.61');
  await page.getByTestId('settings-detection-minFace').fill('40');
  await expect(nav).toHaveAccessibleName('Settings (unsaved changes)');
  await page.getByTestId('nav-history').click();
  await expect(nav).toHaveAccessibleName('Settings (unsaved changes)');
  await expect(nav).toContainText('Unsaved changes');
  await nav.click();
  await expect(page.getByTestId('settings-threshold-match')).toHaveValue('0.61');
  await expect(page.getByTestId('settings-detection-minFace')).toHaveValue('40 px');
  // Nothing was saved meanwhile.
  const before = await call<{ thresholds: { match: number } }>(request, 'settings.get', {});
  expect(before.thresholds.match).not.toBe(0.61);
  await page.getByTestId('settings-save').click();
  await expect(nav).toHaveAccessibleName('Settings (unsaved changes)');
  await page.getByTestId('settings-defaults').getByRole('button', { name: 'Discard' }).click();
  await expect(nav).toHaveAccessibleName('Settings');
  expect((await call<{ thresholds: { match: number } }>(request, 'settings.get', {})).thresholds.match).toBe(
    0.61,
  );
});
