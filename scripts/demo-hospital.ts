/**
 * Sets up a small hospital on a running service, through its API, so the tablet app and the console can
 * be tried on a fresh start: a ward and the three lead offices, one person per role, an administrative
 * round at the ward planned for today, and a few findings from outside rounds on the ward's list. Run it
 * once, beside `npm start`:
 *
 *   ADMIN_PASSWORD=… npm run demo      # SERVICE_URL (default http://localhost:3000), DEMO_PASSWORD (else generated)
 *
 * It refuses a service that already has its departments, so it never mixes with real data.
 */
import { randomBytes } from 'node:crypto';

/** Who signs in, and what each finds in the app. */
const PEOPLE = [
  { username: 'lead', displayName: '张组长 Lead', roles: ['round_lead'], does: "starts today's round, fails an item with a photo, submits the round" },
  { username: 'inspector', displayName: '李检查员 Inspector', roles: ['inspector'], does: 'goes through the checklist, logs findings' },
  { username: 'staff', displayName: '王护士长 Ward staff', roles: ['department_staff'], department: 'CARD', does: "answers the ward's findings: plan, evidence" },
  { username: 'verifier', displayName: '赵主任 President office', roles: ['verifier'], department: 'PRES', does: 'accepts the evidence, or sends it back' },
  { username: 'discipline', displayName: '纪委办 Discipline office', roles: ['discipline_office'], department: 'DISC', does: 'audits closures, reads case files, reopens' },
  { username: 'director', displayName: '院长 Director', roles: ['leadership'], does: "reads the console's dashboard, lists and figures" },
] as const;

/** Findings the president's office registers from outside rounds, so the problem list and the dashboard have rows from the start. */
const FINDINGS = [
  { source: 'complaint', severity: 'major', title: '门诊候诊时间过长 Long waits in outpatients', description: '患者投诉候诊超过三小时' },
  { source: 'patient_feedback', severity: 'minor', title: '病区走廊照明不足 Dim ward corridor', description: '夜间走廊灯具损坏两处' },
  { source: 'superior_inspection', severity: 'critical', title: '抢救车药品过期 Expired drugs on the crash cart', description: '上级检查发现两支肾上腺素过期' },
] as const;

/** The Party branch cardiology belongs to. */
const PARTY_BRANCH = { code: 'PB-CARD', name: '心内科党支部', departments: ['CARD'] } as const;

const DEPARTMENTS = [
  { code: 'CARD', name: '心内科 Cardiology', kind: 'clinical' },
  { code: 'PRES', name: '院办 President office', kind: 'functional', leadOfficeFor: ['administrative'] },
  { code: 'PARTY', name: '党办 Party office', kind: 'functional', leadOfficeFor: ['party_building'] },
  { code: 'DISC', name: '纪委办 Discipline office', kind: 'functional', leadOfficeFor: ['integrity'] },
] as const;

export interface DemoHospital {
  password: string;
  people: { username: string; does: string }[];
  roundId: string;
  scheduledFor: string;
  /** Findings registered on the ward's list. */
  findings: number;
}

/** A client for the service's API that throws the service's own message on any refusal. */
function client(origin: string) {
  return async <T = { id: string }>(path: string, token: string | null, body?: unknown): Promise<T> => {
    const response = await fetch(`${origin}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch(() => {
      throw new Error(`No service answers at ${origin}: start it first (npm start), or set SERVICE_URL`);
    });
    const answer = (await response.json()) as T & { message?: string };
    if (!response.ok) throw new Error(`${path}: ${response.status} ${answer.message}`);
    return answer;
  };
}

export async function setUpDemoHospital(options: { origin: string; adminPassword: string; password?: string; timeZone?: string }): Promise<DemoHospital> {
  const call = client(options.origin);
  const password = options.password ?? `demo-${randomBytes(9).toString('base64url')}`;
  const login = async (username: string, secret: string) => (await call<{ accessToken: string }>('/auth/login', null, { username, password: secret })).accessToken;
  const admin = await login('admin', options.adminPassword);

  const existing = await call<{ items: { code: string }[] }>('/departments?limit=500', admin);
  if (existing.items.some((department) => DEPARTMENTS.some(({ code }) => code === department.code))) {
    throw new Error('This service already has the demo departments: the demo hospital is set up once, on a fresh database');
  }
  const partyBranchId = (await call('/party-branches', admin, { code: PARTY_BRANCH.code, name: PARTY_BRANCH.name })).id;
  const departments = new Map<string, string>();
  for (const department of DEPARTMENTS) {
    const inBranch = (PARTY_BRANCH.departments as readonly string[]).includes(department.code);
    departments.set(department.code, (await call('/departments', admin, { ...department, ...(inBranch && { partyBranchId }) })).id);
  }
  const ids = new Map<string, string>();
  for (const { username, displayName, roles, ...person } of PEOPLE) {
    const departmentId = 'department' in person ? departments.get(person.department) : undefined;
    ids.set(username, (await call('/users', admin, { username, password, displayName, roles, departmentId })).id);
  }

  // Today where the hospital is, which is the day its rounds are planned by.
  const scheduledFor = new Date().toLocaleDateString('sv-SE', { timeZone: options.timeZone ?? 'Asia/Shanghai' });
  const round = await call('/rounds', await login('lead', password), {
    types: ['administrative'],
    departmentId: departments.get('CARD'),
    scheduledFor,
    leadId: ids.get('lead'),
    teamMemberIds: [ids.get('inspector')],
  });
  const verifier = await login('verifier', password);
  for (const finding of FINDINGS) {
    await call('/findings', verifier, { ...finding, roundType: 'administrative', responsibleDepartmentId: departments.get('CARD') });
  }
  return { password, people: PEOPLE.map(({ username, does }) => ({ username, does })), roundId: round.id, scheduledFor, findings: FINDINGS.length };
}

if (require.main === module) {
  const origin = process.env.SERVICE_URL ?? 'http://localhost:3000';
  const adminPassword = process.env.ADMIN_PASSWORD;
  if (!adminPassword) {
    console.error('Set ADMIN_PASSWORD to the admin account\'s password (the one the first start used or printed).');
    process.exit(2);
  }
  setUpDemoHospital({ origin, adminPassword, password: process.env.DEMO_PASSWORD, timeZone: process.env.TIME_ZONE }).then(
    (hospital) => {
      console.log(`The demo hospital is ready: open ${origin}/app (tablets) or ${origin}/console (desks) and sign in as one of these, password ${hospital.password}`);
      for (const { username, does } of hospital.people) console.log(`  ${username.padEnd(12)}${does}`);
      console.log(`An administrative round at 心内科 Cardiology is planned for ${hospital.scheduledFor}; ${hospital.findings} findings from outside rounds are on its list.`);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
