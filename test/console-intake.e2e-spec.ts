/**
 * Findings brought in from outside a round, in the console (Chromium, 1440×900) against the built
 * service, as a lead office's verifier: a complaint registered (a past deadline first: the service's
 * reason beside the field), then a problem list imported: a file of another kind refused with the
 * service's reason, a dry run reporting its bad row row by row, the file fixed, checked and imported,
 * and its rows found in the problem list filtered by their source. axe-core on the form and the
 * report; screenshots to docs/screenshots/console-*.png. Needs `npm run build`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { PASSWORD, RunningService, seedHospital, startService } from '../bench/service';
import { launchChromium } from './support/chromium';
import { expectAccessible, shot, signedIn } from './support/console-browser';

describe('bringing findings into the console from outside a round', () => {
  let service: RunningService;
  let browser: Browser;
  let h: Awaited<ReturnType<typeof seedHospital>>;
  const problems: string[] = [];
  const files = mkdtempSync(join(tmpdir(), 'console-intake-'));

  beforeAll(async () => {
    service = await startService(2);
    h = await seedHospital(service.api);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  async function choose(page: Page, id: string, option: string): Promise<void> {
    await page.click(`.ant-select:has(input#${id})`);
    await page.click(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${option}"]`);
  }

  async function typeDate(page: Page, id: string, date: string): Promise<void> {
    await page.click(`input#${id}`);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(date);
    // Tab, not Enter: Enter in a field submits the form.
    await page.keyboard.press('Tab');
  }

  /** A list as UTF-8 CSV under the template's field keys. */
  function list(name: string, rows: string[][]): string {
    const path = join(files, name);
    const header = ['source', 'roundType', 'title', 'description', 'severity', 'departmentCode', 'externalRef'];
    writeFileSync(path, [header, ...rows].map((row) => row.join(',')).join('\r\n'));
    return path;
  }

  it('lets a lead office register a complaint and import a list, checked row by row first', async () => {
    const page = await signedIn(browser, service.api.origin, problems, 'verifier', '/findings');
    await page.click('button:has-text("登记问题")');
    await page.waitForURL('**/console/findings/register');

    // The office leads administrative rounds: the only type it may register, chosen already.
    expect(await page.locator('.ant-form-item:has(#roundType) .ant-select-selection-item').textContent()).toBe('行政查房');
    await choose(page, 'source', '投诉举报');
    await choose(page, 'severity', '较重');
    await choose(page, 'responsibleDepartmentId', 'Ward');
    await page.fill('#title', '门诊候诊时间过长');
    await page.fill('#description', '患者投诉候诊三小时');
    await page.fill('#externalRef', 'TS-0001');
    await typeDate(page, 'deadline', '2020-01-01');
    await page.click('.register-finding button[type="submit"]');
    const deadlineError = page.locator('.ant-form-item:has(#deadline) .ant-form-item-explain-error:not([class*="-leave"])');
    await deadlineError.waitFor();
    expect(await deadlineError.textContent()).toContain('must be later than now');
    expect(await page.inputValue('#deadline')).toBe('2020-01-01');
    expect(await page.inputValue('#title')).toBe('门诊候诊时间过长');
    await expectAccessible(page);
    await shot(page, 'register-finding');

    const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await typeDate(page, 'deadline', due);
    await page.click('.register-finding button[type="submit"]');
    await page.waitForURL(/\/console\/findings\/[0-9a-f-]{36}$/);
    const findingId = page.url().split('/').pop()!;
    const finding = await service.api.expectOk('GET', `/findings/${findingId}`, h.verifier.token);
    expect(finding).toMatchObject({ source: 'complaint', roundType: 'administrative', responsibleDepartmentId: h.ward, externalRef: 'TS-0001', state: 'assigned' });
    await page.waitForSelector('h2:has-text("门诊候诊时间过长")');
    // Due at the end of that day on the hospital's clock, shown so on a desk whose clock says UTC.
    const deadline = page.locator('.ant-descriptions-item-label', { hasText: '整改时限' }).locator('xpath=following-sibling::td[1]');
    expect(await deadline.textContent()).toBe(`${due} 23:59`);

    // A list: another kind of file first, refused with the service's reason.
    await page.goto(`${service.api.origin}/console/findings`);
    await page.click('button:has-text("导入清单")');
    await page.waitForURL('**/console/findings/import');
    const notAList = join(files, 'list.pdf');
    writeFileSync(notAList, '%PDF-1.4 not a list');
    await page.setInputFiles('#listFile', notAList);
    await page.click('button:has-text("试导入")');
    await page.waitForSelector('.import-refusal:has-text("文件被拒绝")');
    expect(await page.locator('.import-refusal .ant-alert-description').textContent()).toMatch(/\S/);

    // A dry run: one row names a department that does not exist, reported on its own row.
    const row = (ref: string, title: string, code = 'WARD') => ['superior_inspection', 'administrative', title, '上级检查发现', 'minor', code, ref];
    const rows = [row('SJ-1', '消防通道堵塞'), row('SJ-2', '医疗废物分类不规范', 'NOPE'), row('SJ-3', '病历书写不规范')];
    await page.setInputFiles('#listFile', list('problem-list.csv', rows));
    await page.click('button:has-text("试导入")');
    await page.waitForSelector('.import-report .ant-table-row');
    const outcomes = await page.locator('.import-report .ant-table-row td:nth-child(4)').allTextContents();
    expect(outcomes).toEqual(['可创建', '有问题', '可创建']);
    const reported = page.locator('.import-report .ant-table-row:has-text("有问题")');
    expect(await reported.locator('td').first().textContent()).toBe('3');
    expect(await reported.locator('td').nth(1).textContent()).toBe('医疗废物分类不规范');
    expect(await reported.locator('td').nth(2).textContent()).toBe('SJ-2');
    expect(await reported.locator('.row-problem').textContent()).toContain('departmentCode');
    expect(await reported.locator('.row-problem').textContent()).toContain('names no department');
    expect(await page.locator('button:has-text("正式导入")').isDisabled()).toBe(true);
    await expectAccessible(page);
    await shot(page, 'import-report', true);
    await page.click('.import-report label:has-text("只看有问题的行") .ant-switch');
    await page.waitForFunction(() => document.querySelectorAll('.import-report .ant-table-row').length === 1);

    // The file fixed: checked clean, then imported, all three rows.
    rows[1] = row('SJ-2', '医疗废物分类不规范');
    await page.setInputFiles('#listFile', list('problem-list.csv', rows));
    await page.click('button:has-text("试导入")');
    await page.waitForSelector('.import-report [role="status"]:has-text("3 行可创建")');
    await page.click('button:has-text("正式导入")');
    await page.waitForSelector('.import-report [role="status"]:has-text("已创建 3 条")');
    expect(await page.locator('.import-report .ant-table-row').count()).toBe(3);
    expect(await page.locator('.import-report .ant-table-row td:nth-child(4)').allTextContents()).toEqual(['已创建', '已创建', '已创建']);
    await expectAccessible(page);

    // The problem list of that source holds the three rows.
    await page.click('a:has-text("上级检查/巡察")');
    await page.waitForURL(/\/console\/findings\?source=superior_inspection$/);
    await page.waitForFunction(() => document.querySelectorAll('.ant-table-row').length === 3);
    const titles = await page.locator('.ant-table-row td:nth-child(2)').allTextContents();
    expect(titles.sort()).toEqual(['消防通道堵塞', '医疗废物分类不规范', '病历书写不规范'].sort());
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('offers neither to a reader who may not register', async () => {
    const { accessToken } = await service.api.expectOk('POST', '/auth/login', null, { username: 'admin', password: PASSWORD });
    await service.api.expectOk('POST', '/users', accessToken, { username: 'leader', password: PASSWORD, displayName: 'leader', roles: ['leadership'] });
    const page = await signedIn(browser, service.api.origin, problems, 'leader', '/findings');
    await page.waitForSelector('button:has-text("导出 Excel")');
    expect(await page.locator('button:has-text("登记问题")').count()).toBe(0);
    await page.goto(`${service.api.origin}/console/findings/import`);
    await page.waitForSelector('.ant-result-403');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
