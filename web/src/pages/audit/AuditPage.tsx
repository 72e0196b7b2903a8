/**
 * The audit log (/audit, auditors): the chain's state first — verified now through
 * POST /api/v1/audit/verify (intact, or the first broken entry) and the head with its anchor line
 * to keep elsewhere — then a search by time, user, action, person, request id and result
 * (GET /api/v1/audit/entries, newest first, keyset paging newer/older) and a CSV export of what
 * matches (GET /api/v1/audit/export).
 */
import { useState } from 'react';
import { Alert, AutoComplete, Button, Card, Col, DatePicker, Descriptions, Form, Input, Row, Select, Space, Table, Tag, Tooltip, Typography, message } from 'antd';
import { CheckCircleFilled, CloseCircleFilled, DownloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api, download, unwrap, type Schemas } from '../../api/client';
import { AsyncView, ErrorNote, errorText, useAsync } from '../../components/async';
import { useCodeNames, useDepartmentNames } from '../../components/reference-names';
import { defineMessages, useNumber, useT } from '../../i18n/i18n';
import { common, roleKey } from '../../i18n/common';
import { useSession } from '../../session/session';

type Entry = Schemas['AuditEntry'];

const m = defineMessages({
  zh: {
    title: '审计日志',
    chain: '审计链校验',
    verify: '立即校验',
    intact: '审计链完整',
    intactText: '已校验 {n} 条记录，哈希链未被篡改。',
    broken: '审计链已损坏',
    brokenText: '第 {seq} 条记录校验失败（{kind}）：{message}',
    verifiedAt: '校验时间',
    head: '链头序号',
    headHash: '链头哈希',
    anchor: '锚定值',
    anchorHint: '请将锚定值另行保存（如打印或存于其他系统），日后可用于核对审计链。',
    time: '时间范围',
    actor: '操作人',
    actorHint: 'user:用户ID 或 token:令牌ID',
    action: '操作',
    person: '人员ID',
    requestId: '请求ID',
    result: '结果',
    purpose: '用途',
    department: '部门',
    role: '角色',
    persons: '涉及人员',
    elements: '数据项',
    seq: '序号',
    at: '时间',
    export: '导出CSV',
    newer: '较新',
    older: '较早',
    pageInfo: '第 {page} 页 · 每页 {size} 条',
    perPage: '每页 {n} 条',
    resultok: '成功',
    resultdenied: '拒绝',
    'resultnot-found': '未找到',
    resulterror: '错误',
    detail: '详情',
    hash: '哈希',
    prevHash: '前一哈希',
    badUuid: '请输入完整的ID（UUID格式）',
    badActor: '格式为 user:ID、token:ID 或 system',
    exported: '已导出',
    none: '没有符合条件的记录',
  },
  en: {
    title: 'Audit log',
    chain: 'Audit chain',
    verify: 'Verify now',
    intact: 'The chain is intact',
    intactText: '{n} entries verified; the hash chain has not been tampered with.',
    broken: 'The chain is broken',
    brokenText: 'Entry {seq} fails ({kind}): {message}',
    verifiedAt: 'Verified at',
    head: 'Head entry',
    headHash: 'Head hash',
    anchor: 'Anchor line',
    anchorHint: 'Keep the anchor line elsewhere (print it, or store it in another system) to check the chain against it later.',
    time: 'Time range',
    actor: 'Actor',
    actorHint: 'user:<id> or token:<id>',
    action: 'Action',
    person: 'Person id',
    requestId: 'Request id',
    result: 'Result',
    purpose: 'Purpose',
    department: 'Department',
    role: 'Role',
    persons: 'Persons',
    elements: 'Elements',
    seq: 'No.',
    at: 'Time',
    export: 'Export CSV',
    newer: 'Newer',
    older: 'Older',
    pageInfo: 'Page {page} · {size} a page',
    perPage: '{n} a page',
    resultok: 'OK',
    resultdenied: 'Denied',
    'resultnot-found': 'Not found',
    resulterror: 'Error',
    detail: 'Detail',
    hash: 'Hash',
    prevHash: 'Previous hash',
    badUuid: 'Enter a whole id (UUID)',
    badActor: 'user:<id>, token:<id> or system',
    exported: 'Exported',
    none: 'No entries match',
  },
});

const ACTIONS = [
  'person.read',
  'person.search',
  'person.export',
  'person.write',
  'person.history',
  'household.read',
  'dwelling.read',
  'rental.write',
  'report.run',
  'report.run.read',
  'dashboard.read',
  'feed.deliver',
  'review.read',
  'import.rejected.read',
  'tracker.read',
  'session.login',
  'account.user.create',
  'account.user.disable',
  'account.user.enable',
  'account.user.password',
  'audit.search',
  'audit.export',
  'audit.verify',
  'audit.prune',
];
const RESULTS = ['ok', 'denied', 'not-found', 'error'] as const;
const PAGE_SIZES = [20, 50, 100] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACTOR = /^(user|token):[0-9a-f-]{1,64}$|^system$/;

