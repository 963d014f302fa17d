import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { SAMPLES } from '../env';
import { makeModel, solid } from '../test-model';
import { open as openApp } from './api';

const open = async (page: Page) => {
  await openApp(page);
  await page.getByTestId('nav-classify').click();
};

async function importModel(page: Page, dir: string, name: string) {
  await openApp(page);
  await page.getByTestId('nav-settings').click();
  const section = page.getByTestId('settings-models');
  await section.getByTestId('models-import-dir').fill(dir);
  await section.getByTestId('models-import-name').fill(name);
  await section.getByTestId('models-import-submit').click();
  await expect(section.getByTestId('models-notice')).toContainText(`Imported ${name}: 2 labels`);
  return section;
}

test('Settings: import a model folder by path, see it listed, make it default, refuse a bad one', async ({
  page,
}, info) => {
  const dir = info.outputPath('tm-model');
  makeModel(dir);
  const section = await importModel(page, dir, 'Colours');
  const row = section.locator('[data-testid="model-row"][data-name="Colours"]');
  await expect(row).toContainText('2 labels');
  await expect(row).toContainText('64×64×3');
  await expect(row).toContainText('Teachable Machine (x/127 − 1) · Centre crop');
  await expect(section.locator('[data-testid="model-row"][data-name="centernet"]')).toHaveAttribute(
    'data-default',
    'true',
  );
  await row.getByTestId('model-make-default').click();
  await expect(row).toHaveAttribute('data-default', 'true');

  // Test on a photo from the row.
  const red = info.outputPath('red.png');
  await solid(red, { r: 230, g: 20, b: 20 });
  const chooser = page.waitForEvent('filechooser');
  await row.getByTestId('model-test').click();
  await (await chooser).setFiles(red);
  await expect(section.getByTestId('models-notice')).toContainText(
    /Colours on red\.png: red (0[.,]9\d|1[.,]00)/,
  );

  const bad = info.outputPath('bad-model');
  makeModel(bad, { labels: ['a', 'b', 'c'], labelsTxt: true });
  await section.getByTestId('models-import-dir').fill(bad);
  await section.getByTestId('models-import-name').fill('');
  await section.getByTestId('models-import-submit').click();
  const error = section.getByTestId('error-notice');
  await expect(error).toHaveAttribute('data-code', 'MODEL_INVALID');
  await expect(error).toContainText('it gives 2 scores but labels.txt has 3 labels');
  await expect(section.getByTestId('model-row')).toHaveCount(3);

  // Put the built-in default back for the other tests.
  await section
    .locator('[data-testid="model-row"][data-name="centernet"]')
    .getByTestId('model-make-default')
    .click();
  await expect(section.locator('[data-testid="model-row"][data-name="centernet"]')).toHaveAttribute(
    'data-default',
    'true',
  );
});

