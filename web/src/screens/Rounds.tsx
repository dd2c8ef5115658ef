import { List, Tag } from 'antd-mobile';
import { api } from '../api/client';
import type { Schemas } from '../db';
import { useLang } from '../i18n';
import { go } from '../route';
import { body, useLoad } from './common';

/** The rounds the person is on that are still to do: today's and upcoming first. */
export function Rounds({ user }: { user: Schemas['UserDto'] }) {
  const { t, label } = useLang();
  const { data, error } = useLoad(async () => {
    const [planned, inProgress] = await Promise.all(
      (['planned', 'in_progress'] as const).map((state) => body(api.GET('/rounds', { params: { query: { state, limit: 200 } } }))),
    );
    return [...inProgress.items, ...planned.items]
      .filter((round) => round.leadId === user.id || round.teamMemberIds.includes(user.id))
      .sort((a, b) => a.scheduledFor.localeCompare(b.scheduledFor));
  }, [user.id]);
  const departments = useDepartments();
  if (error) return <p className="pad error-text">{error}</p>;
  return (
    <List>
      {(data ?? []).map((round) => (
        <List.Item
          key={round.id}
          onClick={() => go('rounds', round.id)}
          description={`${t('scheduledFor')} ${round.scheduledFor} · ${round.types.map((type) => label('roundType', type)).join(' / ')}`}
          extra={<Tag color={round.state === 'in_progress' ? 'primary' : 'default'}>{label('state', round.state)}</Tag>}
        >
          {departments.get(round.departmentId)?.name ?? round.departmentId}
        </List.Item>
      ))}
      {data?.length === 0 && <List.Item>{t('nothing')}</List.Item>}
    </List>
  );
}

/** Every department by id, for names and the responsible-department picker. */
export function useDepartments(): Map<string, Schemas['DepartmentDto']> {
  const { data } = useLoad(async () => (await body(api.GET('/departments', { params: { query: { limit: 500 } } }))).items, []);
  return new Map((data ?? []).map((department) => [department.id, department]));
}
