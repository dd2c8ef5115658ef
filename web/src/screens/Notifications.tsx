import { List, Tag } from 'antd-mobile';
import { api } from '../api/client';
import { useLang } from '../i18n';
import { go } from '../route';
import { body, useLoad } from './common';

/**
 * The person's notifications, newest first; opening one marks it read. An announcement opens nothing:
 * its title and body show here, as text (React escapes them; never markup).
 */
export function Notifications() {
  const { t, label } = useLang();
  const { data, error } = useLoad(() => body(api.GET('/me/notifications', { params: { query: { limit: 100 } } })), []);
  if (error) return <p className="pad error-text">{error}</p>;
  return (
    <List>
      {(data?.items ?? []).map((notification) => {
        const detail = notification.detail as { title?: string; body?: string };
        return (
          <List.Item
            key={notification.id}
            onClick={() => {
              void api.POST('/me/notifications/{id}/read', { params: { path: { id: notification.id } } });
              // A round's notice (planned, tomorrow) opens the round; a finding's its finding; an announcement stays here.
              if (notification.findingId) go('findings', notification.findingId);
              else if (notification.roundId) go('rounds', notification.roundId);
            }}
            description={
              <>
                {notification.announcementId && <p className="announcement-body">{detail.body}</p>}
                {new Date(notification.createdAt).toLocaleString()}
              </>
            }
            extra={notification.readAt ? null : <Tag color="danger">•</Tag>}
          >
            {label('notice', notification.type)} · {detail.title ?? ''}
          </List.Item>
        );
      })}
      {data?.items.length === 0 && <List.Item>{t('nothing')}</List.Item>}
    </List>
  );
}
