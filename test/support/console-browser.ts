import axe from 'axe-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD } from '../../bench/service';

/** The console's browser tests: the screen they run at, where their screenshots go, the open dialog. */
export const DESKTOP = { width: 1440, height: 900 };
export const SHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');
export const DIALOG = '.ant-modal-wrap:not([style*="display: none"]) .ant-modal';

mkdirSync(SHOTS, { recursive: true });

export const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: join(SHOTS, `console-${name}.png`), fullPage });

/**
 * A new browser page signed in as `username` at `/console{path}`. Page errors and refusals by the
 * Content-Security-Policy go into `problems`, which each test expects to stay empty.
 */
export async function signedIn(browser: Browser, origin: string, problems: string[], username: string, path = ''): Promise<Page> {
  // A desk whose clock is set to UTC, not the hospital's zone (Asia/Shanghai): the console shows the hospital's.
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(error.stack ?? String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy/i.test(message.text())) problems.push(message.text());
  });
  await page.goto(`${origin}/console${path}`);
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await page.press('#password', 'Enter');
  return page;
}

/**
 * axe's WCAG 2 A and AA rules find no serious or critical violation: on the open dialog or drawer
 * when there is one (the page behind it sits under its dark mask), else on the page; once animations
 * that end are over and the pointer is off any button (a hovered one is drawn lighter than at rest).
 */
export async function expectAccessible(page: Page): Promise<void> {
  await page.mouse.move(0, 0);
  // An endless one (a spinner, a progress bar's shimmer) never ends: only those that do are waited for.
  await page.waitForFunction(() =>
    document.getAnimations().every((animation) => animation.playState !== 'running' || animation.effect?.getTiming().iterations === Infinity),
  );
  // A motion class left on an element that is already out of sight (a button's spinner that shrank
  // to nothing) may never be taken off; only a visible element still moving matters to axe.
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[class*="-appear"], [class*="-enter"], [class*="-leave"]')].every((element) => {
      const box = element.getBoundingClientRect();
      return box.width === 0 || box.height === 0 || getComputedStyle(element).visibility === 'hidden';
    }),
  );
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async (dialog) => {
    const context = document.querySelector(dialog) ?? document.querySelector('.ant-drawer-open .ant-drawer-content') ?? document;
    const result = await (window as unknown as { axe: typeof axe }).axe.run(context, { runOnly: ['wcag2a', 'wcag2aa'] });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  }, DIALOG);
  expect(violations).toEqual([]);
}
