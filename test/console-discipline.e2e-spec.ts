/**
 * The discipline office's and the administrator's audit pages of the office console, in a real browser
 * (Debian's Chromium through playwright-core, 1440×900) against the built service: the closure-audit
 * queue with its decisions (an empty reason refused beside its field, then an approval), the month's
 * sample, the audit log filtered in the address with a verification of the chain, a case file opened
 * in a new tab, security events, and notification endpoints with a dead delivery tried again. axe-core
 * checks every screen; screenshots go to docs/screenshots/console-*.png. Needs `npm run build`.
 */
import { Browser, Page } from 'playwright-core';
import { Api, PASSWORD, RunningService, seedHospital, startService, startedRound } from '../bench/service';
import { launchChromium } from './support/chromium';
import { DIALOG, expectAccessible, shot, signedIn } from './support/console-browser';
import { pngWith } from './support/files';

const TITLE = '抢救车药品过期';
/** A receiver nobody listens on: every try fails at once, and with one try allowed the delivery is dead. */
const NOBODY = 'http://127.0.0.1:9/hook';

/** The date `days` from now, as a plan's committed date. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
/** A month `back` months before this one, as YYYY-MM: the last one has ended, the next one has not, in any time zone. */
const month = (back: number) => {
  const at = new Date();
  at.setUTCDate(15);
  at.setUTCMonth(at.getUTCMonth() - back);
  return at.toISOString().slice(0, 7);
};

/** A critical finding taken through its plan, evidence and verification to the closure audit. */
async function awaitingClosureAudit(api: Api, h: Awaited<ReturnType<typeof seedHospital>>): Promise<string> {
  const roundId = await startedRound(api, h);
  const finding = await api.expectOk('POST', `/rounds/${roundId}/findings`, h.inspector.token, {
    roundType: 'administrative', title: TITLE, description: 'Two ampoules past their date', severity: 'critical', responsibleDepartmentId: h.ward,
  });
  await api.expectOk('POST', `/rounds/${roundId}/events`, h.lead.token, { type: 'SUBMIT' });
  await api.expectOk('POST', `/findings/${finding.id}/events`, h.staff.token, { type: 'SUBMIT_PLAN', measures: 'replace and check weekly', committedDate: inDays(3) });
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(await pngWith('evidence'))], { type: 'image/png' }), 'photo.png');
  const upload = await fetch(`${api.origin}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${h.staff.token}` }, body: form });
  const photo = (await upload.json()) as { id: string };
  await api.expectOk('POST', `/findings/${finding.id}/events`, h.staff.token, { type: 'SUBMIT_EVIDENCE', note: 'replaced', attachmentIds: [photo.id] });
  const accepted = await api.expectOk('POST', `/findings/${finding.id}/events`, h.verifier.token, { type: 'VERIFY_ACCEPT' });
  expect(accepted.state).toBe('closure_audit');
  return finding.id as string;
}

