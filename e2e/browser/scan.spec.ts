import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type APIRequestContext, type Page, type TestInfo } from '@playwright/test';
import sharp from 'sharp';
import { E2E_TOKEN, SAMPLES } from '../env';
import { call, contrastRatio, mostInFlight, open } from './api';

test('without the token every request gets 401, except the health check', async ({ page, request }) => {
  const res = await page.goto('/');
  expect(res?.status()).toBe(401);
  const api = await request.post('/api/call/app.health', { data: {} });
  expect(api.status()).toBe(401);
  expect(await api.json()).toMatchObject({ code: 'UNAUTHORIZED' });
  const wrong = await request.post('/api/call/app.health', {
    data: {},
    headers: { authorization: 'Bearer nope' },
  });
  expect(wrong.status()).toBe(401);
  const media = await request.get('/media/previews/' + 'a'.repeat(64) + '.jpg');
  expect(media.status()).toBe(401);
  const health = await request.get('/api/health');
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });
});

test('the token is taken out of the address bar', async ({ page }) => {
  await open(page);
  await expect(page.getByTestId('dropzone')).toBeVisible();
  expect(page.url()).not.toContain('token=');
});

test('a second tab opened on the bare address works; the page cookie is not the API token', async ({
  page,
  context,
}) => {
  await open(page);
  await expect(page.getByTestId('connection-status')).toHaveText('Connected');
  const cookies = await context.cookies();
  expect(cookies.map((c) => c.name)).toEqual([`vigil_page_${new URL(page.url()).port}`]);
  expect(cookies[0]!.value).not.toBe(E2E_TOKEN);
  const second = await context.newPage();
  await second.goto(new URL(page.url()).origin + '/');
  await expect(second.getByTestId('connection-status')).toHaveText('Connected');
  await second.close();
});

test('keyboard: a skip link first, and after a page switch Tab continues in the new page', async ({
  page,
}) => {
  await open(page);
  await expect(page.getByTestId('dropzone')).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#main')).toBeFocused();

  await page.getByTestId('nav-history').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#main')).toBeFocused();
  await page.keyboard.press('Tab');
  const inMain = await page.evaluate(() => document.getElementById('main')!.contains(document.activeElement));
  expect(inMain).toBe(true);

  // A small window (or 200 % zoom) keeps the navigation as named icons.
  await page.setViewportSize({ width: 720, height: 600 });
  await expect(page.getByRole('button', { name: 'Watchlist' })).toBeVisible();
  const nav = (await page.getByRole('navigation', { name: 'Main navigation' }).boundingBox())!;
  expect(nav.width).toBeLessThan(80);
});

test("Ctrl+O opens the file picker of the page in view; from a page without one, Scan's", async ({
  page,
  request,
}) => {
  const subject = await call<{ id: string }>(request, 'watchlist.create', { name: 'Picker Test' });
  await open(page);
  /** Ctrl+O leaves `then` in view with the picker of the drop zone `zone` open. */
  const picked = async (then: string, zone: string) => {
    const chooser = page.waitForEvent('filechooser', { timeout: 5000 });
    await page.keyboard.press('ControlOrMeta+o');
    const input = (await chooser).element();
    expect(await input.evaluate((el, id) => !!(el as Element).closest(`[data-testid="${id}"]`), zone)).toBe(
      true,
    );
    await expect(page.locator('[aria-current="page"]')).toHaveAttribute('data-testid', `nav-${then}`);
  };
  await page.getByTestId('nav-blur').click();
  await picked('blur', 'blur-dropzone');
  await page.getByTestId('nav-classify').click();
  await picked('classify', 'classify-dropzone');
  await page.getByTestId('nav-watchlist').click();
  await page.getByTestId('subject-row').filter({ hasText: 'Picker Test' }).click();
  await expect(page.getByTestId('subject-detail')).toHaveAttribute('data-subject-id', subject.id);
  await picked('watchlist', 'subject-enroll-dropzone');
  await page.getByTestId('nav-history').click();
  await picked('scan', 'dropzone');
  // The run's other tests share this data dir: leave its watchlist as it was.
  await call(request, 'watchlist.delete', { id: subject.id });
});

test('when the server stops answering the header says so, and both recover when it is back', async ({
  page,
}) => {
  await open(page);
  const status = page.getByTestId('connection-status');
  await expect(status).toHaveText('Connected');
  // As if `vigil serve` were stopped: every call is refused.
  await page.route('**/api/call/**', (route) => route.abort('connectionrefused'));
  await page.getByTestId('nav-history').click();
  const notice = page.getByTestId('error-notice').first();
  await expect(notice).toHaveAttribute('data-code', 'CORE_UNREACHABLE');
  await expect(notice).toContainText('Vigil is not answering');
  // Well before the 30-s health poll: the failed call asked the health check again.
  await expect(status).toHaveText('Core unreachable', { timeout: 8_000 });

  await page.unroute('**/api/call/**');
  await expect(status).toHaveText('Connected', { timeout: 10_000 });
  await expect(page.getByTestId('error-notice')).toHaveCount(0);
});

