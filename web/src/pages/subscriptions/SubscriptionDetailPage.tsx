/**
 * One subscription: what it asks for, its delivery status (lag in events and seconds, cursor and
 * head, dead letters), a test event with its result, pause/resume, replay from a sequence number,
 * secret rotation (shown once), deletion with confirmation, the delivery log (paged on the server)
 * and the dead letters with replay.
 */
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert, App as AntApp, Button, type ButtonProps, Card, Descriptions, Empty, Flex, InputNumber, Popconfirm, Space, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { ArrowLeftOutlined, DeleteOutlined, KeyOutlined, PauseCircleOutlined, PlayCircleOutlined, ReloadOutlined, SendOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { api, unwrap, type Schemas } from '../../api/client';
import type { paths } from '../../api/schema';
import { AsyncView, ErrorNote, useAsync } from '../../components/async';
import { useServerPaging } from '../../components/server-paging';
import { useLang, useNumber, useT } from '../../i18n/i18n';
import { common } from '../../i18n/common';
import { sub } from './messages';
import { SecretModal } from './SecretModal';
import { useCodeNames } from '../../components/reference-names';
import { StatusTag } from './SubscriptionsPage';

type Subscription = Schemas['Subscription'];
type Attempt = paths['/api/v1/subscriptions/{id}/deliveries']['get']['responses'][200]['content']['application/json']['items'][number];
type DeadLetter = paths['/api/v1/subscriptions/{id}/dead-letters']['get']['responses'][200]['content']['application/json']['items'][number];

interface SendResult {
  readonly ok?: boolean;
  readonly status?: number | null;
  readonly error?: string | null;
  readonly durationMs?: number;
  readonly webhookId?: string;
}

const fmt = (v: string | null | undefined): string => (v ? dayjs(v).format('YYYY-MM-DD HH:mm:ss') : '—');

function TestResult({ result, channel }: { result: SendResult; channel: string }) {
  const t = useT(sub);
  const ms = Math.round(result.durationMs ?? 0);
  const text = result.ok
    ? channel === 'nats'
      ? t('testOkNats', { ms })
      : t('testOk', { status: result.status ?? '—', ms })
    : t('testFailed', { error: result.error ?? (result.status !== null && result.status !== undefined ? `HTTP ${result.status}` : '—') });
  return (
    <Alert
      type={result.ok ? 'success' : 'error'}
      showIcon
      data-testid="test-result"
      title={t('testResult')}
      description={
        <>
          <div data-testid="test-result-text">{text}</div>
          {result.webhookId !== undefined && (
            <Typography.Text type="secondary">
              {t('webhookId')}：<Typography.Text code>{result.webhookId}</Typography.Text>
            </Typography.Text>
          )}
        </>
      }
    />
  );
}

export default function SubscriptionDetailPage() {
  const { id = '' } = useParams();
  const t = useT(sub);
  const tc = useT(common);
  const { lang } = useLang();
  const n = useNumber();
  const navigate = useNavigate();
  const { message, modal } = AntApp.useApp();
  const purposeName = useCodeNames('purpose');
  const paging = useServerPaging(20);
  const { limit, offset } = paging;
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [test, setTest] = useState<SendResult | null>(null);
  const [secret, setSecret] = useState<{ secret: string; previousExpireAt: string } | null>(null);
  const [replaySeq, setReplaySeq] = useState<number | null>(null);
  const [tick, setTick] = useState(0);

  const subscription = useAsync(async () => unwrap(await api.GET('/api/v1/subscriptions/{id}', { params: { path: { id } } })), [id, tick]);
  const status = useAsync(async () => unwrap(await api.GET('/api/v1/subscriptions/{id}/status', { params: { path: { id } } })), [id, tick]);
  const deliveries = useAsync(async () => unwrap(await api.GET('/api/v1/subscriptions/{id}/deliveries', { params: { path: { id }, query: { limit, offset } } })), [id, limit, offset, tick]);
  const deadLetters = useAsync(async () => unwrap(await api.GET('/api/v1/subscriptions/{id}/dead-letters', { params: { path: { id }, query: { limit: 500 } } })).items, [id, tick]);
  const refreshAll = () => setTick((x) => x + 1);

  const catalogue = useAsync(async () => {
    const [elements, kinds, departments] = await Promise.all([
      api.GET('/api/v1/standard/elements').then(unwrap),
      api.GET('/api/v1/standard/kinds').then(unwrap),
      api.GET('/api/v1/standard/departments').then(unwrap),
    ]);
    return { elements: new Map(elements.map((e) => [e.id, e])), kinds: new Map(kinds.map((k) => [k.id, k])), departments: new Map(departments.map((d) => [d.id, d])) };
  }, []);

  const act = async (name: string, run: () => Promise<void>) => {
    setBusy(name);
    setActionError(undefined);
    try {
      await run();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(null);
    }
  };

  const sendTest = () =>
    act('test', async () => {
      setTest(null);
      const r = unwrap(await api.POST('/api/v1/subscriptions/{id}/test', { params: { path: { id } } }));
      setTest((r.result ?? {}) as SendResult);
      refreshAll();
    });
  const pauseOrResume = (s: Subscription) =>
    act('pause', async () => {
      if (s.status === 'active') {
        unwrap(await api.POST('/api/v1/subscriptions/{id}/pause', { params: { path: { id } } }));
        void message.success(t('paused'));
      } else {
        unwrap(await api.POST('/api/v1/subscriptions/{id}/resume', { params: { path: { id } } }));
        void message.success(t('resumed'));
      }
      refreshAll();
    });
  const rotate = () =>
    act('rotate', async () => {
      setSecret(unwrap(await api.POST('/api/v1/subscriptions/{id}/secret', { params: { path: { id } } })));
    });
  const replay = (seq: number) =>
    act('replay', async () => {
      unwrap(await api.POST('/api/v1/subscriptions/{id}/replay', { params: { path: { id } }, body: { fromSeq: seq } }));
      void message.success(t('replayed', { seq }));
      refreshAll();
    });
  const replayDead = (dl: DeadLetter) =>
    act(`dl-${dl.id}`, async () => {
      const r = unwrap(await api.POST('/api/v1/subscriptions/{id}/dead-letters/{deadLetterId}/replay', { params: { path: { id, deadLetterId: dl.id } } }));
      const result = (r.result ?? {}) as SendResult;
      if (result.ok === false) void message.error(t('replayFailed', { error: result.error ?? `HTTP ${result.status ?? '—'}` }));
      else void message.success(t('replayDone'));
      refreshAll();
    });
  const remove = (s: Subscription) =>
    modal.confirm({
      title: t('remove'),
      content: t('removeConfirm', { name: s.name }),
      okText: t('remove'),
      okButtonProps: { danger: true, 'data-testid': 'confirm-delete' } as ButtonProps,
      cancelText: tc('cancel'),
      onOk: async () => {
        try {
          const r = await api.DELETE('/api/v1/subscriptions/{id}', { params: { path: { id } } });
          if (!r.response.ok) unwrap(r); // 204: no body on success
          void message.success(t('removed'));
          void navigate('/subscriptions');
        } catch (e) {
          setActionError(e);
        }
      },
    });

  const listOf = (xs: readonly string[], name: (x: string) => string) =>
    xs.length === 0 ? <Typography.Text type="secondary">{t('everything')}</Typography.Text> : <Flex wrap gap={4}>{xs.map((x) => <Tag key={x}>{name(x)}</Tag>)}</Flex>;

  const attemptColumns = useMemo(
    () => [
      { title: t('at'), dataIndex: 'at', key: 'at', render: (v: string) => fmt(v) },
      { title: t('range'), key: 'range', render: (_: unknown, r: Attempt) => (r.fromSeq === r.toSeq ? String(r.fromSeq) : `${r.fromSeq}–${r.toSeq}`) },
      { title: t('attempt'), dataIndex: 'attempt', key: 'attempt', align: 'right' as const },
      {
        title: t('httpStatus'),
        dataIndex: 'statusCode',
        key: 'statusCode',
        render: (v: number | null) => (v === null ? <Tag color="red">{t('failed')}</Tag> : <Tag color={v >= 200 && v < 300 ? 'green' : 'red'}>{v}</Tag>),
      },
      { title: t('duration'), dataIndex: 'durationMs', key: 'durationMs', align: 'right' as const, render: (v: number) => n(v) },
      { title: t('error'), dataIndex: 'error', key: 'error', render: (v: string | null) => v ?? '—' },
    ],
    [t, n],
  );

  const deadColumns = [
    { title: t('createdAt'), dataIndex: 'createdAt', key: 'createdAt', render: (v: string) => fmt(v) },
    { title: t('range'), key: 'range', render: (_: unknown, r: DeadLetter) => (r.fromSeq === r.toSeq ? String(r.fromSeq) : `${r.fromSeq}–${r.toSeq}`) },
    { title: t('reason'), dataIndex: 'reason', key: 'reason' },
    { title: t('replayedAt'), dataIndex: 'replayedAt', key: 'replayedAt', render: (v: string | null) => (v === null ? <Tag color="orange">{t('notReplayed')}</Tag> : fmt(v)) },
    {
      title: t('actions'),
      key: 'actions',
      render: (_: unknown, r: DeadLetter) =>
        r.replayedAt === null ? (
          <Button size="small" loading={busy === `dl-${r.id}`} onClick={() => void replayDead(r)} data-testid="dead-letter-replay">
            {t('replay')}
          </Button>
        ) : null,
    },
  ];

  return (
    <Flex vertical gap={16} data-testid="subscription-detail">
      <div>
        <Link to="/subscriptions">
          <ArrowLeftOutlined /> {t('back')}
        </Link>
      </div>
      <AsyncView state={subscription}>
        {(s) => (
          <>
            <Card
              title={
                <Space wrap>
                  <span data-testid="sub-name-title">{s.name}</span>
                  <StatusTag status={s.status} />
                </Space>
              }
              extra={<Button icon={<ReloadOutlined />} onClick={refreshAll} aria-label={t('refresh')} />}
            >
              <Flex wrap gap={8} style={{ marginBottom: 16 }}>
                {s.channel !== 'pull' && (
                  <Button type="primary" icon={<SendOutlined />} loading={busy === 'test'} onClick={() => void sendTest()} data-testid="send-test">
                    {t('sendTest')}
                  </Button>
                )}
                <Button icon={s.status === 'active' ? <PauseCircleOutlined /> : <PlayCircleOutlined />} loading={busy === 'pause'} onClick={() => void pauseOrResume(s)} data-testid="pause-resume">
                  {s.status === 'active' ? t('pause') : t('resume')}
                </Button>
                {s.channel === 'webhook' && (
                  <Popconfirm title={t('rotateConfirm')} onConfirm={() => void rotate()} okText={tc('confirm')} cancelText={tc('cancel')}>
                    <Button icon={<KeyOutlined />} loading={busy === 'rotate'} data-testid="rotate-secret">
                      {t('rotate')}
                    </Button>
                  </Popconfirm>
                )}
                <Button danger icon={<DeleteOutlined />} onClick={() => remove(s)} data-testid="delete-subscription">
                  {t('remove')}
                </Button>
              </Flex>
              {actionError !== undefined && <div style={{ marginBottom: 16 }}><ErrorNote error={actionError} /></div>}
              {test !== null && <div style={{ marginBottom: 16 }}><TestResult result={test} channel={s.channel} /></div>}
              <Descriptions
                size="small"
                bordered
                column={{ xs: 1, sm: 1, md: 2 }}
                items={[
                  { key: 'channel', label: t('channel'), children: (t as (k: string) => string)(`channel${s.channel}`) },
                  { key: 'purpose', label: t('purpose'), children: `${purposeName(s.purpose)}（${s.purpose}）` },
                  ...(s.url !== null ? [{ key: 'url', label: t('url2'), span: 2, children: <Typography.Text copyable style={{ wordBreak: 'break-all' }}>{s.url}</Typography.Text> }] : []),
                  {
                    key: 'department',
                    label: t('department'),
                    children: ((d) => (d ? (lang === 'zh' ? d.nameZh : d.nameEn) : s.departmentId))(catalogue.data?.departments.get(s.departmentId)),
                  },
                  { key: 'createdAt', label: t('createdAt'), children: fmt(s.createdAt) },
                  {
                    key: 'elements',
                    label: t('elements'),
                    span: 2,
                    children: listOf(s.elements, (x) => {
                      const e = catalogue.data?.elements.get(x);
                      return e ? (lang === 'zh' ? e.nameZh : e.nameEn) : x;
                    }),
                  },
                  { key: 'areas', label: t('areas'), children: listOf(s.areas, (x) => x) },
                  {
                    key: 'categories',
                    label: t('categories'),
                    children: listOf(s.categories, (x) => {
                      const k = catalogue.data?.kinds.get(x);
                      return k ? (lang === 'zh' ? k.nameZh : k.nameEn) : x;
                    }),
                  },
                  { key: 'eventTypes', label: t('eventTypes'), children: listOf(s.eventTypes, (x) => x.replace('cn.populus.', '')) },
                  { key: 'codeProfile', label: t('codeProfile'), children: s.codeProfile ?? '—' },
                  { key: 'unmask', label: t('unmask'), children: s.unmask ? '✓' : '—' },
                  { key: 'batch', label: t('batchMax'), children: s.batchMax },
                ]}
              />
            </Card>
            <Card title={t('deliveryStatus')} data-testid="delivery-status">
              <AsyncView state={status}>
                {(st) => (
                  <>
                    <Flex wrap gap={32}>
                      <Statistic title={t('lagEvents')} value={st.lagEvents} data-testid="status-lag-events" />
                      <Statistic title={t('lagSeconds')} value={st.lagSeconds} data-testid="status-lag-seconds" />
                      <Statistic title={t('cursor')} value={st.cursor} groupSeparator="" data-testid="status-cursor" />
                      <Statistic title={t('head')} value={st.head} groupSeparator="" data-testid="status-head" />
                      <Statistic title={t('delivered')} value={st.delivered} data-testid="status-delivered" />
                      <Statistic title={t('deadLetters')} value={st.deadLetters} />
                      {st.attempts > 0 && <Statistic title={t('attempts')} value={st.attempts} />}
                    </Flex>
                    {st.lastError !== null && <Alert type="error" showIcon style={{ marginTop: 16 }} title={t('lastError')} description={`${st.lastError}${st.nextAttemptAt ? ` · ${t('nextAttempt')} ${fmt(st.nextAttemptAt)}` : ''}`} />}
                    <Flex wrap gap={8} align="center" style={{ marginTop: 16 }}>
                      <Typography.Text>{t('replayFrom')}</Typography.Text>
                      <InputNumber<number>
                        min={1}
                        max={st.head + 1}
                        precision={0}
                        value={replaySeq}
                        onChange={(v) => setReplaySeq(v)}
                        placeholder={`1–${st.head + 1}`}
                        data-testid="replay-seq"
                        style={{ width: 140 }}
                      />
                      <Popconfirm
                        title={t('replayConfirm', { seq: replaySeq ?? '' })}
                        disabled={replaySeq === null || replaySeq < 1 || replaySeq > st.head + 1}
                        onConfirm={() => replaySeq !== null && void replay(replaySeq)}
                        okText={tc('confirm')}
                        cancelText={tc('cancel')}
                        okButtonProps={{ 'data-testid': 'replay-confirm' } as ButtonProps}
                      >
                        <Button loading={busy === 'replay'} disabled={replaySeq === null || replaySeq < 1 || replaySeq > st.head + 1} data-testid="replay-from">
                          {t('replay')}
                        </Button>
                      </Popconfirm>
                      <Typography.Text type="secondary">{t('replayFromHint', { max: st.head + 1 })}</Typography.Text>
                    </Flex>
                  </>
                )}
              </AsyncView>
            </Card>
            <Card>
              <Tabs
                items={[
                  {
                    key: 'deliveries',
                    label: t('deliveries'),
                    children: (
                      <AsyncView state={deliveries}>
                        {(page) =>
                          page.total === 0 ? (
                            <Empty description={t('noDeliveries')} />
                          ) : (
                            <Table<Attempt>
                              rowKey="id"
                              size="small"
                              dataSource={page.items}
                              columns={attemptColumns}
                              loading={deliveries.loading}
                              pagination={paging.pagination(page.total)}
                              scroll={{ x: 'max-content' }}
                              data-testid="deliveries-table"
                              data-total={page.total}
                            />
                          )
                        }
                      </AsyncView>
                    ),
                  },
                  {
                    key: 'dead',
                    label: `${t('deadLetters')}${deadLetters.data ? ` (${deadLetters.data.filter((d) => d.replayedAt === null).length})` : ''}`,
                    children: (
                      <AsyncView state={deadLetters}>
                        {(items) =>
                          items.length === 0 ? (
                            <Empty description={t('noDeadLetters')} />
                          ) : (
                            <Table<DeadLetter> rowKey="id" size="small" dataSource={items} columns={deadColumns} pagination={{ pageSize: 20, showSizeChanger: false }} scroll={{ x: 'max-content' }} data-testid="dead-letters-table" />
                          )
                        }
                      </AsyncView>
                    ),
                  },
                ]}
              />
            </Card>
          </>
        )}
      </AsyncView>
      <SecretModal
        secret={secret?.secret ?? null}
        title={t('rotatedTitle')}
        note={secret ? t('rotatedNote', { at: fmt(secret.previousExpireAt) }) : undefined}
        closeText={tc('confirm')}
        onClose={() => setSecret(null)}
      />
    </Flex>
  );
}
