/**
 * The tablet app in a real browser (Debian's Chromium through playwright-core) against the built
 * service: a finding logged on a ward, one more logged offline, both synced exactly once, then
 * plan, evidence, rejection, evidence again from a phone in English and offline, acceptance and the
 * closure audit with its case file, each by the person whose work it is; an offline decision the
 * server refuses on sync, shown with its reason; a ward's shared tablet, on which each person's
 * queue and cached pages stay theirs; and findings from problem lists, signed for offline, with a
 * follow-up check recorded failed, with a photo, offline.
 * Screenshots of each screen go to test-artifacts/screenshots. Needs `npm run build` (the test
 * script runs it first).
 */
import { DateTime } from 'luxon';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { PASSWORD, RunningService, seedHospital, startService, startedRound } from '../bench/service';
import { launchChromium } from './support/chromium';
import { expectAccessible } from './support/tablet-browser';

const SHOTS = join(__dirname, '..', 'test-artifacts', 'screenshots');
const TABLET = { width: 1024, height: 768 };
const PORTRAIT = { width: 768, height: 1024 };
const PHONE = { width: 390, height: 844 };

describe('the tablet app', () => {
  let service: RunningService;
  let browser: Browser;
  let hospital: Awaited<ReturnType<typeof seedHospital>>;
  let discipline: { id: string; token: string };
  let admin: string;
  let photo: string;

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    service = await startService(2);
    hospital = await seedHospital(service.api);
    admin = (await service.api.expectOk('POST', '/auth/login', null, { username: 'admin', password: PASSWORD })).accessToken;
    const { id } = await service.api.expectOk('POST', '/users', admin, { username: 'discipline', password: PASSWORD, displayName: '纪委办 Discipline', roles: ['discipline_office'] });
    discipline = { id, token: (await service.api.expectOk('POST', '/auth/login', null, { username: 'discipline', password: PASSWORD })).accessToken };
    // A camera photo: 3000 × 2000 px, taken (EXIF) on 20 November.
    photo = join(SHOTS, '..', 'ward-photo.jpg');
    await sharp({ create: { width: 3000, height: 2000, channels: 3, background: { r: 200, g: 60, b: 60 } } })
      .jpeg()
      .withExif({ IFD0: { Make: 'Tablet' }, IFD2: { DateTimeOriginal: '2026:11:20 09:30:00' } } as never)
      .toFile(photo);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  /** Every page opened, so a failure leaves a screenshot of each beside the others. */
  const pages: Page[] = [];
  /** Uncaught errors in the app: none is expected, online or off. */
  const pageErrors: string[] = [];
  afterEach(async () => {
    for (const [i, page] of pages.entries()) if (!page.isClosed()) await page.screenshot({ path: join(SHOTS, `failure-state-${i}.png`) });
  });

  /** A device: a page in a browser context of its own. */
  async function device(name: string, viewport = TABLET): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', hasTouch: true });
    const page = await context.newPage();
    pages.push(page);
    page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.stack}`));
    return { context, page };
  }

  /** Signs in on the sign-in screen the page shows. */
  async function signInOn(page: Page, username: string, password = PASSWORD): Promise<void> {
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('button[type=submit]');
    await page.waitForSelector('.tabs');
  }

  /** A signed-in page in a context of its own, as on that person's device. */
  async function signIn(username: string, viewport = TABLET): Promise<{ context: BrowserContext; page: Page }> {
    const opened = await device(username, viewport);
    await opened.page.goto(`${service.api.origin}/app`);
    await signInOn(opened.page, username);
    return opened;
  }

  /** The path of every API answer the service worker keeps on the device. */
  const cachedPaths = (page: Page) =>
    page.evaluate(async () => {
      const paths: string[] = [];
      for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) paths.push(new URL(request.url).pathname);
      return paths.filter((path) => !path.startsWith('/app/'));
    });

  /** The fixture photo, through the file chooser the camera button opens; waits for its preview. */
  async function attachPhoto(page: Page, input: string): Promise<void> {
    const chooser = page.waitForEvent('filechooser');
    await page.click(`label[for=${input}]`);
    await (await chooser).setFiles(photo);
    await page.waitForSelector('.adm-popup-body:visible .thumbs img');
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });

  const findingsOf = async (roundId: string) =>
    (await service.api.expectOk('GET', `/findings?roundId=${roundId}&limit=100`, hospital.lead.token)).items as { id: string; title: string; state: string; severity: string }[];

  it('takes findings from the ward to closure: offline capture and actions, exactly-once sync, refusals shown, tablet and phone, Chinese and English', async () => {
    const round = await service.api.expectOk('POST', '/rounds', hospital.lead.token, {
      types: ['administrative'], departmentId: hospital.ward, scheduledFor: '2026-11-24', leadId: hospital.lead.id, teamMemberIds: [hospital.inspector.id],
    });

    // The round lead starts the round on the ward.
    const lead = await signIn('lead');
    await lead.page.click('.adm-list-item');
    await lead.page.click('text=开始查房');
    await lead.page.waitForSelector('[data-item] .big-buttons');
    await shot(lead.page, '01-round-checklist');
    await expectAccessible(lead.page);

    // The first item fails, with a photo from the camera (the file chooser).
    const items = await lead.page.$$eval('[data-item]', (cards) => cards.map((card) => card.getAttribute('data-item')!));
    await lead.page.click(`[data-item="${items[0]}"] >> text=不合格`);
    await lead.page.fill('#finding-note', '抢救车药品过期 expired drugs');
    await lead.page.click('.adm-popup-body:visible >> text="严重"');
    await attachPhoto(lead.page, 'finding-photos');
    await shot(lead.page, '02-failed-item-form');
    await lead.page.click('.adm-popup-body:visible button[type=submit]');
    await lead.page.waitForSelector(`[data-item="${items[0]}"] .adm-tag >> text=不合格`);

    // The Wi-Fi drops: a second finding is kept on the tablet, in the outbox.
    await lead.context.setOffline(true);
    await lead.page.waitForSelector('text=离线');
    await lead.page.click('text=记录问题');
    await lead.page.fill('#finding-title', '消防通道堵塞');
    await lead.page.fill('#finding-description', 'Fire exit blocked by beds');
    await lead.page.click('.adm-popup-body:visible >> text="严重"');
    await lead.page.click('.adm-popup-body:visible button[type=submit]');
    await lead.page.click('.tabs >> text=待发送');
    await lead.page.waitForSelector('[data-outbox-item]');
    await shot(lead.page, '03-outbox-offline');
    expect((await findingsOf(round.id)).map((finding) => finding.title)).not.toContain('消防通道堵塞');

    // Back online, the first answer is lost on the way back: the retry is answered from the Idempotency-Key.
    let lost = 0;
    await lead.page.route('**/rounds/*/findings', async (route) => {
      if (lost++ > 0) return route.continue();
      await route.fetch();
      await route.abort('connectionreset');
    });
    await lead.context.setOffline(false);
    await lead.page.waitForSelector('[data-outbox-item]');
    await lead.page.click('text=重试');
    await lead.page.waitForSelector('text=没有待发送的内容');
    expect(lost).toBe(2);
    const logged = await findingsOf(round.id);
    expect(logged).toHaveLength(2);
    expect(logged.filter((finding) => finding.title === '消防通道堵塞')).toHaveLength(1);

    // The photo reached the server scaled to 2048 px on its longest side, dated the day it was taken.
    const failed = logged.find((finding) => finding.title !== '消防通道堵塞')!;
    const detail = await service.api.expectOk('GET', `/findings/${failed.id}`, hospital.lead.token);
    expect(detail.photos).toHaveLength(1);
    expect(detail.photos[0].effectiveDate).toBe('2026-11-20');
    const stored = await fetch(`${service.api.origin}/attachments/${detail.photos[0].id}`, { headers: { authorization: `Bearer ${hospital.lead.token}` } });
    const { width, height } = await sharp(Buffer.from(await stored.arrayBuffer())).metadata();
    expect(Math.max(width!, height!)).toBe(2048);

    // The rest pass, and the round is submitted: its findings go to the ward.
    await lead.page.goto(`${service.api.origin}/app/#/rounds/${round.id}`);
    for (const code of items.slice(1)) {
      await lead.page.click(`[data-item="${code}"] >> text=合格`);
      await lead.page.waitForSelector(`[data-item="${code}"] .adm-tag >> text=合格`);
    }
    await lead.page.click('text=提交查房');
    await lead.page.waitForSelector('.adm-card-header >> text=已提交');
    await lead.context.close();
    const blocked = (await findingsOf(round.id)).find((finding) => finding.title === '消防通道堵塞')!;
    expect(blocked.state).toBe('assigned');

    // The ward's staff: the plan, then the evidence with a file, on a portrait tablet.
    const staff = await signIn('staff', PORTRAIT);
    await staff.page.waitForSelector('text=消防通道堵塞');
    await shot(staff.page, '04-department-findings');
    await expectAccessible(staff.page);
    await staff.page.click('text=消防通道堵塞');
    await staff.page.click('button >> text=提交整改方案');
    await staff.page.fill('#event_measures', '每日巡查消防通道 daily checks');
    // Committed beyond DUE_SOON_DAYS (3): the committed date drives the timers, and a due-soon reminder firing now would
    // change the finding's version under the evidence she is about to send (If-Match).
    await staff.page.fill('#event_committedDate', new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10));
    await staff.page.click('.adm-popup-body:visible button[type=submit]');
    await staff.page.waitForSelector('.adm-card-header >> text=整改中');
    await staff.page.click('button >> text=提交整改证据');
    await staff.page.fill('#event_note', '已清理 cleared');
    await attachPhoto(staff.page, 'event-files');
    await staff.page.click('.adm-popup-body:visible button[type=submit]');
    await staff.page.waitForSelector('.adm-card-header >> text=待验证');
    await shot(staff.page, '05-finding-with-evidence');

    // The verifier sends it back, then (after new evidence) accepts it.
    const verifier = await signIn('verifier');
    await verifier.page.click('text=消防通道堵塞');
    await verifier.page.waitForSelector('text=已清理 cleared');
    await shot(verifier.page, '06-verifier-side-by-side');
    await verifier.page.click('button >> text=退回整改');
    await verifier.page.fill('#event_reason', '照片未显示通道 the photo does not show the exit');
    await verifier.page.click('.adm-popup-body:visible button[type=submit]');
    await verifier.page.waitForSelector('.adm-card-header >> text=整改中');
    await staff.context.close();

    // The ward's contact answers on a phone, in English, in a lift with no signal: the evidence waits in the outbox.
    const phone = await signIn('staff', PHONE);
    await phone.page.click('.tabs >> text=我的');
    await phone.page.click('text=English');
    await phone.page.click('.tabs >> text=My department');
    await phone.page.click('text=消防通道堵塞');
    await phone.page.waitForSelector('button >> text=Submit evidence');
    await shot(phone.page, '07-phone-finding-en');
    await expectAccessible(phone.page);
    await phone.context.setOffline(true);
    await phone.page.click('button >> text=Submit evidence');
    await phone.page.fill('#event_note', '补充照片 the exit, cleared');
    await attachPhoto(phone.page, 'event-files');
    await phone.page.click('.adm-popup-body:visible button[type=submit]');
    await phone.page.waitForSelector('.adm-notice-bar >> text=Waiting to send: Submit evidence');
    await phone.page.waitForSelector('text=Saved on this device', { state: 'detached' });
    await shot(phone.page, '08-phone-evidence-offline');
    expect((await service.api.expectOk('GET', `/findings/${blocked.id}`, hospital.staff.token)).state).toBe('rectifying');

    // The signal returns: the evidence is sent once, with its photo, and the page shows what the server made of it.
    await phone.context.setOffline(false);
    await phone.page.waitForSelector('.adm-card-header >> text="Verifying"');
    const resubmitted = await service.api.expectOk('GET', `/findings/${blocked.id}`, hospital.staff.token);
    expect(resubmitted.evidence.note).toBe('补充照片 the exit, cleared');
    expect(resubmitted.evidence.attachments).toHaveLength(1);
    const evidenceEvents = async () =>
      (await service.api.expectOk('GET', `/findings/${blocked.id}/audit?limit=100`, hospital.staff.token)).items.filter((entry: { event: string }) => entry.event === 'SUBMIT_EVIDENCE');
    expect(await evidenceEvents()).toHaveLength(2);

    // A plan decided offline on the other finding, which a colleague answered meanwhile: refused on sync (If-Match), with the reason.
    await phone.page.goto(`${service.api.origin}/app/#/findings/${failed.id}`);
    await phone.page.waitForSelector('button >> text=Submit plan');
    await phone.context.setOffline(true);
    await phone.page.click('button >> text=Submit plan');
    await phone.page.fill('#event_measures', 'replace expired drugs');
    await phone.page.fill('#event_committedDate', new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10));
    await phone.page.click('.adm-popup-body:visible button[type=submit]');
    await phone.page.waitForSelector('.adm-notice-bar >> text=Waiting to send: Submit plan');
    await service.api.expectOk('POST', `/findings/${failed.id}/events`, hospital.staff.token, {
      type: 'SUBMIT_PLAN', measures: '更换过期药品 by a colleague', committedDate: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10),
    });
    await phone.context.setOffline(false);
    await phone.page.waitForSelector('.adm-notice-bar >> text=Refused: Submit plan');
    // The page now shows the finding as the colleague left it, and what may be done with it now.
    await phone.page.waitForSelector('button >> text=Submit evidence');
    await phone.page.click('.tabs >> text=Outbox');
    const refusal = await phone.page.textContent('[data-outbox-item] .error-text');
    expect(refusal).toMatch(/^412 .*version/);
    await shot(phone.page, '09-phone-outbox-refused');
    await expectAccessible(phone.page);
    await phone.page.waitForSelector('[data-outbox-item] button >> text=Open');
    await phone.page.click('[data-outbox-item] >> text=Discard');
    await phone.page.waitForSelector('text=Nothing waiting to be sent');
    expect((await service.api.expectOk('GET', `/findings/${failed.id}`, hospital.staff.token)).measures).toBe('更换过期药品 by a colleague');
    await phone.context.close();

    await verifier.page.reload();
    await verifier.page.click('button >> text=验证通过');
    await verifier.page.click('.adm-popup-body:visible button[type=submit]');
    await verifier.page.waitForSelector('.adm-card-header >> text=待结案审核');

    // The discipline office approves the closure from its queue, under the audit chain's status.
    const office = await signIn('discipline');
    await office.page.waitForSelector('text=审计链完整');
    await shot(office.page, '10-closure-audit-queue');
    await expectAccessible(office.page);
    await office.page.click('text=消防通道堵塞');
    await office.page.click('button >> text=同意结案');
    await office.page.click('.adm-popup-body:visible button[type=submit]');
    await office.page.waitForSelector('.adm-card-header >> text=已销号');
    await shot(office.page, '11-closed-timeline');

    // Its case file: every entry linked, every file intact, as the office will print it.
    await office.page.click('button >> text=案卷');
    await office.page.waitForSelector('.adm-popup-body:visible >> text=审计链完整');
    const trailLength = (await service.api.expectOk('GET', `/findings/${blocked.id}/audit?limit=100`, discipline.token)).items.length;
    expect(await office.page.$$eval('[data-case-entry] .adm-tag', (tags) => tags.map((tag) => tag.textContent))).toEqual(Array(trailLength).fill('已链接'));
    await shot(office.page, '12-case-file');
    const printed = office.context.waitForEvent('page');
    await office.page.click('.adm-popup-body:visible >> text=打印');
    const print = await printed;
    await print.waitForSelector('text=消防通道堵塞');
    // Files, case files and audit trails are read from the service each time: the device keeps none of them.
    const kept = await cachedPaths(office.page);
    expect(kept).toContain(`/findings/${blocked.id}`);
    expect(kept.filter((path) => /^\/(attachments|audit)|\/(audit|case-file)$/.test(path))).toEqual([]);
    const answer = await fetch(`${service.api.origin}/findings/${blocked.id}/case-file`, { headers: { authorization: `Bearer ${discipline.token}` } });
    expect(answer.headers.get('cache-control')).toBe('no-store');

    const closed = await service.api.expectOk('GET', `/findings/${blocked.id}`, discipline.token);
    expect(closed.state).toBe('closed');
    const trail = await service.api.expectOk('GET', `/findings/${blocked.id}/audit?limit=100`, discipline.token);
    expect(trail.items.map((entry: { event: string }) => entry.event)).toEqual(
      expect.arrayContaining(['SUBMIT_PLAN', 'SUBMIT_EVIDENCE', 'VERIFY_REJECT', 'VERIFY_ACCEPT', 'AUDIT_APPROVE']),
    );

    // A later check finds the exit blocked again: the office reopens the closed finding, with its reason.
    await print.close();
    await office.page.click('.adm-popup-body:visible >> text=关闭');
    await office.page.click('button >> text=重新打开');
    await office.page.fill('#event_reason', '复查发现通道再次堵塞 blocked again');
    await office.page.click('.adm-popup-body:visible button[type=submit]');
    await office.page.waitForSelector('.adm-card-header >> text=整改中');
    const reopened = (await service.api.expectOk('GET', `/findings/${blocked.id}/audit?limit=100`, discipline.token)).items.at(-1);
    expect(reopened).toMatchObject({ event: 'REOPEN', actorId: discipline.id, payload: { reason: '复查发现通道再次堵塞 blocked again' } });
    for (const session of [verifier, office]) await session.context.close();
    expect(pageErrors).toEqual([]);
  });

  it('opens with no network, starts a round and goes through its checklist, then sends it all in order', async () => {
    const round = await service.api.expectOk('POST', '/rounds', hospital.lead.token, {
      types: ['administrative'], departmentId: hospital.ward, scheduledFor: '2026-11-25', leadId: hospital.lead.id, teamMemberIds: [hospital.inspector.id],
    });
    const lead = await signIn('lead', PHONE);
    await lead.page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await lead.page.click(`text=2026-11-25`);
    await lead.page.waitForSelector('[data-item]');
    await lead.page.waitForSelector('text=开始查房');

    // The phone was put away: with no network the app opens again from the service worker, with the round as last read.
    await lead.context.setOffline(true);
    await lead.page.reload();
    await lead.page.click('button >> text=开始查房');
    await lead.page.waitForSelector('[data-item] .big-buttons');
    const items = await lead.page.$$eval('[data-item]', (cards) => cards.map((card) => card.getAttribute('data-item')!));
    for (const code of items) await lead.page.click(`[data-item="${code}"] >> text=合格`);
    await lead.page.waitForSelector(`[data-item="${items.at(-1)}"] .adm-tag >> text=待发送`);
    await expectAccessible(lead.page);
    expect((await service.api.expectOk('GET', `/rounds/${round.id}`, hospital.lead.token)).state).toBe('planned');

    await lead.context.setOffline(false);
    await lead.page.waitForSelector('button >> text=提交查房');
    const { parts } = await service.api.expectOk('GET', `/rounds/${round.id}/results`, hospital.lead.token);
    expect(parts[0].items.map((item: { result: string }) => item.result)).toEqual(items.map(() => 'pass'));
    await lead.page.click('button >> text=提交查房');
    // Nothing failed: the round is complete once submitted.
    await lead.page.waitForSelector('.adm-card-header >> text=已完成');
    const trail = await service.api.expectOk('GET', `/rounds/${round.id}/audit?limit=100`, hospital.lead.token);
    expect(trail.items.map((entry: { event: string }) => entry.event)).toEqual(['PLAN', 'START', ...items.map(() => 'RECORD_RESULT'), 'SUBMIT', 'COMPLETE']);
    await lead.context.close();
    expect(pageErrors).toEqual([]);
  });

  it("keeps a shared tablet's queue and pages to the person who made them: parked when their session ends, sent as them when they sign in again", async () => {
    const nurse = await service.api.expectOk('POST', '/users', admin, { username: 'nurse', password: PASSWORD, displayName: '护士 Nurse', roles: ['department_staff'], departmentId: hospital.ward });
    const roundId = await startedRound(service.api, hospital);
    const finding = await service.api.expectOk('POST', `/rounds/${roundId}/findings`, hospital.inspector.token, {
      roundType: 'administrative', title: '治疗室门未上锁', description: 'Treatment room left unlocked', severity: 'minor', responsibleDepartmentId: hospital.ward,
    });
    await service.api.expectOk('POST', `/rounds/${roundId}/events`, hospital.lead.token, { type: 'SUBMIT' });
    const committedDate = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);

    // The ward's tablet holds an item an earlier version of the app queued without recording who made it.
    const { context, page: tablet } = await device('ward tablet');
    await tablet.goto(`${service.api.origin}/health`);
    await tablet.evaluate(
      (item) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('triple-round', 1);
          open.onupgradeneeded = () => {
            open.result.createObjectStore('outbox', { keyPath: 'id' });
            open.result.createObjectStore('session');
          };
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const transaction = open.result.transaction('outbox', 'readwrite');
            transaction.objectStore('outbox').put(item);
            transaction.oncomplete = () => (open.result.close(), resolve());
            transaction.onerror = () => reject(transaction.error);
          };
        }),
      {
        id: crypto.randomUUID(), kind: 'findingEvent', findingId: finding.id, version: finding.version, label: '提交整改方案 · 旧版本', createdAt: new Date().toISOString(),
        photos: [], state: 'pending', body: { type: 'SUBMIT_PLAN', measures: 'queued by an earlier version', committedDate },
      },
    );

    // The nurse signs in: the earlier item is kept, not shown and not sent.
    await tablet.goto(`${service.api.origin}/app`);
    await signInOn(tablet, 'nurse');
    await tablet.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await tablet.click('.tabs >> text=待发送');
    await tablet.waitForSelector('text=1 项由旧版本保存');
    expect(await tablet.$$('[data-outbox-item]')).toHaveLength(0);

    // She reads the finding, then decides on it with no network: her plan waits on the tablet.
    await tablet.goto(`${service.api.origin}/app/#/findings/${finding.id}`);
    await tablet.waitForSelector('button >> text=提交整改方案');
    await context.setOffline(true);
    await tablet.click('button >> text=提交整改方案');
    await tablet.fill('#event_measures', '每班交接时检查门锁 checked at every handover');
    await tablet.fill('#event_committedDate', committedDate);
    await tablet.click('.adm-popup-body:visible button[type=submit]');
    await tablet.waitForSelector('.adm-notice-bar >> text=待发送: 提交整改方案');

    // Her password is changed elsewhere, which ends all her sessions: back online, the tablet's refresh is refused.
    const elsewhere = (await service.api.expectOk('POST', '/auth/login', null, { username: 'nurse', password: PASSWORD })).accessToken;
    const newPassword = 'handover-passphrase-456';
    await service.api.expectOk('POST', '/me/password', elsewhere, { currentPassword: PASSWORD, newPassword });
    await context.setOffline(false);
    await tablet.waitForSelector('#username');

    // A colleague takes the tablet: none of the nurse's items, and none of the pages she read, even offline.
    await signInOn(tablet, 'staff');
    await tablet.click('.tabs >> text=待发送');
    await tablet.waitForSelector('text=1 项由旧版本保存');
    expect(await tablet.$$('[data-outbox-item]')).toHaveLength(0);
    expect(await tablet.$$('.tabs .adm-badge')).toHaveLength(0);
    await context.setOffline(true);
    await tablet.evaluate((id) => (location.hash = `#/findings/${id}`), finding.id);
    await tablet.waitForSelector('.error-text');
    expect(await tablet.textContent('body')).not.toContain('治疗室门未上锁');
    expect((await cachedPaths(tablet)).filter((path) => path.includes(finding.id))).toEqual([]);
    await context.setOffline(false);
    await tablet.click('.tabs >> text=我的');
    await tablet.click('button >> text=退出登录');
    const plans = async () =>
      (await service.api.expectOk('GET', `/findings/${finding.id}/audit?limit=100`, hospital.staff.token)).items.filter((entry: { event: string }) => entry.event === 'SUBMIT_PLAN');
    expect(await plans()).toEqual([]);

    // The nurse signs in again: her plan is sent under her own session, and the service records her as its actor.
    await signInOn(tablet, 'nurse', newPassword);
    await tablet.goto(`${service.api.origin}/app/#/findings/${finding.id}`);
    await tablet.waitForSelector('.adm-card-header >> text=整改中');
    expect(await plans()).toEqual([expect.objectContaining({ actorId: nurse.id })]);
    expect((await service.api.expectOk('GET', `/findings/${finding.id}`, hospital.staff.token)).measures).toBe('每班交接时检查门锁 checked at every handover');
    await tablet.click('.tabs >> text=待发送');
    await tablet.waitForSelector('text=1 项由旧版本保存');
    expect(await tablet.$$('[data-outbox-item]')).toHaveLength(0);
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  it("shows the department a problem list's findings (source, light, receipt, whether it is theirs) and signs for one offline; the lead office records a failed follow-up check with a photo offline", async () => {
    /** A date so many days after the hospital's today (TIME_ZONE), as its dates are counted. */
    const inDays = (days: number) => DateTime.now().setZone('Asia/Shanghai').plus({ days }).toISODate()!;
    const findingAs = async (token: string, id: string) => service.api.expectOk('GET', `/findings/${id}`, token);
    const lastEntry = async (id: string) => (await service.api.expectOk('GET', `/findings/${id}/audit?limit=100`, hospital.verifier.token)).items.at(-1);
    // The lead office registers findings from its lists for the ward, naming the ward's contact answerable for them.
    const register = (title: string, source: string, deadline?: string) =>
      service.api.expectOk('POST', '/findings', hospital.verifier.token, {
        source, roundType: 'administrative', title, description: 'from the office list', severity: 'major', responsibleDepartmentId: hospital.ward, responsiblePersonId: hospital.staff.id, deadline,
      });
    const complaint = await register('夜间呼叫铃无人应答', 'complaint', inDays(2));
    const selfInspection = await register('病历书写不及时', 'superior_inspection');
    // Due within DUE_SOON_DAYS: the scheduler turns its light yellow within a second or two.
    for (let wait = 0; (await findingAs(hospital.staff.token, complaint.id)).light !== 'yellow'; wait++) {
      if (wait > 50) throw new Error('the due-soon finding never turned yellow');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    // The ward's contact, on a portrait tablet in Chinese: each finding's source, light (in words, not colour alone) and receipt.
    const staff = await signIn('staff', PORTRAIT);
    const row = (title: string) => staff.page.locator('.adm-list-item', { hasText: title });
    await row(complaint.title).waitFor();
    const complaintRow = await row(complaint.title).textContent();
    for (const shown of ['投诉举报', '黄灯', '签收: 待签收', `签收期限 ${complaint.receipt.due.slice(0, 10)}`, '您是责任人']) expect(complaintRow).toContain(shown);
    expect(await row(complaint.title).locator('[data-light]').getAttribute('data-light')).toBe('yellow');
    expect(await row(selfInspection.title).textContent()).toContain('上级检查/巡察');
    expect(await row(selfInspection.title).locator('[data-light]').textContent()).toBe('绿灯');
    await shot(staff.page, '13-department-problem-list');
    await expectAccessible(staff.page);

    // In a basement with no signal she signs for the complaint (签收): it waits on the tablet, then goes when the network returns.
    await row(complaint.title).click();
    await staff.page.waitForSelector('button >> text="签收"');
    await staff.context.setOffline(true);
    await staff.page.click('button >> text="签收"');
    await staff.page.click('.adm-popup-body:visible button[type=submit]');
    await staff.page.waitForSelector('.adm-notice-bar >> text=待发送: 签收');
    await staff.page.waitForSelector('text=已保存在本设备');
    await staff.page.waitForSelector('text=已保存在本设备', { state: 'detached' });
    await shot(staff.page, '14-acknowledge-offline');
    await expectAccessible(staff.page);
    expect((await findingAs(hospital.staff.token, complaint.id)).receipt.state).toBe('unacknowledged');
    await staff.context.setOffline(false);
    await staff.page.waitForSelector('.adm-notice-bar >> text=待发送', { state: 'detached' });
    // Playwright brings the page back online a moment before its service worker, whose network-first read of the
    // finding just after the sync may then answer from its cache: the page is read again to show the server's state.
    await staff.page.reload();
    await staff.page.waitForSelector('text=签收: 已签收');
    const signed = await findingAs(hospital.staff.token, complaint.id);
    expect(signed).toMatchObject({ state: 'assigned', receipt: { state: 'acknowledged' } });
    expect(signed.receipt.acknowledgedAt).not.toBeNull();
    expect(await lastEntry(complaint.id)).toMatchObject({ event: 'ACKNOWLEDGE', actorId: hospital.staff.id });
    expect(await staff.page.$$('button >> text="签收"')).toHaveLength(0);
    await staff.context.close();

    // A finding rectified and accepted a while ago: closing it scheduled its follow-up check (FOLLOW_UP_DAYS, major 60).
    const checked = await register('医疗废物未分类', 'supervision');
    const send = (token: string, event: object) => service.api.expectOk('POST', `/findings/${checked.id}/events`, token, event);
    await send(hospital.staff.token, { type: 'SUBMIT_PLAN', measures: '分类培训 sorting training', committedDate: inDays(5) });
    await send(hospital.staff.token, { type: 'SUBMIT_EVIDENCE', note: '已分类 sorted' });
    await send(hospital.verifier.token, { type: 'VERIFY_ACCEPT' });
    const closed = await findingAs(hospital.verifier.token, checked.id);
    expect(closed).toMatchObject({ state: 'closed', followUp: { dueOn: inDays(60), scheduledBy: 'system' }, relapses: 0 });

    // The lead office brings the check forward to today; the verifier, on a phone in English, finds it in the queue of due checks.
    await send(hospital.verifier.token, { type: 'SCHEDULE_FOLLOW_UP', dueOn: inDays(0) });
    const verifier = await signIn('verifier', PHONE);
    await verifier.page.click('.tabs >> text=我的');
    await verifier.page.click('text=English');
    await verifier.page.click('.tabs >> text=Follow-up checks');
    await verifier.page.waitForSelector(`.adm-list-item >> text=Follow-up check due ${inDays(0)}`);
    await shot(verifier.page, '15-phone-follow-up-queue');
    await expectAccessible(verifier.page);
    await verifier.page.click(`text=${checked.title}`);
    await verifier.page.waitForSelector('button >> text=Follow-up check passed');

    // The waste is found unsorted again, on a ward with no network: failed, with the reason, a new deadline and a photo.
    await verifier.context.setOffline(true);
    await verifier.page.click('button >> text=Follow-up check failed');
    await verifier.page.fill('#event_reason', '复查仍未分类 still unsorted');
    await verifier.page.fill('#event_deadline', inDays(10));
    await attachPhoto(verifier.page, 'event-files');
    await shot(verifier.page, '16-phone-follow-up-failed');
    await expectAccessible(verifier.page);
    await verifier.page.click('.adm-popup-body:visible button[type=submit]');
    await verifier.page.waitForSelector('.adm-notice-bar >> text=Waiting to send: Follow-up check failed');
    expect((await findingAs(hospital.verifier.token, checked.id)).state).toBe('closed');

    // Back online: sent once, with its photo, and the finding is back with the ward to rectify, a relapse counted.
    await verifier.context.setOffline(false);
    await verifier.page.waitForSelector('.adm-card-header >> text="Rectifying"');
    await verifier.page.waitForSelector('text=Relapsed 1×');
    const relapsed = await findingAs(hospital.verifier.token, checked.id);
    expect(relapsed).toMatchObject({ state: 'rectifying', relapses: 1, followUp: null });
    expect(relapsed.deadline.slice(0, 10)).toBe(inDays(10));
    const failedCheck = await lastEntry(checked.id);
    expect(failedCheck).toMatchObject({ event: 'FOLLOW_UP_FAILED', actorId: hospital.verifier.id, payload: { reason: '复查仍未分类 still unsorted' } });
    expect(failedCheck.payload.attachments).toHaveLength(1);
    expect(failedCheck.payload.attachments[0].effectiveDate).toBe('2026-11-20');
    await verifier.context.close();
    expect(pageErrors).toEqual([]);
  });
});
