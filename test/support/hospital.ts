import type { RoundType } from '../../workflows';
import { ADMIN_PASSWORD, PASSWORD, TestApp } from './test-app';

/** The one item of the checklist every round type gets in a seeded hospital. */
export const TEST_ITEM = 'T-1';

/** A small hospital: wards, lead offices, one person per role, and a one-item checklist per round type. */
export interface Hospital {
  departments: { cardiology: string; surgery: string; logistics: string; presidentOffice: string; partyOffice: string; disciplineOffice: string };
  users: Record<'lead' | 'otherLead' | 'inspector' | 'cardiologyStaff' | 'surgeryStaff' | 'adminVerifier' | 'partyVerifier' | 'discipline' | 'auditor' | 'admin', { id: string; token: string }>;
}

export async function seedHospital(t: TestApp): Promise<Hospital> {
  const adminToken = await t.login('admin', ADMIN_PASSWORD);
  const auth = { Authorization: `Bearer ${adminToken}` };
  const department = async (code: string, kind: string, leadOfficeFor: RoundType[] = []) =>
    (await t.http.post('/departments').set(auth).send({ code, name: code, kind, leadOfficeFor }).expect(201)).body.id as string;
  const departments = {
    cardiology: await department('CARD', 'clinical'),
    surgery: await department('SURG', 'clinical'),
    logistics: await department('LOGI', 'functional'),
    presidentOffice: await department('PRES', 'functional', ['administrative']),
    partyOffice: await department('PARTY', 'functional', ['party_building']),
    disciplineOffice: await department('DISC', 'functional', ['integrity']),
  };
  const user = async (username: string, roles: string[], departmentId?: string) => {
    const body = { username, password: PASSWORD, displayName: username, roles, departmentId };
    const id = (await t.http.post('/users').set(auth).send(body).expect(201)).body.id as string;
    return { id, token: await t.login(username) };
  };
  // A one-item standard for every type, so suites about other things pass a round's checklist in one step.
  for (const roundType of ['administrative', 'party_building', 'integrity']) {
    const item = { code: TEST_ITEM, title: '病区巡查', titleEn: 'Ward walk-through', category: '巡查', standard: 'Walked through', maxDeduction: 10, veto: false };
    await t.http.post('/checklists').set(auth).send({ roundType, title: 'Test standard', items: [item] }).expect(201);
  }
  const users = {
    lead: await user('lead', ['round_lead']),
    otherLead: await user('other-lead', ['round_lead']),
    inspector: await user('inspector', ['inspector']),
    cardiologyStaff: await user('card-staff', ['department_staff'], departments.cardiology),
    surgeryStaff: await user('surg-staff', ['department_staff'], departments.surgery),
    adminVerifier: await user('pres-verifier', ['verifier'], departments.presidentOffice),
    partyVerifier: await user('party-verifier', ['verifier'], departments.partyOffice),
    discipline: await user('discipline', ['discipline_office', 'verifier'], departments.disciplineOffice),
    admin: { id: '', token: adminToken },
  };
  // `discipline` verifies integrity findings too: what it accepted, another discipline-office user approves (separation of duties).
  const auditor = await disciplineOfficeUser(t, users, 'auditor', departments.disciplineOffice);
  return { departments, users: { ...users, auditor } };
}

/**
 * Another discipline-office user, once the first exists: an administrator opens the account (with a
 * placeholder role, since an account has one), the discipline office gives the role, the
 * administrator takes the placeholder away. Signed in afterwards: a change of roles ends every token.
 */
export async function disciplineOfficeUser(
  t: TestApp,
  by: Record<'admin' | 'discipline', { token: string }>,
  username: string,
  departmentId?: string,
): Promise<{ id: string; token: string }> {
  const as = (who: 'admin' | 'discipline') => ({ Authorization: `Bearer ${by[who].token}` });
  const body = { username, password: PASSWORD, displayName: username, roles: ['inspector'], departmentId };
  const id = (await t.http.post('/users').set(as('admin')).send(body).expect(201)).body.id as string;
  await t.http.patch(`/users/${id}`).set(as('discipline')).send({ roles: ['inspector', 'discipline_office'] }).expect(200);
  await t.http.patch(`/users/${id}`).set(as('admin')).send({ roles: ['discipline_office'] }).expect(200);
  return { id, token: await t.login(username) };
}
