/**
 * Code tables and their entries: entries searched and paginated on the server, optionally only those
 * valid on a date; a new value effective from a date (e.g. 分居 for marital status) and retiring one
 * with its replacement, for those with `reference.write`.
 */
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert, App as AntApp, Button, type ButtonProps, DatePicker, Descriptions, Flex, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import { ArrowLeftOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { today as todayShanghai } from '../persons/reference';
import { api, ApiError, unwrap, type Schemas } from '../../api/client';
import { AsyncView, ErrorNote, useAsync } from '../../components/async';
import { common } from '../../i18n/common';
import { useLang, useNumber, useT } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import { useDebounced } from './ElementsView';
import { RULES, std } from './messages';

type Table = Schemas['CodeTable'];
type Entry = Schemas['CodeEntry'];

export function CodeTablesView() {
  const t = useT(std);
  const { lang } = useLang();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim());
  const list = useAsync(async () => unwrap(await api.GET('/api/v1/standard/code-tables', { params: { query: query === '' ? {} : { q: query } } })), [query]);
  return (
    <>
      <Input.Search allowClear placeholder={t('searchTables')} value={q} onChange={(e) => setQ(e.target.value)} style={{ maxWidth: 360, marginBottom: 12 }} data-testid="table-search" />
      <AsyncView state={list}>
        {(items) => (
          <Table<Table>
            rowKey="id"
            size="small"
            dataSource={items}
            pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
            scroll={{ x: 'max-content' }}
            onRow={(r) => ({ onClick: () => navigate(`/standard/code-tables/${encodeURIComponent(r.id)}`), style: { cursor: 'pointer' } })}
            data-testid="code-tables-table"
            columns={[
              { title: t('id'), dataIndex: 'id', key: 'id', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
              { title: lang === 'zh' ? t('nameZh') : t('nameEn'), key: 'name', render: (_: unknown, r: Table) => <Link to={`/standard/code-tables/${encodeURIComponent(r.id)}`}>{lang === 'zh' ? r.nameZh : r.nameEn}</Link> },
              { title: t('tableStandard'), dataIndex: 'standard', key: 'standard' },
              { title: t('version'), dataIndex: 'version', key: 'version', responsive: ['lg'], render: (v: string) => <Typography.Text ellipsis={{ tooltip: v }} style={{ maxWidth: 260 }}>{v}</Typography.Text> },
            ]}
          />
        )}
      </AsyncView>
    </>
  );
}

function validity(e: Entry, today: string): 'valid' | 'expired' | 'notYet' {
  if (e.validTo !== null && e.validTo <= today) return 'expired';
  if (e.validFrom !== null && e.validFrom > today) return 'notYet';
  return 'valid';
}

const VALIDITY_COLOR = { valid: 'green', expired: 'default', notYet: 'blue' } as const;

export function CodeTableDetail() {
  const { id = '' } = useParams();
  const t = useT(std);
  const { lang } = useLang();
  const n = useNumber();
  const { may } = useSession();
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim());
  const [asOf, setAsOf] = useState<Dayjs | null>(null);
  const [page, setPage] = useState({ current: 1, pageSize: 20 });
  const [adding, setAdding] = useState(false);
  const [retiring, setRetiring] = useState<Entry | null>(null);
  const [tick, setTick] = useState(0);
  const table = useAsync(async () => unwrap(await api.GET('/api/v1/standard/code-tables/{id}', { params: { path: { id } } })), [id, tick]);
  const entries = useAsync(
    async () =>
      unwrap(
        await api.GET('/api/v1/standard/code-tables/{id}/entries', {
          params: {
            path: { id },
            query: { ...(query === '' ? {} : { q: query }), ...(asOf ? { asOf: asOf.format('YYYY-MM-DD') } : {}), limit: page.pageSize, offset: (page.current - 1) * page.pageSize },
          },
        }),
      ),
    [id, query, asOf?.format('YYYY-MM-DD'), page.current, page.pageSize, tick],
  );
  const today = todayShanghai();
  const writer = may('reference.write');
  const rows = entries.data?.items;
  return (
    <Flex vertical gap={12} data-testid="code-table-detail">
      <Link to="/standard/code-tables">
        <ArrowLeftOutlined /> {t('back')}
      </Link>
      <AsyncView state={table}>
        {({ table: tb, entryCount }) => (
          <>
            <Descriptions
              title={`${lang === 'zh' ? tb.nameZh : tb.nameEn}（${tb.id}）`}
              size="small"
              bordered
              column={{ xs: 1, sm: 1, md: 2 }}
              items={[
                { key: 'standard', label: t('tableStandard'), children: tb.standard },
                { key: 'count', label: t('entries'), children: <span data-testid="entry-count">{n(entryCount)}</span> },
                { key: 'version', label: t('version'), span: 2, children: tb.version },
                { key: 'description', label: t('description'), span: 2, children: tb.description },
                { key: 'source', label: t('source'), span: 2, children: <Typography.Text type="secondary">{tb.source}</Typography.Text> },
              ]}
            />
            <Flex gap={8} wrap align="center">
              <Input.Search
                allowClear
                placeholder={t('searchEntries')}
                value={q}
                onChange={(e) => {
                  setQ(e.target.value);
                  setPage((p) => ({ ...p, current: 1 }));
                }}
                style={{ maxWidth: 300 }}
                data-testid="entry-search"
              />
              <Typography.Text>{t('validOn')}</Typography.Text>
              <DatePicker
                value={asOf}
                onChange={(d) => {
                  setAsOf(d);
                  setPage((p) => ({ ...p, current: 1 }));
                }}
              />
              {writer && (
                <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="add-entry">
                  {t('addEntry')}
                </Button>
              )}
            </Flex>
            {entries.error !== undefined ? (
              <ErrorNote error={entries.error} onRetry={entries.reload} />
            ) : (
              <Table<Entry>
                rowKey="code"
                size="small"
                loading={entries.loading}
                dataSource={rows ?? []}
                scroll={{ x: 'max-content' }}
                data-testid="entries-table"
                pagination={{
                  current: page.current,
                  pageSize: page.pageSize,
                  total: entries.data?.total ?? 0,
                  showSizeChanger: true,
                  pageSizeOptions: [20, 50, 100],
                  showTotal: (total) => t('entryCount', { n: n(total) }),
                  onChange: (current, pageSize) => setPage({ current: pageSize === page.pageSize ? current : 1, pageSize }),
                }}
                columns={[
                  { title: t('code'), dataIndex: 'code', key: 'code', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
                  { title: lang === 'zh' ? t('nameZh') : t('nameEn'), key: 'name', render: (_: unknown, r: Entry) => (lang === 'zh' ? r.nameZh : (r.nameEn ?? r.nameZh)) },
                  { title: t('status'), dataIndex: 'status', key: 'status', render: (v: string) => <Tag color={v === 'local' ? 'purple' : v === 'variant' ? 'cyan' : 'geekblue'}>{(t as (k: string) => string)(v)}</Tag> },
                  {
                    title: t('validity'),
                    key: 'validity',
                    render: (_: unknown, r: Entry) => {
                      const v = validity(r, today);
                      return (
                        <Flex gap={4} wrap>
                          <Tag color={VALIDITY_COLOR[v]}>{t(v)}</Tag>
                          <span>{r.validFrom ?? '…'} ~ {r.validTo ?? '…'}</span>
                        </Flex>
                      );
                    },
                  },
                  { title: t('replacedBy'), dataIndex: 'replacedBy', key: 'replacedBy', render: (v: string | null) => v ?? '—' },
                  { title: t('parentCode'), dataIndex: 'parentCode', key: 'parentCode', responsive: ['lg'], render: (v: string | null) => v ?? '—' },
                  { title: t('note'), dataIndex: 'note', key: 'note', responsive: ['xl'], render: (v: string | null) => (v === null ? '—' : <Typography.Text ellipsis={{ tooltip: v }} style={{ maxWidth: 240 }}>{v}</Typography.Text>) },
                  ...(writer
                    ? [
                        {
                          title: t('actions'),
                          key: 'actions',
                          render: (_: unknown, r: Entry) =>
                            r.validTo === null ? (
                              <Button size="small" onClick={() => setRetiring(r)} data-testid="retire-entry">
                                {t('retire')}
                              </Button>
                            ) : null,
                        },
                      ]
                    : []),
                ]}
              />
            )}
            <AddEntryModal
              open={adding}
              table={tb}
              onClose={() => setAdding(false)}
              onAdded={(e) => {
                setAdding(false);
                setQ(e.code);
                setPage((p) => ({ ...p, current: 1 }));
                setTick((x) => x + 1);
              }}
            />
            <RetireModal
              entry={retiring}
              table={tb}
              onClose={() => setRetiring(null)}
              onRetired={() => {
                setRetiring(null);
                setTick((x) => x + 1);
              }}
            />
          </>
        )}
      </AsyncView>
    </Flex>
  );
}

interface EntryForm {
  code: string;
  nameZh: string;
  nameEn?: string;
  parentCode?: string;
  validFrom: Dayjs;
  validTo?: Dayjs | null;
  note?: string;
}

function fieldErrors<T>(form: ReturnType<typeof Form.useForm<T>>[0], e: unknown): void {
  if (e instanceof ApiError && typeof e.details['field'] === 'string') form.setFields([{ name: e.details['field'] as never, errors: [e.message] }]);
  if (e instanceof ApiError && e.code === 'CODE_EXISTS') form.setFields([{ name: 'code' as never, errors: [e.message] }]);
}

function AddEntryModal({ open, table, onClose, onAdded }: { open: boolean; table: Table; onClose: () => void; onAdded: (e: Entry) => void }) {
  const t = useT(std);
  const tc = useT(common);
  const { lang } = useLang();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<EntryForm>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (v: EntryForm) => {
    setSaving(true);
    setError(undefined);
    try {
      const e = unwrap(
        await api.POST('/api/v1/standard/code-tables/{id}/entries', {
          params: { path: { id: table.id } },
          body: {
            code: v.code.trim(),
            nameZh: v.nameZh.trim(),
            ...(v.nameEn?.trim() ? { nameEn: v.nameEn.trim() } : {}),
            ...(v.parentCode?.trim() ? { parentCode: v.parentCode.trim() } : {}),
            validFrom: v.validFrom.format('YYYY-MM-DD'),
            ...(v.validTo ? { validTo: v.validTo.format('YYYY-MM-DD') } : {}),
            ...(v.note?.trim() ? { note: v.note.trim() } : {}),
          },
        }),
      );
      void message.success(t('entryAdded', { code: e.code, name: e.nameZh }));
      form.resetFields();
      onAdded(e);
    } catch (e) {
      fieldErrors(form, e);
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('addEntryTitle', { table: lang === 'zh' ? table.nameZh : table.nameEn })}
      onCancel={onClose}
      okText={t('addEntry')}
      cancelText={tc('cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      okButtonProps={{ 'data-testid': 'entry-submit' } as ButtonProps}
      destroyOnHidden
    >
      <Form<EntryForm> form={form} layout="vertical" onFinish={(v) => void submit(v)} initialValues={{ validFrom: dayjs() }} data-testid="entry-form">
        <Form.Item name="code" label={t('code')} hasFeedback validateFirst rules={[{ required: true, whitespace: true, message: t('required') }, { pattern: RULES.code, message: t('codePattern') }]}>
          <Input maxLength={RULES.codeMax + 8} data-testid="entry-code" />
        </Form.Item>
        <Form.Item name="nameZh" label={t('nameZh')} hasFeedback rules={[{ required: true, whitespace: true, message: t('required') }, { max: RULES.nameZhMax, message: t('tooLong', { max: RULES.nameZhMax }) }]}>
          <Input data-testid="entry-nameZh" />
        </Form.Item>
        <Form.Item name="nameEn" label={t('nameEn')} rules={[{ max: RULES.entryNameEnMax, message: t('tooLong', { max: RULES.entryNameEnMax }) }]}>
          <Input data-testid="entry-nameEn" />
        </Form.Item>
        <Form.Item name="parentCode" label={t('parentCode')}>
          <Input />
        </Form.Item>
        <Flex gap={12} wrap>
          <Form.Item name="validFrom" label={t('validFrom')} rules={[{ required: true, message: t('required') }]}>
            <DatePicker data-testid="entry-validFrom" />
          </Form.Item>
          <Form.Item
            name="validTo"
            label={t('validTo')}
            dependencies={['validFrom']}
            rules={[
              {
                validator: async (_r, value: Dayjs | null | undefined) => {
                  const from = form.getFieldValue('validFrom') as Dayjs | undefined;
                  if (value && from && !value.isAfter(from, 'day')) throw new Error(t('validToAfter'));
                },
              },
            ]}
          >
            <DatePicker />
          </Form.Item>
        </Flex>
        <Form.Item name="note" label={t('note')} rules={[{ max: RULES.noteMax, message: t('tooLong', { max: RULES.noteMax }) }]}>
          <Input.TextArea rows={2} showCount maxLength={RULES.noteMax} />
        </Form.Item>
        {error !== undefined && <ErrorNote error={error} />}
      </Form>
    </Modal>
  );
}

function RetireModal({ entry, table, onClose, onRetired }: { entry: Entry | null; table: Table; onClose: () => void; onRetired: () => void }) {
  const t = useT(std);
  const tc = useT(common);
  const { message } = AntApp.useApp();
  const { lang } = useLang();
  const [form] = Form.useForm<{ validTo: Dayjs; replacedBy?: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim());
  const candidates = useAsync(
    async () => (entry === null ? [] : unwrap(await api.GET('/api/v1/standard/code-tables/{id}/entries', { params: { path: { id: table.id }, query: { ...(query === '' ? {} : { q: query }), limit: 100 } } })).items),
    [table.id, query, entry?.code],
  );
  // The earliest allowed end: today, or the day after the value became valid.
  const earliest = entry?.validFrom && !dayjs(entry.validFrom).isBefore(dayjs(todayShanghai()), 'day') ? dayjs(entry.validFrom).add(1, 'day') : dayjs(todayShanghai());
  const submit = async (v: { validTo: Dayjs; replacedBy?: string }) => {
    if (entry === null) return;
    setSaving(true);
    setError(undefined);
    try {
      unwrap(
        await api.POST('/api/v1/standard/code-tables/{id}/entries/{code}/retire', {
          params: { path: { id: table.id, code: entry.code } },
          body: { validTo: v.validTo.format('YYYY-MM-DD'), ...(v.replacedBy?.trim() ? { replacedBy: v.replacedBy.trim() } : {}) },
        }),
      );
      void message.success(t('retired', { code: entry.code }));
      form.resetFields();
      onRetired();
    } catch (e) {
      fieldErrors(form, e);
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={entry !== null}
      title={entry ? t('retireTitle', { code: entry.code, name: entry.nameZh }) : ''}
      onCancel={onClose}
      okText={t('retire')}
      okButtonProps={{ danger: true, 'data-testid': 'retire-submit' } as ButtonProps}
      cancelText={tc('cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Alert type="info" showIcon title={t('retireHint')} style={{ marginBottom: 16 }} />
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} initialValues={{ validTo: earliest }} data-testid="retire-form">
        <Form.Item
          name="validTo"
          label={t('validTo')}
          rules={[
            { required: true, message: t('required') },
            {
              validator: async (_r, value: Dayjs | null | undefined) => {
                if (value && entry?.validFrom && !value.isAfter(dayjs(entry.validFrom), 'day')) throw new Error(t('validToAfter'));
              },
            },
          ]}
        >
          <DatePicker />
        </Form.Item>
        <Form.Item name="replacedBy" label={t('replacedBy')} rules={[{ pattern: RULES.code, message: t('codePattern') }]}>
          <Select
            allowClear
            showSearch={{ filterOption: false, onSearch: setQ }}
            options={(candidates.data ?? []).filter((e) => e.code !== entry?.code).map((e) => ({ value: e.code, label: `${e.code} ${lang === 'zh' ? e.nameZh : (e.nameEn ?? e.nameZh)}` }))}
            loading={candidates.loading}
            data-testid="retire-replacedBy"
          />
        </Form.Item>
        {error !== undefined && <ErrorNote error={error} />}
      </Form>
    </Modal>
  );
}
