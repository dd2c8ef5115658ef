import type { Me } from './api';
import type { Word } from './i18n';

type Role = Me['roles'][number];

/** Who may read the monthly figures, as the service's FIGURE_READERS. */
const FIGURE_READERS: Role[] = ['admin', 'discipline_office', 'verifier', 'round_lead', 'department_staff', 'leadership'];

/** Every page of the console and the roles that may open it: the menu lists these, the routes refuse the rest. */
export const PAGES: { path: string; title: Word; roles: Role[] }[] = [
  { path: '/departments', title: 'departments', roles: ['admin'] },
  { path: '/people', title: 'people', roles: ['admin'] },
  { path: '/tablets', title: 'tablets', roles: ['admin'] },
  { path: '/dashboard', title: 'dashboard', roles: ['leadership', 'admin', 'discipline_office', 'verifier', 'round_lead', 'department_staff'] },
  { path: '/checklists', title: 'checklists', roles: ['admin'] },
  { path: '/closure-audits', title: 'closureAudits', roles: ['discipline_office'] },
  { path: '/audit', title: 'auditLog', roles: ['discipline_office', 'admin'] },
  { path: '/security-events', title: 'securityEvents', roles: ['discipline_office', 'admin'] },
  { path: '/webhooks', title: 'webhooks', roles: ['admin', 'discipline_office'] },
  { path: '/calendar', title: 'roundCalendar', roles: ['round_lead', 'discipline_office', 'admin', 'leadership'] },
  { path: '/coverage', title: 'coverage', roles: [...FIGURE_READERS] },
  { path: '/monthly', title: 'monthlyTracking', roles: [...FIGURE_READERS] },
  { path: '/assessments', title: 'assessments', roles: [...FIGURE_READERS] },
];

export const mayOpen = (me: Me, roles: Role[]) => me.roles.some((role) => roles.includes(role));