interface Filter {
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
  personId?: string;
  requestId?: string;
  result?: (typeof RESULTS)[number];
}

interface FormValues {
  range?: [Dayjs | null, Dayjs | null] | null;
  actor?: string;
  action?: string;
  personId?: string;
  requestId?: string;
  result?: (typeof RESULTS)[number];
}

function filterOf(v: FormValues): Filter {
  const f: Filter = {};
  const [from, to] = v.range ?? [null, null];
  if (from) f.from = from.toISOString();
  if (to) f.to = to.toISOString();
  const actor = v.actor?.trim();
  if (actor) f.actor = UUID.test(actor) ? `user:${actor.toLowerCase()}` : actor;
  if (v.action?.trim()) f.action = v.action.trim();
  if (v.personId?.trim()) f.personId = v.personId.trim().toLowerCase();
  if (v.requestId?.trim()) f.requestId = v.requestId.trim();
  if (v.result) f.result = v.result;
  return f;
}

function ChainStatus() {
  const t = useT(m);
  const c = useT(common);
  const n = useNumber();
  const head = useAsync(async () => unwrap(await api.GET('/api/v1/audit/head')), []);
  const verify = useAsync(async () => unwrap(await api.POST('/api/v1/audit/verify', { body: {} })), []);
  const v = verify.data;
  return (
    <Card
      size="small"
      title={
        <Space>
          <SafetyCertificateOutlined />
          {t('chain')}
        </Space>
      }
      extra={
        <Button size="small" onClick={() => { verify.reload(); head.reload(); }} loading={verify.loading} data-testid="verify-run">
          {t('verify')}
        </Button>
      }
    >
      {verify.error !== undefined ? (
        <ErrorNote error={verify.error} onRetry={verify.reload} />
      ) : v === undefined ? (
        <Typography.Text type="secondary">{c('loading')}</Typography.Text>
      ) : v.intact ? (
        <Alert
          type="success"
          showIcon
          icon={<CheckCircleFilled />}
          data-testid="verify-status"
          data-intact="true"
          title={t('intact')}
          description={`${t('intactText', { n: n(v.entries) })} ${t('verifiedAt')} ${dayjs(v.verifiedAt).format('YYYY-MM-DD HH:mm:ss')}`}
        />
      ) : (
        <Alert
          type="error"
          showIcon
          icon={<CloseCircleFilled />}
          data-testid="verify-status"
          data-intact="false"
          title={t('broken')}
          description={t('brokenText', { seq: v.firstBreak?.seq ?? '?', kind: v.firstBreak?.kind ?? '?', message: v.firstBreak?.message ?? '' })}
        />
      )}
      <AsyncView state={head}>
        {(h) => (
          <Descriptions size="small" column={1} style={{ marginTop: 12 }} data-testid="chain-head">
            <Descriptions.Item label={t('head')}>{n(h.seq)}</Descriptions.Item>
            <Descriptions.Item label={t('headHash')}>
              <Typography.Text code style={{ wordBreak: 'break-all' }}>{h.hash}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={<Tooltip title={t('anchorHint')}>{t('anchor')}</Tooltip>}>
              <Typography.Text copyable code style={{ wordBreak: 'break-all' }} data-testid="chain-anchor">
                {h.anchor}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
        )}
      </AsyncView>
    </Card>
  );
}

