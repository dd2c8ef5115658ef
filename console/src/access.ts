import type { Me } from './api';
import type { Word } from './i18n';

type Role = Me['roles'][number];

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
];

export const mayOpen = (me: Me, roles: Role[]) => me.roles.some((role) => roles.includes(role));
