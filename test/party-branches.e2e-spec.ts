import { MIGRATIONS } from '../migrations';
import { PartyBranches1733610000000 } from '../migrations/1733610000000-party-branches';
import { RoundNotices1733620000000 } from '../migrations/1733620000000-round-notices';
import { Announcements1733630000000 } from '../migrations/1733630000000-announcements';
import { PublishedMonths1733640000000 } from '../migrations/1733640000000-published-months';
import { TypicalCases1733650000000 } from '../migrations/1733650000000-typical-cases';
import { MissedPlanOccurrences1733660000000 } from '../migrations/1733660000000-missed-plan-occurrences';
import { Jobs1733670000000 } from '../migrations/1733670000000-jobs';
import { LedgerIndexes1733680000000 } from '../migrations/1733680000000-ledger-indexes';
import { RateLimits1733690000000 } from '../migrations/1733690000000-rate-limits';
import { AuditSealer1733700000000 } from '../migrations/1733700000000-audit-sealer';
import { ContactsAndNotificationSettings1733710000000 } from '../migrations/1733710000000-contacts-and-notification-settings';
import { NotificationChannels1733720000000 } from '../migrations/1733720000000-notification-channels';
import { PersonalEmails1733730000000 } from '../migrations/1733730000000-personal-emails';
import { RobotSendLog1733740000000 } from '../migrations/1733740000000-robot-send-log';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { PASSWORD, TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

describe(`Party branches (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
  });
  afterAll(() => t.close());

  const patch = (who: keyof Hospital['users'], path: string, body: object) => t.http.patch(path).set('Authorization', `Bearer ${h.users[who].token}`).send(body);
  const auditEvents = async (entityType: string, entityId: string) =>
    (await t.dataSource.query(`SELECT "event", "payload" FROM "audit_entries" WHERE "entityType" = '${entityType}' AND "entityId" = '${entityId}' ORDER BY "id"`)).map(
      (entry: { event: string; payload: string | object }) => ({ event: entry.event, payload: typeof entry.payload === 'string' ? JSON.parse(entry.payload) : entry.payload }),
    );
  let codes = 0;
  const newBranch = async (body: object = {}) =>
    (await flow.as('admin').post('/party-branches', { code: `PB-T${++codes}`, name: `支部 ${codes}`, ...body }).expect(201)).body as { id: string; code: string };

  describe('as records', () => {
    it('an administrator makes, changes and lists branches; a branch answers its departments; each change is audited', async () => {
      const created = await flow.as('admin').post('/party-branches', { code: ' PB-CARD ', name: '心内科党支部', secretaryId: h.users.lead.id }).expect(201);
      expect(created.body).toEqual(expect.objectContaining({ code: 'PB-CARD', name: '心内科党支部', secretaryId: h.users.lead.id, departments: [] }));
      const id = created.body.id as string;

      const moved = await patch('admin', `/departments/${h.departments.cardiology}`, { partyBranchId: id }).expect(200);
      expect(moved.body).toEqual(expect.objectContaining({ id: h.departments.cardiology, code: 'CARD', partyBranchId: id, partyBranchName: '心内科党支部' }));

      const changed = await patch('admin', `/party-branches/${id}`, { name: '心内科第一党支部', secretaryId: h.users.otherLead.id }).expect(200);
      expect(changed.body).toEqual(expect.objectContaining({ name: '心内科第一党支部', secretaryId: h.users.otherLead.id, departments: [{ id: h.departments.cardiology, code: 'CARD', name: 'CARD' }] }));

      // Anyone signed in reads it.
      const read = await flow.as('cardiologyStaff').get(`/party-branches/${id}`).expect(200);
      expect(read.body.departments).toEqual([{ id: h.departments.cardiology, code: 'CARD', name: 'CARD' }]);
      const listed = await flow.as('inspector').get('/party-branches?limit=500').expect(200);
      expect(listed.body.items.find((branch: { id: string }) => branch.id === id).departments.map((d: { code: string }) => d.code)).toEqual(['CARD']);
      const departments = await flow.as('inspector').get('/departments?limit=500').expect(200);
      expect(departments.body.items.find((d: { id: string }) => d.id === h.departments.cardiology)).toEqual(
        expect.objectContaining({ partyBranchId: id, partyBranchName: '心内科第一党支部' }),
      );

      expect(await auditEvents('party_branch', id)).toEqual([
        { event: 'PARTY_BRANCH_CREATED', payload: { code: 'PB-CARD', name: '心内科党支部', secretaryId: h.users.lead.id } },
        { event: 'PARTY_BRANCH_UPDATED', payload: { name: '心内科第一党支部', secretaryId: h.users.otherLead.id } },
      ]);
      expect(await auditEvents('department', h.departments.cardiology)).toEqual([{ event: 'DEPARTMENT_UPDATED', payload: { code: 'CARD', changes: { partyBranchId: id } } }]);

      // Sent again, nothing changes and nothing more is audited.
      await patch('admin', `/party-branches/${id}`, { name: '心内科第一党支部' }).expect(200);
      expect(await auditEvents('party_branch', id)).toHaveLength(2);
    });

    it('refuses a secretary who is not an active user, a bad code, a taken code or name, and an unknown branch (400/409/404)', async () => {
      const branch = await newBranch();
      const bad = await flow.as('admin').post('/party-branches', { code: 'PB-X', name: 'x', secretaryId: '00000000-0000-4000-8000-000000000000' }).expect(400);
      expect(bad.body.details).toEqual([expect.objectContaining({ field: 'secretaryId' })]);
      const gone = await flow.as('admin').post('/users', { username: 'gone-secretary', password: PASSWORD, displayName: 'gone', roles: ['round_lead'] }).expect(201);
      await patch('admin', `/users/${gone.body.id}`, { disabled: true }).expect(200);
      const inactive = await patch('admin', `/party-branches/${branch.id}`, { secretaryId: gone.body.id }).expect(400);
      expect(inactive.body.details).toEqual([expect.objectContaining({ field: 'secretaryId' })]);
      await flow.as('admin').post('/party-branches', { code: '=cmd|x', name: 'y' }).expect(400);
      await flow.as('admin').post('/party-branches', { code: branch.code, name: 'another' }).expect(409);
      await flow.as('admin').post('/party-branches', { code: 'PB-NEW', name: '支部 1' }).expect(409);
      await flow.as('admin').get('/party-branches/00000000-0000-4000-8000-000000000000').expect(404);
      await patch('admin', '/party-branches/00000000-0000-4000-8000-000000000000', { name: 'z' }).expect(404);
      const unknown = await patch('admin', `/departments/${h.departments.surgery}`, { partyBranchId: '00000000-0000-4000-8000-000000000000' }).expect(400);
      expect(unknown.body.details).toEqual([expect.objectContaining({ field: 'partyBranchId' })]);
      await patch('admin', `/departments/${h.departments.surgery}`, { kind: 'nonsense' }).expect(400);
      await patch('admin', '/departments/00000000-0000-4000-8000-000000000000', { name: 'z' }).expect(404);
    });

    it('leaves branches and department edits to an administrator (403)', async () => {
      const branch = await newBranch();
      for (const who of ['lead', 'cardiologyStaff', 'discipline'] as const) {
        await flow.as(who).post('/party-branches', { code: 'PB-NO', name: 'no' }).expect(403);
        await patch(who, `/party-branches/${branch.id}`, { name: 'no' }).expect(403);
        await patch(who, `/departments/${h.departments.surgery}`, { name: 'no' }).expect(403);
      }
    });

    it('an administrator renames a department, changes its kind and takes it out of its branch', async () => {
      const branch = await newBranch();
      await patch('admin', `/departments/${h.departments.logistics}`, { partyBranchId: branch.id }).expect(200);
      const edited = await patch('admin', `/departments/${h.departments.logistics}`, { name: ' 后勤保障部 ', kind: 'clinical', partyBranchId: null }).expect(200);
      expect(edited.body).toEqual(expect.objectContaining({ code: 'LOGI', name: '后勤保障部', kind: 'clinical', partyBranchId: null, partyBranchName: null }));
      expect((await flow.as('lead').get(`/party-branches/${branch.id}`).expect(200)).body.departments).toEqual([]);
      const [, last] = await auditEvents('department', h.departments.logistics);
      expect(last).toEqual({ event: 'DEPARTMENT_UPDATED', payload: { code: 'LOGI', changes: { name: '后勤保障部', kind: 'clinical', partyBranchId: null } } });
      await patch('admin', `/departments/${h.departments.logistics}`, { name: 'LOGI', kind: 'functional' }).expect(200);
    });
  });

  describe('secretary rounds (书记查房)', () => {
    let branchId: string;
    beforeAll(async () => {
      branchId = (await newBranch({ secretaryId: h.users.lead.id })).id;
      await patch('admin', `/departments/${h.departments.surgery}`, { partyBranchId: branchId }).expect(200);
    });
    afterAll(() => patch('admin', `/departments/${h.departments.surgery}`, { partyBranchId: null }).expect(200));

    const plan = (leadId: string, extra: object = {}) => ({
      types: ['party_building'],
      departmentId: h.departments.surgery,
      scheduledFor: '2026-11-24',
      leadId,
      teamMemberIds: [h.users.inspector.id],
      secretaryRound: true,
      ...extra,
    });

    it('is accepted with the branch secretary as its lead, and the round says so', async () => {
      const round = await flow.as('lead').post('/rounds', plan(h.users.lead.id)).expect(201);
      expect(round.body.secretaryRound).toBe(true);
      expect((await flow.as('lead').get(`/rounds/${round.body.id}`).expect(200)).body.secretaryRound).toBe(true);
      const ordinary = await flow.as('lead').post('/rounds', plan(h.users.lead.id, { secretaryRound: undefined })).expect(201);
      expect(ordinary.body.secretaryRound).toBe(false);
    });

    it('is refused (400 naming leadId) led by anyone else, at a department without a branch, or without a Party-building part', async () => {
      const other = await flow.as('otherLead').post('/rounds', plan(h.users.otherLead.id)).expect(400);
      expect(other.body.details).toEqual([expect.objectContaining({ field: 'leadId' })]);
      const noBranch = await flow.as('lead').post('/rounds', plan(h.users.lead.id, { departmentId: h.departments.cardiology })).expect(400);
      expect(noBranch.body.details).toEqual([expect.objectContaining({ field: 'leadId' })]);
      const administrative = await flow.as('lead').post('/rounds', plan(h.users.lead.id, { types: ['administrative'] })).expect(400);
      expect(administrative.body.details).toEqual([expect.objectContaining({ field: 'secretaryRound' })]);
      // A joint round: the Party-building part's lead is the one that must be the secretary.
      const parts = [
        { type: 'administrative', leadId: h.users.lead.id, teamMemberIds: [] },
        { type: 'party_building', leadId: h.users.otherLead.id, teamMemberIds: [] },
      ];
      const joint = await flow.as('lead').post('/rounds', plan(h.users.lead.id, { types: ['administrative', 'party_building'], parts })).expect(400);
      expect(joint.body.details).toEqual([expect.objectContaining({ field: 'parts[1].leadId' })]);
    });
  });

  describe('one list per branch (一张清单)', () => {
    it('a Party-building round names any department of the visited branch; GET /findings and the ledger answer the findings of the branch', async () => {
      const branch = await newBranch();
      for (const department of [h.departments.cardiology, h.departments.logistics]) {
        await patch('admin', `/departments/${department}`, { partyBranchId: branch.id }).expect(200);
      }
      const roundId = await flow.startedRound('party_building'); // at cardiology
      const visited = await flow.logFinding(roundId, 'party_building');
      const branchmate = await flow.logFinding(roundId, 'party_building', { responsibleDepartmentId: h.departments.logistics });
      const outside = await flow.as('inspector').post(`/rounds/${roundId}/findings`, { roundType: 'party_building', title: 't', description: 'd', severity: 'major', responsibleDepartmentId: h.departments.surgery }).expect(400);
      expect(outside.body.details).toEqual([expect.objectContaining({ field: 'responsibleDepartmentId' })]);
      const elsewhere = await flow.logFinding(await flow.startedRound('administrative', h.departments.surgery), 'administrative', { responsibleDepartmentId: h.departments.surgery });
      const ids = (body: { items: { id?: string; findingId?: string }[] }) => body.items.map((item) => item.id ?? item.findingId).sort();

      const mine = [visited, branchmate].sort();
      expect(ids((await flow.as('lead').get(`/findings?limit=500&partyBranchId=${branch.id}`).expect(200)).body)).toEqual(mine);
      expect(ids((await flow.as('lead').get(`/reports/ledger?limit=500&partyBranchId=${branch.id}`).expect(200)).body)).toEqual(mine);
      expect(ids((await flow.as('lead').get('/findings?limit=500').expect(200)).body)).toEqual(expect.arrayContaining([...mine, elsewhere]));
      // Filters combine; a branch with no departments has an empty list; a malformed id is refused.
      expect(ids((await flow.as('lead').get(`/findings?limit=500&partyBranchId=${branch.id}&responsibleDepartmentId=${h.departments.logistics}`).expect(200)).body)).toEqual([branchmate]);
      expect((await flow.as('lead').get(`/findings?partyBranchId=${(await newBranch()).id}`).expect(200)).body.total).toBe(0);
      await flow.as('lead').get(`/findings?partyBranchId=${encodeURIComponent("x' OR 1=1")}`).expect(400);

      // Monthly tracking (and its workbook's interviews) count the branch's departments only.
      const month = flow.planDate(0).slice(0, 7);
      const tracking = (await flow.as('discipline').get(`/reports/monthly?month=${month}&partyBranchId=${branch.id}`).expect(200)).body;
      expect(tracking.items.map((item: { departmentCode: string; found: number }) => [item.departmentCode, item.found])).toEqual([
        ['CARD', 1],
        ['LOGI', 1],
      ]);
      await flow.as('discipline').get(`/reports/monthly?month=${month}&partyBranchId=${branch.id}&format=xlsx`).expect(200);
      const interview = { departmentId: h.departments.logistics, findingIds: [branchmate], heldOn: flow.planDate(0), summary: 'talked' };
      const interviewId = (await flow.as('discipline').post('/interviews', interview).expect(201)).body.id;
      const interviews = async (partyBranchId: string) => (await flow.as('discipline').get(`/interviews?limit=500&partyBranchId=${partyBranchId}`).expect(200)).body.items.map((i: { id: string }) => i.id);
      expect(await interviews(branch.id)).toEqual([interviewId]);
      expect(await interviews((await newBranch()).id)).toEqual([]);
      for (const department of [h.departments.cardiology, h.departments.logistics]) {
        await patch('admin', `/departments/${department}`, { partyBranchId: null }).expect(200);
      }
    });
  });

  describe('the migration', () => {
    it('turns free-text branches into records by name, and back again', async () => {
      const kept = await newBranch();
      await patch('admin', `/departments/${h.departments.presidentOffice}`, { partyBranchId: kept.id }).expect(200);
      const migration = new PartyBranches1733610000000();
      // Undone alone: the migrations after it touch the notifications, webhooks, announcements, published months, typical cases, plans, background jobs, the findings' indexes, the rate limits, the audit entries' linking, the accounts' contacts, the endpoints' kinds and personal e-mails, never the departments.
      expect(MIGRATIONS.slice(MIGRATIONS.indexOf(PartyBranches1733610000000) + 1)).toEqual([
        RoundNotices1733620000000,
        Announcements1733630000000,
        PublishedMonths1733640000000,
        TypicalCases1733650000000,
        MissedPlanOccurrences1733660000000,
        Jobs1733670000000,
        LedgerIndexes1733680000000,
        RateLimits1733690000000,
        AuditSealer1733700000000,
        ContactsAndNotificationSettings1733710000000,
        NotificationChannels1733720000000,
        PersonalEmails1733730000000,
        RobotSendLog1733740000000,
      ]);
      const runner = t.dataSource.createQueryRunner();
      try {
        if (!onPostgres) await runner.query('PRAGMA foreign_keys = OFF');
        await migration.down(runner);
        const [president] = await runner.query(`SELECT "partyBranch" FROM "departments" WHERE "id" = '${h.departments.presidentOffice}'`);
        expect(president.partyBranch).toBe(kept.code.replace('PB-T', '支部 '));
        await runner.query(`UPDATE "departments" SET "partyBranch" = ' 外科党支部 ' WHERE "id" = '${h.departments.surgery}'`);
        await runner.query(`UPDATE "departments" SET "partyBranch" = '外科党支部' WHERE "id" = '${h.departments.logistics}'`);
        await runner.query(`UPDATE "departments" SET "partyBranch" = '   ' WHERE "id" = '${h.departments.cardiology}'`);
        await migration.up(runner);
        if (!onPostgres) await runner.query('PRAGMA foreign_keys = ON');
      } finally {
        await runner.release();
      }
      const branches = (await flow.as('admin').get('/party-branches?limit=500').expect(200)).body.items as { code: string; name: string; secretaryId: string | null; departments: { code: string }[] }[];
      const byName = (name: string) => branches.find((branch) => branch.name === name);
      expect(byName('外科党支部')).toEqual(expect.objectContaining({ code: expect.stringMatching(/^PB-\d{3}$/), secretaryId: null, departments: [expect.objectContaining({ code: 'LOGI' }), expect.objectContaining({ code: 'SURG' })] }));
      expect(byName(kept.code.replace('PB-T', '支部 '))!.departments.map((d) => d.code)).toEqual(['PRES']);
      expect(branches.every((branch) => branch.departments.every((d) => d.code !== 'CARD'))).toBe(true);
      expect(new Set(branches.map((branch) => branch.code)).size).toBe(branches.length);
      const columns = (await t.dataSource.createQueryRunner().getTable('departments'))!.columns.map((column) => column.name);
      expect(columns).toContain('partyBranchId');
      expect(columns).not.toContain('partyBranch');
    });
  });
});
