import type { Me } from './api';
import type { Word } from './i18n';

type Role = Me['roles'][number];

/** Every page of the console and the roles that may open it: the menu lists these, the routes refuse the rest. */
export const PAGES: { path: string; title: Word; roles: Role[] }[] = [
  { path: '/departments', title: 'departments', roles: ['admin'] },
  { path: '/people', title: 'people', roles: ['admin'] },
  { path: '/tablets', title: 'tablets', roles: ['admin'] },
  { path: '/findings', title: 'findings', roles: ['verifier', 'round_lead', 'discipline_office', 'admin', 'leadership'] },
  { path: '/verification', title: 'verificationQueue', roles: ['verifier', 'discipline_office'] },
  { path: '/follow-ups', title: 'followUps', roles: ['verifier', 'discipline_office'] },
];

export const mayOpen = (me: Me, roles: Role[]) => me.roles.some((role) => roles.includes(role));