describe('the office console’s audit pages', () => {
  let service: RunningService;
  let browser: Browser;
  let findingId: string;
  let deadEndpoint: string;
  const problems: string[] = [];

  beforeAll(async () => {
    service = await startService(2, { WEBHOOK_MAX_ATTEMPTS: '1', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', SCHEDULER_INTERVAL_MS: '300' });
    const { api } = service;
    const h = await seedHospital(api);
    const admin = (await api.expectOk('POST', '/auth/login', null, { username: 'admin', password: PASSWORD })).accessToken as string;
    // The first discipline-office user, which an administrator may appoint while there is none.
    const office = await api.expectOk('POST', '/departments', admin, { code: 'DISC', name: '纪委办', kind: 'functional', leadOfficeFor: ['integrity'] });
    await api.expectOk('POST', '/users', admin, { username: 'discipline', password: PASSWORD, displayName: '王丽', roles: ['discipline_office'], departmentId: office.id });
    deadEndpoint = (await api.expectOk('POST', '/webhooks', admin, { url: NOBODY, secret: 'a-long-enough-signing-secret' })).id;
    findingId = await awaitingClosureAudit(api, h);
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




  it('lets the discipline office decide the queue, draw a sample, read and verify the audit log and open a case file', async () => {
    const page = await signedInAs('discipline');
    const menu = await page.$$eval('.ant-menu-item', (items) => items.map((item) => item.textContent));
    expect(menu).toEqual(expect.arrayContaining(['销号审核', '审计日志', '安全事件', '通知端点']));
    expect(menu).not.toContain('人员');
    await page.click('.ant-menu-item:has-text("销号审核")');
    await page.waitForURL('**/console/closure-audits');
    const row = page.locator(`.ant-table-row:has-text("${TITLE}")`);
    await row.waitFor();
    expect(await row.getAttribute('data-row-key')).toBe(findingId);
    expect(await row.locator(`a[href$="/findings/${findingId}"]`).count()).toBe(1);
    await expectAccessible(page);
    await shot(page, 'closure-audits');

    // A rejection with no reason: the service's reason beside the field; then an approval instead.
    await page.click(`[aria-label="审核驳回 ${TITLE}"]`);
    await page.click(`${DIALOG} button.ant-btn-primary`);
    const reasonError = page.locator(`${DIALOG} .ant-form-item:has(#reason) .ant-form-item-explain-error`);
    await reasonError.waitFor();
    expect(await reasonError.textContent()).toBeTruthy();
    await expectAccessible(page);
    await shot(page, 'closure-audit-refused');
    await page.click(`${DIALOG} .ant-modal-footer button:not(.ant-btn-primary)`);
    await page.click(`[aria-label="审核通过 ${TITLE}"]`);
    await page.fill(`${DIALOG} #note`, '同意销号');
    await page.click(`${DIALOG} button.ant-btn-primary`);
    await row.waitFor({ state: 'detached' });
    expect((await service.api.call('GET', `/findings/${findingId}`, (await service.api.expectOk('POST', '/auth/login', null, { username: 'discipline', password: PASSWORD })).accessToken)).json.state).toBe('closed');

    // The month's sample: next month has not ended (the reason beside the month), the last one has.
    await page.click('#month');
    await page.keyboard.type(month(-1));
    await page.keyboard.press('Enter');
    await page.click('button:has-text("抽取月度样本")');
    await page.locator('.ant-form-item:has(#month) .ant-form-item-explain-error').waitFor();
    expect(await page.locator('.ant-form-item:has(#month) .ant-form-item-explain-error').textContent()).toMatch(/must have ended/);
    await page.fill('#month', month(1));
    await page.keyboard.press('Enter');
    await page.click('button:has-text("抽取月度样本")');
    await page.waitForSelector('.closure-sample');
    expect(await page.textContent('.closure-sample')).toContain(month(1));
    await expectAccessible(page);
    await shot(page, 'closure-sample');

    // The audit log filtered by event, the filter in the address, kept over a reload.
    await page.click('.ant-menu-item:has-text("审计日志")');
    await page.waitForURL('**/console/audit');
    await page.waitForSelector('.ant-table-row');
    await page.fill('input[aria-label="事件"]', 'AUDIT_APPROVE');
    await page.press('input[aria-label="事件"]', 'Enter');
    await page.waitForURL(/event=AUDIT_APPROVE/);
    await page.waitForFunction(() => document.querySelectorAll('.ant-table-row').length === 1);
    await page.reload();
    await page.waitForSelector('.ant-table-row:has-text("AUDIT_APPROVE")');
    expect(await page.locator('.ant-table-row').count()).toBe(1);
    expect(await page.inputValue('input[aria-label="事件"]')).toBe('AUDIT_APPROVE');
    await page.waitForSelector('.chain-digest');

    // Verify now: the service's progress, then the outcome.
    await page.click('button:has-text("立即校验")');
    await page.waitForSelector('.chain-verification .ant-alert-success');
    expect(await page.textContent('.chain-verification')).toMatch(/审计链完整/);
    await expectAccessible(page);
    await shot(page, 'audit-log');

    // The case file, fetched with the token and shown in a new tab from a blob address.
    const [tab] = await Promise.all([page.context().waitForEvent('page'), page.click(`[aria-label="案卷 ${findingId}"]`)]);
    await tab.waitForURL(/^blob:/);
    await tab.waitForSelector(`text=${TITLE}`);
    expect(tab.url()).not.toContain('token');
    await tab.close();

    // Security events: who took what (the case file just read is one).
    await page.click('.ant-menu-item:has-text("安全事件")');
    await page.waitForURL('**/console/security-events');
    await page.click('[aria-label="对象类型"]');
    await page.click('.ant-select-item-option[title="data_access"]');
    await page.waitForURL(/entityType=data_access/);
    await page.waitForSelector('.ant-table-row:has-text("CASE_FILE_READ")');
    await expectAccessible(page);
    await shot(page, 'security-events');
    expect(problems).toEqual([]);
  });

  it('lets the administrator register an endpoint, read its deliveries and try a dead one again', async () => {
    const page = await signedInAs('admin');
    await page.click('.ant-menu-item:has-text("通知端点")');
    await page.waitForURL('**/console/webhooks');
    await page.waitForSelector(`.ant-table-row:has-text("${NOBODY}")`);
    await expectAccessible(page);

    // A bad address is refused beside its field, the secret still typed; then a good one.
    await page.click('button:has-text("登记端点")');
    await page.fill(`${DIALOG} #url`, 'not an address');
    await page.fill(`${DIALOG} #secret`, 'another-long-signing-secret');
    await page.click(`${DIALOG} button.ant-btn-primary`);
    await page.locator(`${DIALOG} .ant-form-item:has(#url) .ant-form-item-explain-error`).waitFor();
    expect(await page.inputValue(`${DIALOG} #secret`)).toBe('another-long-signing-secret');
    await expectAccessible(page);
    await page.fill(`${DIALOG} #url`, 'http://127.0.0.1:9/ward');
    await page.click(`${DIALOG} button.ant-btn-primary`);
    await page.waitForSelector('.ant-table-row:has-text("http://127.0.0.1:9/ward")');
    await shot(page, 'webhooks');

    // The first endpoint's deliveries: every one dead after its single try; one tried again.
    const token = (await service.api.expectOk('POST', '/auth/login', null, { username: 'admin', password: PASSWORD })).accessToken;
    for (let wait = 0; wait < 50; wait++) {
      const dead = await service.api.expectOk('GET', `/webhooks/${deadEndpoint}/deliveries?status=dead`, token);
      if (dead.total > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await page.click(`[aria-label="投递记录 ${NOBODY}"]`);
    const dead = page.locator('.ant-drawer .ant-table-row:has-text("已放弃")').first();
    await dead.waitFor();
    await expectAccessible(page);
    await shot(page, 'webhook-deliveries');
    const deliveryId = await dead.getAttribute('data-row-key');
    await dead.locator('button:has-text("重试"), button:has-text("重 试")').click();
    await page.waitForSelector('.ant-message-success');
    const retried = await service.api.expectOk('GET', `/audit?entityId=${deadEndpoint}&event=WEBHOOK_DELIVERY_RETRIED`, token);
    expect(retried.items.map((entry: { payload: { deliveryId: string } }) => entry.payload.deliveryId)).toEqual([deliveryId]);
    expect(problems).toEqual([]);
  });
});
