/**
 * Subscriptions to the change feed: a department officer sees its department's, a platform
 * administrator every one; each with its status and lag (GET …/status). A new one is made in a
 * drawer, within the remit; a webhook's signing secret is shown once.
 */
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button, Card, Drawer, Empty, Flex, Grid, Table, Tag, Tooltip, Typography } from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { api, unwrap, type Schemas } from '../../api/client';
import { AsyncView, useAsync } from '../../components/async';
import { useLang, useNumber, useT } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import { sub } from './messages';
import { useCodeNames } from '../../components/reference-names';
import { NewSubscriptionForm, type Created } from './NewSubscriptionForm';
import { SecretModal } from './SecretModal';

type Subscription = Schemas['Subscription'];

export const STATUS_COLOR: Record<string, string> = { active: 'green', paused: 'orange', disabled: 'red' };

export function StatusTag({ status }: { status: string }) {
  const t = useT(sub);
  return (
    <Tag color={STATUS_COLOR[status] ?? 'default'} data-testid="sub-status">
      {(t as (k: string) => string)(`status${status}`)}
    </Tag>
  );
}

/** The lag of one subscription, read from its status. */
function LagCell({ id, version }: { id: string; version: string }) {
  const t = useT(sub);
  const n = useNumber();
  const s = useAsync(async () => unwrap(await api.GET('/api/v1/subscriptions/{id}/status', { params: { path: { id } } })), [id, version]);
  if (s.error !== undefined) return <Typography.Text type="secondary">—</Typography.Text>;
  if (s.data === undefined) return <Typography.Text type="secondary">…</Typography.Text>;
  const warn = s.data.lagEvents > 0 && s.data.lagSeconds > 300;
  return (
    <Typography.Text type={warn ? 'warning' : undefined} data-testid="sub-lag">
      {t('lagValue', { events: n(s.data.lagEvents), seconds: n(s.data.lagSeconds) })}
    </Typography.Text>
  );
}

export default function SubscriptionsPage() {
  const t = useT(sub);
  const { lang } = useLang();
  const n = useNumber();
  const navigate = useNavigate();
  const { session } = useSession();
  const screens = Grid.useBreakpoint();
  const isAdmin = session?.user.role === 'platform-admin';
  const purposeName = useCodeNames('purpose');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const [tick, setTick] = useState(0);
  const list = useAsync(async () => unwrap(await api.GET('/api/v1/subscriptions')).items, []);
  const departments = useAsync(async () => (isAdmin ? unwrap(await api.GET('/api/v1/standard/departments')) : []), [isAdmin]);
  const deptName = useMemo(() => new Map((departments.data ?? []).map((d) => [d.id, lang === 'zh' ? d.nameZh : d.nameEn])), [departments.data, lang]);

  const onCreated = (c: Created) => {
    setCreating(false);
    if (c.secret !== null) setCreated(c);
    else void navigate(`/subscriptions/${c.id}`);
  };

  const columns = [
    { title: t('name'), dataIndex: 'name', key: 'name', render: (v: string, r: Subscription) => <Link to={`/subscriptions/${r.id}`} data-testid="sub-link">{v}</Link> },
    ...(isAdmin ? [{ title: t('department'), dataIndex: 'departmentId', key: 'departmentId', render: (v: string) => deptName.get(v) ?? v }] : []),
    { title: t('channel'), dataIndex: 'channel', key: 'channel', render: (v: string) => (t as (k: string) => string)(`channel${v}`) },
    { title: t('purpose'), dataIndex: 'purpose', key: 'purpose', responsive: ['md' as const], render: (v: string) => purposeName(v) },
    { title: t('status'), dataIndex: 'status', key: 'status', render: (v: string, r: Subscription) => (r.statusReason ? <Tooltip title={r.statusReason}><span><StatusTag status={v} /></span></Tooltip> : <StatusTag status={v} />) },
    { title: t('lag'), key: 'lag', render: (_: unknown, r: Subscription) => <LagCell id={r.id} version={`${tick}-${r.cursor}-${r.status}-${r.updatedAt}`} /> },
    { title: t('delivered'), dataIndex: 'delivered', key: 'delivered', align: 'right' as const, render: (v: number) => n(v), responsive: ['md' as const] },
    { title: t('lastDelivered'), dataIndex: 'lastDeliveredAt', key: 'lastDeliveredAt', responsive: ['lg' as const], render: (v: string | null) => (v === null ? t('never') : dayjs(v).format('YYYY-MM-DD HH:mm:ss')) },
    {
      title: t('lastError'),
      dataIndex: 'lastError',
      key: 'lastError',
      responsive: ['lg' as const],
      render: (v: string | null) => (v === null ? '—' : <Typography.Text type="danger" ellipsis={{ tooltip: v }} style={{ maxWidth: 220 }}>{v}</Typography.Text>),
    },
  ];

  return (
    <Card
      title={t('title')}
      extra={
        <Flex gap={8}>
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              setTick((x) => x + 1);
              list.reload();
            }}
            aria-label={t('refresh')}
          />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-subscription">
            {t('newSubscription')}
          </Button>
        </Flex>
      }
      data-testid="subscriptions-page"
    >
      <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
      <AsyncView state={list}>
        {(items) =>
          items.length === 0 ? (
            <Empty description={t('noSubscriptions')} data-testid="subscriptions-empty" />
          ) : (
            <Table<Subscription>
              rowKey="id"
              size="middle"
              dataSource={items}
              columns={columns}
              pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
              scroll={{ x: 'max-content' }}
              data-testid="subscriptions-table"
            />
          )
        }
      </AsyncView>
      <Drawer open={creating} onClose={() => setCreating(false)} title={t('formTitle')} size={screens.md ? 560 : '100%'} destroyOnHidden>
        <NewSubscriptionForm onCreated={onCreated} />
      </Drawer>
      <SecretModal
        secret={created?.secret ?? null}
        title={t('secretTitle')}
        closeText={t('secretSaved')}
        onClose={() => {
          const id = created?.id;
          setCreated(null);
          if (id !== undefined) void navigate(`/subscriptions/${id}`);
        }}
      />
    </Card>
  );
}
