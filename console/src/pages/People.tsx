import { App, Button, Checkbox, Form, Input, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Schemas, api, ok } from '../api';
import { Contact, ContactFields, contactOf } from '../contact';
import { FormDialog, PasswordInput } from '../forms';
import { useT } from '../i18n';
import { InUse, SearchBox, useServerList } from '../lists';
import { PageHeading } from '../page-heading';

type Person = Schemas['UserDto'];
type Values = Schemas['CreateUserDto'] & Contact & { disabled?: boolean };

const ROLES: Schemas['CreateUserDto']['roles'] = ['inspector', 'round_lead', 'department_staff', 'verifier', 'discipline_office', 'admin', 'leadership'];

/** People: created with roles and a department, edited (their contacts too), disabled, and their password reset (shown once). */
export default function People() {
  const { t, label } = useT();
  const { modal, message } = App.useApp();
  const list = useServerList(['q', 'role', 'departmentId'], ['username', 'displayName', 'createdAt'], ({ role, ...query }) =>
    ok(api.GET('/users', { params: { query: { ...query, role: role as Values['roles'][number] | undefined } } })),
  );
  const [departments, setDepartments] = useState<Schemas['DepartmentDto'][]>([]);
  const [editing, setEditing] = useState<Person | 'new' | null>(null);
  const [temporary, setTemporary] = useState<{ name: string; password: string } | null>(null);
  useEffect(() => void ok(api.GET('/departments', { params: { query: { limit: 500 } } })).then((page) => setDepartments(page.items), () => undefined), []);
  const departmentOptions = departments.map((department) => ({ value: department.id, label: `${department.name} (${department.code})` }));
  const departmentName = (id: string | null) => departments.find((department) => department.id === id)?.name ?? '—';

  const save = ({ username, password, displayName, roles, departmentId, disabled, ...contact }: Values) => {
    if (editing === 'new') return ok(api.POST('/users', { body: { username, password, displayName, roles, departmentId } }));
    return ok(
      api.PATCH('/users/{id}', { params: { path: { id: (editing as Person).id } }, body: { displayName, roles, departmentId: departmentId ?? null, disabled, ...contactOf(contact, editing as Person) } }),
    );
  };

  const resetPassword = (person: Person) =>
    modal.confirm({
      title: t('resetPassword'),
      content: t('resetPasswordConfirm', { name: person.displayName }),
      okText: t('resetPassword'),
      cancelText: t('cancel'),
      onOk: () =>
        ok(api.POST('/users/{id}/password-reset', { params: { path: { id: person.id } } })).then(
          ({ temporaryPassword }) => setTemporary({ name: person.displayName, password: temporaryPassword }),
          (error: { message?: string }) => message.error(t('saveFailed', { reason: error.message ?? '' })),
        ),
    });

  return (
    <>
      <PageHeading title={t('people')}>
      <Button type="primary" onClick={() => setEditing('new')}>
        {t('create')}
      </Button>
      </PageHeading>
      <Space style={{ marginBottom: 16 }}>
        <SearchBox label={t('searchPeople')} value={list.filters.q} onSearch={(q) => list.setFilter('q', q)} />
        <Select
          aria-label={t('roles')}
          placeholder={t('roles')}
          allowClear
          style={{ width: 180 }}
          value={list.filters.role}
          onChange={(role?: string) => list.setFilter('role', role)}
          options={ROLES.map((role) => ({ value: role, label: label('role', role) }))}
        />
        <Select
          aria-label={t('department')}
          placeholder={t('department')}
          allowClear
          showSearch
          optionFilterProp="label"
          style={{ width: 220 }}
          value={list.filters.departmentId}
          onChange={(departmentId?: string) => list.setFilter('departmentId', departmentId)}
          options={departmentOptions}
        />
      </Space>
      <Table<Person>
        rowKey="id"
        {...list.table}
        columns={[
          { title: t('username'), dataIndex: 'username', ...list.sorted('username') },
          { title: t('displayName'), dataIndex: 'displayName', ...list.sorted('displayName') },
          { title: t('roles'), dataIndex: 'roles', render: (roles: Person['roles']) => roles.map((role) => <Tag key={role}>{label('role', role)}</Tag>) },
          { title: t('department'), dataIndex: 'departmentId', render: departmentName },
          { title: t('status'), dataIndex: 'active', render: (active: boolean) => <InUse active={active} otherwise="disabled" /> },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, person) => (
              <Space>
                <Button type="link" onClick={() => setEditing(person)} aria-label={`${t('edit')} ${person.username}`}>
                  {t('edit')}
                </Button>
                <Button type="link" onClick={() => resetPassword(person)} aria-label={`${t('resetPassword')} ${person.username}`}>
                  {t('resetPassword')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <FormDialog<Values, Person>
        title={editing === 'new' ? t('create') : `${t('edit')} · ${editing?.displayName ?? ''}`}
        open={editing !== null}
        initialValues={
          editing === 'new' || editing === null
            ? { roles: [] }
            : {
                username: editing.username,
                displayName: editing.displayName,
                roles: ROLES.filter((role) => editing.roles.includes(role)),
                departmentId: editing.departmentId ?? undefined,
                disabled: !editing.active,
                email: editing.email,
                mobile: editing.mobile,
                wecomUserId: editing.wecomUserId,
                dingtalkUserId: editing.dingtalkUserId,
              }
        }
        save={save}
        onSaved={() => {
          setEditing(null);
          list.reload();
        }}
        onCancel={() => setEditing(null)}
      >
        {() => (
          <>
            <Form.Item name="username" label={t('username')} rules={[{ required: true, message: t('required') }]}>
              <Input disabled={editing !== 'new'} autoComplete="off" />
            </Form.Item>
            {editing === 'new' && (
              <Form.Item name="password" label={t('initialPassword')} rules={[{ required: true, message: t('required') }]}>
                <PasswordInput autoComplete="new-password" />
              </Form.Item>
            )}
            <Form.Item name="displayName" label={t('displayName')} rules={[{ required: true, message: t('required') }]}>
              <Input />
            </Form.Item>
            <Form.Item name="roles" label={t('roles')}>
              <Checkbox.Group options={ROLES.map((role) => ({ value: role, label: label('role', role) }))} />
            </Form.Item>
            <Form.Item name="departmentId" label={t('department')}>
              <Select
                allowClear
                showSearch
                optionFilterProp="label"
                placeholder={t('none')}
                options={departmentOptions}
              />
            </Form.Item>
            {editing !== 'new' && (
              <>
                <Form.Item name="disabled" label={t('disable')} valuePropName="checked">
                  <Switch />
                </Form.Item>
                <Typography.Title level={3} style={{ fontSize: 16 }}>
                  {t('contact')}
                </Typography.Title>
                <ContactFields />
              </>
            )}
          </>
        )}
      </FormDialog>
      <Modal
        title={`${t('temporaryPassword')} · ${temporary?.name ?? ''}`}
        open={temporary !== null}
        onCancel={() => setTemporary(null)}
        destroyOnHidden
        footer={<Button onClick={() => setTemporary(null)}>{t('close')}</Button>}
      >
        <Typography.Paragraph>{t('shownOnce')}</Typography.Paragraph>
        <Typography.Paragraph copyable code className="temporary-password" style={{ fontSize: 18 }}>
          {temporary?.password}
        </Typography.Paragraph>
      </Modal>
    </>
  );
}
