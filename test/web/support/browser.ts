import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Persona {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * One person's browser: Debian's chromium, headless, with a fresh profile directory of its own,
 * so sessions (tokens in localStorage) never leak between personas.
 */
export async function openPersona(): Promise<Persona> {
  const profile = mkdtempSync(join(tmpdir(), 'velvet-web-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1366, height: 800 },
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in through the login form, as a person would. */
export async function signIn(
  page: Page,
  baseUrl: string,
  email: string,
  password: string,
): Promise<void> {
  await page.goto(`${baseUrl}/app/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** A full-page PNG under docs/screenshots/, kept in the repository to show each main page. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.screenshot({
    path: join(__dirname, '../../../docs/screenshots', `${name}.png`),
    fullPage: true,
  });
}

/** The same page at phone size, for the docs (the menu collapsed behind its button). */
export async function phoneScreenshot(page: Page, name: string): Promise<void> {
  const original = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await screenshot(page, `${name}-phone`);
  } finally {
    if (original) await page.setViewportSize(original);
  }
}

/** The same page in the dark colour scheme (as a system set to dark shows it), for the docs. */
export async function darkScreenshot(page: Page, name: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'dark' });
  try {
    await screenshot(page, `${name}-dark`);
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
  }
}
