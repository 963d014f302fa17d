import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { SAMPLES } from '../env';
import { call, mostInFlight, open } from './api';

async function openBlur(page: Page) {
  await open(page);
  await page.getByTestId('nav-blur').click();
  await expect(page.getByTestId('blur-dropzone')).toBeVisible();
}

const drop = (page: Page, files: string[]) =>
  page.locator('[data-testid="blur-dropzone"] input[type=file]').setInputFiles(files);

test('edit the regions of a photo, compare, and export it without its EXIF and GPS', async ({
  page,
}, info) => {
  // sample5 (five faces) with a GPS position and a description, as a phone would write them.
  const input = info.outputPath('trip.jpg');
  await sharp(join(SAMPLES, 'sample5.jpg'))
    .withExif({
      IFD0: { ImageDescription: 'secret place' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '52/1 31/1 0/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '13/1 24/1 0/1',
      },
    })
    .jpeg()
    .toFile(input);
  expect((await sharp(input).metadata()).exif).toBeDefined();

  await openBlur(page);
  await drop(page, [input]);
  await expect(page.getByTestId('blur-photo')).toHaveAttribute('data-status', 'ready');
  const regions = page.getByTestId('blur-region');
  await expect(regions).toHaveCount(5);
  await expect(page.locator('[data-testid="blur-region"][data-state="blurred"]')).toHaveCount(5);
  for (const score of await regions.evaluateAll((els) =>
    els.map((e) => Number(e.getAttribute('data-score'))),
  ))
    expect(score).toBeGreaterThan(0.2);

  // The threshold slider hides regions live, and brings them back.
  const thumb = page.getByTestId('blur-thresh').getByRole('slider');
  await thumb.focus();
  await page.keyboard.press('End');
  await expect(regions).toHaveCount(0);
  await page.keyboard.press('Home');
  await expect(regions).toHaveCount(5);

  // Click a face to leave it unblurred.
  const first = regions.first();
  await first.click();
  await expect(first).toHaveAttribute('data-state', 'removed');

  // Drag on an empty corner of the photo to add a manual region, then move it.
  const editor = page.getByTestId('blur-editor');
  const e = (await editor.boundingBox())!;
  await page.mouse.move(e.x + e.width * 0.02, e.y + e.height * 0.04);
  await page.mouse.down();
  await page.mouse.move(e.x + e.width * 0.08, e.y + e.height * 0.1, { steps: 4 });
  await page.mouse.move(e.x + e.width * 0.12, e.y + e.height * 0.16, { steps: 4 });
  await page.mouse.up();
  const manual = page.locator('[data-testid="blur-region"][data-origin="manual"]');
  await expect(manual).toHaveCount(1);
  const m0 = (await manual.boundingBox())!;
  await page.mouse.move(m0.x + m0.width / 2, m0.y + m0.height / 2);
  await page.mouse.down();
  await page.mouse.move(m0.x + m0.width / 2 + 40, m0.y + m0.height / 2 + 30, { steps: 5 });
  await page.mouse.up();
  const m1 = (await manual.boundingBox())!;
  expect(m1.x - m0.x).toBeGreaterThan(30);
  await expect(manual).toHaveAttribute('data-state', 'blurred');
  await expect(page.getByTestId('blur-count-blurred')).toHaveAttribute('data-count', '5');

  // Before / after at full resolution, nothing written.
  await page.getByTestId('blur-mode').getByText('Before / after').click();
  const after = page.getByTestId('blur-after');
  await expect
    .poll(() => after.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { timeout: 30_000 })
    .toBe(1920);
  await page.getByTestId('blur-mode').getByText('Edit regions').click();

  const out = info.outputPath('exported');
  await page.getByTestId('blur-outdir').fill(out);
  await page.getByTestId('blur-export').click();
  const row = page.getByTestId('blur-result');
  await expect(row).toHaveAttribute('data-status', 'done');
  await expect(row.getByTestId('blur-result-blurred')).toHaveText('5');
  await expect(row.getByTestId('blur-result-manual')).toHaveText('1');
  // The face left unblurred is still detectable in the output: reported, in red.
  await expect(row.getByTestId('blur-result-leaks')).toBeVisible();
  await expect(page.getByTestId('blur-leak').first()).toBeVisible();

  const output = await row.getAttribute('data-output');
  expect(output).toBe(join(out, 'trip.blurred.jpg'));
  expect(existsSync(output!)).toBe(true);
  const meta = await sharp(output!).metadata();
  expect(meta.exif).toBeUndefined();
  expect(meta.xmp).toBeUndefined();
  expect([meta.width, meta.height]).toEqual([1920, 1398]);
  expect(readFileSync(output!).includes(Buffer.from('secret place'))).toBe(false);
  await expect(page.getByTestId('blur-results-check-hint')).toBeVisible();

  // Dismissing the results keeps the leak marked on the photo: the copy on disk still shows it.
  await page.getByTestId('blur-results').getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByTestId('blur-results')).toHaveCount(0);
  await expect(page.getByTestId('blur-leak').first()).toBeVisible();
  // An edit since the export: the copy on disk lacks it, so the photo counts as not exported.
  await manual.click();
  await expect(manual).toHaveAttribute('data-state', 'removed');
  await expect(page.getByTestId('blur-leak')).toHaveCount(0);
});

