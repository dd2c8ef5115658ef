import { Table, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { Schemas, api, ok } from '../api';
import { useT } from '../i18n';
import { useServerList } from '../lists';

type Finding = Schemas['FindingDto'];

/** Follow-up checks (回头看) due by the hospital's today (GET /follow-ups?due=true), paged by the service. */
export default function FollowUps() {
  const { t, label } = useT();
  const list = useServerList<Finding, never, never>([], [], (query) => ok(api.GET('/follow-ups', { params: { query: { ...query, due: true } } })));
  return (
    <>
      <Typography.Title level={2}>{t('followUps')}</Typography.Title>
      <Table<Finding>
        rowKey="id"
        {...list.table}
        columns={[
          { title: t('title'), dataIndex: 'title', render: (title: string, finding) => <Link to={`/findings/${finding.id}`}>{title}</Link> },
          { title: t('roundType'), dataIndex: 'roundType', render: (type: string) => label('roundType', type) },
          { title: t('dueOn'), key: 'dueOn', render: (_, finding) => finding.followUp?.dueOn ?? '—' },
          { title: t('state'), dataIndex: 'state', render: (state: string) => label('state', state) },
        ]}
      />
    </>
  );
}