test('Classify: a batch with a chosen model, sort, filter, feedback and CSV export', async ({
  page,
}, info) => {
  const dir = info.outputPath('tm-model');
  makeModel(dir);
  await importModel(page, dir, 'RedBlue');
  const folder = info.outputPath('photos');
  mkdirSync(folder, { recursive: true });
  const red = join(folder, 'a-red.png');
  const blue = join(folder, 'b-blue.png');
  const notes = join(folder, 'c-notes.jpg');
  await solid(red, { r: 230, g: 20, b: 20 });
  await solid(blue, { r: 20, g: 20, b: 230 });
  writeFileSync(notes, 'not a photo');

  await page.getByTestId('nav-classify').click();
  await page.getByTestId('classify-model').click();
  await page.getByRole('option', { name: 'RedBlue' }).click();
  await page.locator('[data-testid="classify-dropzone"] input[type=file]').setInputFiles([blue, notes, red]);
  const rows = page.getByTestId('classify-row');
  await expect(rows).toHaveCount(3);
  await expect(page.locator('[data-testid="classify-row"][data-status="done"]')).toHaveCount(2);
  await expect(page.locator('[data-testid="classify-row"][data-status="error"]')).toHaveCount(1);
  await expect(page.getByTestId('classify-error-code')).toHaveAttribute('data-code', 'NOT_AN_IMAGE');
  await expect(page.getByTestId('classify-error-code')).toHaveText('Not an image');

  // Sorted by file name by default; by top label on request (blue < red), then reversed.
  await expect(rows.nth(0)).toContainText('a-red.png');
  await page.getByTestId('classify-sort-label').click();
  await expect(rows.nth(0)).toHaveAttribute('data-label', 'blue');
  await page.getByTestId('classify-sort-label').click();
  await expect(rows.nth(0)).toHaveAttribute('data-label', 'red');

  await page.getByTestId('classify-filter').fill('b-blue');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-label', 'blue');
  await page.getByTestId('classify-filter').fill('');
  await page.getByTestId('classify-show').getByText('Failed').click();
  await expect(rows).toHaveCount(1);
  await page.getByTestId('classify-show').getByText('All').click();

  // Feedback: the red one is "wrong, it is crimson"; the blue one is correct.
  const redRow = page.locator('[data-testid="classify-row"][data-label="red"]');
  await redRow.getByTestId('classify-feedback-wrong').click();
  await page.getByTestId('classify-feedback-label').fill('crimson');
  await page.getByTestId('classify-feedback-save').click();
  await expect(redRow.getByTestId('classify-feedback')).toHaveAttribute('data-verdict', 'wrong');
  const blueRow = page.locator('[data-testid="classify-row"][data-label="blue"]');
  await blueRow.getByTestId('classify-feedback-correct').click();
  await expect(blueRow.getByTestId('classify-feedback')).toHaveAttribute('data-verdict', 'correct');

  const download = page.waitForEvent('download');
  await page.getByTestId('classify-export-csv').click();
  const file = await (await download).path();
  const csv = readFileSync(file, 'utf8').trim().split('\n');
  expect(csv).toHaveLength(4);
  expect(csv[0]).toMatch(/^file,extension,date,success,backend,model,class_id,label,score/);
  expect(csv.find((l) => l.startsWith('a-red.png'))).toMatch(/,true,.*,RedBlue,0,red,.*wrong:crimson/);
  expect(csv.find((l) => l.startsWith('c-notes.jpg'))).toContain(',false,');
  await expect(page.getByTestId('classify-exported')).toContainText('Exported 3 results');
});

test('Classify: objects and faces with the built-in model, details with boxes, cancel', async ({ page }) => {
  await open(page);
  await page
    .locator('[data-testid="classify-dropzone"] input[type=file]')
    .setInputFiles(join(SAMPLES, 'sample1.jpg'));
  const row = page.locator('[data-testid="classify-row"][data-status="done"]');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-label', 'person');
  await expect(row).toContainText('centernet');
  await expect(row).toContainText(/(Female|Male) \d+ · /);
  await row.getByRole('button', { name: 'Open sample1.jpg' }).click();
  const detail = page.getByTestId('classify-detail');
  await expect(detail.locator('[data-kind="face"]')).toHaveCount(3);
  await expect(detail.locator('[data-kind="object"]').first()).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();

  // "Wrong, it is a dog": the suggestion list (the built-in model's labels) never covers Save.
  const feedback = row.getByTestId('classify-feedback');
  const popover = page.getByRole('dialog');
  const field = page.getByTestId('classify-feedback-label');
  const list = popover.getByRole('listbox');
  await row.getByTestId('classify-feedback-wrong').click();
  await field.fill('dog');
  await expect(list.getByRole('option', { name: 'dog', exact: true })).toBeVisible();
  // A short timeout: a click the list intercepts would otherwise wait for the whole test.
  await page.getByTestId('classify-feedback-save').click({ timeout: 5_000 });
  await expect(popover).toBeHidden();
  await expect(feedback).toHaveAttribute('data-verdict', 'wrong');
  await expect(feedback).toContainText('Should be “dog”');

  // Escape closes the list first, then the popover; the typed label waits for the next open.
  await row.getByTestId('classify-feedback-wrong').click();
  await field.fill('cat');
  await expect(list).toBeVisible();
  await field.press('Escape');
  await expect(list).toBeHidden();
  await expect(popover).toBeVisible();
  await field.press('Escape');
  await expect(popover).toBeHidden();
  await expect(feedback).toContainText('Should be “dog”');
  // Enter in the field saves.
  await row.getByTestId('classify-feedback-wrong').click();
  await expect(field).toHaveValue('cat');
  await field.press('Enter');
  await expect(popover).toBeHidden();
  await expect(feedback).toContainText('Should be “cat”');

  // Cancel: the photos not yet sent are dropped and said so.
  await page.getByTestId('classify-clear').click();
  await page
    .locator('[data-testid="classify-dropzone"] input[type=file]')
    .setInputFiles([1, 2, 3, 4, 5, 6].map((n) => join(SAMPLES, `sample${n}.jpg`)));
  await expect(page.getByTestId('classify-progress')).toBeVisible();
  await page.getByTestId('classify-cancel').click();
  await expect(page.getByTestId('classify-notice')).toContainText('not classified (cancelled)');
  await expect(page.getByTestId('classify-progress')).toBeHidden();
  const left = await page.getByTestId('classify-row').count();
  expect(left).toBeGreaterThanOrEqual(1);
  expect(left).toBeLessThan(6);
});

