import { registrationLead } from '../../workflows/finding.registration';
import { REGISTERED_SOURCES } from '../../workflows/finding.types';
import { ROUND_TYPES, type RoundType } from '../../workflows/vocabulary';
import type { Me } from './api';
import type { Word } from './i18n';

type Role = Me['roles'][number];

/** Who may read the monthly figures, as the service's FIGURE_READERS. */
const FIGURE_READERS: Role[] = ['admin', 'discipline_office', 'verifier', 'round_lead', 'department_staff', 'leadership'];

/** Every page of the console, in the menu's groups and order, and the roles that may open it: the menu lists these, the routes refuse the rest. */
export const PAGES: { path: string; title: Word; group: Word; roles: Role[] }[] = [
  { path: '/dashboard', title: 'dashboard', group: 'overview', roles: ['leadership', 'admin', 'discipline_office', 'verifier', 'round_lead', 'department_staff'] },
  { path: '/findings', title: 'findings', group: 'rectification', roles: ['verifier', 'round_lead', 'discipline_office', 'admin', 'leadership'] },
  { path: '/verification', title: 'verificationQueue', group: 'rectification', roles: ['verifier', 'discipline_office'] },
  { path: '/follow-ups', title: 'followUps', group: 'rectification', roles: ['verifier', 'discipline_office'] },
  { path: '/closure-audits', title: 'closureAudits', group: 'rectification', roles: ['discipline_office'] },
  { path: '/calendar', title: 'roundCalendar', group: 'planning', roles: ['round_lead', 'discipline_office', 'admin', 'leadership'] },
  { path: '/coverage', title: 'coverage', group: 'planning', roles: [...FIGURE_READERS] },
  { path: '/monthly', title: 'monthlyTracking', group: 'figures', roles: [...FIGURE_READERS] },
  { path: '/assessments', title: 'assessments', group: 'figures', roles: [...FIGURE_READERS] },
  { path: '/audit', title: 'auditLog', group: 'auditing', roles: ['discipline_office', 'admin'] },
  { path: '/security-events', title: 'securityEvents', group: 'auditing', roles: ['discipline_office', 'admin'] },
  { path: '/departments', title: 'departments', group: 'settings', roles: ['admin'] },
  { path: '/people', title: 'people', group: 'settings', roles: ['admin'] },
  { path: '/tablets', title: 'tablets', group: 'settings', roles: ['admin'] },
  { path: '/checklists', title: 'checklists', group: 'settings', roles: ['admin'] },
  { path: '/webhooks', title: 'webhooks', group: 'settings', roles: ['admin', 'discipline_office'] },
];

export const mayOpen = (me: Me, roles: Role[]) => me.roles.some((role) => roles.includes(role));

/**
 * The round types `me` may register findings of (POST /findings, the import's rows), by the service's
 * own rule (registrationLead): the forms are offered only to those the service would accept, which
 * stays the judge. A department's staff count for their own department's self-inspection.
 */
export const registrableTypes = (me: Me): RoundType[] =>
  ROUND_TYPES.filter((roundType) =>
    REGISTERED_SOURCES.some((source) => registrationLead(me, { source, roundType, responsibleDepartmentId: me.departmentId ?? '' }) !== null),
  );
