/**
 * The leaders' and the checklist administrator's console pages in a real browser (Debian's Chromium
 * through playwright-core, 1440×900) against the built service: rounds and findings seeded through
 * the API; a leadership user's dashboard (charts, this month's rankings, this month against last); the
 * administrator's new checklist version, refused first for a bad maximum deduction shown on its row,
 * then published as the current version. axe-core checks every screen; screenshots go to
 * docs/screenshots/console-*.png. Needs `npm run build`.
 */
import { Browser, Page } from 'playwright-core';
import { PASSWORD, RunningService, seedHospital, startService, startedRound } from '../bench/service';
import { launchChromium } from './support/chromium';
import { expectAccessible, shot, signedIn } from './support/console-browser';


describe('the leaders’ dashboard and the checklist templates in the console', () => {
  let service: RunningService;
  let browser: Browser;
  let admin: string;
  /** Uncaught errors and refusals by the Content-Security-Policy: none is expected. */
  const problems: string[] = [];

  beforeAll(async () => {
    service = await startService(2);
    const api = service.api;
    const h = await seedHospital(api);
    admin = (await api.expectOk('POST', '/auth/login', null, { username: 'admin', password: PASSWORD })).accessToken;
    await api.expectOk('POST', '/users', admin, { username: 'director', password: PASSWORD, displayName: '院长', roles: ['leadership'] });
    // Two rounds at the ward today (the hospital's), submitted: three findings its department is to rectify.
    const { timeZone } = await api.expectOk('GET', '/assessments?month=2026-01', admin);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    for (const findings of [2, 1]) {
      const roundId = await startedRound(api, h, today);
      for (let n = 0; n < findings; n++) {
        await api.expectOk('POST', `/rounds/${roundId}/findings`, h.inspector.token, {
          roundType: 'administrative', title: `抢救车药品过期 ${n}`, description: 'Two ampoules past their date', severity: 'major', responsibleDepartmentId: h.ward,
        });
      }
      await api.expectOk('POST', `/rounds/${roundId}/events`, h.lead.token, { type: 'SUBMIT' });
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  const signedInAs = (username: string, path = ''): Promise<Page> => signedIn(browser, service.api.origin, problems, username, path);


  const fullShot = (page: Page, name: string) => shot(page, name, true);


  it('shows a leadership user the charts, this month’s rankings and this month against last', async () => {
    const page = await signedInAs('director', '/');
    await page.waitForURL('**/console/dashboard');
    const menu = await page.$$eval('.ant-menu-item', (items) => items.map((item) => item.textContent));
    expect(menu).toEqual(expect.arrayContaining(['驾驶舱', '问题清单', '考核']));
    // Reads only: no queue to work, nothing to set up.
    for (const page of ['待验证', '销号审核', '人员', '检查表模板']) expect(menu).not.toContain(page);
    // Three charts drawn (the lights, by department, by week), each an image named with its figures.
    await page.waitForFunction(() => document.querySelectorAll('.console-chart svg').length === 3);
    expect(await page.getAttribute('.console-chart >> nth=1', 'aria-label')).toContain('Ward 3 / 0');
    // The ward ranked first of the clinical departments this month; the office, not inspected, unranked.
    const ward = page.locator('.rankings .ant-table-row:has-text("Ward")');
    expect(await ward.locator('td').nth(2).textContent()).toBe('1 / 1');
    expect(await page.locator('.rankings .ant-table-row:has-text("Office") td').nth(2).textContent()).toBe('—');
    // This month against last: three found now, none the month before, the rise marked.
    const found = page.locator('.month-against-last .ant-col').first();
    expect(await found.locator('.ant-statistic-content').textContent()).toBe('3');
    expect(await found.locator('.trend').textContent()).toMatch(/↑\s*上升\s*上月 0/);
    await expectAccessible(page);
    await fullShot(page, 'dashboard');
    expect(problems).toEqual([]);
  });

  it('lets the administrator publish a checklist version with one item changed, a bad deduction refused on its row first', async () => {
    const before = (await service.api.expectOk('GET', '/checklists?roundType=administrative', admin)) as { version: number; current: boolean; items: { code: string; maxDeduction: number }[] }[];
    const current = before.find((version) => version.current)!;
    const page = await signedInAs('admin', '/checklists');
    await page.waitForSelector(`.checklist-versions .ant-table-row:has-text("v${current.version}")`);
    await page.waitForSelector('.checklist-shown .ant-table-row');
    await expectAccessible(page);
    await fullShot(page, 'checklists');

    await page.click('button:has-text("新建版本")');
    const firstRow = page.locator('.checklist-items tr.ant-table-row').first();
    await firstRow.waitFor();
    expect(await page.locator('.checklist-items tr.ant-table-row').count()).toBe(current.items.length);
    await page.fill('input[aria-label="最高扣分 1"]', '150');
    await page.fill('textarea[aria-label="标准 1"]', '抢救车药品均在有效期内，每周核对');
    await page.click('button:has-text("发布新版本")');
    const error = firstRow.locator('.ant-form-item:has(input[aria-label="最高扣分 1"]) .ant-form-item-explain-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/greater than 100/);
    // Nothing typed is lost.
    expect(await page.inputValue('textarea[aria-label="标准 1"]')).toBe('抢救车药品均在有效期内，每周核对');
    await expectAccessible(page);
    await fullShot(page, 'checklist-refused');

    await page.fill('input[aria-label="最高扣分 1"]', '3');
    await page.click('button:has-text("发布新版本")');
    await page.waitForSelector(`.checklist-versions .ant-table-row:has-text("v${current.version + 1}") .ant-tag:has-text("当前")`);
    expect(await page.locator(`.checklist-versions .ant-table-row:has-text("v${current.version}") .ant-tag`).count()).toBe(0);
    const after = (await service.api.expectOk('GET', '/checklists?roundType=administrative', admin)) as typeof before;
    const published = after.find((version) => version.current)!;
    expect(published.version).toBe(current.version + 1);
    expect(published.items.map((item) => item.maxDeduction)).toEqual([3, ...current.items.slice(1).map((item) => item.maxDeduction)]);
    await expectAccessible(page);
    expect(problems).toEqual([]);
  });
});
