import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
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
  await call(request, 'settings.update', { detection: null, blur: null });
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

test.describe('in Portuguese', () => {
  test.use({ locale: 'pt-BR' });

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
