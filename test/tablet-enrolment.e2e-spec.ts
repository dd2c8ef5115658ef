/**
 * A ward's tablet enrolled by its QR code, in a real browser (Debian's Chromium through playwright-core)
 * against the built service: the enrolment link opened by the tablet's camera app, the code read by the
 * app's own scanner from a camera (Chromium's fake camera playing a picture of the code), the token typed
 * in; the tablet's work going out through the outbox as its inspector; a revoked token sending the tablet
 * back to sign-in, saying why; and unenrolling. Needs `npm run build`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { PASSWORD, RunningService, seedHospital, startService, startedRound } from '../bench/service';
import { launchChromium } from './support/chromium';
import { expectAccessible, writeQrVideo } from './support/tablet-browser';

const SHOTS = join(__dirname, '..', 'test-artifacts', 'screenshots');
const TABLET = { width: 1024, height: 768 };

describe('enrolling a tablet', () => {
  let service: RunningService;
  let browser: Browser;
  let hospital: Awaited<ReturnType<typeof seedHospital>>;
  let admin: string;
  const browsers: Browser[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    service = await startService(2);
    hospital = await seedHospital(service.api);
    admin = (await service.api.expectOk('POST', '/auth/login', null, { username: 'admin', password: PASSWORD })).accessToken;
    browser = await launchChromium();
    browsers.push(browser);
  });

  afterAll(async () => {
    for (const opened of browsers) await opened.close();
    await service?.stop();
  });

  /** A tablet the administrator registers to act as the inspector, as the console does. */
  const registered = async (name: string): Promise<{ id: string; token: string }> =>
    service.api.expectOk('POST', '/devices', admin, { name, userId: hospital.inspector.id });
  const enrolmentLink = (token: string) => `${service.api.origin}/app/#enrol=${token}`;

  async function device(name: string, on = browser): Promise<{ context: BrowserContext; page: Page }> {
    const context = await on.newContext({ viewport: TABLET, locale: 'zh-CN', hasTouch: true });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.stack}`));
    return { context, page };
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
  const heldSession = (page: Page) =>
    page.evaluate(
      () =>
        new Promise<unknown>((resolve, reject) => {
          const open = indexedDB.open('triple-round');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const read = open.result.transaction('session').objectStore('session').get('current');
            read.onsuccess = () => (open.result.close(), resolve(read.result ?? null));
          };
        }),
    );

  it("enrols from the link the tablet's camera opens, works as its inspector through the outbox, and goes back to sign-in, saying why, once revoked", async () => {
    const roundId = await startedRound(service.api, hospital);
    const tablet = await registered('心内科查房平板');
    const { context, page } = await device('link');
    await page.goto(enrolmentLink(tablet.token));
    // Nothing is enrolled until someone says yes to whose tablet the link makes the device.
    await page.waitForSelector('.adm-dialog >> text=将本设备登记为 inspector 的检查平板');
    expect(await heldSession(page)).toBeNull();
    await page.click('.adm-dialog button >> text=登记');
    await page.waitForSelector('.tabs');

    // The token left the address at once; the app holds it as its session, acting as the inspector.
    expect(page.url()).not.toContain('enrol');
    expect(await page.evaluate(() => location.href)).not.toContain(tablet.token);
    expect(await heldSession(page)).toMatchObject({ deviceToken: tablet.token, user: { id: hospital.inspector.id } });
    await page.waitForSelector('.acting-as >> text=代表 inspector 进行检查');

    // The inspector's rounds, and a finding logged with no network, sent through the outbox once it returns.
    await page.click('.adm-list-item');
    await page.waitForSelector('button >> text=记录问题');
    await shot(page, 'app-enrolled-round');
    await expectAccessible(page);
    await context.setOffline(true);
    await page.click('button >> text=记录问题');
    await page.fill('#finding-title', '护士站药柜未上锁');
    await page.fill('#finding-description', 'Drug cabinet left unlocked');
    await page.click('.adm-popup-body:visible >> text="一般"');
    await page.click('.adm-popup-body:visible button[type=submit]');
    await page.click('.tabs >> text=待发送');
    await page.waitForSelector('[data-outbox-item]');
    await context.setOffline(false);
    await page.waitForSelector('text=没有待发送的内容');
    const findings = (await service.api.expectOk('GET', `/findings?roundId=${roundId}&limit=100`, hospital.lead.token)).items as { id: string; title: string }[];
    const logged = findings.find((finding) => finding.title === '护士站药柜未上锁')!;
    const trail = await service.api.expectOk('GET', `/findings/${logged.id}/audit?limit=100`, hospital.lead.token);
    expect(trail.items[0]).toMatchObject({ actorId: hospital.inspector.id });

    // Me shows the tablet and whom it acts as.
    await page.click('.tabs >> text=我的');
    await page.waitForSelector('.enrolled-tablet >> text=已登记的平板');
    await expectAccessible(page);

    // The administrator revokes the tablet: the next time the app opens, it is back at sign-in, saying why.
    const revoked = await fetch(`${service.api.origin}/devices/${tablet.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
    expect(revoked.ok).toBe(true);
    await page.reload();
    await page.waitForSelector('.ended-notice >> text=本平板的令牌被拒绝');
    await page.waitForSelector('#username');
    expect(await heldSession(page)).toBeNull();
    await shot(page, 'app-enrolment-refused');
    await expectAccessible(page);

    // Opened again, the app no longer knows the tablet. Its link, handed to the open app, enrols nothing, and says so.
    await page.reload();
    await page.waitForSelector('#username');
    expect(await page.$$('.ended-notice')).toHaveLength(0);
    await page.goto(enrolmentLink(tablet.token));
    await page.waitForSelector('.ended-notice >> text=本平板的令牌被拒绝');
    expect(page.url()).not.toContain('enrol');
    expect(await heldSession(page)).toBeNull();
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  it("enrols from the QR code read by the app's scanner with the tablet's camera", async () => {
    const tablet = await registered('外科查房平板');
    const video = join(SHOTS, '..', 'enrolment-qr.y4m');
    writeQrVideo(video, enrolmentLink(tablet.token));
    const withCamera = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
    browsers.push(withCamera);
    const { context, page } = await device('scan', withCamera);
    await context.grantPermissions(['camera'], { origin: service.api.origin });
    await page.goto(`${service.api.origin}/app/`);
    await page.click('button >> text=登记本平板');
    await page.waitForSelector('#enrol-heading');
    await shot(page, 'app-enrol');
    await expectAccessible(page);
    await page.click('button >> text=用相机扫描二维码');
    await page.waitForSelector('.tabs');
    expect(await heldSession(page)).toMatchObject({ deviceToken: tablet.token, user: { id: hospital.inspector.id } });
    await page.waitForSelector('.acting-as >> text=代表 inspector 进行检查');
    // The camera is released once the code is read.
    expect(await page.$$('video')).toHaveLength(0);
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  it('asks a signed-in person before a link makes the device a tablet, and keeps their session when they decline', async () => {
    const tablet = await registered('病区平板');
    const { context, page } = await device('declined');
    await page.goto(`${service.api.origin}/app/`);
    await page.fill('#username', 'staff');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('.tabs');
    // A link someone sent: it names the tablet's inspector and says who would be signed out.
    await page.goto(enrolmentLink(tablet.token));
    await page.waitForSelector('.adm-dialog >> text=当前登录的 staff 将被登出');
    expect(page.url()).not.toContain('enrol');
    await page.click('.adm-dialog button >> text=取消');
    await page.waitForSelector('.adm-dialog', { state: 'detached' });
    expect(await heldSession(page)).toMatchObject({ user: { id: hospital.staff.id } });
    expect(await heldSession(page)).not.toHaveProperty('deviceToken');
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  it('enrols from a typed token, refusing what is not one, and unenrols from Me', async () => {
    const tablet = await registered('内科查房平板');
    const { context, page } = await device('typed');
    await page.goto(`${service.api.origin}/app/`);
    await page.click('button >> text=登记本平板');
    await page.fill('#device-token', 'not-a-token');
    await page.click('button.enrol-typed');
    await page.waitForSelector('.ended-notice >> text=这不是平板令牌');
    await page.fill('#device-token', `  ${tablet.token}\n`);
    await page.click('button.enrol-typed');
    await page.waitForSelector('.tabs');
    expect(await heldSession(page)).toMatchObject({ deviceToken: tablet.token });

    // Unenrolled, the device forgets the token; the service still honours it until it is revoked.
    await page.click('.tabs >> text=我的');
    await page.click('button >> text=取消登记');
    await page.click('.adm-dialog button >> text=取消登记');
    await page.waitForSelector('#username');
    // The confirmation fades out, then goes: axe would read its fading text's contrast.
    await page.waitForSelector('.adm-dialog', { state: 'detached' });
    expect(await heldSession(page)).toBeNull();
    expect((await service.api.expectOk('GET', '/me', tablet.token)).id).toBe(hospital.inspector.id);
    await expectAccessible(page);
    await context.close();
    expect(pageErrors).toEqual([]);
  });
});
