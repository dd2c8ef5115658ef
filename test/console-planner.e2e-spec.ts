/**
 * The planners' and offices' console pages in a real browser (Debian's Chromium, 1440×900) against the
 * built service: a round lead opens a month's calendar from its address, plans a round (a date the
 * service refuses first, its reason beside the field; the lead and team picked by typing their names)
 * and sees it on the calendar in its type's
 * colour, sets up a monthly recurring plan and opens the coverage; the discipline office opens the
 * month's notice (a printable page in a new tab) and the assessments with their grades. axe-core checks
 * every screen; screenshots go to docs/screenshots/console-*.png. Needs `npm run build`.
 */
import { Browser, Page } from 'playwright-core';
import { PASSWORD, RunningService, seedHospital, startService, startedRound } from '../bench/service';
import { launchChromium } from './support/chromium';
import { DIALOG, expectAccessible, shot, signedIn } from './support/console-browser';

const SAVE = `${DIALOG} button:has-text("保 存"), ${DIALOG} button:has-text("保存")`;

describe('the planners’ and offices’ console pages', () => {
  let service: RunningService;
  let browser: Browser;
  let hospital: Awaited<ReturnType<typeof seedHospital>>;
  /** The people the planner picks by name: another round lead and an inspector, of the ward. */
  const picked: { lead: string; member: string } = { lead: '', member: '' };
  const problems: string[] = [];

  beforeAll(async () => {
    service = await startService(2);
    hospital = await seedHospital(service.api);
    const admin = (await service.api.expectOk('POST', '/auth/login', null, { username: 'admin', password: PASSWORD })).accessToken;
    await service.api.expectOk('POST', '/users', admin, { username: 'office', password: PASSWORD, displayName: '纪检办', roles: ['discipline_office'], departmentId: hospital.office });
    picked.lead = (await service.api.expectOk('POST', '/users', admin, { username: 'wang.jg', password: PASSWORD, displayName: '王建国', roles: ['round_lead'], departmentId: hospital.ward })).id;
    picked.member = (await service.api.expectOk('POST', '/users', admin, { username: 'li.min', password: PASSWORD, displayName: '李敏', roles: ['inspector'], departmentId: hospital.ward })).id;
    // A round held last month, so the month has a grade to show.
    const round = await startedRound(service.api, hospital);
    await service.api.expectOk('POST', `/rounds/${round}/events`, hospital.lead.token, { type: 'SUBMIT' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  const signedInAs = (username: string, path = ''): Promise<Page> => signedIn(browser, service.api.origin, problems, username, path);

  /** Picks a person in the dialog's picker `field` by typing their name: the service's answer, then ArrowDown and Enter. */
  async function pickPerson(page: Page, field: string, name: string): Promise<void> {
    await page.focus(`${DIALOG} #${field}`);
    await page.keyboard.type(name);
    await page.waitForSelector(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${name} · Ward"]`);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
  }




  it('lets a round lead plan on a month’s calendar, set up a recurring plan and read the coverage', async () => {
    const page = await signedInAs('lead', '/calendar?month=2027-01');
    await page.waitForSelector('.calendar-month:has-text("2027-01")');
    await expectAccessible(page);

    // A round on a date that does not exist: the service's reason beside the field, the rest kept.
    await page.click('button:has-text("安排查房")');
    await page.click(`${DIALOG} #departmentId`);
    await page.keyboard.type('WARD');
    await page.keyboard.press('Enter');
    await page.fill(`${DIALOG} #scheduledFor`, '2027-01-32');
    // The lead is the planner until another is picked; the team, by name too.
    expect(await page.locator(`${DIALOG} .ant-form-item:has(#leadId) .ant-select-selection-item`).textContent()).toBe('lead');
    await pickPerson(page, 'leadId', '王建国');
    await pickPerson(page, 'teamMemberIds', '李敏');
    await page.keyboard.press('Escape');
    expect(await page.locator(`${DIALOG} .ant-form-item:has(#teamMemberIds) .ant-select-selection-item`).textContent()).toBe('李敏 · Ward');
    await page.click(SAVE);
    const dateError = page.locator(`${DIALOG} .ant-form-item:has(#scheduledFor) .ant-form-item-explain-error`);
    await dateError.waitFor();
    expect(await dateError.textContent()).toMatch(/date/);
    await expectAccessible(page);
    await shot(page, 'round-refused');
    await page.fill(`${DIALOG} #scheduledFor`, '2027-01-14');
    await page.click(SAVE);
    const planned = page.locator('.calendar-rounds .ant-tag[data-type="administrative"]:has-text("Ward")');
    await planned.waitFor();
    expect(await planned.evaluate((tag) => getComputedStyle(tag).backgroundColor)).toBe('rgb(9, 88, 217)');
    const [round] = (await service.api.expectOk('GET', '/rounds?scheduledFrom=2027-01-14&scheduledTo=2027-01-14', hospital.lead.token)).items;
    expect(round).toMatchObject({ leadId: picked.lead, teamMemberIds: [picked.member] });
    await expectAccessible(page);
    await shot(page, 'round-calendar');

    // A recurring plan, monthly on the first Monday.
    await page.click('button:has-text("周期计划")');
    await page.click(`${DIALOG} #departmentIds`);
    await page.keyboard.type('WARD');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.click(`${DIALOG} .ant-form-item:has(#preset) .ant-select-selector`);
    await page.click('.ant-select-item-option:has-text("每月第一个周一")');
    await page.fill(`${DIALOG} #startsOn`, '2027-01-01');
    await expectAccessible(page);
    await shot(page, 'round-plan-form');
    await page.click(SAVE);
    await page.waitForSelector(`${DIALOG}`, { state: 'detached' }).catch(() => undefined);
    await page.click('.ant-tabs-tab:has-text("我的周期计划")');
    await page.waitForSelector('.ant-table-row:has-text("FREQ=MONTHLY;BYDAY=1MO")');
    await expectAccessible(page);
    await shot(page, 'round-plans');

    await page.click('.ant-menu-item:has-text("查房覆盖")');
    await page.waitForURL('**/console/coverage');
    await page.goto(`${service.api.origin}/console/coverage?month=2026-11`);
    await page.waitForSelector('.ant-table-row:has-text("Ward")');
    await expectAccessible(page);
    await shot(page, 'coverage');
    expect(problems).toEqual([]);
  });

  it('lets the discipline office open the month’s notice as a printable page and the assessments with their grades', async () => {
    const page = await signedInAs('office', '/monthly?month=2026-11');
    await page.waitForSelector('.ant-table-row:has-text("Ward")');
    await expectAccessible(page);
    await shot(page, 'monthly-tracking');
    const [notice] = await Promise.all([page.context().waitForEvent('page'), page.click('button:has-text("本月通报")')]);
    await notice.waitForURL(/^blob:/);
    await notice.waitForLoadState();
    expect(await notice.title()).toContain('2026年11月');

    await page.click('.ant-menu-item:has-text("考核")');
    await page.goto(`${service.api.origin}/console/assessments?month=2026-11`);
    await page.waitForSelector('.ant-table-row:has-text("Ward") .grade');
    await expectAccessible(page);
    await shot(page, 'assessments');
    expect(problems).toEqual([]);
  });
});
