/**
 * The office console in a real browser (Debian's Chromium through playwright-core, 1440×900) against
 * the built service: the administrator signs in by keyboard, sets up a department (the service's
 * reason for a bad code shown beside the field first, nothing typed lost), a person whose password is
 * reset (the temporary one shown once) and a tablet (its token shown once, as a QR code); the console
 * in English; someone who is not an administrator sees no administrator page and cannot open one.
 * axe-core checks every screen; screenshots go to docs/screenshots/console-*.png. Needs `npm run build`
 * (the test script runs it first).
 */
import jsQR from 'jsqr';
import { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { PASSWORD, RunningService, seedHospital, startService } from '../bench/service';
import { launchChromium } from './support/chromium';
import { DESKTOP, DIALOG, expectAccessible, shot } from './support/console-browser';

/** The open dialog (antd keeps closed ones in the page, hidden). */

describe('the office console', () => {
  let service: RunningService;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** Uncaught errors and refusals by the Content-Security-Policy: none is expected. */
  const problems: string[] = [];

  beforeAll(async () => {
    service = await startService(2);
    await seedHospital(service.api);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  async function desktop(): Promise<Page> {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(error.stack ?? String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content.Security.Policy/i.test(message.text())) problems.push(message.text());
    });
    return page;
  }




  it('lets the administrator set up a department, a person and a tablet, by keyboard where it matters', async () => {
    const page = await desktop();
    await page.goto(`${service.api.origin}/console`);

    // Sign-in, by keyboard only: the user name has the focus; Tab to the password; Enter.
    await page.waitForSelector('#username:focus');
    await expectAccessible(page);
    await shot(page, 'sign-in');
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');

    // The administrator's menu, grouped: the dashboard opens first; the settings hold departments, people and tablets.
    await page.waitForURL('**/console/dashboard');
    expect(await page.$$eval('.ant-menu-item-group-title', (titles) => titles.map((title) => title.textContent))).toEqual(['概览', '问题整改', '查房计划', '报表与考核', '纪检与审计', '系统设置']);
    expect(await page.$$eval('.ant-menu-item', (items) => items.map((item) => item.textContent))).toEqual(expect.arrayContaining(['部门', '人员', '平板']));
    await page.click('.ant-menu-item:has-text("部门")');
    await page.waitForURL('**/console/departments');
    await page.waitForSelector('.ant-table-row');
    await expectAccessible(page);

    // A department, by keyboard: a code the service refuses first; its reason beside the field, nothing typed lost.
    await page.focus('button:has-text("新 建"), button:has-text("新建")');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${DIALOG} #code`);
    await page.focus('#code');
    await page.keyboard.type('心内 科');
    await page.keyboard.press('Tab');
    await page.keyboard.type('心内科');
    await page.keyboard.press('Enter');
    const codeError = page.locator(`${DIALOG} .ant-form-item:has(#code) .ant-form-item-explain-error`);
    await codeError.waitFor();
    expect(await codeError.textContent()).toMatch(/letters, digits/);
    expect(await page.inputValue('#name')).toBe('心内科');
    await expectAccessible(page);
    await shot(page, 'department-refused');
    await page.fill('#code', 'CARD');
    await page.focus('#name');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.ant-table-row:has-text("CARD")');
    await shot(page, 'departments');

    // A person, an inspector of the new department.
    await page.click('.ant-menu-item:has-text("人员")');
    await page.waitForURL('**/console/people');
    await page.waitForSelector('.ant-table-row');
    await expectAccessible(page);
    await page.click('button:has-text("新 建"), button:has-text("新建")');
    await page.fill(`${DIALOG} #username`, 'nurse.li');
    await page.fill(`${DIALOG} #password`, 'a-long-password-for-the-ward');
    await page.fill(`${DIALOG} #displayName`, '李护士');
    await page.click(`${DIALOG} label.ant-checkbox-wrapper:has-text("查房组成员")`);
    await page.waitForSelector(`${DIALOG} label.ant-checkbox-wrapper-checked:has-text("查房组成员")`);
    await page.click(`${DIALOG} #departmentId`);
    await page.keyboard.type('CARD');
    await page.keyboard.press('Enter');
    await expectAccessible(page);
    await shot(page, 'person-form');
    await page.click(`${DIALOG} button:has-text("保 存"), ${DIALOG} button:has-text("保存")`);
    await page.waitForSelector('.ant-table-row:has-text("nurse.li") >> text=心内科');

    // Their password reset: the temporary one shown once, and it signs them in to choose their own.
    await page.click('[aria-label="重置密码 nurse.li"]');
    await page.click('.ant-modal-confirm-btns button.ant-btn-primary');
    const temporary = page.locator(`${DIALOG} .temporary-password code`);
    await temporary.waitFor();
    const temporaryPassword = (await temporary.textContent())!;
    await expectAccessible(page);
    await shot(page, 'password-reset');
    const signedIn = await service.api.expectOk('POST', '/auth/login', null, { username: 'nurse.li', password: temporaryPassword });
    expect(signedIn.user.mustChangePassword).toBe(true);
    await page.click(`${DIALOG} button:has-text("关 闭"), ${DIALOG} button:has-text("关闭")`);
    await page.waitForSelector('.temporary-password', { state: 'detached' });
    expect(await page.locator(`text=${temporaryPassword}`).count()).toBe(0);

    // A tablet acting as the inspector: its token shown once, as text and as a QR code, and it works.
    await page.click('.ant-menu-item:has-text("平板")');
    await page.waitForURL('**/console/tablets');
    await expectAccessible(page);
    await page.click('button:has-text("登记平板")');
    await page.fill(`${DIALOG} #name`, '心内科查房平板 1');
    // The inspector picked by name, searched by the service (GET /people).
    await page.click(`${DIALOG} #userId`);
    await page.keyboard.type('李护士');
    await page.waitForSelector('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="李护士 · 心内科"]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.click(`${DIALOG} button:has-text("保 存"), ${DIALOG} button:has-text("保存")`);
    await page.waitForSelector('img.tablet-qr');
    const token = (await page.locator('.tablet-token code').textContent())!;
    const tablet = await service.api.expectOk('GET', '/me', token);
    expect(tablet).toMatchObject({ username: 'nurse.li', deviceId: expect.any(String) });
    // The QR code is the enrolment link, the token in its fragment (see the tablet app's enrolment test).
    const qr = Buffer.from((await page.getAttribute('img.tablet-qr', 'src'))!.split(',')[1], 'base64');
    const { data, info } = await sharp(qr).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(jsQR(new Uint8ClampedArray(data), info.width, info.height)?.data).toBe(`${service.api.origin}/app/#enrol=${token}`);
    // The same link as text, to send to a tablet that cannot scan.
    expect(await page.textContent('.tablet-enrolment-link')).toBe(`${service.api.origin}/app/#enrol=${token}`);
    await page.waitForSelector(`${DIALOG} >> text=用平板的相机扫描二维码`);
    await expectAccessible(page);
    await shot(page, 'tablet-token');
    await page.click(`${DIALOG} button:has-text("关 闭"), ${DIALOG} button:has-text("关闭")`);
    await page.waitForSelector('.ant-table-row:has-text("心内科查房平板 1")');
    await shot(page, 'tablets');

    // People filtered and sorted by the service, the view kept in the address: a bookmark opens it again.
    const admin = (await service.api.expectOk('POST', '/auth/login', null, { username: 'admin', password: PASSWORD })).accessToken;
    for (let n = 1; n <= 12; n++) await service.api.expectOk('POST', '/users', admin, { username: `clerk${n}`, password: PASSWORD, displayName: `Clerk ${n}`, roles: ['leadership'] });
    await page.click('.ant-menu-item:has-text("人员")');
    await page.fill('input[aria-label="搜索用户名或姓名"]', 'CLERK1');
    await page.press('input[aria-label="搜索用户名或姓名"]', 'Enter');
    await page.waitForURL(/q=CLERK1/);
    await page.click('th:has-text("姓名")');
    await page.click('th:has-text("姓名")');
    await page.waitForURL(/sort=displayName&order=desc/);
    await page.waitForFunction(() => document.querySelectorAll('.ant-table-row').length === 4);
    expect(await page.$$eval('.ant-table-row td:first-child', (cells) => cells.map((cell) => cell.textContent))).toEqual(['clerk12', 'clerk11', 'clerk10', 'clerk1']);
    await page.goto(`${service.api.origin}/console/people?role=leadership&sort=username&size=10&page=2`);
    await page.waitForSelector('.ant-pagination-item-active[title="2"]');
    await page.waitForSelector('.ant-table-row:has-text("clerk9")');
    expect(await page.locator('.ant-table-row').count()).toBe(2);
    await page.click('.ant-segmented-item:has-text("English")');
    await page.waitForSelector('.ant-menu-item >> text=People');
    await expectAccessible(page);
    await shot(page, 'people-english');
    expect(problems).toEqual([]);
  });

  it('shows someone without the administrator role no administrator page, and does not open one for them', async () => {
    const page = await desktop();
    await page.goto(`${service.api.origin}/console/people`);
    await page.fill('#username', 'inspector');
    await page.fill('#password', PASSWORD);
    await page.press('#password', 'Enter');
    await page.waitForSelector('.ant-result-403');
    expect(await page.locator('.ant-menu-item').count()).toBe(0);
    expect(await page.locator('.ant-table').count()).toBe(0);
    await page.click('header a');
    await page.waitForSelector('.ant-result-info');
    await expectAccessible(page);
    await shot(page, 'not-an-administrator');
    expect(problems).toEqual([]);
  });
});