for (const scheme of ['light', 'dark'] as const) {
  test(`secondary text and filled buttons reach 4.5:1 contrast in the ${scheme} theme`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await open(page);
    expect(await contrastRatio(page.getByTestId('page-description'))).toBeGreaterThanOrEqual(4.5);
    expect(await contrastRatio(page.getByTestId('choose-files'))).toBeGreaterThanOrEqual(4.5);
  });
}

test('dropping a group photo shows one box per face', async ({ page }) => {
  await open(page);
  await page.locator('[data-testid="dropzone"] input[type=file]').setInputFiles(join(SAMPLES, 'sample4.jpg'));
  const card = page.getByTestId('photo-card').first();
  await expect(card).toHaveAttribute('data-status', 'done');
  await expect(card.getByTestId('face-count')).toHaveAttribute('data-count', '4');
  await expect(card.getByTestId('face-box')).toHaveCount(4);
  // The preview is served by the media route with the session cookie.
  const img = card.locator('img').first();
  await expect
    .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth))
    .toBeGreaterThan(0);
});

test('a photo dropped on the results, beside the shrunken drop zone, is scanned too', async ({ page }) => {
  await open(page);
  await page.locator('[data-testid="dropzone"] input[type=file]').setInputFiles(join(SAMPLES, 'sample4.jpg'));
  const card = page.getByTestId('photo-card').first();
  await expect(card).toHaveAttribute('data-status', 'done');
  const bytes = readFileSync(join(SAMPLES, 'sample2.jpg')).toString('base64');
  await card.evaluate((el, b64) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([data], 'dropped.jpg', { type: 'image/jpeg' }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  await expect(page.getByTestId('photo-card')).toHaveCount(2);
  await expect(page.locator('[data-testid="photo-card"][data-status="done"]')).toHaveCount(2);
});

test('several photos at once, each with its own count, two in flight', async ({ page }) => {
  const inFlight = mostInFlight(page, 'image.inspect');
  await open(page);
  await page
    .locator('[data-testid="dropzone"] input[type=file]')
    .setInputFiles([join(SAMPLES, 'sample1.jpg'), join(SAMPLES, 'sample5.jpg')]);
  await expect(page.getByTestId('photo-card')).toHaveCount(2);
  await expect(page.locator('[data-testid="photo-card"][data-status="done"]')).toHaveCount(2);
  const counts = await page
    .getByTestId('face-count')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-count')));
  expect(counts.sort()).toEqual(['3', '5']);
  // One photo per engine worker (the e2e server has two).
  expect(inFlight()).toBe(2);
});

test('a file that is not an image shows a clear error', async ({ page }, info) => {
  const bad = info.outputPath('notes.jpg');
  writeFileSync(bad, 'this is not a photo');
  await open(page);
  await page.locator('[data-testid="dropzone"] input[type=file]').setInputFiles(bad);
  const card = page.getByTestId('photo-card').first();
  await expect(card).toHaveAttribute('data-status', 'error');
  const error = card.getByTestId('photo-error');
  await expect(error).toHaveAttribute('data-code', 'NOT_AN_IMAGE');
  await expect(error).toContainText('not an image');
});

test('diagnostics names the backend in use', async ({ page }) => {
  await open(page);
  await page.keyboard.press('Control+6');
  await expect(page.getByText(/wasm|tensorflow/i).first()).toBeVisible();
});

test.describe('in Portuguese', () => {
  test.use({ locale: 'pt-BR' });

  test('diagnostics says in Portuguese why WebAssembly runs, the load error as thrown', async ({ page }) => {
    await open(page);
    await page.keyboard.press('Control+6');
    // tfjs-node is an optional dependency that cannot install here.
    const reason = page.getByTestId('engine-backend-reason');
    await expect(reason).toContainText(
      '@tensorflow/tfjs-node não está instalado ou não carrega nesta máquina:',
    );
    await expect(reason.locator('code')).not.toBeEmpty();
    await expect(reason).not.toContainText('is not installed');
  });
});

test('page choices come back after a reload; unreadable stored ones read as the defaults', async ({
  page,
}) => {
  await open(page);
  // Left by an older version or edited by hand: values the pages do not take.
  await page.evaluate(() => {
    localStorage.setItem('vigil.scan-mode', '"admin"');
    localStorage.setItem('vigil.scan-matches-only', '"yes"');
    localStorage.setItem('vigil.classify-options', '{"objects":"no","faces":false}');
    localStorage.setItem('vigil.blur-export', '[1]');
  });
  await page.reload();
  await expect(page.getByTestId('scan-mode')).toHaveAttribute('data-mode', 'inspect');
  await page.getByTestId('scan-mode').getByText('Identify against watchlist').click();
  await expect(page.getByTestId('scan-matches-only')).not.toBeChecked();
  await page.getByTestId('scan-matches-only').check();
  await page.getByTestId('nav-classify').click();
  // One unreadable field does not reset the others.
  await expect(page.getByTestId('classify-objects')).toBeChecked();
  await expect(page.getByTestId('classify-faces')).not.toBeChecked();
  await page.getByTestId('classify-objects').uncheck();
  await page.getByTestId('nav-blur').click();
  await expect(page.getByTestId('blur-outdir')).toHaveValue('');
  await expect(page.getByTestId('blur-pattern')).toHaveValue('{name}.blurred');
  await page.getByTestId('blur-outdir').fill('/tmp/vigil-out');
  await page.getByTestId('blur-pattern').fill('{name}-safe');

  await page.reload();
  await expect(page.getByTestId('blur-outdir')).toHaveValue('/tmp/vigil-out');
  await expect(page.getByTestId('blur-pattern')).toHaveValue('{name}-safe');
  await page.getByTestId('nav-classify').click();
  await expect(page.getByTestId('classify-objects')).not.toBeChecked();
  await expect(page.getByTestId('classify-faces')).not.toBeChecked();
  await page.getByTestId('nav-scan').click();
  await expect(page.getByTestId('scan-mode')).toHaveAttribute('data-mode', 'identify');
  await expect(page.getByTestId('scan-matches-only')).toBeChecked();
  // The photos do not come back: the empty page says where the earlier scans are, and opens them.
  await page.getByTestId('scan-open-history').click();
  await expect(page.getByTestId('history-filter-kind')).toHaveValue('Identify');
});

test.describe('look for one subject', () => {
  // sample3's faces match no other sample photo (each scores under possible on the others), so
  // two subjects made from crops of them (each crop a photo of its own: no duplicate of other
  // tests) are found in sample3 only; sample4 is the stranger photo.
  const stamp = Date.now().toString(36);
  const subjects: Array<{ id: string; name: string }> = [];

  async function enrolCrop(request: APIRequestContext, info: TestInfo, name: string, box: number[]) {
    const [left = 0, top = 0, width = 0, height = 0] = box;
    const crop = info.outputPath(`${name.replace(/\W+/g, '-')}.jpg`);
    await sharp(join(SAMPLES, 'sample3.jpg')).extract({ left, top, width, height }).jpeg().toFile(crop);
    const { id } = await call<{ id: string }>(request, 'watchlist.create', { name });
    await call(request, 'watchlist.enroll', {
      subjectId: id,
      source: { name: 'crop.jpg', bytes: readFileSync(crop).toString('base64') },
    });
    subjects.push({ id, name });
    return { id, name };
  }

  test.afterEach(async ({ request }) => {
    for (const { id } of subjects.splice(0)) await call(request, 'watchlist.delete', { id });
  });

  const dropInput = (page: Page) => page.locator('[data-testid="dropzone"] input[type=file]');
  const pick = async (page: Page, name: string) => {
    await page.getByTestId('verify-subject').click();
    await page.getByTestId('verify-subject').fill(name);
    await page.getByRole('option', { name }).click();
  };

  test('a subject is found in a photo of them, not in a stranger’s; another subject offers to check again', async ({
    page,
    request,
  }, info) => {
    const ana = await enrolCrop(request, info, `Verify Ana ${stamp}`, [1352, 224, 449, 449]);
    const bea = await enrolCrop(request, info, `Verify Bea ${stamp}`, [495, 275, 401, 401]);
    const calls = mostInFlight(page, 'match.verify');
    const previews = new Map<string, string>();
    page.on('response', async (res) => {
      if (new URL(res.url()).pathname !== '/api/call/match.verify' || !res.ok()) return;
      const { file, previewUrl } = (await res.json()) as { file: string; previewUrl: string };
      previews.set(file, previewUrl);
    });
    await open(page);
    await page.getByTestId('scan-mode').getByText('Look for one subject').click();
    await expect(page.getByTestId('scan-mode')).toHaveAttribute('data-mode', 'verify');

    // No subject yet: the drop is refused, and said so.
    await dropInput(page).setInputFiles(join(SAMPLES, 'sample3.jpg'));
    await expect(page.getByTestId('verify-pick-first')).toContainText('Choose the subject to look for first');
    await expect(page.getByTestId('photo-card')).toHaveCount(0);

    await pick(page, ana.name);
    await expect(page.getByTestId('verify-pick-first')).toHaveCount(0);
    await dropInput(page).setInputFiles([join(SAMPLES, 'sample3.jpg'), join(SAMPLES, 'sample4.jpg')]);
    const own = page.locator('[data-testid="photo-card"][data-name="sample3.jpg"]');
    const stranger = page.locator('[data-testid="photo-card"][data-name="sample4.jpg"]');
    await expect(own).toHaveAttribute('data-status', 'done');
    await expect(stranger).toHaveAttribute('data-status', 'done');
    expect(calls()).toBeGreaterThan(0);

    const found = own.getByTestId('verify-verdict');
    await expect(found).toHaveAttribute('data-verdict', 'match');
    await expect(found).toHaveAttribute('data-threshold', 'match');
    await expect(found).toHaveAttribute('data-subject-id', ana.id);
    await expect(own.getByTestId('verify-headline')).toHaveText(`${ana.name}: match`);
    await expect(own.getByTestId('verify-detail')).toContainText(/^Score \d\.\d+ · match ≥ \d\.\d+$/);
    await expect(own.getByTestId('face-count')).toHaveAttribute('data-count', '3');
    // Only the best face is drawn, in the match colour, with the name.
    await expect(own.getByTestId('face-box')).toHaveCount(1);
    await expect(own.locator('[data-testid="face-box"][data-verdict="match"]')).toContainText(ana.name);
    // Drawn on the core's preview of the photo, as identify's cards are, not on the local file.
    await expect.poll(() => previews.size).toBe(2);
    await expect(own.locator('img')).toHaveAttribute('src', previews.get('sample3.jpg') ?? '-');
    await expect(own.getByTestId('photo-meta')).toContainText(/^\d+ × \d+ · checked for /);

    const missed = stranger.getByTestId('verify-verdict');
    await expect(missed).toHaveAttribute('data-verdict', 'no_match');
    await expect(missed).toHaveAttribute('data-threshold', '');
    await expect(stranger.getByTestId('verify-headline')).toHaveText(`${ana.name}: not found`);
    await expect(stranger.getByTestId('verify-detail')).toContainText(
      /^Best of \d faces scores \d\.\d+ · below possible ≥ \d\.\d+$/,
    );

    // Another subject: both photos were checked for someone else, and can be checked again.
    await expect(page.getByTestId('scan-other-mode')).toHaveCount(0);
    await pick(page, bea.name);
    const notice = page.getByTestId('scan-other-mode');
    await expect(notice).toContainText('2 photos were checked for another subject.');
    await notice.getByTestId('scan-rescan').click();
    await expect(notice).toHaveCount(0);
    await expect(own.getByTestId('verify-verdict')).toHaveAttribute('data-subject-id', bea.id);
    await expect(own.getByTestId('verify-verdict')).toHaveAttribute('data-verdict', 'match');
    await expect(stranger.getByTestId('verify-headline')).toHaveText(`${bea.name}: not found`);

    // Another mode says so too, and the subject is remembered when coming back.
    await page.getByTestId('scan-mode').getByText('Find faces').click();
    await expect(notice).toContainText('2 photos were checked for one subject only.');
    await page.getByTestId('scan-mode').getByText('Look for one subject').click();
    await expect(notice).toHaveCount(0);
    await expect(page.getByTestId('verify-subject')).toHaveValue(bea.name);
  });

  test('a subject’s page opens Scan looking for them; a subject deleted meanwhile is said so', async ({
    page,
    request,
  }, info) => {
    const ana = await enrolCrop(request, info, `Verify Cleo ${stamp}`, [1352, 224, 449, 449]);
    await open(page);
    await page.getByTestId('nav-watchlist').click();
    await page.locator(`[data-testid="subject-row"][data-subject-id="${ana.id}"]`).click();
    await expect(page.getByTestId('subject-look-for')).toHaveText(`Look for ${ana.name} in photos`);
    await page.getByTestId('subject-look-for').click();
    await expect(page.getByTestId('scan-mode')).toHaveAttribute('data-mode', 'verify');
    await expect(page.getByTestId('verify-subject')).toHaveValue(ana.name);
    await expect(page.getByTestId('verify-subject')).toHaveAttribute('data-subject-id', ana.id);
    // The empty page speaks of this mode, not of finding faces.
    await expect(page.getByTestId('scan-empty')).toContainText('Choose a subject, then drop photos');

    // Deleted after its photos were queued: each card words NOT_FOUND with the subject's name.
    await page.route('**/api/call/match.verify', async (route) => {
      await call(request, 'watchlist.delete', { id: ana.id });
      subjects.splice(0);
      await route.continue();
    });
    await dropInput(page).setInputFiles(join(SAMPLES, 'sample3.jpg'));
    const error = page.getByTestId('photo-card').first().getByTestId('photo-error');
    await expect(error).toHaveAttribute('data-code', 'NOT_FOUND');
    await expect(error).toContainText(`${ana.name} is no longer on the watchlist`);
    // And the picker lets go of it.
    await expect(page.getByTestId('verify-subject')).toHaveValue('');
  });
});
