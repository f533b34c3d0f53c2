import { defineConfig } from '@playwright/test';

// Browsers cannot be downloaded on our machines: drive Debian's Chromium unless told otherwise.
const executablePath = process.env.SLICE_CHROMIUM ?? '/usr/bin/chromium';
const port = Number(process.env.SLICE_E2E_PORT ?? 4321);

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: process.env.CI ? 2 : 2,
  retries: 0,
  reporter: [['list']],
  use: {
    // Dates are shown in the browser's locale: pin one so expectations read the same everywhere.
    locale: 'en-GB',
    baseURL: `http://localhost:${port}/slice/app/`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: executablePath === 'playwright' ? undefined : executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic'
      ]
    }
  },
  // The built folder is served under a sub-path, as a team would host it on a plain static host.
  webServer: {
    command: `node scripts/serve.js --port ${port} --base /slice/app/`,
    url: `http://localhost:${port}/slice/app/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000
  }
});
