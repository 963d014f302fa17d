import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import { E2E_PORT, E2E_TOKEN } from './e2e/env';

// Debian's Chromium (apt-get install chromium); `npx playwright install` cannot download here.
const systemChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

export default defineConfig({
  testDir: 'e2e',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  // The browser specs share one server's data, so they run one at a time; the CLI specs (each on
  // its own data folder) run beside them, on the second worker.
  workers: 2,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: systemChromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'browser', testMatch: /browser\/.*\.spec\.ts/, workers: 1 },
    { name: 'electron', testMatch: /electron\/.*\.spec\.ts/, workers: 1 },
    { name: 'cli', testMatch: /cli\/.*\.spec\.ts/, workers: 1 },
  ],
  webServer: {
    // The built CLI, as a user runs it, on a fresh data directory.
    command: `node e2e/serve.mjs`,
    url: `http://127.0.0.1:${E2E_PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    // Two engine workers whatever the cores, so the pages' two photos in flight are tested.
    env: { E2E_PORT: String(E2E_PORT), VIGIL_TOKEN: E2E_TOKEN, VIGIL_ENGINE_WORKERS: '2' },
    // SIGTERM (not the default SIGKILL) so e2e/serve.mjs can remove its temporary data folder.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  },
});