test('Classify: an empty folder is said; a folder keeps its path in exports; numbered face boxes; fits 1024 px', async ({
  page,
}, info) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await open(page);
  const folderInput = page.getByTestId('classify-folder-input');
  const empty = info.outputPath('empty');
  mkdirSync(empty, { recursive: true });
  await folderInput.setInputFiles(empty);
  await expect(page.getByTestId('classify-notice')).toContainText(
    'No image files were found in the folder or files you added.',
  );
  await page.getByTestId('classify-notice').getByRole('button').click();

  const folder = info.outputPath('photos');
  mkdirSync(join(folder, 'sub'), { recursive: true });
  copyFileSync(join(SAMPLES, 'sample1.jpg'), join(folder, 'sub', 'sample1.jpg'));
  await folderInput.setInputFiles(folder);
  const row = page.locator('[data-testid="classify-row"][data-status="done"]');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('photos/sub/sample1.jpg');

  // The whole row fits a 1024-px window: no sideways scrolling, feedback on screen.
  const table = page.getByTestId('classify-table');
  const fits = await table.evaluate((el) => el.parentElement!.scrollWidth <= el.parentElement!.clientWidth);
  expect(fits).toBe(true);
  const feedback = (await row.getByTestId('classify-feedback-wrong').boundingBox())!;
  expect(feedback.x + feedback.width).toBeLessThanOrEqual(1024);

  // The export names the photo as the table does, folder included.
  const download = page.waitForEvent('download');
  await page.getByTestId('classify-export-csv').click();
  const csv = readFileSync(await (await download).path(), 'utf8')
    .trim()
    .split('\n');
  expect(csv[1]).toMatch(/^photos\/sub\/sample1\.jpg,jpg,/);

  // Each face box carries the number of its line in the list; a hovered line lights its box.
  await row.getByRole('button', { name: 'Open sample1.jpg' }).click();
  const detail = page.getByTestId('classify-detail');
  const items = detail.getByTestId('classify-face-item');
  await expect(items).toHaveCount(3);
  await expect(detail.locator('[data-kind="face"] [data-testid="box-badge"]')).toHaveText(['1', '2', '3']);
  await expect(items.nth(1)).toHaveText(/^2\. /);
  await items.nth(1).hover();
  await expect(detail.locator('[data-face="2"]')).toHaveAttribute('class', /toneSelected/);
  await expect(detail.locator('[data-face="1"]')).not.toHaveAttribute('class', /toneSelected/);
});
