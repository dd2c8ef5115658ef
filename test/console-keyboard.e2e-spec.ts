/**
 * Every page of the office console works with the keyboard alone: for each role, on every page its
 * menu offers (and a finding's page), Tab from the top reaches everything a pointer can act on. Anything
 * drawn with a pointer cursor, or natively interactive, that Tab never reaches is reported by page. A
 * roving group (a menu, tabs, radio buttons) counts as reached when one of its members is, as the arrow
 * keys then move within it. Also: the menu itself is worked by arrow keys and Enter. Real Chromium
 * (playwright-core, 1440×900) against the built service; needs `npm run build`.
 */
import { Browser, Page } from 'playwright-core';
import { PASSWORD, RunningService, seedHospital, startService, startedRound } from '../bench/service';
import { launchChromium } from './support/chromium';
import { DIALOG, signedIn } from './support/console-browser';

/** The people whose pages are walked, one per role the seed creates; `findings`: they work findings, so their pages under the problem list are walked too. */
const WALKERS = [
  { username: 'admin', findings: false },
  { username: 'discipline', findings: true },
  { username: 'verifier', findings: true },
  { username: 'lead', findings: false },
  { username: 'director', findings: false },
] as const;

/** Enough Tab presses for the longest page; the walk stops when focus comes round to a stop it has seen. */
const MOST_STOPS = 400;

/**
 * Presses Tab until focus comes back round, marking each stop, then names what a pointer could act on
 * inside `scope` that no stop reached: neither the element, nor something inside it, nor something
 * around it, nor a member of its roving group. A page is walked from its top; an open dialog from
 * where it put the focus, as it keeps the focus within itself.
 */
async function unreachableByTab(page: Page, scope = 'body'): Promise<string[]> {
  await page.evaluate((fromTop) => {
    document.querySelectorAll('[data-tab-stop]').forEach((element) => element.removeAttribute('data-tab-stop'));
    if (fromTop) {
      (document.activeElement as HTMLElement | null)?.blur();
      window.scrollTo(0, 0);
    }
  }, scope === 'body');
  for (let stop = 0; stop < MOST_STOPS; stop++) {
    await page.keyboard.press('Tab');
    const seenBefore = await page.evaluate(() => {
      const focused = document.activeElement;
      if (!focused || focused === document.body) return false;
      if (focused.hasAttribute('data-tab-stop')) return true;
      focused.setAttribute('data-tab-stop', '');
      return false;
    });
    if (seenBefore) break;
  }
  return page.evaluate((scope) => {
    const ROVING = '[role="menu"], [role="tablist"], [role="radiogroup"], .ant-radio-group';
    const NATIVE = 'a[href], button, input:not([type="hidden"]), select, textarea, [tabindex]:not([tabindex="-1"])';
    const shown = (element: Element) => {
      const box = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none' && !element.closest('[aria-hidden="true"], [inert]');
    };
    const pointer = (element: Element | null) => !!element && getComputedStyle(element).cursor === 'pointer';
    const actionable = (element: Element) =>
      !element.matches(':disabled, [aria-disabled="true"]') && (element.matches(NATIVE) || (pointer(element) && !pointer(element.parentElement)));
    const reached = (element: Element) =>
      element.matches('[data-tab-stop]') ||
      !!element.querySelector('[data-tab-stop]') ||
      !!element.closest('[data-tab-stop]') ||
      !!element.closest(ROVING)?.querySelector('[data-tab-stop]');
    const describe = (element: Element) =>
      `${element.tagName.toLowerCase()}${typeof element.className === 'string' && element.className.trim() ? `.${element.className.trim().split(/\s+/).slice(0, 2).join('.')}` : ''} "${(element.textContent ?? '').trim().slice(0, 30) || element.getAttribute('aria-label') || ''}"`;
    const root = document.querySelector(scope)!;
    return [...root.querySelectorAll('*')].filter((element) => shown(element) && actionable(element) && !reached(element)).map(describe);
  }, scope);
}

/** The buttons beside a page's title (PageHeading): create, plan, export… */
const HEADING_BUTTONS = '.ant-space:has(> .ant-space-item > h2) button';