test('with the keyboard alone a region is added, moved, resized and deleted, and the photo exported', async ({
  page,
}, info) => {
  await openBlur(page);
  await drop(page, [join(SAMPLES, 'sample1.jpg')]);
  await expect(page.getByTestId('blur-photo')).toHaveAttribute('data-status', 'ready');
  const blurred = page.getByTestId('blur-count-blurred');
  const before = Number(await blurred.getAttribute('data-count'));

  // The sliders a keyboard reaches say what they set.
  await expect(page.getByRole('slider', { name: 'Detection threshold' })).toBeVisible();
  await expect(page.getByRole('slider', { name: 'Region size' })).toBeVisible();

  await page.getByTestId('blur-add-region').focus();
  await page.keyboard.press('Enter');
  const manual = page.locator('[data-testid="blur-region"][data-origin="manual"]');
  await expect(manual).toHaveCount(1);
  await expect(manual).toBeFocused();
  await expect(manual).toHaveAttribute('data-state', 'blurred');
  await expect(blurred).toHaveAttribute('data-count', String(before + 1));

  const b0 = (await manual.boundingBox())!;
  await page.keyboard.press('Shift+ArrowRight');
  await expect.poll(async () => (await manual.boundingBox())!.x).toBeGreaterThan(b0.x + 5);
  const b1 = (await manual.boundingBox())!;
  expect(b1.width).toBeCloseTo(b0.width, 0);
  await page.keyboard.press('Control+Shift+ArrowRight');
  await page.keyboard.press('Control+Shift+ArrowDown');
  await expect.poll(async () => (await manual.boundingBox())!.width).toBeGreaterThan(b1.width + 5);
  const b2 = (await manual.boundingBox())!;
  expect(b2.height).toBeGreaterThan(b1.height + 5);
  expect(b2.x).toBeCloseTo(b1.x, 0);

  await page.keyboard.press('Delete');
  await expect(manual).toHaveCount(0);
  await expect(blurred).toHaveAttribute('data-count', String(before));
  // The keyboard goes on from a neighbouring region, not from the top of the page.
  await expect(page.locator('[data-testid="blur-region"]:focus')).toHaveCount(1);

  // Enter on Export: Cancel takes its place and the focus; once the batch ends, Export has it again.
  await page.getByTestId('blur-outdir').fill(info.outputPath('keyboard'));
  await expect(page.getByTestId('blur-export')).toBeEnabled();
  await page.getByTestId('blur-export').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('blur-cancel')).toBeFocused();
  await expect(page.getByTestId('blur-results-summary')).toHaveText('Exported 1 of 1', { timeout: 60_000 });
  await expect(page.getByTestId('blur-export')).toBeFocused();
});

