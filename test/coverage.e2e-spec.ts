import ExcelJS from 'exceljs';
import { ROUND_TYPES, type RoundType } from '../workflows';
import { Clock } from '../src/common/clock';
import { Flow } from './support/flow';
import { binaryBody } from './support/files';
import { Hospital, TEST_ITEM, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

type Fate = 'planned' | 'started' | 'held' | 'cancelled';
type Department = keyof Hospital['departments'];
interface Row {
  departmentId: string;
  roundType: RoundType;
  planned: number;
  held: number;
  cancelled: number;
  lastVisit: string | null;
}

describe(`coverage (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;

  /** A round of `types` visiting `department` on `scheduledFor`, taken by the lead as far as `fate`. */
  async function round(types: RoundType[], department: Department, scheduledFor: string, fate: Fate, extra: object = {}) {
    const body = { types, departmentId: h.departments[department], scheduledFor, leadId: h.users.lead.id, teamMemberIds: [h.users.inspector.id], ...extra };
    const id = (await flow.as('lead').post('/rounds', body).expect(201)).body.id as string;
    const event = (payload: object) => flow.as('lead').post(`/rounds/${id}/events`, payload).expect(200);
    if (fate === 'cancelled') await event({ type: 'CANCEL', reason: '科室搬迁 the ward moved' });
    // A joint round's part is named; a round of one type has only one.
    const part = (roundType: RoundType) => (types.length > 1 ? { roundType } : {});
    if (fate === 'started' || fate === 'held') {
      await event({ type: 'START' });
      for (const roundType of types) await flow.as('lead').put(`/rounds/${id}/results/${TEST_ITEM}`, { result: 'pass', ...part(roundType) }).expect(200);
    }
    if (fate === 'held') for (const roundType of types) await event({ type: 'SUBMIT', ...part(roundType) });
  }

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date('2026-05-10T02:00:00Z'));
    await round(['administrative'], 'cardiology', '2026-03-10', 'held');
    // A joint round: once under each of its types.
    await round(['administrative', 'party_building', 'integrity'], 'cardiology', '2026-03-15', 'held');
    await round(['administrative'], 'cardiology', '2026-03-20', 'cancelled');
    await round(['administrative'], 'cardiology', '2026-03-28', 'planned');
    // Unannounced and not started: out of cardiology's sight.
    await round(['administrative'], 'cardiology', '2026-03-29', 'planned', { unannounced: true });
    await round(['administrative'], 'cardiology', '2026-03-31', 'started');
    await round(['administrative'], 'surgery', '2026-02-10', 'held');
    await round(['administrative'], 'surgery', '2026-04-01', 'held');
    await round(['integrity'], 'cardiology', '2026-03-12', 'held');
    await round(['integrity'], 'surgery', '2026-03-31', 'cancelled');
    await round(['party_building'], 'logistics', '2025-12-30', 'held');
  });

  afterAll(() => t.close());

  const coverage = async (who: keyof Hospital['users'], query: string) => (await flow.as(who).get(`/reports/coverage?${query}`).expect(200)).body;
  const cell = (body: { items: Row[] }, department: Department, roundType: RoundType) => {
    const { planned, held, cancelled, lastVisit } = body.items.find((row) => row.departmentId === h.departments[department] && row.roundType === roundType)!;
    return { planned, held, cancelled, lastVisit };
  };
  const notVisited = (body: { notVisited: { roundType: RoundType; departments: { departmentId: string }[] }[] }) =>
    Object.fromEntries(
      body.notVisited.map(({ roundType, departments }) => [
        roundType,
        departments.map(({ departmentId }) => Object.entries(h.departments).find(([, id]) => id === departmentId)![0]).sort(),
      ]),
    );
  const allBut = (...visited: Department[]) => (Object.keys(h.departments) as Department[]).filter((d) => !visited.includes(d)).sort();

  it("counts a month's rounds planned, held and cancelled by department and type, with the last visit up to the month's end", async () => {
    const march = await coverage('discipline', 'year=2026&month=03');
    expect(march).toMatchObject({ year: '2026', month: '03', firstDay: '2026-03-01', lastDay: '2026-03-31', from: '2026-02-28T16:00:00.000Z', to: '2026-03-31T16:00:00.000Z', roundTypes: ROUND_TYPES, integrityCounts: null });
    expect(march.items).toHaveLength(Object.keys(h.departments).length * ROUND_TYPES.length);
    // Six scheduled (one started, two planned), two held (one joint), one cancelled.
    expect(cell(march, 'cardiology', 'administrative')).toEqual({ planned: 6, held: 2, cancelled: 1, lastVisit: '2026-03-15' });
    expect(cell(march, 'cardiology', 'party_building')).toEqual({ planned: 1, held: 1, cancelled: 0, lastVisit: '2026-03-15' });
    expect(cell(march, 'cardiology', 'integrity')).toEqual({ planned: 2, held: 2, cancelled: 0, lastVisit: '2026-03-15' });
    // Surgery's April round is after the month: the last visit is February's.
    expect(cell(march, 'surgery', 'administrative')).toEqual({ planned: 0, held: 0, cancelled: 0, lastVisit: '2026-02-10' });
    expect(cell(march, 'surgery', 'integrity')).toEqual({ planned: 1, held: 0, cancelled: 1, lastVisit: null });
    expect(cell(march, 'logistics', 'party_building')).toEqual({ planned: 0, held: 0, cancelled: 0, lastVisit: '2025-12-30' });
    expect(notVisited(march)).toEqual({ administrative: allBut('cardiology'), party_building: allBut('cardiology'), integrity: allBut('cardiology') });
    const april = await coverage('discipline', 'year=2026&month=04');
    expect(cell(april, 'surgery', 'administrative')).toEqual({ planned: 1, held: 1, cancelled: 0, lastVisit: '2026-04-01' });
    expect(cell(april, 'cardiology', 'administrative')).toEqual({ planned: 0, held: 0, cancelled: 0, lastVisit: '2026-03-15' });
  });

  it('counts the whole year when no month is given', async () => {
    const year = await coverage('discipline', 'year=2026');
    expect(year).toMatchObject({ month: null, firstDay: '2026-01-01', lastDay: '2026-12-31', from: '2025-12-31T16:00:00.000Z', to: '2026-12-31T16:00:00.000Z' });
    expect(cell(year, 'surgery', 'administrative')).toEqual({ planned: 2, held: 2, cancelled: 0, lastVisit: '2026-04-01' });
    expect(cell(year, 'cardiology', 'administrative')).toEqual({ planned: 6, held: 2, cancelled: 1, lastVisit: '2026-03-15' });
    expect(notVisited(year)).toEqual({ administrative: allBut('cardiology', 'surgery'), party_building: allBut('cardiology'), integrity: allBut('cardiology') });
    const last = await coverage('discipline', 'year=2025');
    expect(cell(last, 'logistics', 'party_building')).toEqual({ planned: 1, held: 1, cancelled: 0, lastVisit: '2025-12-30' });
    expect(cell(last, 'cardiology', 'administrative')).toEqual({ planned: 0, held: 0, cancelled: 0, lastVisit: null });
  });

  it("shows integrity coverage to no one outside integrity, the hospital's readers getting only hospital-wide counts", async () => {
    for (const who of ['admin', 'adminVerifier', 'lead'] as const) {
      const march = await coverage(who, 'year=2026&month=03');
      expect(march.roundTypes).toEqual(['administrative', 'party_building']);
      expect(march.items.map((row: Row) => row.roundType)).not.toContain('integrity');
      expect(march.notVisited.map((line: { roundType: string }) => line.roundType)).toEqual(['administrative', 'party_building']);
      // Two integrity rounds held (one joint), one cancelled, across the hospital.
      expect(march.integrityCounts).toEqual({ planned: 3, held: 2, cancelled: 1 });
      // The joint round counts under its other types as usual.
      expect(cell(march, 'cardiology', 'party_building')).toEqual({ planned: 1, held: 1, cancelled: 0, lastVisit: '2026-03-15' });
    }
  });

  it("gives a department's staff their own row only, without integrity and without unannounced rounds not yet begun", async () => {
    const own = await coverage('cardiologyStaff', 'year=2026&month=03');
    expect(own.roundTypes).toEqual(['administrative', 'party_building']);
    expect(own.items.map((row: Row) => [row.departmentId, row.roundType])).toEqual([
      [h.departments.cardiology, 'administrative'],
      [h.departments.cardiology, 'party_building'],
    ]);
    expect(cell(own, 'cardiology', 'administrative')).toEqual({ planned: 5, held: 2, cancelled: 1, lastVisit: '2026-03-15' });
    expect(own.integrityCounts).toBeNull();
    expect(notVisited(own)).toEqual({ administrative: [], party_building: [] });
    const surgery = await coverage('surgeryStaff', 'year=2026&month=03');
    expect(surgery.roundTypes).toEqual(['administrative', 'party_building']);
    expect(surgery.items.map((row: Row) => row.departmentId)).toEqual([h.departments.surgery, h.departments.surgery]);
    expect(notVisited(surgery)).toEqual({ administrative: ['surgery'], party_building: ['surgery'] });
    expect(JSON.stringify(surgery)).not.toContain(h.departments.cardiology);
  });

  it('refuses bad periods naming the field, and those without figures', async () => {
    const fields = async (query: string) => (await flow.as('discipline').get(`/reports/coverage?${query}`).expect(400)).body.details.map((p: { field: string }) => p.field).sort();
    expect(await fields('')).toEqual(['year']);
    expect(await fields('month=03')).toEqual(['year']);
    expect(await fields('year=26')).toEqual(['year']);
    expect(await fields(`year=${encodeURIComponent("2026' OR 1=1 --")}`)).toEqual(['year']);
    expect(await fields('year=2026&month=3')).toEqual(['month']);
    expect(await fields('year=2026&month=13')).toEqual(['month']);
    expect(await fields('year=2026-03')).toEqual(['year']);
    expect(await fields('year=2026&format=pdf')).toEqual(['format']);
    await flow.as('inspector').get('/reports/coverage?year=2026').expect(403);
  });

  it('exports a workbook, the departments not visited filled red and listed, the export logged', async () => {
    const response = await flow.as('discipline').get('/reports/coverage?year=2026&month=03&format=xlsx').buffer(true).parse(binaryBody).expect(200);
    expect(response.headers['content-disposition']).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('查房覆盖-2026-03.xlsx')}`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body as never);
    const [sheet, unvisited] = workbook.worksheets;
    const departments = Object.keys(h.departments).length;
    expect(sheet.rowCount).toBe(2 + departments * ROUND_TYPES.length);
    expect(unvisited.rowCount).toBe(2 + (departments - 1) * ROUND_TYPES.length);
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual(['科室编码', '科室', '查房类型', '计划查房', '已查房', '已取消', '最近查房日期']);
    const rows = Array.from({ length: sheet.rowCount - 2 }, (_, i) => sheet.getRow(i + 3));
    const cardiology = rows.find((row) => String(row.getCell(1).text) === 'CARD' && row.getCell(3).text === '行政查房')!;
    expect([4, 5, 6].map((column) => cardiology.getCell(column).value)).toEqual([6, 2, 1]);
    expect(cardiology.getCell(7).value).toEqual(new Date('2026-03-15T00:00:00Z'));
    const surgery = rows.find((row) => String(row.getCell(1).text) === 'SURG' && row.getCell(3).text === '行政查房')!;
    expect(surgery.getCell(4).fill).toMatchObject({ fgColor: { argb: 'FFFDE2E2' } });
    expect(cardiology.getCell(4).fill).toBeUndefined();
    const logged = (await flow.as('discipline').get(`/audit?event=COVERAGE_EXPORTED&actorId=${h.users.discipline.id}`).expect(200)).body;
    expect(logged.items).toEqual([expect.objectContaining({ payload: expect.objectContaining({ format: 'xlsx', filter: { year: '2026', month: '03' }, rows: departments * ROUND_TYPES.length }) })]);
  });
});
