import type { AuthUser } from '../identity/auth-user';
import type { Scope } from './visibility';

/**
 * Who reads an admonition interview (约谈): the discipline office, every one; otherwise, unless it is
 * about an integrity finding (then the discipline office's alone), the office that recorded it (the
 * verifiers and round leads of a lead office for any round type that office leads) and the staff of
 * the department it was held with. There is no department-head role: a department's staff, its
 * rectification contacts, stand in for its head.
 *
 * The parameters are named apart from the finding scope's, as some queries apply both.
 */
export function visibleInterviews(auth: AuthUser): Scope {
  const scope = (condition: string, parameters: Record<string, unknown> = {}): Scope => ({ alias: 'interview', joins: [], condition, parameters });
  if (auth.roles.includes('discipline_office')) return scope('1 = 1');
  const any: string[] = [];
  const parameters: Record<string, unknown> = {};
  if (auth.roles.includes('verifier') || auth.roles.includes('round_lead')) {
    auth.leadOfficeFor.forEach((type, i) => {
      any.push(`"interview"."recordingOfficeFor" LIKE :interviewOffice${i}`);
      parameters[`interviewOffice${i}`] = `%"${type}"%`;
    });
  }
  if (auth.roles.includes('department_staff') && auth.departmentId) {
    any.push(`"interview"."departmentId" = :interviewDepartmentId`);
    parameters.interviewDepartmentId = auth.departmentId;
  }
  return any.length === 0 ? scope('1 = 0') : scope(`NOT "interview"."integrity" AND (${any.join(' OR ')})`, parameters);
}

/** Who records interviews: the discipline office, and the verifiers and round leads of a lead office. */
export const recordsInterviews = (auth: AuthUser): boolean =>
  auth.roles.includes('discipline_office') || ((auth.roles.includes('verifier') || auth.roles.includes('round_lead')) && auth.leadOfficeFor.length > 0);
