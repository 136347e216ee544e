import { type Browser, chromium, type Page } from 'playwright-core';
import { ADMIN } from './web.js';

/** Debian's Chromium (scripts/setup.sh installs it); playwright never downloads a browser here. */
export const CHROMIUM = process.env.DOORMAN_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Root in CI needs --no-sandbox; recorded answers must play without a click.
    args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'],
  });
}

/** Logs in through the login form as the test admin. */
export async function logIn(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('User name').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
}
