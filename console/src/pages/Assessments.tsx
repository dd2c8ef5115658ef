import { App, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError, Schemas, api, ok } from '../api';
import { DownloadButton, PeriodBox, usePeriod } from '../figures';
import { useT } from '../i18n';

type Row = Schemas['DepartmentAssessmentDto'];

/** A rank with the number sharing it (并列) and out of how many. */
const rankOf = (rank: number | null, ties: number | null, of: number | null, t: ReturnType<typeof useT>['t']) =>
  rank === null ? '—' : `${rank}/${of ?? ''}${ties && ties > 1 ? ` ${t('tied', { n: ties })}` : ''}`;

/** Assessments (考核) of a month or a year: grades, ranks with ties, eligibility and the Party branch ranks. */
export default function Assessments() {
  const { t, lang } = useT();
  const { message } = App.useApp();
  const period = usePeriod();
  const [report, setReport] = useState<{ items: Row[] } | null>(null);
  useEffect(() => {
    setReport(null);
    const query = period.year ? { year: period.year } : { month: period.month };
    ok(api.GET('/assessments', { params: { query } })).then(setReport, (error: ApiError) => message.error(t('loadFailed', { reason: error.message ?? '' })));
  }, [period.month, period.year]);
  return (
    <>
      <Typography.Title level={2}>{t('assessments')}</Typography.Title>
      <Space wrap style={{ marginBottom: 16 }}>
        <Segmented
          aria-label={t('periodOf')}
          value={period.year ? 'year' : 'month'}
          onChange={(value) => period.set(value === 'year' ? { year: period.month.slice(0, 4) } : { month: period.month })}
          options={[
            { value: 'month', label: t('monthAsText') },
            { value: 'year', label: t('year') },
          ]}
        />
        {period.year ? (
          <>
            <PeriodBox pattern="year" label={t('year')} value={period.year} onChange={(value) => period.set({ year: value })} />
            <DownloadButton path="/reports/annual" query={{ year: period.year, format: 'xlsx' }} name={`annual-${period.year}.xlsx`}>
              {t('downloadXlsx')}
            </DownloadButton>
          </>
        ) : (
          <PeriodBox pattern="month" label={t('monthAsText')} value={period.month} onChange={(value) => period.set({ month: value })} />
        )}
      </Space>
      <Table<Row>
        rowKey="departmentId"
        loading={report === null}
        dataSource={report?.items}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: true }}
        columns={[
          { title: t('department'), dataIndex: 'departmentName' },
          { title: t('assessmentScore'), dataIndex: 'assessment', render: (score: number | null) => score ?? '—' },
          {
            title: t('grade'),
            key: 'grade',
            render: (_, row) => (
              <Tag className="grade" color={row.grade === 'fail' ? '#a8071a' : undefined}>
                {row.gradeLabel[lang]}
              </Tag>
            ),
          },
          { title: t('rank'), key: 'rank', render: (_, row) => rankOf(row.rank, row.rankTies, row.rankOf, t) },
          { title: t('eligible'), key: 'eligible', render: (_, row) => (row.eligible ? t('yes') : t('no')) },
          { title: t('partyBranch'), dataIndex: 'partyBranchName', render: (name: string | null) => name ?? '—' },
          { title: t('branchRank'), key: 'branchRank', render: (_, row) => rankOf(row.branchRank, row.branchRankTies, row.branchRankOf, t) },
        ]}
      />
    </>
  );
}
