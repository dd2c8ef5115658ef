import { Button, Checkbox, Form, Input, Select, Space, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { Schemas, api, ok } from '../api';
import { FormDialog } from '../forms';
import { useT } from '../i18n';
import { SearchBox, useServerList } from '../lists';
import { PageHeading } from '../page-heading';

type Department = Schemas['DepartmentDto'];
type Values = Schemas['CreateDepartmentDto'];

const ROUND_TYPES = ['administrative', 'party_building', 'integrity'] as const;

/** Departments: created with a code that stays, edited (name, kind, lead offices, branch). */
export default function Departments() {
  const { t, label } = useT();
  const list = useServerList(['q', 'kind'], ['code', 'name', 'createdAt'], ({ kind, ...query }) =>
    ok(api.GET('/departments', { params: { query: { ...query, kind: kind as Department['kind'] | undefined } } })),
  );
  const [branches, setBranches] = useState<Schemas['PartyBranchDto'][]>([]);
  const [editing, setEditing] = useState<Department | 'new' | null>(null);
  useEffect(() => void ok(api.GET('/party-branches', { params: { query: { limit: 500 } } })).then((page) => setBranches(page.items), () => undefined), []);

  const save = (values: Values) => {
    const leadOfficeFor = values.leadOfficeFor ?? [];
    if (editing === 'new') return ok(api.POST('/departments', { body: { ...values, leadOfficeFor } }));
    const { name, kind, partyBranchId } = values;
    return ok(api.PATCH('/departments/{id}', { params: { path: { id: (editing as Department).id } }, body: { name, kind, leadOfficeFor, partyBranchId: partyBranchId ?? null } }));
  };

  return (
    <>
      <PageHeading title={t('departments')}>
      <Button type="primary" onClick={() => setEditing('new')}>
        {t('create')}
      </Button>
      </PageHeading>
      <Space style={{ marginBottom: 16 }}>
        <SearchBox label={t('searchDepartments')} value={list.filters.q} onSearch={(q) => list.setFilter('q', q)} />
        <Select
          aria-label={t('kind')}
          placeholder={t('kind')}
          allowClear
          style={{ width: 160 }}
          value={list.filters.kind}
          onChange={(kind?: string) => list.setFilter('kind', kind)}
          options={(['clinical', 'functional'] as const).map((kind) => ({ value: kind, label: t(kind) }))}
        />
      </Space>
      <Table<Department>
        rowKey="id"
        {...list.table}
        columns={[
          { title: t('code'), dataIndex: 'code', ...list.sorted('code') },
          { title: t('name'), dataIndex: 'name', ...list.sorted('name') },
          { title: t('kind'), dataIndex: 'kind', render: (kind: Department['kind']) => t(kind) },
          { title: t('leadOfficeFor'), dataIndex: 'leadOfficeFor', render: (types: Department['leadOfficeFor']) => types.map((type) => <Tag key={type}>{label('roundType', type)}</Tag>) },
          { title: t('partyBranch'), dataIndex: 'partyBranchName', render: (name: string | null) => name ?? '—' },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, department) => (
              <Button type="link" onClick={() => setEditing(department)} aria-label={`${t('edit')} ${department.name}`}>
                {t('edit')}
              </Button>
            ),
          },
        ]}
      />
      <FormDialog<Values, Department>
        title={editing === 'new' ? t('create') : `${t('edit')} · ${editing?.name ?? ''}`}
        open={editing !== null}
        initialValues={editing === 'new' || editing === null ? { kind: 'clinical', leadOfficeFor: [] } : { ...editing, partyBranchId: editing.partyBranchId ?? undefined }}
        save={save}
        onSaved={() => {
          setEditing(null);
          list.reload();
        }}
        onCancel={() => setEditing(null)}
      >
        {() => (
          <>
            <Form.Item name="code" label={t('code')} rules={[{ required: true, message: t('required') }]}>
              <Input disabled={editing !== 'new'} />
            </Form.Item>
            <Form.Item name="name" label={t('name')} rules={[{ required: true, message: t('required') }]}>
              <Input />
            </Form.Item>
            <Form.Item name="kind" label={t('kind')}>
              <Select options={(['clinical', 'functional'] as const).map((kind) => ({ value: kind, label: t(kind) }))} />
            </Form.Item>
            <Form.Item name="leadOfficeFor" label={t('leadOfficeFor')}>
              <Checkbox.Group options={ROUND_TYPES.map((type) => ({ value: type, label: label('roundType', type) }))} />
            </Form.Item>
            <Form.Item name="partyBranchId" label={t('partyBranch')}>
              <Select allowClear placeholder={t('none')} options={branches.map((branch) => ({ value: branch.id, label: branch.name }))} />
            </Form.Item>
          </>
        )}
      </FormDialog>
    </>
  );
}