test('a batch leaves out and reports the unreadable file and exports the others; a bad folder stops it', async ({
  page,
}, info) => {
  const bad = info.outputPath('broken.jpg');
  writeFileSync(bad, 'not a photo');
  await openBlur(page);

  await drop(page, [join(SAMPLES, 'sample6.jpg'), bad, join(SAMPLES, 'sample4.jpg')]);
  await expect(page.locator('[data-testid="blur-photo"][data-name="broken.jpg"]')).toHaveAttribute(
    'data-status',
    'error',
  );
  // The button counts what it can export, and says what it leaves out.
  await expect(page.getByTestId('blur-export')).toHaveText('Export 2 photos');
  await expect(page.getByTestId('blur-export-left-out')).toHaveText(
    '1 photo could not be read and is left out',
  );

  // A folder that is not an absolute path is said under the field as it is typed; nothing starts.
  const folder = page.getByTestId('blur-outdir');
  await folder.fill('relative/folder');
  await expect(page.getByText(/The output folder must be (an absolute|a full) path/)).toBeVisible();
  await expect(page.getByTestId('blur-export')).toBeDisabled();
  await folder.fill('   ');
  await expect(page.getByText('Spaces alone name no folder: type a full path.')).toBeVisible();
  await expect(page.getByTestId('blur-export')).toBeDisabled();
  // One that becomes a file after its check (here, made by the test) stops the batch before
  // anything is written.
  const becomesFile = info.outputPath('becomes-a-file');
  await folder.fill(becomesFile);
  await expect(page.getByText('Not there yet: the first export creates it.')).toBeVisible();
  writeFileSync(becomesFile, 'a file now');
  await page.getByTestId('blur-export').click();
  // The batch first waits for the detections in flight (seconds each on a busy machine).
  await expect(page.getByTestId('error-notice').filter({ hasText: 'is a file' })).toHaveAttribute(
    'data-code',
    'OUTPUT_DIR_INVALID',
    { timeout: 60_000 },
  );
  // The photos it stopped say why, not "Cancelled": nobody cancelled them.
  const stopped = page.locator('[data-testid="blur-result"][data-status="error"]');
  await expect(stopped).toHaveCount(2);
  await expect(stopped.first()).toHaveAttribute('data-code', 'OUTPUT_DIR_INVALID');
  await expect(page.locator('[data-testid="blur-result"][data-status="cancelled"]')).toHaveCount(0);

  const out = info.outputPath('batch');
  await page.getByTestId('blur-outdir').fill(out);
  const inFlight = mostInFlight(page, 'blur.export');
  await page.getByTestId('blur-export').click();
  await expect(page.getByTestId('blur-results-summary')).toHaveText('Exported 2 of 2', { timeout: 60_000 });
  await expect(page.getByTestId('blur-results-left-out')).toHaveText('1 unreadable, not exported');
  await expect(page.getByTestId('blur-results-failed')).toHaveCount(0);
  const leftOut = page.locator('[data-testid="blur-result"][data-status="unreadable"]');
  await expect(leftOut).toHaveCount(1);
  await expect(leftOut).toHaveAttribute('data-code', 'NOT_AN_IMAGE');
  await expect(leftOut.getByTestId('blur-result-error')).toContainText('broken.jpg');
  const done = page.locator('[data-testid="blur-result"][data-status="done"]');
  await expect(done).toHaveCount(2);
  for (const output of await done.evaluateAll((els) => els.map((e) => e.getAttribute('data-output')!))) {
    expect(existsSync(output)).toBe(true);
    expect((await sharp(output).metadata()).exif).toBeUndefined();
  }
  // Photos exported before anyone looked at them get every face detected by the export itself.
  await expect(done.getByTestId('blur-result-blurred')).toHaveText(['4', '4']);
  // One photo per engine worker (the e2e server has two).
  expect(inFlight()).toBe(2);
  // The first export made the folder: the field no longer says it is not there yet.
  await expect(page.getByText('Not there yet: the first export creates it.')).toHaveCount(0);
  // A pattern longer than an export takes is said under the field, not when exporting.
  await page.getByTestId('blur-pattern').fill('x'.repeat(201));
  await expect(page.getByText('At most 200 characters (201 now).')).toBeVisible();
  await expect(page.getByTestId('blur-export')).toBeDisabled();
});

