import { Typography } from 'antd';
import { useT } from '../i18n';
import { AuditEntries } from './AuditLog';

/**
 * Security events are audit entries of these types: sign-ins, accounts and roles, tablets, lead
 * offices, and who took what (`data_access`, which only the discipline office reads; an
 * administrator's log leaves it out).
 */
export default function SecurityEvents() {
  const { t } = useT();
  return (
    <>
      <Typography.Title level={2}>{t('securityEvents')}</Typography.Title>
      <AuditEntries entityTypes={['user', 'device', 'department', 'data_access']} pick />
    </>
  );
}
