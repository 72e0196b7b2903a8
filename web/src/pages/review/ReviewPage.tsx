/**
 * The review queue (/review?type=…&status=…): review items by kind, paginated on the server
 * (GET /review-items with limit/offset), each opening /review/:id. The kind and status live in the
 * address, so the dashboard's links (?type=possible-match) land on the right tab.
 */
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Card, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { api, unwrap, type Schemas } from '../../api/client';
import { AsyncView, useAsync } from '../../components/async';
import { useLang, useT } from '../../i18n/i18n';
import { explanationOf, reviewMessages, type ReviewKey } from './messages';

type Item = Schemas['ReviewItem'];
const KINDS = ['possible-match', 'conflict', 'identifier-clash'] as const;
const STATUSES = ['open', 'resolved', 'superseded'] as const;
type Kind = (typeof KINDS)[number];
type Status = (typeof STATUSES)[number];
const PAGE = 20;

/** Names of sources and elements, read once (administrators may read both). */
export function useNames(): { source: (id: string | null) => string; element: (id: string | null) => string } {
  const { lang } = useLang();
  const sources = useAsync(async () => (await api.GET('/api/v1/sources')).data ?? [], []);
  const elements = useAsync(async () => (await api.GET('/api/v1/standard/elements')).data ?? [], []);
  return useMemo(() => {
    const s = new Map((sources.data ?? []).map((x) => [x.id, lang === 'zh' ? x.nameZh : x.nameEn]));
    const e = new Map((elements.data ?? []).map((x) => [x.id, lang === 'zh' ? x.nameZh : x.nameEn]));
    return { source: (id) => (id === null ? '—' : (s.get(id) ?? id)), element: (id) => (id === null ? '—' : (e.get(id) ?? id)) };
  }, [sources.data, elements.data, lang]);
}

export const KIND_COLOR: Readonly<Record<string, string>> = { 'possible-match': 'blue', conflict: 'orange', 'identifier-clash': 'red' };

export function StatusTag({ item }: { item: Item }) {
  const t = useT(reviewMessages);
  if (item.status === 'open') return <Tag color="gold">{t('status_open')}</Tag>;
  if (item.decision) return <Tag color={item.decision === 'accepted' ? 'green' : 'default'}>{t(`decision_${item.decision}` as ReviewKey)}</Tag>;
  return <Tag>{t(`status_${item.status}` as ReviewKey)}</Tag>;
}

export default function ReviewPage() {
  const t = useT(reviewMessages);
  const names = useNames();
  const [params, setParams] = useSearchParams();
  const kindParam = params.get('type');
  const kind: Kind | undefined = KINDS.includes(kindParam as Kind) ? (kindParam as Kind) : undefined;
  const statusParam = params.get('status');
  const status: Status | 'all' = statusParam === 'all' ? 'all' : STATUSES.includes(statusParam as Status) ? (statusParam as Status) : 'open';
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);

  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };

  const list = useAsync(
    async () =>
      unwrap(
        await api.GET('/api/v1/review-items', {
          params: { query: { ...(kind ? { kind } : {}), ...(status !== 'all' ? { status } : {}), limit: PAGE, offset: (page - 1) * PAGE } },
        }),
      ),
    [kind, status, page],
  );

  const about = (i: Item): React.ReactNode => {
    const d = i.detail;
    if (i.kind === 'possible-match') {
      const e = explanationOf(d);
      const p = e?.probability === undefined ? '?' : (e.probability * 100).toFixed(1);
      return (
        <Space size={4} wrap>
          <span>{typeof d['row'] === 'number' ? t('pmSummary', { p, row: d['row'] }) : t('pmSummaryNoRow', { p })}</span>
          {d['likelyDuplicate'] === true && <Tag color="red">{t('likelyDuplicate')}</Tag>}
        </Space>
      );
    }
    if (i.kind === 'conflict') return t('conflictSummary', { element: names.element(i.elementId), owner: String(d['ownerValue'] ?? '—'), value: String(d['value'] ?? '—') });
    if (i.kind === 'identifier-clash') return t('clashSummary', { type: String(d['type'] ?? ''), row: String(d['row'] ?? '?') });
    return i.kind;
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div>
        <Typography.Title level={3} style={{ marginBottom: 4 }}>
          {t('title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('subtitle')}</Typography.Text>
      </div>
      <Card>
        <Space wrap style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }}>
          <div style={{ maxWidth: '100%', overflowX: 'auto' }}>
          <Segmented
            data-testid="review-kind"
            value={kind ?? 'all'}
            onChange={(v) => set({ type: v === 'all' ? undefined : String(v), page: undefined })}
            options={(['all', ...KINDS] as const).map((k) => ({ value: k, label: t(`kind_${k}` as ReviewKey) }))}
          />
          </div>
          <Select
            data-testid="review-status"
            value={status}
            style={{ minWidth: 120 }}
            onChange={(v: string) => set({ status: v === 'open' ? undefined : v, page: undefined })}
            options={(['open', 'resolved', 'superseded', 'all'] as const).map((s) => ({ value: s, label: t(`status_${s}` as ReviewKey) }))}
          />
        </Space>
        <AsyncView state={list}>
          {(r) => (
            <Table<Item>
              data-testid="review-table"
              rowKey="id"
              size="middle"
              loading={list.loading}
              dataSource={r.items}
              scroll={{ x: 860 }}
              onRow={(i) => ({ 'data-testid': `review-row-${i.id}` }) as React.HTMLAttributes<HTMLElement>}
              pagination={{
                current: page,
                pageSize: PAGE,
                total: r.total,
                showSizeChanger: false,
                showTotal: (n) => <span data-testid="review-total">{t('total', { n })}</span>,
                onChange: (p) => set({ page: p === 1 ? undefined : String(p) }),
              }}
              columns={[
                { title: t('colKind'), dataIndex: 'kind', width: 120, render: (v: string) => <Tag color={KIND_COLOR[v] ?? 'default'}>{t(`kind_${v}` as ReviewKey)}</Tag> },
                { title: t('colAbout'), render: (_v, i) => about(i) },
                { title: t('colSource'), dataIndex: 'sourceId', width: 200, render: (v: string | null) => names.source(v) },
                { title: t('colCreated'), dataIndex: 'createdAt', width: 150, render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
                { title: t('colStatus'), width: 130, render: (_v, i) => <StatusTag item={i} /> },
                {
                  title: t('colActions'),
                  width: 90,
                  fixed: 'right',
                  render: (_v, i) => (
                    <Link to={`/review/${i.id}`} state={{ from: `/review?${params.toString()}` }} data-testid={`review-open-${i.id}`}>
                      {i.status === 'open' ? t('open') : t('view')}
                    </Link>
                  ),
                },
              ]}
            />
          )}
        </AsyncView>
      </Card>
    </Space>
  );
}
