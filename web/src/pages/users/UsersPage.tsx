/**
 * Users and departments (/users, platform administrators): the console users (GET /api/v1/users)
 * with their role, department, areas, status and second factor; create a user with the API's own
 * rules checked as you type (username, password length, the scope each role needs); disable,
 * enable, unlock and reset a password (POST /api/v1/users/…); the departments (GET
 * /api/v1/standard/departments) with their remits — for which purposes, which elements (and which
 * unmasked), areas and kinds of people (GET /api/v1/departments/{id}/remit); and the API tokens of
 * department systems — issued for purposes,
 * shown once, revoked at once (GET/POST/DELETE /api/v1/tokens).
 */
import { useMemo, useState } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, Modal, Popconfirm, Select, Space, Table, Tabs, Tag, Tooltip, Typography, message } from 'antd';
import type { ButtonProps } from 'antd';
import { PlusOutlined, UnlockOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { api, unwrap, type Schemas } from '../../api/client';
import { AsyncView, ErrorNote, errorText, useAsync } from '../../components/async';
import { useAreaName } from '../../components/area-name';
import { codeNames, departmentNames, useCodeNames, useDepartmentNames } from '../../components/reference-names';
import { useLang, useT } from '../../i18n/i18n';
import { common, roleKey } from '../../i18n/common';
import { useSession, useUser } from '../../session/session';
import { m } from './messages';

type User = Schemas['User'];
type Token = Schemas['ApiToken'];

/** The API's rules (src/access/identity.service.ts, identity-policy.ts). */
const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const MIN_PASSWORD = 12;
const MAX_PASSWORD = 128;
const ROLES = ['platform-admin', 'street-admin', 'committee-worker', 'collector', 'department-officer', 'auditor'] as const;

type MessageApi = ReturnType<typeof message.useMessage>[0];

function AreaTag({ code }: { code: string }) {
  const name = useAreaName(code);
  return (
    <Tooltip title={code}>
      <Tag>{name ?? code}</Tag>
    </Tooltip>
  );
}

function usePasswordRules() {
  const t = useT(m);
  return [
    { required: true, message: t('passwordRule', { min: MIN_PASSWORD, max: MAX_PASSWORD }) },
    { min: MIN_PASSWORD, max: MAX_PASSWORD, message: t('passwordRule', { min: MIN_PASSWORD, max: MAX_PASSWORD }) },
  ];
}

/** A select searching the API as one types (areas or buildings), keeping the chosen options' labels. */
function RemoteSelect({
  value,
  onChange,
  search,
  placeholder,
  testId,
}: {
  value?: string[];
  onChange?: (v: string[]) => void;
  search: (q: string) => Promise<{ value: string; label: string }[]>;
  placeholder: string;
  testId: string;
}) {
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [known, setKnown] = useState<Map<string, string>>(new Map());
  const [loading, setLoading] = useState(false);
  const seq = useMemo(() => ({ n: 0 }), []);
  const run = (q: string) => {
    const mine = ++seq.n;
    if (q.trim() === '') return;
    setLoading(true);
    search(q.trim()).then(
      (o) => {
        if (mine !== seq.n) return;
        setOptions(o);
        setKnown((k) => new Map([...k, ...o.map((x) => [x.value, x.label] as const)]));
        setLoading(false);
      },
      () => setLoading(false),
    );
  };
  const shown = [...options, ...(value ?? []).filter((v) => !options.some((o) => o.value === v)).map((v) => ({ value: v, label: known.get(v) ?? v }))];
  return (
    <Select
      mode="multiple"
      value={value}
      onChange={onChange}
      options={shown}
      filterOption={false}
      showSearch={{ onSearch: run, filterOption: false }}
      loading={loading}
      placeholder={placeholder}
      data-testid={testId}
      notFoundContent={null}
    />
  );
}

async function searchAreas(q: string): Promise<{ value: string; label: string }[]> {
  const r = unwrap(await api.GET('/api/v1/areas', { params: { query: /^\d+$/.test(q) ? { within: q.slice(0, 12), limit: 30 } : { q, limit: 30 } } }));
  return r.items.filter((a) => a.code.length === 9 || a.code.length === 12).map((a) => ({ value: a.code, label: `${a.name}（${a.code}）` }));
}

async function searchBuildings(q: string): Promise<{ value: string; label: string }[]> {
  const r = unwrap(await api.GET('/api/v1/buildings', { params: { query: { q, limit: 30 } } }));
  return r.items.map((b) => ({ value: b.id, label: b.address }));
}

interface NewUserForm {
  username: string;
  displayName: string;
  role: (typeof ROLES)[number];
  departmentId?: string;
  areaCodes?: string[];
  buildingIds?: string[];
  password: string;
  confirm: string;
}

function NewUserModal({ open, onClose, onCreated, departments }: { open: boolean; onClose: () => void; onCreated: (u: User) => void; departments: { value: string; label: string }[] }) {
  const t = useT(m);
  const c = useT(common);
  const [form] = Form.useForm<NewUserForm>();
  const [error, setError] = useState<unknown>(undefined);
  const [saving, setSaving] = useState(false);
  const role = Form.useWatch('role', form);
  const passwordRules = usePasswordRules();
  const submit = async (v: NewUserForm) => {
    setSaving(true);
    setError(undefined);
    try {
      const user = unwrap(
        await api.POST('/api/v1/users', {
          body: {
            username: v.username.trim().toLowerCase(),
            displayName: v.displayName.trim(),
            password: v.password,
            role: v.role,
            departmentId: v.departmentId ?? null,
            areaCodes: v.areaCodes ?? [],
            buildingIds: v.role === 'collector' ? (v.buildingIds ?? []) : [],
          },
        }),
      );
      form.resetFields();
      onCreated(user);
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('newUser')}
      onCancel={onClose}
      okText={c('save')}
      cancelText={c('cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      okButtonProps={{ 'data-testid': 'user-save' } as ButtonProps}
      destroyOnHidden
      width={560}
    >
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} data-testid="user-form" initialValues={{ role: 'committee-worker' }}>
        <Form.Item name="username" label={t('username')} hasFeedback validateTrigger="onChange" rules={[{ required: true, message: t('usernameRule') }, { pattern: USERNAME, message: t('usernameRule') }]}>
          <Input autoComplete="off" data-testid="user-username" />
        </Form.Item>
        <Form.Item name="displayName" label={t('displayName')} rules={[{ required: true, whitespace: true, message: t('displayNameRule') }, { max: 100, message: t('displayNameRule') }]}>
          <Input data-testid="user-displayname" />
        </Form.Item>
        <Form.Item name="role" label={t('role')} rules={[{ required: true }]}>
          <Select data-testid="user-role-select" options={ROLES.map((r) => ({ value: r, label: c(roleKey(r)) }))} />
        </Form.Item>
        <Form.Item name="departmentId" label={t('department')} rules={[{ required: role === 'department-officer', message: t('departmentRequired') }]}>
          <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={departments} data-testid="user-department" />
        </Form.Item>
        {role !== 'auditor' && role !== 'collector' && (
          <Form.Item
            name="areaCodes"
            label={t('areas')}
            dependencies={['role']}
            rules={[
              {
                validator: async (_r, v?: string[]) => {
                  const list = v ?? [];
                  if (role === 'street-admin' && (list.length === 0 || list.some((a) => a.length !== 9))) throw new Error(t('streetRequired'));
                  if (role === 'committee-worker' && (list.length === 0 || list.some((a) => a.length !== 12))) throw new Error(t('committeeRequired'));
                },
              },
            ]}
          >
            <RemoteSelect search={searchAreas} placeholder={t('areasHint')} testId="user-areas" />
          </Form.Item>
        )}
        {role === 'collector' && (
          <Form.Item name="buildingIds" label={t('buildings')} rules={[{ required: true, type: 'array', min: 1, message: t('buildingsRequired') }]}>
            <RemoteSelect search={searchBuildings} placeholder={t('buildingsHint')} testId="user-buildings" />
          </Form.Item>
        )}
        <Form.Item name="password" label={t('password')} hasFeedback validateTrigger="onChange" rules={passwordRules}>
          <Input.Password autoComplete="new-password" data-testid="user-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('confirm')}
          dependencies={['password']}
          hasFeedback
          rules={[
            { required: true, message: t('confirmRule') },
            ({ getFieldValue }) => ({
              validator: async (_r, v?: string) => {
                if (v !== getFieldValue('password')) throw new Error(t('confirmRule'));
              },
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="user-confirm" />
        </Form.Item>
      </Form>
      {error !== undefined && <ErrorNote error={error} />}
    </Modal>
  );
}

function ResetPasswordModal({ user, onClose, toast }: { user: User | null; onClose: () => void; toast: MessageApi }) {
  const t = useT(m);
  const c = useT(common);
  const [form] = Form.useForm<{ password: string }>();
  const [error, setError] = useState<unknown>(undefined);
  const rules = usePasswordRules();
  const submit = async (v: { password: string }) => {
    if (!user) return;
    setError(undefined);
    try {
      unwrap(await api.PUT('/api/v1/users/{id}/password', { params: { path: { id: user.id } }, body: { password: v.password } }));
      void toast.success(t('resetDone'));
      form.resetFields();
      onClose();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Modal open={user !== null} title={`${t('resetPassword')} · ${user?.displayName ?? ''}`} onCancel={onClose} onOk={() => form.submit()} okText={c('save')} cancelText={c('cancel')} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item name="password" label={t('newPassword')} hasFeedback validateTrigger="onChange" rules={rules}>
          <Input.Password autoComplete="new-password" data-testid="reset-password" />
        </Form.Item>
      </Form>
      {error !== undefined && <ErrorNote error={error} />}
    </Modal>
  );
}

function UsersTab({ toast }: { toast: MessageApi }) {
  const t = useT(m);
  const c = useT(common);
  const me = useUser();
  const deptName = useDepartmentNames();
  const { lang } = useLang();
  const users = useAsync(async () => unwrap(await api.GET('/api/v1/users')), []);
  const departments = useAsync(async () => [...(await departmentNames()).entries()].map(([id, n]) => ({ value: id, label: lang === 'zh' ? n.zh : n.en })), [lang]);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [q, setQ] = useState('');
  const [roleFilter, setRoleFilter] = useState<string | undefined>(undefined);
  const act = async (u: User, what: 'disable' | 'enable' | 'unlock', done: string) => {
    try {
      unwrap(await api.POST(`/api/v1/users/{id}/${what}`, { params: { path: { id: u.id } } }));
      void toast.success(done);
      users.reload();
    } catch (e) {
      void toast.error(errorText(e, c('networkError')));
    }
  };
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Space wrap>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="user-new">
          {t('newUser')}
        </Button>
        <Input.Search allowClear placeholder={t('search')} onChange={(e) => setQ(e.target.value)} style={{ width: 220 }} data-testid="user-search" />
        <Select allowClear placeholder={t('allRoles')} style={{ width: 180 }} value={roleFilter} onChange={setRoleFilter} options={ROLES.map((r) => ({ value: r, label: c(roleKey(r)) }))} />
      </Space>
      <AsyncView state={users}>
        {(list) => {
          const needle = q.trim().toLowerCase();
          const rows = list.filter((u) => (roleFilter === undefined || u.role === roleFilter) && (needle === '' || u.username.includes(needle) || u.displayName.toLowerCase().includes(needle)));
          return (
            <Table<User>
              size="small"
              rowKey="id"
              dataSource={rows}
              data-testid="users-table"
              scroll={{ x: 'max-content' }}
              pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
              columns={[
                { title: t('username'), dataIndex: 'username', render: (v: string, u) => <span data-testid={`user-row-${v}`}>{v}{u.id === me.user.id ? t('you') : ''}</span> },
                { title: t('displayName'), dataIndex: 'displayName' },
                { title: t('role'), dataIndex: 'role', render: (v: string) => <Tag color="blue">{c(roleKey(v))}</Tag> },
                { title: t('department'), dataIndex: 'departmentId', render: (v: string | null) => (v ? deptName(v) : '—') },
                {
                  title: t('areas'),
                  dataIndex: 'areaCodes',
                  render: (v: string[], u) => (u.buildingIds.length > 0 ? `${t('buildings')} ${u.buildingIds.length}` : v.length === 0 ? '—' : <Space size={2} wrap>{v.map((a) => <AreaTag key={a} code={a} />)}</Space>),
                },
                { title: t('status'), dataIndex: 'status', render: (v: string) => <Tag color={v === 'active' ? 'green' : 'default'}>{v === 'active' ? t('active') : t('disabled')}</Tag> },
                { title: t('secondFactor'), dataIndex: 'totpEnabled', render: (v: boolean) => <Tag color={v ? 'green' : 'orange'}>{v ? t('totpOn') : t('totpOff')}</Tag> },
                { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => dayjs(v).format('YYYY-MM-DD') },
                {
                  title: t('actions'),
                  key: 'actions',
                  render: (_v, u) => (
                    <Space size={4} wrap>
                      {u.status === 'active' ? (
                        <Popconfirm title={t('disableConfirm')} onConfirm={() => act(u, 'disable', t('saved'))} okText={c('confirm')} cancelText={c('cancel')} disabled={u.id === me.user.id}>
                          <Button size="small" danger disabled={u.id === me.user.id}>
                            {t('disable')}
                          </Button>
                        </Popconfirm>
                      ) : (
                        <Button size="small" onClick={() => void act(u, 'enable', t('saved'))}>
                          {t('enable')}
                        </Button>
                      )}
                      <Button size="small" onClick={() => setResetting(u)}>
                        {t('resetPassword')}
                      </Button>
                      <Button size="small" type="link" onClick={() => void act(u, 'unlock', t('unlocked'))}>
                        {t('unlock')}
                      </Button>
                    </Space>
                  ),
                },
              ]}
            />
          );
        }}
      </AsyncView>
      <NewUserModal
        open={creating}
        departments={departments.data ?? []}
        onClose={() => setCreating(false)}
        onCreated={(u) => {
          setCreating(false);
          void toast.success(t('created', { name: u.username }));
          users.reload();
        }}
      />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} toast={toast} />
    </Space>
  );
}

type DepartmentRemit = Schemas['DepartmentRemit'];

/** The names of elements and kinds of people, read once for the remits shown. */
function useRemitNames(): { element: (id: string) => string; kind: (id: string) => string } {
  const { lang } = useLang();
  const names = useAsync(async () => {
    const [elements, kinds] = await Promise.all([api.GET('/api/v1/standard/elements').then(unwrap), api.GET('/api/v1/standard/kinds').then(unwrap)]);
    return {
      elements: new Map(elements.map((e) => [e.id, lang === 'zh' ? e.nameZh : e.nameEn])),
      kinds: new Map(kinds.map((k) => [k.id, lang === 'zh' ? k.nameZh : k.nameEn])),
    };
  }, [lang]);
  return {
    element: (id) => names.data?.elements.get(id) ?? id,
    kind: (id) => names.data?.kinds.get(id) ?? id,
  };
}

/** What one department may read: per set of purposes, the areas, kinds of people and elements (those it may unmask marked). */
function RemitView({ remit }: { remit: DepartmentRemit }) {
  const t = useT(m);
  const purposeName = useCodeNames('purpose');
  const names = useRemitNames();
  if (remit.grants.length === 0) return <Typography.Text type="secondary">{t('noRemit')}</Typography.Text>;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%', maxWidth: 960 }} data-testid={`remit-${remit.departmentId}`}>
      <Typography.Text type="secondary">
        <UnlockOutlined /> {t('unmaskHint')}
      </Typography.Text>
      {remit.grants.map((g) => (
        <Card key={g.purposes.join(',')} size="small" title={g.purposes.map(purposeName).join('、')} data-testid="remit-grant" data-purposes={g.purposes.join(',')}>
          <Descriptions
            size="small"
            column={1}
            items={[
              { key: 'areas', label: t('grantAreas'), children: <Space size={[4, 4]} wrap>{g.areas.map((a) => <AreaTag key={a} code={a} />)}</Space> },
              {
                key: 'kinds',
                label: t('grantKinds'),
                children: g.kinds === null ? t('anyKind') : <Space size={[4, 4]} wrap>{g.kinds.map((k) => <Tag key={k} color="purple">{names.kind(k)}</Tag>)}</Space>,
              },
              {
                key: 'elements',
                label: t('grantElements', { n: g.elements.length }),
                children: (
                  <Space size={[4, 4]} wrap data-testid="remit-elements">
                    {g.elements.map((e) => {
                      const unmask = g.unmask.includes(e);
                      return (
                        <Tooltip key={e} title={unmask ? `${e} · ${t('unmaskable')}` : e}>
                          <Tag color={unmask ? 'gold' : 'blue'} icon={unmask ? <UnlockOutlined /> : undefined} data-element={e} data-unmask={unmask}>
                            {names.element(e)}
                          </Tag>
                        </Tooltip>
                      );
                    })}
                  </Space>
                ),
              },
            ]}
          />
        </Card>
      ))}
    </Space>
  );
}

function DepartmentsTab() {
  const t = useT(m);
  const { lang } = useLang();
  const purposeName = useCodeNames('purpose');
  const departments = useAsync(async () => {
    const list = unwrap(await api.GET('/api/v1/standard/departments'));
    const remits = await Promise.all(list.map(async (d) => unwrap(await api.GET('/api/v1/departments/{id}/remit', { params: { path: { id: d.id } } }))));
    return list.map((d, i) => ({ ...d, remit: remits[i] ?? { departmentId: d.id, grants: [] } }));
  }, []);
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Alert type="info" showIcon title={t('remitNote')} />
      <AsyncView state={departments} empty={(d) => d.length === 0}>
        {(list) => (
          <Table
            size="small"
            rowKey="id"
            dataSource={list}
            data-testid="departments-table"
            scroll={{ x: 'max-content' }}
            pagination={{ pageSize: 30, hideOnSinglePage: true }}
            expandable={{ expandedRowRender: (d) => <RemitView remit={d.remit} />, rowExpandable: (d) => d.remit.grants.length > 0 }}
            columns={[
              { title: t('name'), dataIndex: lang === 'zh' ? 'nameZh' : 'nameEn' },
              { title: t('id'), dataIndex: 'id', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
              { title: t('level'), dataIndex: 'level', render: (v: string) => t(`level${v}` as 'levelcity') },
              {
                title: t('remit'),
                key: 'remit',
                render: (_v, d) =>
                  d.remit.grants.length === 0 ? (
                    <Typography.Text type="secondary">{t('noRemit')}</Typography.Text>
                  ) : (
                    <Space size={[4, 4]} wrap data-testid={`remit-purposes-${d.id}`}>
                      {[...new Set(d.remit.grants.flatMap((g) => g.purposes))].map((p) => (
                        <Tag key={p}>{purposeName(p)}</Tag>
                      ))}
                    </Space>
                  ),
              },
            ]}
          />
        )}
      </AsyncView>
    </Space>
  );
}

function TokensTab({ toast }: { toast: MessageApi }) {
  const t = useT(m);
  const c = useT(common);
  const { lang } = useLang();
  const deptName = useDepartmentNames();
  const tokens = useAsync(async () => unwrap(await api.GET('/api/v1/tokens')), []);
  const departments = useAsync(async () => [...(await departmentNames()).entries()].map(([id, n]) => ({ value: id, label: lang === 'zh' ? n.zh : n.en })), [lang]);
  const purposes = useAsync(async () => [...(await codeNames('purpose')).entries()].map(([id, n]) => ({ value: id, label: `${lang === 'zh' ? n.zh : n.en}（${id}）` })), [lang]);
  const [form] = Form.useForm<{ departmentId: string; name: string; purposes: string[] }>();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [issued, setIssued] = useState<string | null>(null);
  const issue = async (v: { departmentId: string; name: string; purposes: string[] }) => {
    setError(undefined);
    try {
      const r = unwrap(await api.POST('/api/v1/tokens', { body: { departmentId: v.departmentId, name: v.name.trim(), purposes: v.purposes } }));
      setOpen(false);
      form.resetFields();
      setIssued(r.token);
      tokens.reload();
    } catch (e) {
      setError(e);
    }
  };
  const revoke = async (tk: Token) => {
    try {
      await api.DELETE('/api/v1/tokens/{id}', { params: { path: { id: tk.id } } }).then((r) => {
        if (r.error !== undefined) unwrap(r);
      });
      void toast.success(t('saved'));
      tokens.reload();
    } catch (e) {
      void toast.error(errorText(e, c('networkError')));
    }
  };
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} data-testid="token-new">
        {t('newToken')}
      </Button>
      <AsyncView state={tokens}>
        {(list) => (
          <Table<Token>
            size="small"
            rowKey="id"
            dataSource={list}
            data-testid="tokens-table"
            scroll={{ x: 'max-content' }}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            columns={[
              { title: t('tokenName'), dataIndex: 'name', render: (v: string) => <span data-testid={`token-row-${v}`}>{v}</span> },
              { title: t('department'), dataIndex: 'departmentId', render: (v: string) => deptName(v) },
              { title: t('purposes'), dataIndex: 'purposes', render: (v: string[]) => v.map((p) => <Tag key={p}>{p}</Tag>) },
              { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
              { title: t('lastUsed'), dataIndex: 'lastUsedAt', render: (v: string | null) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : t('never')) },
              {
                title: t('status'),
                dataIndex: 'revokedAt',
                render: (v: string | null, tk) =>
                  v ? (
                    <Tooltip title={dayjs(v).format('YYYY-MM-DD HH:mm')}>
                      <Tag>{t('revoked')}</Tag>
                    </Tooltip>
                  ) : (
                    <Popconfirm title={t('revokeConfirm')} onConfirm={() => revoke(tk)} okText={c('confirm')} cancelText={c('cancel')}>
                      <Button size="small" danger>
                        {t('revoke')}
                      </Button>
                    </Popconfirm>
                  ),
              },
            ]}
          />
        )}
      </AsyncView>
      <Modal
        open={open}
        title={t('newToken')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText={c('save')}
        cancelText={c('cancel')}
        okButtonProps={{ 'data-testid': 'token-save' } as ButtonProps}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => void issue(v)}>
          <Form.Item name="departmentId" label={t('department')} rules={[{ required: true, message: t('departmentRequired') }]}>
            <Select showSearch={{ optionFilterProp: 'label' }} options={departments.data ?? []} data-testid="token-department" />
          </Form.Item>
          <Form.Item name="name" label={t('tokenName')} rules={[{ required: true, whitespace: true, max: 100 }]}>
            <Input data-testid="token-name" />
          </Form.Item>
          <Form.Item name="purposes" label={t('purposes')} rules={[{ required: true, type: 'array', min: 1, message: t('purposesRequired') }]}>
            <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} options={purposes.data ?? []} data-testid="token-purposes" />
          </Form.Item>
        </Form>
        {error !== undefined && <ErrorNote error={error} />}
      </Modal>
      <Modal open={issued !== null} title={t('tokenIssued')} closable={false} mask={{ closable: false }} keyboard={false} footer={<Button type="primary" onClick={() => setIssued(null)} data-testid="token-close">{c('confirm')}</Button>}>
        <Alert type="warning" showIcon title={t('tokenOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph code copyable style={{ wordBreak: 'break-all' }} data-testid="token-value">
          {issued}
        </Typography.Paragraph>
      </Modal>
    </Space>
  );
}

export default function UsersPage() {
  const t = useT(m);
  const c = useT(common);
  const { may } = useSession();
  const [toast, holder] = message.useMessage();
  if (!may('account.manage')) return <Alert type="warning" showIcon title={c('notAllowed')} />;
  return (
    <Card size="small" data-testid="users-page">
      {holder}
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('title')}
      </Typography.Title>
      <Tabs
        items={[
          { key: 'users', label: t('users'), children: <UsersTab toast={toast} /> },
          { key: 'departments', label: t('departments'), children: <DepartmentsTab /> },
          { key: 'tokens', label: t('tokens'), children: <TokensTab toast={toast} /> },
        ]}
      />
    </Card>
  );
}
