import { List, Tag } from 'antd-mobile';
import { api } from '../api/client';
import { useLang } from '../i18n';
import { go } from '../route';
import { body, useLoad } from './common';

/** The person's notifications, newest first; opening one marks it read. */
export function Notifications() {
  const { t, label } = useLang();
  const { data, error } = useLoad(() => body(api.GET('/me/notifications', { params: { query: { limit: 100 } } })), []);
  if (error) return <p className="pad error-text">{error}</p>;
  return (
    <List>
      {(data?.items ?? []).map((notification) => (
        <List.Item
          key={notification.id}
          onClick={() => {
            void api.POST('/me/notifications/{id}/read', { params: { path: { id: notification.id } } });
            // A round's notice (planned, tomorrow) opens the round; any other its finding.
            if (notification.findingId) go('findings', notification.findingId);
            else if (notification.roundId) go('rounds', notification.roundId);
          }}
          description={new Date(notification.createdAt).toLocaleString()}
          extra={notification.readAt ? null : <Tag color="danger">•</Tag>}
        >
          {label('notice', notification.type)} · {String((notification.detail as { title?: string }).title ?? '')}
        </List.Item>
      ))}
      {data?.items.length === 0 && <List.Item>{t('nothing')}</List.Item>}
    </List>
  );
}
