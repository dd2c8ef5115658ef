import { INBOX_NOTICE_TYPES } from '../workflows';
import { Hospital, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

const EVERYTHING = [...INBOX_NOTICE_TYPES];
const MANDATORY = ['overdue', 'receipt_late', 'escalated', 'receipt_escalated'];
const DEFAULTS = { channels: { email: EVERYTHING, wecom: EVERYTHING, dingtalk: EVERYTHING }, quietHours: null };

/**
 * Each person's choice (GET and PUT /me/notification-settings): the notice types each channel
 * carries to them, everything until they choose, a deadline passing and escalations always; and
 * quiet hours, read in TIME_ZONE, that delay notices and drop none.
 */
describe(`notification settings (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const get = (token: string) => t.http.get('/me/notification-settings').set(bearer(token));
  const put = (token: string, body: unknown) => t.http.put('/me/notification-settings').set(bearer(token)).send(body as object);
  const rows = async () => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM "notification_settings"'))[0].n);
  const fields = (response: { body: { details?: { field: string }[] } }) => (response.body.details ?? []).map((problem) => problem.field);

  /** Wants the deadline's reminders and the mandatory types by e-mail, announcements on DingTalk, nothing else but the mandatory. */
  const CHOSEN = {
    channels: { email: ['due_soon', ...MANDATORY], wecom: [...MANDATORY], dingtalk: ['announcement', ...MANDATORY] },
    quietHours: { start: '22:00', end: '07:00' },
  };

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
  });

  afterAll(() => t.close());

  it('answers everything on every channel and no quiet hours to a person who chose nothing, writing nothing', async () => {
    expect((await get(h.users.cardiologyStaff.token).expect(200)).body).toEqual(DEFAULTS);
    expect(await rows()).toBe(0);
  });

  it('keeps what a person chose, their own only; answers each channel in the types’ order', async () => {
    const shuffled = { ...CHOSEN, channels: { ...CHOSEN.channels, email: [...CHOSEN.channels.email].reverse() } };
    const inOrder = (types: string[]) => EVERYTHING.filter((type) => types.includes(type));
    const expected = { ...CHOSEN, channels: { email: inOrder(CHOSEN.channels.email), wecom: inOrder(CHOSEN.channels.wecom), dingtalk: inOrder(CHOSEN.channels.dingtalk) } };
    expect((await put(h.users.cardiologyStaff.token, shuffled).expect(200)).body).toEqual(expected);
    expect((await get(h.users.cardiologyStaff.token).expect(200)).body).toEqual(expected);
    expect((await get(h.users.surgeryStaff.token).expect(200)).body).toEqual(DEFAULTS);

    // A PUT replaces the whole: quiet hours gone, everything back on.
    expect((await put(h.users.cardiologyStaff.token, DEFAULTS).expect(200)).body).toEqual(DEFAULTS);
    expect((await get(h.users.cardiologyStaff.token).expect(200)).body).toEqual(DEFAULTS);
    expect(await rows()).toBe(1);
    await put(h.users.cardiologyStaff.token, { ...CHOSEN, quietHours: { start: '12:30', end: '14:00' } }).expect(200);
    expect((await get(h.users.cardiologyStaff.token).expect(200)).body.quietHours).toEqual({ start: '12:30', end: '14:00' });
  });

  it('refuses to switch off a deadline passing or an escalation on any channel, naming the channel and why, writing nothing', async () => {
    const before = (await get(h.users.lead.token).expect(200)).body;
    for (const type of MANDATORY) {
      for (const channel of ['email', 'wecom', 'dingtalk'] as const) {
        const body = { ...CHOSEN, channels: { ...CHOSEN.channels, [channel]: CHOSEN.channels[channel].filter((wanted) => wanted !== type) } };
        const response = await put(h.users.lead.token, body).expect(400);
        expect(response.body.details).toEqual([{ field: `channels.${channel}`, reason: expect.stringContaining('a deadline passing and escalations cannot be switched off') }]);
        expect(response.body.message).toContain(`channels.${channel} must include overdue, receipt_late, escalated, receipt_escalated`);
      }
    }
    const nothing = await put(h.users.lead.token, { channels: { email: [], wecom: [], dingtalk: [] }, quietHours: null }).expect(400);
    expect(fields(nothing)).toEqual(['channels.email', 'channels.wecom', 'channels.dingtalk']);
    expect((await get(h.users.lead.token).expect(200)).body).toEqual(before);
  });

  it('refuses malformed settings with 400 naming the field: unknown channels and types, bad or equal times, a partial body', async () => {
    const refused: [unknown, string][] = [
      [{ ...CHOSEN, channels: { ...CHOSEN.channels, sms: EVERYTHING } }, 'channels.sms'],
      [{ ...CHOSEN, channels: { ...CHOSEN.channels, inbox: EVERYTHING } }, 'channels.inbox'],
      [{ ...CHOSEN, channels: { email: EVERYTHING, wecom: EVERYTHING } }, 'channels.dingtalk'],
      [{ ...CHOSEN, channels: { ...CHOSEN.channels, email: [...EVERYTHING, 'gossip'] } }, 'channels.email'],
      [{ ...CHOSEN, channels: { ...CHOSEN.channels, email: [...EVERYTHING, 'overdue'] } }, 'channels.email'],
      [{ ...CHOSEN, channels: { ...CHOSEN.channels, wecom: 'all' } }, 'channels.wecom'],
      [{ ...CHOSEN, channels: [] }, 'channels'],
      [{ quietHours: null }, 'channels'],
      [{ channels: CHOSEN.channels }, 'quietHours'],
      [{ ...CHOSEN, quietHours: '22:00-07:00' }, 'quietHours'],
      [{ ...CHOSEN, quietHours: { start: '22:00' } }, 'quietHours.end'],
      [{ ...CHOSEN, quietHours: { start: '24:00', end: '07:00' } }, 'quietHours.start'],
      [{ ...CHOSEN, quietHours: { start: '22:00', end: '7:00' } }, 'quietHours.end'],
      [{ ...CHOSEN, quietHours: { start: '22:00', end: '07:60' } }, 'quietHours.end'],
      [{ ...CHOSEN, quietHours: { start: '22:00', end: '07:00:00' } }, 'quietHours.end'],
      [{ ...CHOSEN, quietHours: { start: 2200, end: '07:00' } }, 'quietHours.start'],
      [{ ...CHOSEN, quietHours: { start: '<b>22:00</b>', end: '07:00' } }, 'quietHours.start'],
      [{ ...CHOSEN, quietHours: { start: '07:00', end: '07:00' } }, 'quietHours.end'],
      [{ ...CHOSEN, quietHours: { ...CHOSEN.quietHours, zone: 'UTC' } }, 'quietHours.zone'],
      [{ ...CHOSEN, timeZone: 'UTC' }, 'timeZone'],
    ];
    for (const [body, field] of refused) {
      const response = await put(h.users.inspector.token, body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect({ body, fields: fields(response) }).toEqual({ body, fields: expect.arrayContaining([field]) });
    }
    expect((await get(h.users.inspector.token).expect(200)).body).toEqual(DEFAULTS);
    // One reason a field, the one that says what to do.
    const partial = await put(h.users.inspector.token, { ...CHOSEN, channels: { email: EVERYTHING } }).expect(400);
    expect(partial.body.details).toEqual([
      { field: 'channels.wecom', reason: 'is required: a PUT gives the settings whole' },
      { field: 'channels.dingtalk', reason: 'is required: a PUT gives the settings whole' },
    ]);
    const unknown = await put(h.users.inspector.token, { ...CHOSEN, channels: { ...CHOSEN.channels, email: [...EVERYTHING, 'gossip'] } }).expect(400);
    expect(unknown.body.details).toEqual([{ field: 'channels.email', reason: expect.stringMatching(/^names "gossip", which is none of assigned, /) }]);
  });

  it('is a person’s own: a tablet has none, and nobody reads another’s', async () => {
    const tablet = (await t.http.post('/devices').set(bearer(h.users.admin.token)).send({ name: 'Ward tablet', userId: h.users.inspector.id }).expect(201)).body.token as string;
    await get(tablet).expect(403);
    await put(tablet, CHOSEN).expect(403);
    // The route takes no one's id: an administrator reads their own settings.
    expect((await get(h.users.admin.token).expect(200)).body).toEqual(DEFAULTS);
    await t.http.get(`/me/notification-settings/${h.users.cardiologyStaff.id}`).set(bearer(h.users.admin.token)).expect(404);
  });
});
