import type { RoundType } from '../../workflows';
import { ADMIN_PASSWORD, PASSWORD, TestApp } from './test-app';

/** A small hospital: wards, lead offices, and one person per role. */
export interface Hospital {
  departments: { cardiology: string; surgery: string; logistics: string; presidentOffice: string; partyOffice: string; disciplineOffice: string };
  users: Record<'lead' | 'otherLead' | 'inspector' | 'cardiologyStaff' | 'surgeryStaff' | 'adminVerifier' | 'partyVerifier' | 'discipline' | 'admin', { id: string; token: string }>;
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
  return { departments, users };
}
