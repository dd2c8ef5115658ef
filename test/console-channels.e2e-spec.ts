/**
 * Notification channels in the office console, in a real browser (Chromium, 1440×900) against the
 * built service: an administrator registers a WeCom robot and an e-mail endpoint through the dialog,
 * which offers each kind only the fields it takes (a bad URL refused beside its field), and sees them
 * listed with their kind and rate; a person sets their own e-mail, switches an optional notice off
 * on one channel (the mandatory ones on and fixed) and sets quiet hours, kept over a reload and
 * agreed by the service; an administrator edits another person's contacts, and sees people's own
 * e-mails, sending a dead one again. axe-core checks every new
 * dialog and page; screenshots go to docs/screenshots/console-*.png. Needs `npm run build`.
 */
import { Browser, Page } from 'playwright-core';
import { INBOX_NOTICE_TYPES } from '../workflows';
import { PASSWORD, RunningService, seedHospital, startService } from '../bench/service';
import { launchChromium } from './support/chromium';
import { DIALOG, expectAccessible, shot, signedIn } from './support/console-browser';

/** A WeCom robot's address on this machine (WEBHOOK_ALLOW_PRIVATE_NETWORKS): nobody listens, and nothing is sent to it here. */
const ROBOT = 'http://127.0.0.1:9/cgi-bin/webhook/send?key=ward-robot-key';
const MAILBOX = 'quality-office@hospital.example';