test('a cancelled export says how many photos it left, beside what it exported', async ({ page }, info) => {
  await openBlur(page);
  const photos = [1, 2, 3, 4].map((i) => info.outputPath(`copy-${i}.jpg`));
  for (const p of photos) copyFileSync(join(SAMPLES, 'sample2.jpg'), p);
  await drop(page, photos);
  await expect(page.locator('[data-testid="blur-photo"][data-status="ready"]')).toHaveCount(4, {
    timeout: 60_000,
  });
  await page.getByTestId('blur-outdir').fill(info.outputPath('cancelled'));
  await expect(page.getByTestId('blur-export')).toBeEnabled();
  await page.getByTestId('blur-export').click();
  // Two photos go at once (two engine workers): the others are still waiting.
  await page.getByTestId('blur-cancel').click();
  await expect(page.getByTestId('blur-results-summary')).toBeVisible({ timeout: 60_000 });
  const cancelled = await page.locator('[data-testid="blur-result"][data-status="cancelled"]').count();
  expect(cancelled).toBeGreaterThan(0);
  await expect(page.getByTestId('blur-results-cancelled')).toHaveText(`${cancelled} cancelled, not exported`);
});

test('another smallest face: photos already looked at are looked at again, keeping their edits', async ({
  page,
}) => {
  await openBlur(page);
  await drop(page, [join(SAMPLES, 'sample5.jpg')]);
  await expect(page.getByTestId('blur-photo')).toHaveAttribute('data-status', 'ready');
  const regions = page.getByTestId('blur-region');
  await expect(regions).toHaveCount(5);
  await expect(page.getByTestId('blur-photo')).toHaveAttribute('data-min-face', '24');
  await regions.first().click();
  await expect(page.locator('[data-testid="blur-region"][data-state="removed"]')).toHaveCount(1);
  await expect(page.getByTestId('blur-stale')).toHaveCount(0);

  await page.getByTestId('blur-min-face').click();
  await page.getByRole('option', { name: '48 px' }).click();
  await expect(page.getByTestId('blur-stale')).toContainText('1 photo');
  // Meanwhile the photo and its regions stay on screen: the photo never leaves 'ready'.
  await page.getByTestId('blur-photo').evaluate((el) => {
    const seen: string[] = [];
    (window as unknown as { seenStatus: string[] }).seenStatus = seen;
    new MutationObserver(() => seen.push(el.getAttribute('data-status') ?? '')).observe(el, {
      attributeFilter: ['data-status', 'data-again'],
    });
  });
  await page.getByTestId('blur-redetect').click();
  await expect(page.getByTestId('blur-stale')).toHaveCount(0);
  await expect(page.getByTestId('blur-photo')).toHaveAttribute('data-min-face', '48');
  await expect(page.getByTestId('blur-photo')).toHaveAttribute('data-status', 'ready');
  const seen = await page.evaluate(() => (window as unknown as { seenStatus: string[] }).seenStatus);
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.every((s) => s === 'ready')).toBe(true);
  // The same five faces (all larger than 48 px), and the one the user removed stays removed.
  await expect(regions).toHaveCount(5);
  await expect(page.locator('[data-testid="blur-region"][data-state="removed"]')).toHaveCount(1);
});

test('on a 1024 × 700 window the photo keeps most of the width, the options go under it', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await openBlur(page);
  await drop(page, [join(SAMPLES, 'sample5.jpg')]);
  await expect(page.getByTestId('blur-photo')).toHaveAttribute('data-status', 'ready');
  const editor = await page.getByTestId('blur-editor').boundingBox();
  // Regions must be checked and drawn by eye: not a thumbnail between two columns of options.
  expect(editor!.width).toBeGreaterThan(450);
  const options = await page.getByTestId('blur-export').boundingBox();
  expect(options!.y).toBeGreaterThan(editor!.y + editor!.height);
});

test('a long file name ends in an ellipsis: every photo keeps its remove button inside the list', async ({
  page,
}, info) => {
  await openBlur(page);
  const long = info.outputPath(
    'a-very-long-file-name-from-the-camera-roll-2026-12-03-holiday-party-group.jpg',
  );
  copyFileSync(join(SAMPLES, 'sample2.jpg'), long);
  await drop(page, [long, join(SAMPLES, 'sample3.jpg')]);
  const list = (await page.getByTestId('blur-photos').boundingBox())!;
  expect(list.width).toBeLessThan(260);
  const removes = page.getByTestId('blur-photos').getByRole('button', { name: 'Remove from the list' });
  await expect(removes).toHaveCount(2);
  for (const b of await removes.all()) {
    const box = (await b.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(list.x + list.width + 1);
  }

  // Clearing photos not exported yet asks first; Cancel keeps them.
  await page.getByTestId('blur-clear').click();
  await expect(page.getByTestId('blur-clear-confirm')).toContainText('2 photos are not exported yet');
  await page.getByTestId('blur-clear-confirm').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('blur-photo')).toHaveCount(2);
  await page.getByTestId('blur-clear').click();
  await page.getByTestId('blur-clear-yes').click();
  await expect(page.getByTestId('blur-photo')).toHaveCount(0);
});

