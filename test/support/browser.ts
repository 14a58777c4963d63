/**
 * Pages in a real browser: Debian's Chromium through playwright-core. A test file skips its
 * browser tests when Chromium is missing, unless TROVE_REQUIRE_BROWSER=1 (CI) makes that a
 * failure, and runs axe-core in its pages.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const root = new URL('../..', import.meta.url).pathname;

export const CHROMIUM = process.env.TROVE_CHROMIUM ?? '/usr/bin/chromium';

/** The reason to skip a browser test, or false when Chromium is there (or required). */
export const browserSkip: string | false = !existsSync(CHROMIUM) && process.env.TROVE_REQUIRE_BROWSER !== '1' ? `no Chromium at ${CHROMIUM} (CI installs Debian's)` : false;

/** A headless Chromium with a fresh profile; the network is closed, so it must not dial out. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * axe-core, run in the page: the serious and critical violations, as `id: selector` lines. It is
 * evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
 * govern (an inline <script> tag would be refused, as it should be).
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(readFileSync(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
  const result = await page.evaluate(() => (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run());
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * A new page logged in to the admin at `base` as the blog's `admin`; what the CSP refused and
 * script errors are added to `problems`, for the test to assert empty.
 */
export async function adminPage(browser: Browser, base: string, problems: string[], options: { viewport?: { width: number; height: number } } = {}): Promise<Page> {
  const page = await browser.newPage(options.viewport === undefined ? {} : { viewport: options.viewport });
  page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(`${page.url()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
  await page.goto(`${base}/admin/login/`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('admin');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/admin/`);
  return page;
}