export default function AuditPage() {
  const t = useT(m);
  const c = useT(common);
  const { may } = useSession();
  const [form] = Form.useForm<FormValues>();
  const [filter, setFilter] = useState<Filter>({});
  /** Keyset paging: the beforeSeq of each page shown so far (undefined = the newest). */
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const [exporting, setExporting] = useState(false);
  const [size, setSize] = useState<number>(50);
  const [api2, holder] = message.useMessage();
  const purposeName = useCodeNames('purpose');
  const deptName = useDepartmentNames();
  const beforeSeq = cursors[cursors.length - 1];
  const entries = useAsync(
    async () => unwrap(await api.GET('/api/v1/audit/entries', { params: { query: { ...filter, limit: size, ...(beforeSeq === undefined ? {} : { beforeSeq }) } } })),
    [JSON.stringify(filter), beforeSeq, size],
  );
  if (!may('audit.read')) return <Alert type="warning" showIcon title={c('notAllowed')} />;

  const search = (v: FormValues) => {
    setFilter(filterOf(v));
    setCursors([undefined]);
  };
  const exportCsv = async () => {
    setExporting(true);
    try {
      const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined) as [string, string][]);
      await download(`/api/v1/audit/export${q.size > 0 ? `?${q.toString()}` : ''}`, 'audit.csv');
      void api2.success(t('exported'));
    } catch (e) {
      void api2.error(errorText(e, c('networkError')));
    } finally {
      setExporting(false);
    }
  };
  const rows = entries.data ?? [];
  const last = rows[rows.length - 1];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="audit-page">
      {holder}
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('title')}
      </Typography.Title>
      <ChainStatus />
      <Card size="small">
        <Form form={form} layout="vertical" onFinish={search} data-testid="audit-search">
          <Row gutter={12}>
            <Col xs={24} md={12} xl={8}>
              <Form.Item name="range" label={t('time')}>
                <DatePicker.RangePicker showTime style={{ width: '100%' }} data-testid="audit-range" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Form.Item name="actor" label={t('actor')} rules={[{ validator: async (_r, v?: string) => { if (v && v.trim() !== '' && !UUID.test(v.trim()) && !ACTOR.test(v.trim())) throw new Error(t('badActor')); } }]}>
                <Input placeholder={t('actorHint')} allowClear data-testid="audit-actor" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Form.Item name="action" label={t('action')}>
                <AutoComplete
                  allowClear
                  options={ACTIONS.map((a) => ({ value: a }))}
                  filterOption={(input, o) => String(o?.value ?? '').includes(input.trim())}
                  data-testid="audit-action"
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Form.Item name="personId" label={t('person')} rules={[{ pattern: UUID, message: t('badUuid') }]}>
                <Input allowClear data-testid="audit-person" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Form.Item name="requestId" label={t('requestId')}>
                <Input allowClear data-testid="audit-request" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Form.Item name="result" label={t('result')}>
                <Select allowClear options={RESULTS.map((r) => ({ value: r, label: t(`result${r}`) }))} data-testid="audit-result" />
              </Form.Item>
            </Col>
          </Row>
          <Space wrap>
            <Button type="primary" htmlType="submit" data-testid="audit-submit">
              {c('search')}
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                search({});
              }}
            >
              {c('reset')}
            </Button>
            <Button icon={<DownloadOutlined />} onClick={() => void exportCsv()} loading={exporting} data-testid="audit-export">
              {t('export')}
            </Button>
          </Space>
        </Form>
      </Card>
      <Card size="small">
        {entries.error !== undefined ? (
          <ErrorNote error={entries.error} onRetry={entries.reload} />
        ) : (
          <Table<Entry>
            size="small"
            rowKey="seq"
            loading={entries.loading}
            dataSource={rows}
            pagination={false}
            data-testid="audit-table"
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: t('none') }}
            expandable={{
              expandedRowRender: (e) => (
                <Descriptions size="small" column={1}>
                  <Descriptions.Item label={t('persons')}>{e.personIds.join(' ') || '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('elements')}>{e.elementIds.join(' ') || '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('detail')}>{e.detail ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('requestId')}>{e.requestId ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('prevHash')}>
                    <Typography.Text code>{e.prevHash}</Typography.Text>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('hash')}>
                    <Typography.Text code>{e.hash}</Typography.Text>
                  </Descriptions.Item>
                </Descriptions>
              ),
            }}
            columns={[
              { title: t('seq'), dataIndex: 'seq', width: 80 },
              { title: t('at'), dataIndex: 'at', render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm:ss') },
              {
                title: t('actor'),
                dataIndex: 'actor',
                render: (v: string) => (
                  <Tooltip title={v}>
                    <Typography.Text style={{ maxWidth: 140 }} ellipsis>
                      {v}
                    </Typography.Text>
                  </Tooltip>
                ),
              },
              { title: t('role'), dataIndex: 'role', render: (v: string | null) => (v ? c(roleKey(v)) : '—') },
              { title: t('department'), dataIndex: 'departmentId', render: (v: string | null) => (v ? deptName(v) : '—') },
              { title: t('purpose'), dataIndex: 'purpose', render: (v: string) => purposeName(v) },
              { title: t('action'), dataIndex: 'action', render: (v: string) => <Tag>{v}</Tag> },
              { title: t('persons'), dataIndex: 'personIds', align: 'right', render: (v: string[]) => v.length },
              { title: t('result'), dataIndex: 'result', render: (v: string) => <Tag color={v === 'ok' ? 'green' : 'red'}>{t(`result${v}` as 'resultok')}</Tag> },
            ]}
          />
        )}
        <Space style={{ marginTop: 12, width: '100%', justifyContent: 'space-between' }} wrap>
          <Typography.Text type="secondary">{t('pageInfo', { page: cursors.length, size })}</Typography.Text>
          <Space>
            <Select
              size="small"
              value={size}
              onChange={(v: number) => {
                setSize(v);
                setCursors([undefined]);
              }}
              options={PAGE_SIZES.map((n) => ({ value: n, label: t('perPage', { n }) }))}
              data-testid="audit-size"
            />
            <Button disabled={cursors.length <= 1} onClick={() => setCursors((cs) => cs.slice(0, -1))} data-testid="audit-newer">
              {t('newer')}
            </Button>
            <Button disabled={rows.length < size || last === undefined} onClick={() => last && setCursors((cs) => [...cs, last.seq])} data-testid="audit-older">
              {t('older')}
            </Button>
          </Space>
        </Space>
      </Card>
    </Space>
  );
}
