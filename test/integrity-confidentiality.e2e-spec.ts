import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { WebhookDispatcher } from '../src/webhooks/webhook-dispatcher';
import { binaryBody, pngWith } from './support/files';
import { describeDtosAsBuilt } from './support/openapi';
import { Flow } from './support/flow';
import { Hospital, TEST_ITEM, seedHospital } from './support/hospital';
import { Receiver } from './support/receiver';
import { PASSWORD, TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

/** Words that exist only in the integrity matter: its findings' titles, descriptions, the result's note and the plan. */
const SECRETS = {
  raisedTitle: '收受回扣 kickback-title-7f3a',
  raisedDescription: 'supplier-paid-dinner-description-91c2',
  note: 'envelope-under-the-desk-note-55e0',
  loggedTitle: '红包 red-envelope-title-c4d8',
  loggedDescription: 'cash-gift-from-family-description-0b6e',
  measures: 'return-the-gift-measures-a1f9',
  evidence: 'gift-returned-evidence-note-3d2b',
  allowance: 'small-office-allowance-reason-e77c',
  interview: 'admonished-over-the-gift-interview-8b1d',
  typicalCase: 'a-lesson-for-every-ward-typical-case-4c6a',
};

type Identity = { id: string; token: string };

/**
 * An integrity matter seen from outside it. The matter: a joint round (administrative + integrity)
 * visits cardiology; its integrity part raises a finding from a failed item and logs another, both
 * naming logistics responsible, which plans a fix. Inside are the discipline office, the integrity
 * lead office, the integrity part's lead and team, and logistics. Everyone else walks every read
 * route of the service's own OpenAPI document, with every export format, and finds none of it.
 */
describe(`integrity work behind every door (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let receiver: Receiver;
  let roundId: string;
  let findingIds: string[];
  let attachmentId: string;
  let interviewId: string;
  let roundPlanId: string;
  let partyBranchId: string;
  let announcementId: string;
  let exportId: string;
  let verificationId: string;
  let endpointIds: string[];
  let month: string;
  const outside: Record<string, Identity> = {};
  const inside: Record<string, Identity> = {};
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  async function newUser(username: string, roles: string[], departmentId?: string): Promise<Identity> {
    const body = { username, password: PASSWORD, displayName: username, roles, departmentId };
    const { id } = (await t.http.post('/users').set(bearer(h.users.admin.token)).send(body).expect(201)).body;
    return { id, token: await t.login(username) };
  }

  beforeAll(async () => {
    receiver = await new Receiver().start();
    // Every query parameter in the document, as the built service describes it, so the walk fills them all.
    await describeDtosAsBuilt();
    t = await startApp({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    h = await seedHospital(t);
    flow = new Flow(t, h);
    const today = DateTime.now().setZone('Asia/Shanghai');
    month = today.toFormat('yyyy-MM');

    const logisticsStaff = await newUser('logi-staff', ['department_staff'], h.departments.logistics);
    const administrativeMember = await newUser('adm-member', ['inspector']);
    Object.assign(inside, { discipline: h.users.discipline, integrityLead: h.users.lead, integrityMember: h.users.inspector, logisticsStaff });
    Object.assign(outside, {
      admin: h.users.admin,
      visitedDepartment: h.users.cardiologyStaff,
      otherDepartment: h.users.surgeryStaff,
      administrativeVerifier: h.users.adminVerifier,
      partyVerifier: h.users.partyVerifier,
      inspectorNotOnTheRound: await newUser('other-inspector', ['inspector']),
      otherPartLead: h.users.otherLead,
      otherPartMember: administrativeMember,
      leadership: await newUser('hospital-leader', ['leadership']),
    });

    // Endpoints an administrator might register: one for everything, one per department, and the discipline office's own.
    const register = async (path: string, extra: object = {}) =>
      (await t.http.post('/webhooks').set(bearer(h.users.admin.token)).send({ url: receiver.url(path), secret: 'a-webhook-secret-0123456789', ...extra }).expect(201)).body.id as string;
    endpointIds = [
      await register('/all'),
      await register('/cardiology', { departmentId: h.departments.cardiology }),
      await register('/logistics', { role: 'department_staff', departmentId: h.departments.logistics }),
    ];
    await t.http.put(`/webhooks/${endpointIds[2]}/integrity`).set(bearer(h.users.discipline.token)).send({ marked: true }).expect(200);

    const plan = {
      types: ['administrative', 'integrity'],
      departmentId: h.departments.cardiology,
      scheduledFor: today.toISODate(),
      leadId: h.users.lead.id,
      teamMemberIds: [],
      parts: [
        { type: 'administrative', leadId: h.users.otherLead.id, teamMemberIds: [administrativeMember.id] },
        { type: 'integrity', leadId: h.users.lead.id, teamMemberIds: [h.users.inspector.id] },
      ],
    };
    roundId = (await t.http.post('/rounds').set(bearer(h.users.lead.token)).send(plan).expect(201)).body.id;
    await t.http.post(`/rounds/${roundId}/events`).set(bearer(h.users.lead.token)).send({ type: 'START' }).expect(200);
    await t.http.put(`/rounds/${roundId}/results/${TEST_ITEM}`).set(bearer(administrativeMember.token)).send({ result: 'pass', roundType: 'administrative' }).expect(200);
    attachmentId = (await flow.upload('inspector')).id;
    const raise = { title: SECRETS.raisedTitle, description: SECRETS.raisedDescription, responsibleDepartmentId: h.departments.logistics, attachmentIds: [attachmentId] };
    const failed = { result: 'fail', roundType: 'integrity', note: SECRETS.note, raiseFinding: raise };
    await t.http.put(`/rounds/${roundId}/results/${TEST_ITEM}`).set(bearer(h.users.inspector.token)).send(failed).expect(200);
    const logged = { roundType: 'integrity', title: SECRETS.loggedTitle, description: SECRETS.loggedDescription, severity: 'major', responsibleDepartmentId: h.departments.logistics };
    await t.http.post(`/rounds/${roundId}/findings`).set(bearer(h.users.inspector.token)).send(logged).expect(201);
    await t.http.post(`/rounds/${roundId}/events`).set(bearer(h.users.lead.token)).send({ type: 'SUBMIT', roundType: 'integrity' }).expect(200);
    await t.http.post(`/rounds/${roundId}/events`).set(bearer(h.users.otherLead.token)).send({ type: 'SUBMIT', roundType: 'administrative' }).expect(200);

    findingIds = (await t.http.get(`/findings?roundId=${roundId}`).set(bearer(h.users.discipline.token)).expect(200)).body.items.map((f: { id: string }) => f.id);
    const plans = { type: 'SUBMIT_PLAN', measures: SECRETS.measures, committedDate: today.plus({ days: 7 }).toISODate() };
    for (const id of findingIds) await t.http.post(`/findings/${id}/events`).set(bearer(logisticsStaff.token)).send(plans).expect(200);
    // One is fixed and accepted; the discipline office is small, so another of it allows the acceptor the closure audit.
    const receipt = (await t.http.post('/attachments').set(bearer(logisticsStaff.token)).attach('file', await pngWith('receipt'), 'receipt.png').expect(201)).body.id;
    const evidence = { type: 'SUBMIT_EVIDENCE', note: SECRETS.evidence, attachmentIds: [receipt] };
    await t.http.post(`/findings/${findingIds[0]}/events`).set(bearer(logisticsStaff.token)).send(evidence).expect(200);
    await t.http.post(`/findings/${findingIds[0]}/events`).set(bearer(h.users.discipline.token)).send({ type: 'VERIFY_ACCEPT' }).expect(200);
    await t.http.post(`/findings/${findingIds[0]}/events`).set(bearer(h.users.auditor.token)).send({ type: 'ALLOW_SELF_AUDIT', reason: SECRETS.allowance }).expect(200);
    // Closed, so a follow-up check is scheduled; and the department's head is admonished about both.
    await t.http.post(`/findings/${findingIds[0]}/events`).set(bearer(h.users.discipline.token)).send({ type: 'AUDIT_APPROVE' }).expect(200);
    const interview = { departmentId: h.departments.logistics, personId: logisticsStaff.id, findingIds, heldOn: today.toISODate(), summary: SECRETS.interview };
    // A recurring integrity plan, far enough ahead that it plans no round yet: the plan itself tells whom the office will visit.
    const recurring = { types: ['integrity'], departmentIds: [h.departments.cardiology], rule: 'FREQ=MONTHLY;BYMONTHDAY=1', leadId: h.users.lead.id, teamMemberIds: [h.users.inspector.id], startsOn: '2030-01-01' };
    roundPlanId = (await t.http.post('/round-plans').set(bearer(h.users.lead.token)).send(recurring).expect(201)).body.id;
    interviewId = (await t.http.post('/interviews').set(bearer(h.users.discipline.token)).send(interview).expect(201)).body.id;
    await t.http.put(`/findings/${findingIds[0]}/typical-case`).set(bearer(h.users.discipline.token)).send({ reason: SECRETS.typicalCase }).expect(200);
    // The department holding the integrity work is in a Party branch, so the branch's own routes are walked too.
    partyBranchId = (await t.http.post('/party-branches').set(bearer(h.users.admin.token)).send({ code: 'PB-LOGI', name: 'logistics branch' }).expect(201)).body.id;
    await t.http.patch(`/departments/${h.departments.logistics}`).set(bearer(h.users.admin.token)).send({ partyBranchId }).expect(200);
    // An announcement to the department holding the integrity work: the office's reminder is no integrity matter.
    const reminder = { title: 'reminder', body: 'be honest', audience: { departmentIds: [h.departments.logistics] }, publishAt: '2030-01-01T00:00:00Z' };
    announcementId = (await t.http.post('/announcements').set(bearer(h.users.discipline.token)).send(reminder).expect(201)).body.id;
    await t.app.get(WebhookDispatcher).deliverDue();
    // The office's own jobs: an export holding the integrity findings, and a verification. Each is its asker's alone.
    exportId = (await t.http.post('/reports/exports').set(bearer(h.users.discipline.token)).send({ format: 'xlsx' }).expect(202)).body.id;
    verificationId = (await t.http.post('/audit/verifications').set(bearer(h.users.discipline.token)).send({}).expect(202)).body.id;
  });

  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  /** Every concrete GET the caller could make: each path with each id it takes, each format and the month. */
  async function readRequests(): Promise<string[]> {
    type Parameter = { name: string; in: string; schema?: { enum?: string[] } };
    const document = (await t.http.get('/docs/openapi.json').expect(200)).body as { paths: Record<string, { get?: { parameters?: Parameter[] } }> };
    const checklistIds = (await t.http.get('/checklists').set(bearer(h.users.admin.token)).expect(200)).body.map((c: { id: string }) => c.id);
    const workflowIds = (await t.http.get('/workflows').set(bearer(h.users.admin.token)).expect(200)).body.map((w: { id: string }) => w.id);
    const idsFor = (path: string): string[] => {
      if (path.startsWith('/rounds/')) return [roundId];
      if (path.startsWith('/findings/')) return findingIds;
      if (path.startsWith('/attachments/')) return [attachmentId];
      if (path.startsWith('/checklists/')) return checklistIds;
      if (path.startsWith('/workflows/')) return workflowIds;
      if (path.startsWith('/webhooks/')) return endpointIds;
      if (path.startsWith('/interviews/')) return [interviewId];
      if (path.startsWith('/round-plans/')) return [roundPlanId];
      if (path.startsWith('/party-branches/')) return [partyBranchId];
      if (path.startsWith('/announcements/')) return [announcementId];
      if (path.startsWith('/reports/exports/')) return [exportId];
      if (path.startsWith('/audit/verifications/')) return [verificationId];
      throw new Error(`no ids known for ${path}`);
    };
    const requests: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      if (!operations.get) continue;
      const query = (operations.get.parameters ?? []).filter((p) => p.in === 'query');
      const base = new URLSearchParams();
      if (query.some((p) => p.name === 'limit')) base.set('limit', '500');
      // A route taking a month or a year is asked for each; coverage takes the month within its year, as MM.
      const takes = (name: string) => query.some((p) => p.name === name);
      const periods: Record<string, string>[] =
        path === '/reports/coverage'
          ? [{ year: month.slice(0, 4), month: month.slice(5) }]
          : [...(takes('month') ? [{ month }] : []), ...(takes('year') ? [{ year: month.slice(0, 4) }] : [])];
      const formats = query.find((p) => p.name === 'format')?.schema?.enum ?? [undefined];
      const urls = path.includes('{id}') ? idsFor(path).map((id) => path.replace('{id}', id)) : [path];
      for (const url of urls) {
        for (const period of periods.length > 0 ? periods : [{}]) {
          for (const format of formats) {
            const search = new URLSearchParams(base);
            for (const [name, value] of Object.entries(period)) search.set(name, value);
            if (format) search.set('format', format);
            requests.push(`${url}${search.size > 0 ? `?${search}` : ''}`);
          }
        }
      }
    }
    return requests;
  }

  /** The answer as text a person could read: a workbook's every cell, anything else as sent. */
  async function readable(response: { headers: Record<string, string>; body: unknown; text?: string }): Promise<string> {
    if (String(response.headers['content-type']).includes('spreadsheetml')) {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.body as never);
      const cells: string[] = [];
      workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => cells.push(cell.text))));
      return cells.join('\n');
    }
    return Buffer.isBuffer(response.body) ? response.body.toString('utf8') : (response.text ?? JSON.stringify(response.body));
  }

  it('is in place: the matter exists, and those inside it read it', async () => {
    expect(findingIds).toHaveLength(2);
    for (const identity of Object.values(inside)) {
      const titles = await Promise.all(findingIds.map(async (id) => (await t.http.get(`/findings/${id}`).set(bearer(identity.token)).expect(200)).body.title));
      expect(titles.sort()).toEqual([SECRETS.loggedTitle, SECRETS.raisedTitle].sort());
    }
    const trail = (await t.http.get(`/rounds/${roundId}/audit?limit=500`).set(bearer(h.users.discipline.token)).expect(200)).body.items;
    expect(JSON.stringify(trail)).toContain(SECRETS.note);
    const followUps = (await t.http.get('/follow-ups').set(bearer(h.users.discipline.token)).expect(200)).body.items;
    expect(followUps.map((f: { id: string }) => f.id)).toEqual([findingIds[0]]);
    expect((await t.http.get(`/interviews/${interviewId}`).set(bearer(h.users.discipline.token)).expect(200)).body.summary).toBe(SECRETS.interview);
    const typicalCases = (await t.http.get(`/typical-cases?year=${month.slice(0, 4)}`).set(bearer(h.users.discipline.token)).expect(200)).body.items;
    expect(typicalCases.map((c: { reason: string }) => c.reason)).toEqual([SECRETS.typicalCase]);
    expect(receiver.bodies('/logistics').length).toBeGreaterThan(0);
  });

  it('shows none of it to anyone outside, on any read route or export', async () => {
    const requests = await readRequests();
    expect(requests.length).toBeGreaterThan(40);
    const leaks: string[] = [];
    const answered: string[] = [];
    for (const [who, identity] of Object.entries(outside)) {
      for (const url of requests) {
        const response = await t.http.get(url).set(bearer(identity.token)).buffer(true).parse(binaryBody);
        expect(response.status).toBeLessThan(500);
        if (response.status !== 200) continue;
        answered.push(`${who} ${url}`);
        const text = await readable(response as never);
        for (const [name, secret] of Object.entries(SECRETS)) if (text.includes(secret)) leaks.push(`${who} GET ${url}: ${name}`);
      }
    }
    expect(leaks).toEqual([]);
    // The walk reached the reports and exports, not only their refusals.
    const year = month.slice(0, 4);
    for (const read of [`/reports/notice?month=${month}&format=html`, `/reports/notice?month=${month}&format=json`, `/reports/monthly?month=${month}&format=xlsx`, `/reports/coverage?year=${month.slice(0, 4)}&month=${month.slice(5)}&format=xlsx`, '/reports/ledger?limit=500&format=csv', '/reports/ledger?limit=500&format=xlsx', `/assessments?month=${month}`, `/assessments?year=${year}`, `/reports/notice?year=${year}&format=html`, `/reports/notice?year=${year}&format=json`, `/reports/annual?year=${year}&format=xlsx`, `/typical-cases?limit=500&year=${year}`]) {
      for (const who of ['admin', 'leadership']) expect(answered).toContain(`${who} ${read}`);
    }
    expect(answered.length).toBeGreaterThan(100);
  });

  it('leaves the visited department and the other part the round, with the integrity part withheld', async () => {
    for (const who of ['visitedDepartment', 'otherPartLead', 'otherPartMember']) {
      const round = (await t.http.get(`/rounds/${roundId}`).set(bearer(outside[who].token)).expect(200)).body;
      expect(round).toMatchObject({ score: 100, vetoed: false, findingsLogged: null });
      expect(round.parts.map((p: { type: string; withheld: boolean; score: number | null }) => [p.type, p.withheld, p.score])).toEqual([
        ['administrative', false, 100],
        ['integrity', true, null],
      ]);
      const results = (await t.http.get(`/rounds/${roundId}/results`).set(bearer(outside[who].token)).expect(200)).body;
      expect(results).toMatchObject({ score: 100, vetoed: false });
      expect(results.parts.map((p: { type: string }) => p.type)).toEqual(['administrative']);
      // The integrity part's entries are not in the trail at all: even withheld, they would count its work.
      const trail = (await t.http.get(`/rounds/${roundId}/audit?limit=500`).set(bearer(outside[who].token)).expect(200)).body;
      expect(trail.items.map((e: { event: string; withheld: boolean }) => [e.event, e.withheld])).toEqual([
        ['PLAN', false],
        ['START', false],
        ['RECORD_RESULT', false],
        ['SUBMIT', false],
      ]);
      expect(trail.total).toBe(4);
      // Asking to record what is (or is not) recorded in the integrity part tells nothing: the same refusal either way.
      const probe = (note: string) =>
        t.http.put(`/rounds/${roundId}/results/${TEST_ITEM}`).set(bearer(outside[who].token)).send({ result: 'fail', roundType: 'integrity', note });
      const [right, wrong] = [await probe(SECRETS.note), await probe('a guess')];
      expect(right.status).not.toBe(200);
      expect(right.status).toBe(wrong.status);
    }
    const whole = (await t.http.get(`/rounds/${roundId}`).set(bearer(h.users.discipline.token)).expect(200)).body;
    expect(whole).toMatchObject({ score: 95, findingsLogged: 2 });
    const wholeTrail = (await t.http.get(`/rounds/${roundId}/audit?limit=500`).set(bearer(h.users.discipline.token)).expect(200)).body;
    expect(wholeTrail.total).toBe(7);
  });

  it('counts integrity work only hospital-wide for an administrator: no department carries it', async () => {
    const notice = (await t.http.get(`/reports/notice?month=${month}&format=json`).set(bearer(h.users.admin.token)).expect(200)).body;
    expect(notice.integrityCounts).toMatchObject({ found: 2 });
    expect(notice.found).toBe(0);
    expect(notice.foundByDepartment).toEqual([]);
    // That an exception was made is published; which finding, and why, only to those inside.
    expect(notice.selfAuditAllowances).toEqual([expect.objectContaining({ findingId: null, reason: null, allowedBy: 'auditor', acceptedBy: 'discipline' })]);
    const noticeInside = (await t.http.get(`/reports/notice?month=${month}&format=json`).set(bearer(h.users.discipline.token)).expect(200)).body;
    expect(noticeInside.selfAuditAllowances).toEqual([expect.objectContaining({ findingId: findingIds[0], reason: SECRETS.allowance })]);
    const monthly = (await t.http.get(`/reports/monthly?month=${month}`).set(bearer(h.users.admin.token)).expect(200)).body;
    const logistics = monthly.items.find((d: { departmentId: string }) => d.departmentId === h.departments.logistics);
    expect(logistics).toMatchObject({ found: 0, foundByType: { integrity: 0 } });
    expect(monthly.byRoundType.integrity.every((d: { found: number; roundsHeld: number }) => d.found === 0 && d.roundsHeld === 0)).toBe(true);
    const cardiology = monthly.items.find((d: { departmentId: string }) => d.departmentId === h.departments.cardiology);
    expect(cardiology).toMatchObject({ roundsHeld: 1, averageScore: 100 });

    const fromInside = (await t.http.get(`/reports/monthly?month=${month}`).set(bearer(h.users.discipline.token)).expect(200)).body;
    expect(fromInside.items.find((d: { departmentId: string }) => d.departmentId === h.departments.logistics)).toMatchObject({ found: 2, foundByType: { integrity: 2 } });
    expect(fromInside.items.find((d: { departmentId: string }) => d.departmentId === h.departments.cardiology)).toMatchObject({ roundsHeld: 1, averageScore: 95 });

    const coverage = async (token: string) => (await t.http.get(`/reports/coverage?year=${month.slice(0, 4)}&month=${month.slice(5)}`).set(bearer(token)).expect(200)).body;
    const cardiologyCoverage = (body: { items: { departmentId: string; roundType: string; held: number }[] }) =>
      body.items.filter((row) => row.departmentId === h.departments.cardiology).map((row) => [row.roundType, row.held]);
    const outsideCoverage = await coverage(h.users.admin.token);
    expect(cardiologyCoverage(outsideCoverage)).toEqual([['administrative', 1], ['party_building', 0]]);
    expect(outsideCoverage.integrityCounts).toEqual({ planned: 1, held: 1, cancelled: 0 });
    expect(cardiologyCoverage(await coverage(h.users.discipline.token))).toEqual([['administrative', 1], ['party_building', 0], ['integrity', 1]]);
  });

  it('delivers the notices only to the endpoint inside, and withholds them from the administrator reading deliveries', async () => {
    expect(receiver.bodies('/all')).toEqual([]);
    expect(receiver.bodies('/cardiology')).toEqual([]);
    const deliveries = (await t.http.get(`/webhooks/${endpointIds[2]}/deliveries`).set(bearer(h.users.admin.token)).expect(200)).body.items;
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d: { withheld: boolean; body: unknown }) => d.withheld && d.body === null)).toBe(true);
  });

  // Last: it moves a person out of the matter.
  it('stops telling a person of the matter once they leave it: the inbox no longer holds its notices', async () => {
    const inbox = async (token: string) => (await t.http.get('/me/notifications?limit=500').set(bearer(token)).expect(200)).body.items as { id: string; detail: { title: string } }[];
    const told = await inbox(inside.logisticsStaff.token);
    expect(told.map((n) => n.detail.title)).toContain(SECRETS.raisedTitle);
    await t.http.patch(`/users/${inside.logisticsStaff.id}`).set(bearer(h.users.admin.token)).send({ departmentId: h.departments.surgery }).expect(200);
    const token = await t.login('logi-staff');
    expect(JSON.stringify(await inbox(token))).not.toContain(SECRETS.raisedTitle);
    await t.http.post(`/me/notifications/${told[0].id}/read`).set(bearer(token)).expect(404);
  });
});
