/**
 * The console's problem list in a real browser (Chromium, 1440×900) against the built service, as an
 * office's verifier: the list sorted by a column through the service and filtered (type, light,
 * overdue), sort and filters in the address and a reload keeping them, a saved view, a finding's
 * page with its timeline, VERIFY_REJECT refused for an empty reason (the service's reason beside the
 * field) then sent, a 412 when the finding changed meanwhile, and an xlsx export job, sorted as the
 * list, followed to its file. axe-core on the list and the finding page;
 * screenshots to docs/screenshots/console-*.png. Needs `npm run build`.
 */
import ExcelJS from 'exceljs';
import { Browser, Page } from 'playwright-core';
import { PASSWORD, RunningService, hospitalDate, seedHospital, startedRound, startService } from '../bench/service';
import { launchChromium } from './support/chromium';
import { DIALOG, expectAccessible, shot } from './support/console-browser';


describe('the console’s problem list', () => {
  let service: RunningService;
  let browser: Browser;
  let h: Awaited<ReturnType<typeof seedHospital>>;
  const findings: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    service = await startService(2);
    h = await seedHospital(service.api);
    // Three findings of an administrative round, all with evidence submitted: awaiting the office's verification.
    const roundId = await startedRound(service.api, h);
    for (const title of ['抢救车药品过期', '消防通道堵塞', '病历书写不规范']) {
      const finding = await service.api.expectOk('POST', `/rounds/${roundId}/findings`, h.inspector.token, {
        roundType: 'administrative', title, description: '现场发现', severity: 'minor', responsibleDepartmentId: h.ward,
      });
      findings.push(finding.id);
    }
    await service.api.expectOk('POST', `/rounds/${roundId}/events`, h.lead.token, { type: 'SUBMIT' });
    for (const id of findings) {
      await service.api.expectOk('POST', `/findings/${id}/events`, h.staff.token, { type: 'SUBMIT_PLAN', measures: '每周检查', committedDate: hospitalDate(14) });
      await service.api.expectOk('POST', `/findings/${id}/events`, h.staff.token, { type: 'SUBMIT_EVIDENCE', note: '已整改，见照片' });
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });



  async function choose(page: Page, label: string, option: string): Promise<void> {
    await page.click(`.ant-select:has(input[aria-label="${label}"])`);
    await page.click(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${option}"]`);
  }

  it('lets an office verifier filter, keep a view, verify a finding and export the ledger', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(error.stack ?? String(error)));
    await page.goto(`${service.api.origin}/console/findings`);
    await page.fill('#username', 'verifier');
    await page.fill('#password', PASSWORD);
    await page.press('#password', 'Enter');
    await page.waitForSelector('.ant-table-row');
    const menu = await page.$$eval('.ant-menu-item', (items) => items.map((item) => item.textContent));
    expect(menu).toEqual(expect.arrayContaining(['问题清单', '待验证', '回头看']));
    expect(menu).not.toContain('销号审核');
    expect(await page.locator('.ant-table-row').count()).toBe(3);
    await expectAccessible(page);

    // Sorted by the service: the title's header clicked twice, descending, in the address and kept by a reload.
    const titles = () => page.$$eval('.ant-table-row td:nth-child(2)', (cells) => cells.map((cell) => cell.textContent));
    await page.click('th.ant-table-column-has-sorters:has-text("问题")');
    await page.waitForURL(/sort=title&order=asc/);
    await page.click('th.ant-table-column-has-sorters:has-text("问题")');
    await page.waitForURL(/sort=title&order=desc/);
    await page.waitForFunction(() => document.querySelector('.ant-table-row td:nth-child(2)')?.textContent === '病历书写不规范');
    expect(await titles()).toEqual(['病历书写不规范', '消防通道堵塞', '抢救车药品过期']);
    await page.reload();
    await page.waitForSelector('.ant-table-row');
    expect(await titles()).toEqual(['病历书写不规范', '消防通道堵塞', '抢救车药品过期']);
    expect(await page.getAttribute('th.ant-table-column-has-sorters:has-text("问题")', 'aria-sort')).toBe('descending');
    await page.goto(`${service.api.origin}/console/findings`);
    await page.waitForSelector('.ant-table-row');

    // Filtered by type and light; then overdue, which none of them is; the filters in the address, kept by a reload.
    await choose(page, '查房类型', '行政查房');
    await page.waitForURL(/roundType=administrative/);
    await choose(page, '督办灯', '绿灯');
    await page.waitForURL(/light=green/);
    await page.waitForFunction(() => document.querySelectorAll('.ant-table-row').length === 3);
    await page.click('label:has-text("仅逾期") .ant-switch');
    await page.waitForURL(/overdue=true/);
    await page.waitForSelector('.ant-table-placeholder .ant-empty');
    await page.reload();
    await page.waitForSelector('.ant-table-placeholder .ant-empty');
    expect(page.url()).toMatch(/roundType=administrative/);
    expect(page.url()).toMatch(/light=green/);
    expect(await page.locator('.ant-switch-checked').count()).toBe(1);
    await page.click('label:has-text("仅逾期") .ant-switch');
    await page.waitForFunction(() => !location.search.includes('overdue'));
    await page.waitForSelector('.ant-table-row');

    // The days logged, typed into the range: both ends in the address at once.
    await page.click('input[placeholder="登记日期"] >> nth=0');
    await page.keyboard.type('2026-01-01');
    await page.keyboard.press('Enter');
    await page.keyboard.type('2099-12-31');
    await page.keyboard.press('Enter');
    await page.waitForURL(/createdFrom=2026-01-01&createdTo=2099-12-31/);
    await page.waitForFunction(() => document.querySelectorAll('.ant-table-row').length === 3);

    // A saved view: its address opens it again.
    await page.click('button:has-text("保存视图")');
    await page.fill(`${DIALOG} #viewName`, '行政绿灯');
    await page.press(`${DIALOG} #viewName`, 'Enter');
    await page.waitForSelector('a.saved-view:has-text("行政绿灯")');
    await page.goto(`${service.api.origin}/console/findings`);
    await page.click('a.saved-view:has-text("行政绿灯")');
    await page.waitForURL(/roundType=administrative&light=green|light=green.*roundType=administrative/);
    await page.waitForSelector('.ant-table-row');
    await shot(page, 'problem-list');

    // The verification queue: the list preset to findings awaiting verification.
    await page.click('.ant-menu-item:has-text("待验证")');
    // The office leads administrative rounds: findings of that type awaiting verification.
    await page.waitForURL(/findings\?state=verifying&roundType=administrative$/);
    await page.waitForFunction(() => document.querySelectorAll('.ant-table-row').length === 3);

    // A finding's page: its timeline, and the events the verifier may send.
    await page.click('.ant-table-row a:has-text("抢救车药品过期")');
    await page.waitForURL(`**/console/findings/${findings[0]}`);
    await page.waitForSelector('.finding-timeline .ant-timeline-item');
    expect(await page.locator('.finding-timeline').textContent()).toContain('已整改，见照片');
    await expectAccessible(page);
    await shot(page, 'finding');

    // VERIFY_REJECT without a reason: the service's reason beside the field; then with one.
    await page.click('button:has-text("退回整改")');
    await page.waitForSelector(`${DIALOG} #reason`);
    await page.click(`${DIALOG} .ant-btn-primary`);
    const reasonError = page.locator(`${DIALOG} .ant-form-item:has(#reason) .ant-form-item-explain-error`);
    await reasonError.waitFor();
    expect(await reasonError.textContent()).toBe('should not be empty');
    await expectAccessible(page);
    await shot(page, 'finding-reason-refused');
    await page.fill(`${DIALOG} #reason`, '照片不清晰');
    await page.click(`${DIALOG} .ant-btn-primary`);
    await page.waitForSelector(DIALOG, { state: 'detached' }).catch(() => undefined);
    await page.waitForFunction(() => document.querySelector('.finding-timeline')?.textContent?.includes('照片不清晰'));
    expect((await service.api.expectOk('GET', `/findings/${findings[0]}`, h.verifier.token)).state).toBe('rectifying');

    // Changed meanwhile: the page shows version n; a colleague accepts it through the API before the verifier sends.
    await page.goto(`${service.api.origin}/console/findings/${findings[1]}`);
    await page.waitForSelector('button:has-text("退回整改")');
    await service.api.expectOk('POST', `/findings/${findings[1]}/events`, h.verifier.token, { type: 'VERIFY_ACCEPT', note: '现场核实通过' });
    await page.click('button:has-text("退回整改")');
    await page.fill(`${DIALOG} #reason`, '整改不到位');
    await page.click(`${DIALOG} .ant-btn-primary`);
    await page.waitForSelector(`${DIALOG} .event-refusal:has-text("已被他人更改")`);
    expect(await page.inputValue(`${DIALOG} #reason`)).toBe('整改不到位');
    await shot(page, 'finding-changed-meanwhile');
    await page.click(`${DIALOG} .event-refusal button`);
    await page.waitForFunction(() => document.querySelector('.finding-timeline')?.textContent?.includes('现场核实通过'));
    // Closed now: the page offers what the service allows the verifier now, the follow-up check, and no more verification.
    await page.waitForSelector('[role="group"][aria-label="操作"] button:has-text("安排回头看")');
    expect(await page.locator('[role="group"][aria-label="操作"] button').allTextContents()).not.toContain('退回整改');

    // The ledger as an xlsx export job: its progress reaches done, and the file comes down.
    // Sorted by title, descending: the file in the list’s order.
    await page.goto(`${service.api.origin}/console/findings?roundType=administrative&sort=title&order=desc`);
    await page.waitForSelector('.ant-table-row');
    const downloaded = page.waitForEvent('download');
    await page.click('button:has-text("导出 Excel")');
    const file = await downloaded;
    expect(file.suggestedFilename()).toMatch(/^问题台账-\d{8}-\d{4}\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile((await file.path())!);
    const sheet = workbook.getWorksheet('问题台账')!;
    const titleColumn = (sheet.getRow(2).values as string[]).indexOf('问题');
    expect([3, 4, 5].map((row) => sheet.getRow(row).getCell(titleColumn).text)).toEqual(['病历书写不规范', '消防通道堵塞', '抢救车药品过期']);
    await page.waitForSelector('.export-job .ant-progress-status-success');
    expect(await page.locator('.export-job [role="status"]').textContent()).toBe('导出完成：3 行');
    await shot(page, 'ledger-export');

    // Follow-ups due: none yet (a closure schedules its check months ahead).
    await page.click('.ant-menu-item:has-text("回头看")');
    await page.waitForURL('**/console/follow-ups');
    await page.waitForSelector('.ant-table-placeholder .ant-empty');
    await expectAccessible(page);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('gives a round lead the problem list but not the verifiers’ queues', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(error.stack ?? String(error)));
    await page.goto(`${service.api.origin}/console/follow-ups`);
    await page.fill('#username', 'lead');
    await page.fill('#password', PASSWORD);
    await page.press('#password', 'Enter');
    await page.waitForSelector('.ant-result-403');
    const menu = await page.$$eval('.ant-menu-item', (items) => items.map((item) => item.textContent));
    expect(menu).toContain('问题清单');
    for (const queue of ['待验证', '回头看', '销号审核']) expect(menu).not.toContain(queue);
    await page.click('.ant-menu-item:has-text("问题清单")');
    await page.waitForFunction(() => document.querySelectorAll('.ant-table-row').length === 3);
    expect(problems).toEqual([]);
    await context.close();
  });
});