describe('the office console by keyboard alone', () => {
  let service: RunningService;
  let browser: Browser;
  let findingId: string;
  const problems: string[] = [];

  beforeAll(async () => {
    service = await startService(2);
    const { api } = service;
    const h = await seedHospital(api);
    const admin = (await api.expectOk('POST', '/auth/login', null, { username: 'admin', password: PASSWORD })).accessToken as string;
    const discipline = await api.expectOk('POST', '/departments', admin, { code: 'DISC', name: '纪委办', kind: 'functional', leadOfficeFor: ['integrity'] });
    await api.expectOk('POST', '/users', admin, { username: 'discipline', password: PASSWORD, displayName: '王丽', roles: ['discipline_office'], departmentId: discipline.id });
    await api.expectOk('POST', '/users', admin, { username: 'director', password: PASSWORD, displayName: '院长', roles: ['leadership'] });
    // A round with a finding, so lists have rows and their actions.
    const roundId = await startedRound(api, h);
    findingId = (
      await api.expectOk('POST', `/rounds/${roundId}/findings`, h.inspector.token, {
        roundType: 'administrative', title: '抢救车药品过期', description: 'Two ampoules past their date', severity: 'major', responsibleDepartmentId: h.ward,
      })
    ).id;
    await api.expectOk('POST', `/rounds/${roundId}/events`, h.lead.token, { type: 'SUBMIT' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  /** The page at `path`, loaded and settled. */
  const open = async (page: Page, path: string) => {
    await page.goto(`${service.api.origin}/console${path}`);
    await page.waitForSelector('.ant-menu-item');
    await page.waitForLoadState('networkidle');
    await page.waitForSelector('.ant-spin-spinning', { state: 'detached' });
  };

  it.each(WALKERS)('lets $username reach everything on each of their pages with Tab', async ({ username, findings }) => {
    const page = await signedIn(browser, service.api.origin, problems, username);
    await page.waitForSelector('.ant-menu-item');
    // Every page the person's menu offers, as the console drew it for their roles.
    const menu = await page.$$eval('.ant-menu-item a[href]', (links) => links.map((link) => link.getAttribute('href')!.replace(/^\/console/, '')));
    expect(menu.length).toBeGreaterThan(2);
    const paths = [
      ...menu,
      // The pages under the problem list: a finding's, registering one, importing a list.
      ...(findings ? [`/findings/${findingId}`, '/findings/register', '/findings/import'] : []),
    ];
    const missed: Record<string, string[]> = {};
    for (const path of paths) {
      await open(page, path);
      const unreachable = await unreachableByTab(page);
      if (unreachable.length) missed[path] = unreachable;
      // Each button beside the title, pressed with Enter: a dialog it opens is walked too, then closed with Escape.
      const buttons = await page.locator(HEADING_BUTTONS).count();
      for (let n = 0; n < buttons; n++) {
        await open(page, path);
        const button = page.locator(HEADING_BUTTONS).nth(n);
        if (await button.isDisabled()) continue;
        await button.focus();
        await page.keyboard.press('Enter');
        const dialog = await page.waitForSelector(DIALOG, { timeout: 1500 }).catch(() => null);
        if (!dialog) continue;
        await page.waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== 'running'));
        const inDialog = await unreachableByTab(page, DIALOG);
        if (inDialog.length) missed[`${path} ${await button.textContent()}`] = inDialog;
        await page.keyboard.press('Escape');
        await page.waitForSelector(DIALOG, { state: 'detached' });
      }
    }
    expect(missed).toEqual({});
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('reports what a pointer can act on and Tab cannot reach', async () => {
    const page = await signedIn(browser, service.api.origin, problems, 'verifier');
    await page.waitForSelector('.ant-menu-item');
    await page.evaluate(() => {
      const clickable = document.createElement('div');
      clickable.textContent = 'mouse only';
      clickable.style.cursor = 'pointer';
      document.querySelector('main, .ant-layout-content')!.append(clickable);
    });
    expect(await unreachableByTab(page)).toEqual(['div "mouse only"']);
    await page.context().close();
  });

  it('works the menu with the arrow keys and Enter', async () => {
    const page = await signedIn(browser, service.api.origin, problems, 'verifier');
    await page.waitForURL('**/console/dashboard');
    await page.waitForSelector('.ant-menu-item-selected');
    await page.focus('.ant-menu');
    // Down to the dashboard, the first item, then to the problem list, the next; Enter opens it.
    const focusedLink = (href: string) => page.waitForFunction((href) => document.activeElement?.getAttribute('href') === href, href);
    await page.keyboard.press('ArrowDown');
    await focusedLink('/console/dashboard');
    await page.keyboard.press('ArrowDown');
    await focusedLink('/console/findings');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/console/findings');
    await page.waitForSelector('h2:text-is("问题清单")');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
