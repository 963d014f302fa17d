import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { SAMPLES } from '../env';

/**
 * The Electron binary is fetched lazily and cannot be downloaded on every machine. Look for it
 * the way the electron package does, without requiring it (that would start a download).
 */
function electronBinary(): string | null {
  const pkg = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(pkg, 'path.txt');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(
      process.env.ELECTRON_OVERRIDE_DIST_PATH,
      existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : 'electron',
    );
    return existsSync(p) ? p : null;
  }
  if (!existsSync(pathFile)) return null;
  const p = join(pkg, 'dist', readFileSync(pathFile, 'utf8'));
  return existsSync(p) ? p : null;
}

const binary = electronBinary();
test.skip(!binary, 'Electron binary not installed here (run `npx install-electron`); desktop e2e skipped');

let app: ElectronApplication;

test.beforeAll(async () => {
  const data = mkdtempSync(join(tmpdir(), 'vigil-electron-'));
  app = await electron.launch({
    executablePath: binary!,
    args: ['out/main/index.js', `--data=${data}`, '--no-sandbox'],
  });
});

test.afterAll(async () => {
  await app?.close();
});

test('the window is locked down', async () => {
  const page = await app.firstWindow();
  await expect(page.getByTestId('dropzone')).toBeVisible();
  const prefs = await page.evaluate(() => ({
    hasRequire: typeof (window as unknown as { require?: unknown }).require !== 'undefined',
    hasProcess: typeof (window as unknown as { process?: unknown }).process !== 'undefined',
    bridge: typeof window.vigil?.invoke,
  }));
  expect(prefs).toEqual({ hasRequire: false, hasProcess: false, bridge: 'function' });
  const before = page.url();
  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toBe(before);
  expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
});

test('dropping a photo in the desktop app shows its faces', async () => {
  const page = await app.firstWindow();
  await page.locator('[data-testid="dropzone"] input[type=file]').setInputFiles(join(SAMPLES, 'sample6.jpg'));
  const card = page.getByTestId('photo-card').first();
  await expect(card).toHaveAttribute('data-status', 'done');
  await expect(card.getByTestId('face-box')).toHaveCount(4);
});
