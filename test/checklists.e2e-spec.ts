import { Flow } from './support/flow';
import { Hospital, TEST_ITEM, seedHospital } from './support/hospital';
import { PASSWORD, TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

/** An administrative standard with a floor to reach and a bottom-line item. */
const STANDARD = [
  { code: 'A', title: '核心制度', titleEn: 'Core systems', category: '医疗质量', standard: 'Applied', maxDeduction: 10, veto: false },
  { code: 'B', title: '病历', titleEn: 'Records', category: '医疗质量', standard: 'Complete', maxDeduction: 60, veto: false },
  { code: 'C', title: '演练', titleEn: 'Drills', category: '安全', standard: 'Held', maxDeduction: 50, veto: false },
  { code: 'V', title: '无重大事故', titleEn: 'No major accident', category: '底线标准', standard: 'None', maxDeduction: 5, veto: true },
];

describe(`checklists, scoring, joint rounds and assessment (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const admin = () => bearer(h.users.admin.token);

  async function person(username: string, roles: string[], departmentId?: string) {
    const body = { username, password: PASSWORD, displayName: username, roles, departmentId };
    const { id } = (await t.http.post('/users').set(admin()).send(body).expect(201)).body;
    return { id: id as string, token: await t.login(username) };
  }

  const put = (token: string, roundId: string, itemCode: string, body: object) =>
    t.http.put(`/rounds/${roundId}/results/${itemCode}`).set(bearer(token)).send(body);
  const roundEvent = (token: string, roundId: string, body: object) => t.http.post(`/rounds/${roundId}/events`).set(bearer(token)).send(body);

  async function plannedRound(types: string[], extra: object = {}, departmentId = h.departments.cardiology): Promise<string> {
    const body = { types, departmentId, scheduledFor: '2026-11-24', leadId: h.users.lead.id, teamMemberIds: [h.users.inspector.id], ...extra };
    return (await t.http.post('/rounds').set(bearer(h.users.lead.token)).send(body).expect(201)).body.id;
  }

  async function startedRound(types: string[], extra: object = {}): Promise<string> {
    const id = await plannedRound(types, extra);
    await roundEvent(h.users.lead.token, id, { type: 'START' }).expect(200);
    return id;
  }

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
  });

  afterAll(() => t.close());

  describe('templates', () => {
    it('ships a default standard for each type, drawn from the seed documents, each item citing its source', async () => {
      for (const roundType of ['administrative', 'party_building', 'integrity']) {
        const versions = (await t.http.get(`/checklists?roundType=${roundType}`).set(bearer(h.users.inspector.token)).expect(200)).body;
        const shipped = versions.find((v: { version: number }) => v.version === 1);
        expect(shipped.items.length).toBeGreaterThanOrEqual(8);
        expect(shipped.items.reduce((sum: number, item: { maxDeduction: number }) => sum + item.maxDeduction, 0)).toBe(100);
        for (const item of shipped.items) {
          expect(item).toMatchObject({ title: expect.stringMatching(/[\u4e00-\u9fff]/), titleEn: expect.stringMatching(/[a-z]/) });
          expect(item.source).toMatch(/^seeds\/00\d_[0-9a-f]{16}\.txt:\d+/);
        }
        expect(shipped.items.some((item: { veto: boolean }) => item.veto)).toBe(true);
      }
      const party = (await t.http.get('/checklists?roundType=party_building').set(admin()).expect(200)).body.find((v: { version: number }) => v.version === 1);
      expect(party.items.map((item: { title: string }) => item.title).join()).toMatch(/三会一课.*主题党日.*党员亮身份.*双带头人.*换届.*意识形态/);
    });

    it('publishes a new version for new rounds; a round keeps the version it started with; old versions stay readable', async () => {
      const before = await plannedRound(['administrative']);
      const published = await t.http.post('/checklists').set(admin()).send({ roundType: 'administrative', title: '行政查房 2027', items: STANDARD }).expect(201);
      expect(published.body).toMatchObject({ roundType: 'administrative', version: 3, current: true });
      const after = await plannedRound(['administrative']);

      const old = (await t.http.get(`/rounds/${before}`).set(admin()).expect(200)).body;
      const fresh = (await t.http.get(`/rounds/${after}`).set(admin()).expect(200)).body;
      expect(old.checklistVersions).toEqual({ administrative: 2 });
      expect(fresh.checklistVersions).toEqual({ administrative: 3 });
      expect((await t.http.get(`/rounds/${before}/results`).set(admin()).expect(200)).body.parts[0].items.map((i: { code: string }) => i.code)).toEqual([TEST_ITEM]);

      const versions = (await t.http.get('/checklists?roundType=administrative').set(admin()).expect(200)).body;
      expect(versions.map((v: { version: number; current: boolean }) => [v.version, v.current])).toEqual([[3, true], [2, false], [1, false]]);
      const v1 = versions[2];
      expect((await t.http.get(`/checklists/${v1.id}`).set(admin()).expect(200)).body).toMatchObject({ version: 1, current: false, items: v1.items });

      const audit = (await t.http.get(`/audit?entityId=${published.body.id}`).set(admin()).expect(200)).body.items;
      expect(audit.map((e: { event: string; entityType: string }) => [e.entityType, e.event])).toEqual([['checklist', 'CHECKLIST_PUBLISHED']]);
    });

    it('refuses a bad template with the field and the reason, and anyone but an admin', async () => {
      const before = await t.counts();
      const send = (body: object, token = h.users.admin.token) => t.http.post('/checklists').set(bearer(token)).send(body);
      const item = STANDARD[0];
      expect((await send({ roundType: 'integrity', title: 'x', items: [item, item] }).expect(400)).body.details).toEqual([
        { field: 'items[1].code', reason: 'repeats A' },
      ]);
      const fields = async (body: object) => (await send(body).expect(400)).body.details.map((e: { field: string }) => e.field);
      expect(await fields({ roundType: 'golf', title: 'x', items: [item] })).toEqual(['roundType']);
      expect(await fields({ roundType: 'integrity', title: 'x', items: [] })).toEqual(['items']);
      expect(await fields({ roundType: 'integrity', title: 'x', items: [{ ...item, maxDeduction: 0 }] })).toEqual(['items[0].maxDeduction']);
      expect(await fields({ roundType: 'integrity', title: 'x', items: [{ ...item, veto: 'yes', code: 'a b' }] })).toEqual(['items[0].code', 'items[0].veto']);
      await send({ roundType: 'integrity', title: 'x', items: [item] }, h.users.lead.token).expect(403);
      expect(await t.counts()).toEqual(before);
    });
  });

  describe('a round against its checklist', () => {
    it('scores 100 minus deductions, floors at 0, and marks a failed bottom-line item as a veto', async () => {
      const roundId = await startedRound(['administrative']);
      const score = async () => (await t.http.get(`/rounds/${roundId}`).set(admin()).expect(200)).body;
      const inspector = h.users.inspector.token;
      expect((await score()).score).toBe(100);

      const recorded = await put(inspector, roundId, 'A', { result: 'fail', note: '交接班记录缺失' }).expect(200);
      const itemA = recorded.body.parts[0].items.find((i: { code: string }) => i.code === 'A');
      expect(itemA).toMatchObject({ result: 'fail', deduction: 10, note: '交接班记录缺失', recordedBy: h.users.inspector.id, title: '核心制度' });
      expect(recorded.body.parts[0]).toMatchObject({ score: 90, vetoed: false, missingItems: ['B', 'C', 'V'] });

      await put(inspector, roundId, 'B', { result: 'fail', deduction: 45.5 }).expect(200);
      expect((await score()).score).toBe(44.5);
      await put(inspector, roundId, 'C', { result: 'fail', deduction: 50 }).expect(200);
      expect((await score())).toMatchObject({ score: 0, vetoed: false });
      await put(inspector, roundId, 'C', { result: 'not_applicable' }).expect(200);
      await put(inspector, roundId, 'V', { result: 'fail', deduction: 1 }).expect(200);
      expect((await score())).toMatchObject({ score: 43.5, vetoed: true, parts: [{ score: 43.5, vetoed: true, itemsAnswered: 4, itemCount: 4 }] });
      await put(inspector, roundId, 'V', { result: 'pass' }).expect(200);
      expect((await score())).toMatchObject({ score: 44.5, vetoed: false });
    });

    it('refuses results that do not fit the item, from outside the team, or outside the round in progress', async () => {
      const roundId = await startedRound(['administrative']);
      const inspector = h.users.inspector.token;
      const outsider = await person('outsider-inspector', ['inspector']);
      const onAnother = await plannedRound(['administrative'], { teamMemberIds: [outsider.id] });
      const before = await t.counts();
      const problem = async (itemCode: string, body: object) => (await put(inspector, roundId, itemCode, body).expect(400)).body.details;
      expect(await problem('A', { result: 'fail', deduction: 11 })).toEqual([
        { field: 'deduction', reason: "must be between 0 and 10 (the item's maximum), in steps of 0.5" },
      ]);
      expect(await problem('A', { result: 'pass', deduction: 3 })).toEqual([{ field: 'deduction', reason: 'must be 0 unless the result is fail' }]);
      expect(await problem('A', { result: 'maybe' })).toEqual([{ field: 'result', reason: expect.stringContaining('pass, fail, not_applicable') }]);
      expect(await problem('Z', { result: 'pass' })).toEqual([{ field: 'itemCode', reason: "is not an item of this round's checklists" }]);
      expect(await problem('A', { result: 'pass', raiseFinding: {} })).toEqual([{ field: 'raiseFinding', reason: 'only a failed item raises a finding' }]);
      expect(await problem('A', { result: 'fail', raiseFinding: { responsibleDepartmentId: h.departments.surgery } })).toEqual([
        { field: 'raiseFinding.responsibleDepartmentId', reason: 'must be the visited department or a functional department' },
      ]);
      await put(outsider.token, roundId, 'A', { result: 'pass' }).expect(403);
      await put(outsider.token, onAnother, 'A', { result: 'pass' }).expect(409);
      await put(h.users.lead.token, onAnother, 'A', { result: 'pass' }).expect(409);
      expect(await t.counts()).toEqual(before);
    });

    it('raises a finding from a failed item in one step, pre-filled from the item, and a retry raises no second one', async () => {
      const roundId = await startedRound(['administrative']);
      const body = { result: 'fail', deduction: 2, note: '演练记录缺2024年度', raiseFinding: { severity: 'minor' } };
      const first = await put(h.users.inspector.token, roundId, 'A', body).expect(200);
      const findingId = first.body.parts[0].items.find((i: { code: string }) => i.code === 'A').findingId;
      const finding = (await t.http.get(`/findings/${findingId}`).set(admin()).expect(200)).body;
      expect(finding).toMatchObject({
        roundId,
        roundType: 'administrative',
        title: '核心制度',
        description: '演练记录缺2024年度',
        severity: 'minor',
        responsibleDepartmentId: h.departments.cardiology,
        checklistItemCode: 'A',
        state: 'reported',
      });
      const version = (await t.http.get(`/rounds/${roundId}`).set(admin()).expect(200)).body.version;
      const repeated = await put(h.users.inspector.token, roundId, 'A', body).expect(200);
      expect(repeated.body).toEqual(first.body);
      const round = (await t.http.get(`/rounds/${roundId}`).set(admin()).expect(200)).body;
      expect(round).toMatchObject({ version, findingsLogged: 1 });
      expect(await flow.auditEvents('rounds', roundId)).toEqual(['PLAN', 'START', 'RECORD_RESULT']);
      expect(await flow.auditEvents('findings', findingId)).toEqual(['LOG_FINDING']);

      // A bottom-line item raises a critical finding unless told otherwise.
      const veto = await put(h.users.inspector.token, roundId, 'V', { result: 'fail', raiseFinding: {} }).expect(200);
      const vetoFinding = veto.body.parts[0].items.find((i: { code: string }) => i.code === 'V').findingId;
      expect((await t.http.get(`/findings/${vetoFinding}`).set(admin()).expect(200)).body).toMatchObject({ severity: 'critical', checklistItemCode: 'V' });
    });

    it('cannot be submitted until every item has a result: 409 listing the missing items', async () => {
      const roundId = await startedRound(['administrative']);
      expect((await t.http.get(`/rounds/${roundId}`).set(bearer(h.users.lead.token)).expect(200)).body.availableEvents).toEqual(['CANCEL']);
      await put(h.users.inspector.token, roundId, 'A', { result: 'pass' }).expect(200);
      const refused = await roundEvent(h.users.lead.token, roundId, { type: 'SUBMIT' }).expect(409);
      expect(refused.body).toMatchObject({
        message: 'The administrative checklist has 3 item(s) without a result',
        details: { roundType: 'administrative', missingItems: ['B', 'C', 'V'] },
      });
      await roundEvent(h.users.inspector.token, roundId, { type: 'SUBMIT' }).expect(403);
      for (const code of ['B', 'C', 'V']) await put(h.users.inspector.token, roundId, code, { result: 'pass' }).expect(200);
      expect((await t.http.get(`/rounds/${roundId}`).set(bearer(h.users.lead.token)).expect(200)).body.availableEvents).toEqual(['CANCEL', 'SUBMIT']);
      expect((await roundEvent(h.users.lead.token, roundId, { type: 'SUBMIT' }).expect(200)).body).toMatchObject({ state: 'completed', score: 100 });
    });
  });

  describe('joint rounds (联动查房)', () => {
    let team: Record<'administrative' | 'party_building' | 'integrity', { lead: { id: string; token: string }; member: { id: string; token: string } }>;
    let roundId: string;

    beforeAll(async () => {
      team = {
        administrative: { lead: await person('adm-lead', ['round_lead']), member: await person('adm-member', ['inspector']) },
        party_building: { lead: await person('pb-lead', ['round_lead']), member: await person('pb-member', ['inspector']) },
        integrity: { lead: await person('int-lead', ['round_lead']), member: await person('int-member', ['inspector']) },
      };
      const parts = Object.entries(team).map(([type, people]) => ({ type, leadId: people.lead.id, teamMemberIds: [people.member.id] }));
      roundId = await startedRound(['administrative', 'party_building', 'integrity'], { parts, teamMemberIds: [] });
    });

    it('carries one part per type, each with its own lead, team and checklist', async () => {
      const round = (await t.http.get(`/rounds/${roundId}`).set(bearer(h.users.discipline.token)).expect(200)).body;
      expect(round).toMatchObject({ state: 'in_progress', types: ['administrative', 'party_building', 'integrity'], checklistVersions: { administrative: 3, party_building: 2, integrity: 2 } });
      expect(round.parts.map((p: { type: string; leadId: string; teamMemberIds: string[]; state: string }) => [p.type, p.leadId, p.teamMemberIds, p.state])).toEqual([
        ['administrative', team.administrative.lead.id, [team.administrative.member.id], 'inspecting'],
        ['party_building', team.party_building.lead.id, [team.party_building.member.id], 'inspecting'],
        ['integrity', team.integrity.lead.id, [team.integrity.member.id], 'inspecting'],
      ]);
    });

    it("lets each part's team record only its own part, and each part's lead submit only its own", async () => {
      await put(team.party_building.member.token, roundId, 'A', { result: 'pass', roundType: 'administrative' }).expect(403);
      await put(team.administrative.member.token, roundId, 'A', { result: 'pass' }).expect(200);
      await put(team.administrative.member.token, roundId, TEST_ITEM, { result: 'pass' }).expect(400);
      await put(team.integrity.member.token, roundId, TEST_ITEM, { result: 'pass', roundType: 'party_building' }).expect(403);
      await put(team.party_building.member.token, roundId, TEST_ITEM, { result: 'pass', roundType: 'party_building' }).expect(200);
      await roundEvent(team.party_building.lead.token, roundId, { type: 'SUBMIT', roundType: 'administrative' }).expect(403);
      expect((await roundEvent(h.users.lead.token, roundId, { type: 'SUBMIT' }).expect(400)).body.details).toEqual([
        { field: 'roundType', reason: 'is required for a joint round: one of administrative, party_building, integrity' },
      ]);
    });

    it('keeps each finding under its own type and rules: integrity findings stay confidential and need the closure audit', async () => {
      const admFinding = await t.http
        .post(`/rounds/${roundId}/findings`)
        .set(bearer(team.administrative.member.token))
        .send({ roundType: 'administrative', title: '消防通道堵塞', description: 'Fire exit blocked', severity: 'minor', responsibleDepartmentId: h.departments.logistics })
        .expect(201);
      const intResult = await put(team.integrity.member.token, roundId, TEST_ITEM, {
        result: 'fail',
        roundType: 'integrity',
        raiseFinding: { title: '收受红包线索', description: 'Envelope reported by a patient', severity: 'major' },
      }).expect(200);
      const intFindingId = intResult.body.parts.find((p: { type: string }) => p.type === 'integrity').items[0].findingId;

      // The administrative part's team sees its own finding, not the integrity part's, nor its results.
      await t.http.get(`/findings/${admFinding.body.id}`).set(bearer(team.administrative.member.token)).expect(200);
      await t.http.get(`/findings/${intFindingId}`).set(bearer(team.administrative.member.token)).expect(404);
      const seenByAdm = (await t.http.get(`/rounds/${roundId}/results`).set(bearer(team.administrative.member.token)).expect(200)).body;
      expect(seenByAdm.parts.map((p: { type: string }) => p.type)).toEqual(['administrative', 'party_building']);
      await t.http.get(`/findings/${intFindingId}`).set(bearer(team.integrity.member.token)).expect(200);
      await t.http.get(`/findings/${intFindingId}`).set(bearer(h.users.adminVerifier.token)).expect(404);
      const seenByDiscipline = (await t.http.get(`/rounds/${roundId}/results`).set(bearer(h.users.discipline.token)).expect(200)).body;
      expect(seenByDiscipline.parts.map((p: { type: string }) => p.type)).toEqual(['administrative', 'party_building', 'integrity']);

      // Submitting the integrity part assigns its finding, in the integrity lead's name; the round waits for the others.
      const submitted = await roundEvent(team.integrity.lead.token, roundId, { type: 'SUBMIT', roundType: 'integrity' }).expect(200);
      expect(submitted.body.state).toBe('in_progress');
      expect(submitted.body.parts.map((p: { state: string }) => p.state)).toEqual(['inspecting', 'inspecting', 'submitted']);
      const assigned = (await t.http.get(`/findings/${intFindingId}/audit`).set(bearer(h.users.discipline.token)).expect(200)).body.items;
      expect(assigned.map((e: { event: string; actorId: string }) => [e.event, e.actorId])).toEqual([
        ['LOG_FINDING', team.integrity.member.id],
        ['ASSIGN', team.integrity.lead.id],
      ]);
      expect((await t.http.get(`/findings/${admFinding.body.id}`).set(bearer(h.users.discipline.token)).expect(200)).body.state).toBe('reported');
      await put(team.integrity.member.token, roundId, TEST_ITEM, { result: 'pass', roundType: 'integrity' }).expect(409);

      await flow.send('cardiologyStaff', intFindingId, { type: 'SUBMIT_PLAN', measures: '退还并说明', committedDate: flow.planDate() });
      await flow.submitEvidence('cardiologyStaff', intFindingId, 'receipt');
      expect((await flow.send('discipline', intFindingId, { type: 'VERIFY_ACCEPT' })).body.state).toBe('closure_audit');
    });

    it('survives a restart mid-visit: the snapshot with its parts round-trips through the database', async () => {
      const before = (await t.http.get(`/rounds/${roundId}`).set(bearer(h.users.discipline.token)).expect(200)).body;
      const results = (await t.http.get(`/rounds/${roundId}/results`).set(bearer(h.users.discipline.token)).expect(200)).body;
      t = await t.restart();
      flow = new Flow(t, h);
      expect((await t.http.get(`/rounds/${roundId}`).set(bearer(h.users.discipline.token)).expect(200)).body).toEqual(before);
      expect((await t.http.get(`/rounds/${roundId}/results`).set(bearer(h.users.discipline.token)).expect(200)).body).toEqual(results);
    });

    it('is submitted when its last part is, and completes when every finding of every part settles', async () => {
      for (const code of ['B', 'C', 'V']) await put(team.administrative.member.token, roundId, code, { result: 'pass' }).expect(200);
      const afterAdministrative = await roundEvent(team.administrative.lead.token, roundId, { type: 'SUBMIT', roundType: 'administrative' }).expect(200);
      expect(afterAdministrative.body).toMatchObject({ state: 'in_progress' });
      const last = await roundEvent(team.party_building.lead.token, roundId, { type: 'SUBMIT', roundType: 'party_building' }).expect(200);
      // The Party-building lead is outside the integrity part: its results are withheld, and the score is of the parts shown.
      expect(last.body).toMatchObject({ state: 'submitted', score: 100, vetoed: false, findingsLogged: null });
      expect(last.body.parts.map((p: { state: string; score: number; withheld: boolean }) => [p.state, p.score, p.withheld])).toEqual([
        ['submitted', 100, false],
        ['submitted', 100, false],
        ['submitted', null, true],
      ]);
      const whole = (await t.http.get(`/rounds/${roundId}`).set(bearer(h.users.discipline.token)).expect(200)).body;
      expect(whole).toMatchObject({ state: 'submitted', score: 96.7, vetoed: false, findingsLogged: 2 });
      expect(whole.parts.map((p: { score: number; withheld: boolean }) => [p.score, p.withheld])).toEqual([
        [100, false],
        [100, false],
        [90, false],
      ]);

      const [admFinding, intFinding] = (await t.http.get(`/findings?limit=100`).set(bearer(h.users.discipline.token)).expect(200)).body.items
        .filter((f: { roundId: string }) => f.roundId === roundId)
        .sort((a: { roundType: string }, b: { roundType: string }) => a.roundType.localeCompare(b.roundType));
      await t.http.post(`/findings/${admFinding.id}/events`).set(bearer(team.administrative.lead.token)).send({ type: 'WITHDRAW', reason: 'fixed on the spot' }).expect(200);
      expect((await t.http.get(`/rounds/${roundId}`).set(bearer(h.users.discipline.token)).expect(200)).body.state).toBe('submitted');
      await flow.send('auditor', intFinding.id, { type: 'AUDIT_APPROVE' });
      expect((await t.http.get(`/rounds/${roundId}`).set(bearer(h.users.discipline.token)).expect(200)).body.state).toBe('completed');
      expect(await flow.auditEvents('rounds', roundId)).toEqual([
        'PLAN', 'START', 'RECORD_RESULT', 'RECORD_RESULT', 'LOG_FINDING', 'RECORD_RESULT', 'SUBMIT',
        'RECORD_RESULT', 'RECORD_RESULT', 'RECORD_RESULT', 'SUBMIT', 'SUBMIT', 'COMPLETE',
      ]);
    });
  });
});