test('in a browser tab, leaving the page asks first while photos are not exported', async ({ page }) => {
  await openBlur(page);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.type());
    void d.dismiss();
  });
  // Nothing to lose yet: no prompt.
  await page.reload();
  expect(dialogs).toEqual([]);
  await page.getByTestId('nav-blur').click();
  await drop(page, [join(SAMPLES, 'sample2.jpg')]);
  await expect(page.getByTestId('blur-photo')).toHaveAttribute('data-status', 'ready');
  // Chromium asks only after the user has used the page: a click on the photo list counts.
  await page.getByTestId('blur-photo').click();
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => dialogs).toEqual(['beforeunload']);
});

test('a subject whose faces changed after a photo was looked at: the page says so and looks again', async ({
  page,
  request,
}) => {
  const name = `Keep Late ${Date.now()}`;
  const { id } = await call<{ id: string }>(request, 'watchlist.create', { name });
  await openBlur(page);
  await drop(page, [join(SAMPLES, 'sample2.jpg')]);
  await expect(page.getByTestId('blur-photo')).toHaveAttribute('data-status', 'ready');
  // Enrolled after the photo was looked at: its faces were matched without this one.
  await call(request, 'watchlist.enroll', {
    subjectId: id,
    source: { name: 'sample2.jpg', bytes: readFileSync(join(SAMPLES, 'sample2.jpg')).toString('base64') },
    faceIndex: 0,
  });
  await page.getByTestId('nav-watchlist').click();
  await page.getByTestId('nav-blur').click();
  await page.getByTestId('blur-keep').click();
  await page.getByRole('option', { name }).click();
  await expect(page.getByTestId('blur-count-kept')).toHaveCount(0);
  // Chosen but matched by no face here (yet): said, so "keep" does not read as kept.
  await expect(page.getByTestId('blur-keep-not-found')).toContainText(`so not kept: ${name}`);
  await expect(page.getByTestId('blur-keep-stale')).toContainText('1 photo was looked at before');
  await page.getByTestId('blur-keep-redetect').click();
  await expect(page.getByTestId('blur-keep-stale')).toHaveCount(0);
  await expect(page.getByTestId('blur-count-kept')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('blur-keep-not-found')).toHaveCount(0);
});

test('a kept subject deleted on the Watchlist page leaves the keep choice, so the export still runs', async ({
  page,
  request,
}, info) => {
  const name = `Keep Gone ${Date.now()}`;
  const { id } = await call<{ id: string }>(request, 'watchlist.create', { name });
  await openBlur(page);
  await page.getByTestId('blur-keep').click();
  await page.getByRole('option', { name }).click();
  await expect(page.locator('.mantine-MultiSelect-pill', { hasText: name })).toBeVisible();

  // Deleted where users delete subjects; the Blur page keeps its photos and options meanwhile.
  await page.getByTestId('nav-watchlist').click();
  await page.locator(`[data-testid="subject-row"][data-subject-id="${id}"]`).click();
  await page.getByTestId('subject-delete').click();
  await page.getByTestId('subject-delete-confirm-input').fill(name);
  await page.getByTestId('subject-delete-confirm').click();
  await expect(page.locator(`[data-testid="subject-row"][data-subject-id="${id}"]`)).toHaveCount(0);
  await page.getByTestId('nav-blur').click();

  await drop(page, [join(SAMPLES, 'sample6.jpg')]);
  await page.getByTestId('blur-outdir').fill(info.outputPath('kept-gone'));
  await page.getByTestId('blur-export').click();
  // Not "Cannot keep subject …: not on the watchlist" (NOT_FOUND): nobody is left to keep.
  await expect(page.getByTestId('blur-results-summary')).toHaveText('Exported 1 of 1', { timeout: 60_000 });
  await expect(page.getByTestId('blur-results-failed')).toHaveCount(0);
});
