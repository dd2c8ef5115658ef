import { Button, List, Space, Tag } from 'antd-mobile';
import { useLang } from '../i18n';
import { discard, retry, sync, unattributedCount, useOutbox } from '../outbox';
import { go } from '../route';
import { useLoad } from './common';

/** What the signed-in person has not sent yet from this device, and what the server refused, with its reason. */
export function Outbox() {
  const { t } = useLang();
  const items = useOutbox();
  const unattributed = useLoad(unattributedCount, []).data ?? 0;
  return (
    <div>
      <List>
        {items.map((item) => (
          <List.Item
            key={item.id}
            data-outbox-item={item.id}
            description={
              <>
                {new Date(item.createdAt).toLocaleString()}
                {item.photos.length > 0 && ` · ${item.photos.length} ${t('photos')}`}
                {item.error && <div className="error-text">{item.error}</div>}
              </>
            }
            extra={
              <Space direction="vertical">
                <Tag color={item.state === 'refused' ? 'danger' : 'warning'}>{t(item.state)}</Tag>
                {item.state === 'refused' && (
                  <>
                    {/* A refused decision is taken again on the finding as it is now; a capture can simply be sent again. */}
                    {item.kind === 'findingEvent' ? (
                      <Button className="touch" onClick={() => go('findings', item.findingId)}>{t('open')}</Button>
                    ) : (
                      <Button className="touch" onClick={() => void retry(item.id)}>{t('retry')}</Button>
                    )}
                    <Button className="touch" color="danger" onClick={() => void discard(item.id)}>{t('discard')}</Button>
                  </>
                )}
              </Space>
            }
          >
            {item.label}
          </List.Item>
        ))}
        {items.length === 0 && <List.Item>{t('outboxEmpty')}</List.Item>}
        {unattributed > 0 && <List.Item className="muted">{t('unattributed', { n: unattributed })}</List.Item>}
      </List>
      {items.some((item) => item.state === 'pending') && (
        <div className="pad">
          <Button block size="large" color="primary" onClick={() => void sync()}>{t('retry')}</Button>
        </div>
      )}
    </div>
  );
}
