import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where the browser tests leave screenshots of the views they check: test-results/ui/. */
export const SCREENSHOTS_DIR = fileURLToPath(
  new URL('../../../../../test-results/ui/', import.meta.url),
);

/** Debian's Chromium (`apt-get install -y chromium`); playwright cannot download browsers here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags shared/MACHINE.md prescribes for headless Chromium on these machines. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile of its own (a new --user-data-dir, removed on close), at
 * a laptop's viewport.
 */
export async function launchBrowser(
  viewport = { width: 1440, height: 900 },
): Promise<LaunchedBrowser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'registry-ui-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export interface TestPage {
  page: Page;
  /** Uncaught errors in the page; every browser test ends expecting none. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** One page of a fresh headless Chromium, keeping the page's uncaught errors. */
export async function openTestPage(): Promise<TestPage> {
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await mkdir(SCREENSHOTS_DIR, { recursive: true });
  return { page, pageErrors, close: () => browser.close() };
}

/** A full-page screenshot in SCREENSHOTS_DIR, to look at what a test saw. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
}

export type { Browser };