describe('notification channels in the console', () => {
  let service: RunningService;
  let browser: Browser;
  let h: Awaited<ReturnType<typeof seedHospital>>;
  const problems: string[] = [];
  const tokenOf = async (username: string) => (await service.api.expectOk('POST', '/auth/login', null, { username, password: PASSWORD })).accessToken as string;

  beforeAll(async () => {
    // No mail server listens on port 9: a person's e-mail fails at its one try, and is dead-lettered.
    service = await startService(2, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', SMTP_URL: 'smtp://127.0.0.1:9', WEBHOOK_MAX_ATTEMPTS: '1' });
    h = await seedHospital(service.api);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  const signedInAs = async (username: string): Promise<Page> => {
    const page = await signedIn(browser, service.api.origin, problems, username);
    await page.waitForSelector('.ant-menu-item');
    return page;
  };

  /** Types a time of day into a time picker and leaves it with Tab (Enter would submit the form). */
  async function typeTime(page: Page, id: string, time: string): Promise<void> {
    await page.click(`input#${id}`);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(time);
    await page.keyboard.press('Tab');
  }

  const cells = (page: Page, text: string) => page.locator(`.ant-table-row:has-text("${text}") td`).allTextContents();

  it('lets an administrator register a WeCom robot and an e-mail endpoint, each with its own fields, listed with kind and rate', async () => {
    const page = await signedInAs('admin');
    await page.click('.ant-menu-item:has-text("通知端点")');
    await page.waitForURL('**/console/webhooks');
    await page.click('button:has-text("登记端点")');

    // A signed webhook at first: a URL and a secret, no rate.
    await page.waitForSelector(`${DIALOG} #url`);
    expect(await page.locator(`${DIALOG} #secret`).count()).toBe(1);
    expect(await page.locator(`${DIALOG} #ratePerMinute, ${DIALOG} #address`).count()).toBe(0);

    // A WeCom robot: a URL and a rate whose default is shown, no secret; a bad URL refused beside its field.
    await page.click(`${DIALOG} .ant-radio-button-wrapper:has-text("企业微信机器人")`);
    await page.waitForSelector(`${DIALOG} #ratePerMinute`);
    expect(await page.locator(`${DIALOG} #secret, ${DIALOG} #address`).count()).toBe(0);
    expect(await page.getAttribute(`${DIALOG} #ratePerMinute`, 'placeholder')).toBe('20');
    expect(await page.textContent(`${DIALOG} .ant-form-item:has(#ratePerMinute) .ant-form-item-extra`)).toContain('20');
    await page.fill(`${DIALOG} #url`, 'not an address');
    await page.click(`${DIALOG} button.ant-btn-primary`);
    const urlError = page.locator(`${DIALOG} .ant-form-item:has(#url) .ant-form-item-explain-error`);
    await urlError.waitFor();
    expect(await urlError.textContent()).toMatch(/must be an http or https URL/);
    await expectAccessible(page);
    await shot(page, 'endpoint-robot-refused');
    await page.fill(`${DIALOG} #url`, ROBOT);
    await page.click(`${DIALOG} button.ant-btn-primary`);
    await page.waitForSelector('.ant-table-row:has-text("企业微信机器人")');

    // An e-mail endpoint: an address and a rate with no default, neither URL nor secret.
    await page.click('button:has-text("登记端点")');
    await page.click(`${DIALOG} .ant-radio-button-wrapper:has-text("电子邮箱")`);
    await page.waitForSelector(`${DIALOG} #address`);
    expect(await page.locator(`${DIALOG} #url, ${DIALOG} #secret`).count()).toBe(0);
    await page.fill(`${DIALOG} #address`, MAILBOX);
    await page.fill(`${DIALOG} #ratePerMinute`, '30');
    await expectAccessible(page);
    await shot(page, 'endpoint-email');
    await page.click(`${DIALOG} button.ant-btn-primary`);
    await page.waitForSelector(`.ant-table-row:has-text("mailto:${MAILBOX}")`);

    // Listed with their readable kind and rate (the robot's key masked), as the service keeps them.
    expect(await cells(page, '企业微信机器人')).toEqual(expect.arrayContaining(['企业微信机器人', 'http://127.0.0.1:9/cgi-bin/webhook/send?key=***', '20']));
    expect(await cells(page, `mailto:${MAILBOX}`)).toEqual(expect.arrayContaining(['电子邮箱', '30']));
    const listed = await service.api.expectOk('GET', '/webhooks', await tokenOf('admin'));
    expect(listed.map(({ kind, url, ratePerMinute }: { kind: string; url: string; ratePerMinute: number | null }) => ({ kind, url, ratePerMinute }))).toEqual(
      expect.arrayContaining([
        { kind: 'wecom', url: 'http://127.0.0.1:9/cgi-bin/webhook/send?key=***', ratePerMinute: 20 },
        { kind: 'email', url: `mailto:${MAILBOX}`, ratePerMinute: 30 },
      ]),
    );
    await expectAccessible(page);
    await shot(page, 'endpoint-kinds');
    expect(problems).toEqual([]);
  });

  it('lets a person set their own e-mail, switch an optional notice off and set quiet hours, kept over a reload', async () => {
    const page = await signedInAs('staff');
    await page.click('header a:has-text("我的设置")');
    await page.waitForURL('**/console/my-settings');
    const saveContact = page.locator('.my-contact button[type="submit"]');
    const saveSettings = page.locator('.my-notification-settings button[type="submit"]');
    await page.waitForSelector('.my-contact button[type="submit"]:not([disabled])');
    await page.waitForSelector('.my-notification-settings button[type="submit"]:not([disabled])');
    await expectAccessible(page);

    // A mobile number that is none is refused beside its field; then the e-mail is kept.
    await page.fill('#mobile', '12345');
    await page.fill('#email', 'staff@hospital.example');
    await saveContact.click();
    const mobileError = page.locator('.ant-form-item:has(#mobile) .ant-form-item-explain-error');
    await mobileError.waitFor();
    expect(await mobileError.textContent()).toMatch(/mainland China mobile number/);
    await page.fill('#mobile', '');
    const [contactSaved] = await Promise.all([page.waitForResponse((response) => response.url().endsWith('/me/contact')), saveContact.click()]);
    expect(contactSaved.status()).toBe(200);
    const staffToken = await tokenOf('staff');
    expect(await service.api.expectOk('GET', '/me', staffToken)).toMatchObject({ email: 'staff@hospital.example', mobile: null });

    // The mandatory notices are on and cannot be switched; an optional one goes off on e-mail only.
    const overdueByMail = page.locator('[aria-label="已超期 · 邮件"]');
    expect(await overdueByMail.getAttribute('aria-checked')).toBe('true');
    expect(await overdueByMail.isDisabled()).toBe(true);
    const dueSoonByMail = page.locator('[aria-label="即将到期 · 邮件"]');
    expect(await dueSoonByMail.getAttribute('aria-checked')).toBe('true');
    await dueSoonByMail.click();
    expect(await dueSoonByMail.getAttribute('aria-checked')).toBe('false');

    // Quiet hours that end where they start are refused beside the end; over midnight they are kept.
    await typeTime(page, 'quietHours_start', '22:00');
    await typeTime(page, 'quietHours_end', '22:00');
    await saveSettings.click();
    await page.locator('.ant-form-item:has(#quietHours_end) .ant-form-item-explain-error:has-text("must differ from start")').waitFor();
    expect(await page.inputValue('#quietHours_start')).toBe('22:00');
    await typeTime(page, 'quietHours_end', '07:00');
    const [settingsSaved] = await Promise.all([
      page.waitForResponse((response) => response.url().endsWith('/me/notification-settings') && response.request().method() === 'PUT'),
      saveSettings.click(),
    ]);
    expect(settingsSaved.status()).toBe(200);
    await shot(page, 'my-settings', true);

    // The service agrees, and a reload shows the same.
    const everything = [...INBOX_NOTICE_TYPES];
    expect(await service.api.expectOk('GET', '/me/notification-settings', staffToken)).toEqual({
      channels: { email: everything.filter((type) => type !== 'due_soon'), wecom: everything, dingtalk: everything },
      quietHours: { start: '22:00', end: '07:00' },
    });
    await page.reload();
    await page.waitForSelector('.my-notification-settings button[type="submit"]:not([disabled])');
    await page.waitForFunction(() => (document.querySelector('#email') as HTMLInputElement | null)?.value === 'staff@hospital.example');
    expect(await page.getAttribute('[aria-label="即将到期 · 邮件"]', 'aria-checked')).toBe('false');
    expect(await page.getAttribute('[aria-label="即将到期 · 企业微信"]', 'aria-checked')).toBe('true');
    expect(await page.inputValue('#quietHours_start')).toBe('22:00');
    expect(await page.inputValue('#quietHours_end')).toBe('07:00');
    await expectAccessible(page);
    expect(problems).toEqual([]);
  });

  it('lets an administrator edit another person’s contacts', async () => {
    const page = await signedInAs('admin');
    await page.click('.ant-menu-item:has-text("人员")');
    await page.waitForURL('**/console/people');
    await page.click('[aria-label="编辑 verifier"]');
    await page.waitForSelector(`${DIALOG} #wecomUserId`);
    await page.fill(`${DIALOG} #mobile`, '+86 13800138000');
    await page.fill(`${DIALOG} #wecomUserId`, 'verifier.zhang');
    await page.fill(`${DIALOG} #dingtalkUserId`, 'zhang-verifier');
    await expectAccessible(page);
    await shot(page, 'person-contact');
    await page.click(`${DIALOG} button.ant-btn-primary`);
    await page.waitForSelector(DIALOG, { state: 'detached' });

    const { items } = await service.api.expectOk('GET', '/users?q=verifier', await tokenOf('admin'));
    expect(items.find((person: { id: string }) => person.id === h.verifier.id)).toMatchObject({
      email: null,
      mobile: '13800138000',
      wecomUserId: 'verifier.zhang',
      dingtalkUserId: 'zhang-verifier',
    });
    // Opened again, the dialog shows what the service kept.
    await page.click('[aria-label="编辑 verifier"]');
    await page.waitForFunction((dialog) => (document.querySelector(`${dialog} #mobile`) as HTMLInputElement | null)?.value === '13800138000', DIALOG);
    expect(await page.inputValue(`${DIALOG} #wecomUserId`)).toBe('verifier.zhang');
    expect(problems).toEqual([]);
  });

  it('shows an administrator people\'s own e-mails, with whom each is for, and sends a dead one again', async () => {
    const admin = await tokenOf('admin');
    const verifier = await tokenOf('verifier');
    await service.api.expectOk('PATCH', '/me/contact', verifier, { email: 'verifier@hospital.example' });
    await service.api.expectOk('POST', '/announcements', admin, { title: '节前提醒', body: '请注意廉洁过节', audience: { roles: ['verifier'] }, publishAt: new Date().toISOString() });
    // The announcement goes out at the scheduler's next run, and its e-mail fails at its one try.
    const deadMail = async () => (await service.api.expectOk('GET', '/personal-emails?status=dead', admin)).items.find((d: { recipientId: string }) => d.recipientId === h.verifier.id);
    for (let waited = 0; !(await deadMail()) && waited < 30_000; waited += 200) await new Promise((resolve) => setTimeout(resolve, 200));
    const dead = await deadMail();
    expect(dead).toMatchObject({ type: 'announcement', status: 'dead', attempts: 1 });

    const page = await signedInAs('admin');
    await page.click('.ant-menu-item:has-text("通知端点")');
    await page.waitForURL('**/console/webhooks');
    await page.click('button:has-text("个人邮件")');
    const row = page.locator(`.ant-drawer-open .ant-table-row:has-text("verifier")`);
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual(expect.arrayContaining(['verifier', '通知公告', '1']));
    await expectAccessible(page);
    await shot(page, 'personal-emails');
    const [retried] = await Promise.all([page.waitForResponse((response) => response.url().endsWith(`/personal-emails/${dead.id}/retry`)), page.click(`[aria-label="重试 ${dead.id}"]`)]);
    expect(retried.status()).toBe(200);
    expect(await retried.json()).toMatchObject({ id: dead.id, status: 'pending', attempts: 0 });
    const audit = await service.api.expectOk('GET', `/audit?entityId=${h.verifier.id}&event=PERSONAL_EMAIL_RETRIED`, admin);
    expect(audit.items).toHaveLength(1);
    expect(problems).toEqual([]);
  });
});
