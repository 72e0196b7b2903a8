/**
 * One review item (/review/:id). A possible match (or identifier clash): both persons side by side,
 * values that differ highlighted, and the matcher's explanation (each comparison's outcome and
 * weight, the total, the probability and the thresholds); accept merges them, reject keeps them
 * apart. A conflict: the owner's value and the other source's, acknowledged or rejected. A merge an
 * acceptance made is shown (GET /merges/{id}) and can be undone with a confirmation.
 */
import { useMemo, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { Alert, Button, type ButtonProps, Card, Col, Descriptions, Input, message, Popconfirm, Progress, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { ArrowLeftOutlined, CheckOutlined, CloseOutlined, RollbackOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { api, unwrap, type Schemas } from '../../api/client';
import { AsyncView, ErrorNote, useAsync } from '../../components/async';
import { useCodeNames } from '../../components/reference-names';
import { useAreaName } from '../../components/area-name';
import { useLang, useNumber, useT } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import { explanationOf, reviewMessages, type Explanation, type ReviewKey } from './messages';
import { KIND_COLOR, StatusTag, useNames } from './ReviewPage';

type Item = Schemas['ReviewItem'];
type Person = Schemas['Person'];
type Element = Schemas['DataElement'];

const FIRST = ['person.name', 'person.latinName', 'person.sex', 'person.birthDate', 'person.phone', 'person.nationality', 'person.ethnicGroup'];

function usePerson(id: string | null | undefined, tick: number) {
  return useAsync(async () => (id ? unwrap(await api.GET('/api/v1/persons/{id}', { params: { path: { id }, query: {} } })) : undefined), [id, tick]);
}

/** A value as people read it: a coded value with its name. */
function ValueText({ element, value }: { element: Element | undefined; value: string | undefined }) {
  const t = useT(reviewMessages);
  const table = element?.valueType === 'code' && element.codeTableId ? element.codeTableId : undefined;
  if (value === undefined) return <Typography.Text type="secondary">—</Typography.Text>;
  if (element?.valueType === 'boolean' && (value === 'true' || value === 'false')) return <span>{t(value === 'true' ? 'yes' : 'no')}</span>;
  return table ? <CodedValue table={table} value={value} /> : <span>{value}</span>;
}

/** Residences as people read them: the address, or the area's name where only its code is known. */
function PlacesText({ text }: { text: string | undefined }) {
  if (text === undefined) return <>—</>;
  return (
    <>
      {text.split('；').map((part, i) => (
        <span key={`${i}:${part}`}>
          {i > 0 && '；'}
          {/^\d{6,12}$/.test(part) ? <AreaText code={part} /> : part}
        </span>
      ))}
    </>
  );
}

function AreaText({ code }: { code: string }) {
  return <>{useAreaName(code) ?? code}</>;
}

function CodedValue({ table, value }: { table: string; value: string }) {
  const name = useCodeNames(table);
  const n = name(value);
  return <span>{n === value ? value : `${n}（${value}）`}</span>;
}

/** Who decided: the logged-in user by name, anyone else by their actor reference. */
function ActorText({ actor }: { actor: string }) {
  const { session } = useSession();
  return <>{session && actor === `user:${session.user.id}` ? session.user.displayName : actor}</>;
}

function valuesOf(p: Person | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of [...(p?.values ?? [])].sort((a, b) => (a.status === b.status ? 0 : a.status === 'owner' ? -1 : 1))) if (!out.has(v.elementId)) out.set(v.elementId, v.value);
  return out;
}

function residenceText(p: Person | undefined, kind: 'registered' | 'actual'): string | undefined {
  const r = (p?.residences ?? []).filter((x) => x.kind === kind && x.validTo === null);
  return r.length === 0 ? undefined : r.map((x) => x.addressText ?? x.areaCode).join('；');
}

function identifiersText(p: Person | undefined): string | undefined {
  const ids = p?.identifiers ?? [];
  return ids.length === 0 ? undefined : ids.map((i) => `${i.type} ${i.number}`).join('；');
}

interface Line {
  readonly key: string;
  readonly label: string;
  readonly element?: Element;
  readonly left: string | undefined;
  readonly right: string | undefined;
}

function SideBySide({ leftId, rightId, leftTitle, rightTitle, tick }: { leftId: string | null; rightId: string | null; leftTitle: string; rightTitle: string; tick: number }) {
  const t = useT(reviewMessages);
  const { lang } = useLang();
  const left = usePerson(leftId, tick);
  const right = usePerson(rightId, tick);
  const elements = useAsync(async () => (await api.GET('/api/v1/standard/elements')).data ?? [], []);
  const byId = useMemo(() => new Map((elements.data ?? []).map((e) => [e.id, e])), [elements.data]);
  const lines = useMemo((): Line[] => {
    const l = valuesOf(left.data);
    const r = valuesOf(right.data);
    const ids = [...new Set([...l.keys(), ...r.keys()])].sort((a, b) => {
      const ia = FIRST.indexOf(a);
      const ib = FIRST.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
    });
    const el = (id: string): Element | undefined => byId.get(id);
    const label = (id: string) => {
      const e = el(id);
      return e ? (lang === 'zh' ? e.nameZh : e.nameEn) : id;
    };
    return [
      ...ids.map((id) => ({ key: id, label: label(id), element: el(id), left: l.get(id), right: r.get(id) })),
      { key: 'identifiers', label: t('identifiers'), left: identifiersText(left.data), right: identifiersText(right.data) },
      { key: 'registered', label: t('registered'), left: residenceText(left.data, 'registered'), right: residenceText(right.data, 'registered') },
      { key: 'actual', label: t('actual'), left: residenceText(left.data, 'actual'), right: residenceText(right.data, 'actual') },
    ];
  }, [left.data, right.data, byId, lang, t]);
  const differs = (x: Line) => x.left !== undefined && x.right !== undefined && x.left !== x.right;
  const cell = (x: Line, v: string | undefined) => (x.element ? <ValueText element={x.element} value={v} /> : x.key === 'registered' || x.key === 'actual' ? <PlacesText text={v} /> : (v ?? '—'));
  const head = (title: string, p: ReturnType<typeof usePerson>, id: string | null) => (
    <Space orientation="vertical" size={0}>
      <span>{title}</span>
      {id && (
        <Link to={`/persons/${p.data?.person.id ?? id}`} style={{ fontWeight: 'normal', fontSize: 12 }}>
          {t('openPerson')}
        </Link>
      )}
      {p.data?.person.status === 'merged' && <Tag color="purple">{t('mergedInto', { id: p.data.person.mergedInto ?? '' })}</Tag>}
    </Space>
  );
  if (left.error !== undefined) return <ErrorNote error={left.error} onRetry={left.reload} />;
  if (right.error !== undefined) return <ErrorNote error={right.error} onRetry={right.reload} />;
  return (
    <Card title={t('sideBySide')} extra={<Typography.Text type="secondary">{t('sideHint')}</Typography.Text>} data-testid="side-by-side">
      <Table<Line>
        size="small"
        rowKey="key"
        pagination={false}
        loading={left.loading || right.loading}
        dataSource={lines}
        scroll={{ x: 600 }}
        onRow={(x) => ({ 'data-testid': `compare-${x.key}`, 'data-differs': differs(x) ? 'yes' : 'no', style: differs(x) ? { background: '#fff1f0' } : undefined }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('field'), dataIndex: 'label', width: 140, render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
          { title: head(leftTitle, left, leftId), render: (_v, x) => <span style={differs(x) ? { color: '#cf1322', fontWeight: 600 } : undefined}>{cell(x, x.left)}</span> },
          { title: head(rightTitle, right, rightId), render: (_v, x) => <span style={differs(x) ? { color: '#cf1322', fontWeight: 600 } : undefined}>{cell(x, x.right)}</span> },
        ]}
      />
    </Card>
  );
}

function ExplanationCard({ e }: { e: Explanation }) {
  const t = useT(reviewMessages);
  const num = useNumber();
  const pct = (p: number) => num(Math.round(p * 1000) / 10);
  const link = e.thresholds?.link.probability;
  const review = e.thresholds?.review.probability;
  return (
    <Card title={t('explanation')} data-testid="explanation" extra={e.rules ? <Typography.Text type="secondary">{t('rules', { id: e.rules.id, v: e.rules.version })}</Typography.Text> : null}>
      <Typography.Paragraph type="secondary">{t('explanationHint')}</Typography.Paragraph>
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        {e.probability !== undefined && (
          <Col xs={24} md={10}>
            <Statistic title={t('probability')} value={pct(e.probability)} suffix="%" data-testid="probability" />
            <Progress percent={Math.round(e.probability * 100)} showInfo={false} strokeColor={link !== undefined && e.probability >= link ? '#52c41a' : '#faad14'} />
          </Col>
        )}
        {e.total !== undefined && (
          <Col xs={12} md={7}>
            <Statistic title={t('totalWeight')} value={e.total.toFixed(2)} data-testid="total-weight" />
          </Col>
        )}
        {e.priorWeight !== undefined && (
          <Col xs={12} md={7}>
            <Statistic title={t('priorWeight')} value={e.priorWeight.toFixed(2)} />
          </Col>
        )}
      </Row>
      {link !== undefined && review !== undefined && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('thresholds', { link: pct(link), review: pct(review) })} data-testid="thresholds" />}
      {e.comparisons && (
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={e.comparisons}
          data-testid="comparisons"
          columns={[
            { title: t('comparison'), dataIndex: 'id', render: (v: string) => t(`cmp_${v}` as ReviewKey) },
            { title: t('level'), dataIndex: 'level', render: (v: string | null) => (v === null ? <Typography.Text type="secondary">{t('noValue')}</Typography.Text> : <Tag>{v}</Tag>) },
            { title: 'm', dataIndex: 'm', align: 'right', render: (v: number | null) => (v === null ? '—' : String(v)) },
            { title: 'u', dataIndex: 'u', align: 'right', render: (v: number | null) => (v === null ? '—' : String(v)) },
            {
              title: t('weight'),
              dataIndex: 'weight',
              align: 'right',
              render: (v: number) => <Typography.Text style={{ color: v > 0 ? '#389e0d' : v < 0 ? '#cf1322' : undefined }}>{v > 0 ? `+${v.toFixed(2)}` : v.toFixed(2)}</Typography.Text>,
            },
          ]}
        />
      )}
    </Card>
  );
}

function ConflictCard({ item }: { item: Item }) {
  const t = useT(reviewMessages);
  const names = useNames();
  const elements = useAsync(async () => (await api.GET('/api/v1/standard/elements')).data ?? [], []);
  const element = (elements.data ?? []).find((e) => e.id === item.elementId);
  const d = item.detail;
  return (
    <Card title={t('conflictTitle')} data-testid="conflict">
      <Typography.Paragraph type="secondary">{t('conflictHint')}</Typography.Paragraph>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('element')} span={2}>
          {names.element(item.elementId)}
        </Descriptions.Item>
        <Descriptions.Item label={t('ownerValue')}>
          <Typography.Text strong data-testid="owner-value">
            <ValueText element={element} value={typeof d['ownerValue'] === 'string' ? d['ownerValue'] : undefined} />
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('ownerSource')}>{names.source(typeof d['ownerSourceId'] === 'string' ? d['ownerSourceId'] : null)}</Descriptions.Item>
        <Descriptions.Item label={t('otherValue')}>
          <Typography.Text type="danger" strong data-testid="other-value">
            <ValueText element={element} value={typeof d['value'] === 'string' ? d['value'] : undefined} />
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('otherSource')}>{names.source(typeof d['sourceId'] === 'string' ? d['sourceId'] : item.sourceId)}</Descriptions.Item>
        {typeof d['observedAt'] === 'string' && <Descriptions.Item label={t('observedAt')}>{d['observedAt']}</Descriptions.Item>}
      </Descriptions>
    </Card>
  );
}

function MergeCard({ mergeId, onChanged }: { mergeId: string; onChanged: () => void }) {
  const t = useT(reviewMessages);
  const { may } = useSession();
  const merge = useAsync(async () => unwrap(await api.GET('/api/v1/merges/{id}', { params: { path: { id: mergeId } } })), [mergeId]);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const undo = async () => {
    setBusy(true);
    setError(undefined);
    try {
      unwrap(await api.POST('/api/v1/merges/{id}/undo', { params: { path: { id: mergeId } }, body: reason.trim() ? { reason: reason.trim() } : {} }));
      void message.success(t('undoneOk'));
      merge.reload();
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('merge')} data-testid="merge">
      <AsyncView state={merge}>
        {(m) => (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Descriptions size="small" bordered column={{ xs: 1, md: 2 }}>
              <Descriptions.Item label={t('mergeId')}>
                <Typography.Text copyable data-testid="merge-id">
                  {m.mergeId}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('decidedBy')}><ActorText actor={m.decidedBy} /></Descriptions.Item>
              <Descriptions.Item label={t('survivor')}>
                <Link to={`/persons/${m.survivorId}`}>{m.survivorId}</Link>
              </Descriptions.Item>
              <Descriptions.Item label={t('loser')}>{m.loserId}</Descriptions.Item>
              <Descriptions.Item label={t('createdAt')}>{dayjs(m.createdAt).format('YYYY-MM-DD HH:mm:ss')}</Descriptions.Item>
              <Descriptions.Item label={t('moved')}>
                <Space size={4} wrap>
                  {Object.entries(m.moved)
                    .filter(([, n]) => n > 0)
                    .map(([k, n]) => (
                      <Tag key={k}>
                        {`moved_${k}` in reviewMessages.zh ? t(`moved_${k}` as ReviewKey) : k} {n}
                      </Tag>
                    ))}
                </Space>
              </Descriptions.Item>
            </Descriptions>
            {m.undoneAt ? (
              <Alert type="info" showIcon title={t('undone', { at: dayjs(m.undoneAt).format('YYYY-MM-DD HH:mm:ss') })} data-testid="merge-undone" />
            ) : (
              may('review.decide') && (
                <Space wrap style={{ width: '100%' }}>
                  <Input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} placeholder={t('reason')} style={{ minWidth: 260 }} />
                  <Popconfirm title={t('undoConfirm')} onConfirm={() => void undo()} okButtonProps={{ danger: true, 'data-testid': 'undo-confirm' } as ButtonProps}>
                    <Button danger icon={<RollbackOutlined />} loading={busy} data-testid="undo-merge">
                      {t('undo')}
                    </Button>
                  </Popconfirm>
                </Space>
              )
            )}
            {error !== undefined && <ErrorNote error={error} />}
          </Space>
        )}
      </AsyncView>
    </Card>
  );
}

function Decide({ item, onDone }: { item: Item; onDone: (mergeId: string | null) => void }) {
  const t = useT(reviewMessages);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const decide = async (decision: 'accept' | 'reject' | 'acknowledge') => {
    setBusy(decision);
    setError(undefined);
    try {
      const opts = { params: { path: { id: item.id } }, body: reason.trim() ? { reason: reason.trim() } : {} };
      const r = unwrap(
        decision === 'accept'
          ? await api.POST('/api/v1/review-items/{id}/accept', opts)
          : decision === 'reject'
            ? await api.POST('/api/v1/review-items/{id}/reject', opts)
            : await api.POST('/api/v1/review-items/{id}/acknowledge', opts),
      );
      void message.success(t(decision === 'accept' && item.kind !== 'conflict' ? 'acceptedOk' : decision === 'reject' ? 'rejectedOk' : 'acknowledgedOk'));
      onDone(r.mergeId);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };
  const pair = item.kind === 'possible-match' || item.kind === 'identifier-clash';
  return (
    <Card title={t('decide')} data-testid="decide">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} showCount autoSize={{ minRows: 2, maxRows: 4 }} placeholder={t('reason')} data-testid="decision-reason" />
        <Space wrap>
          {pair && (
            <Popconfirm title={t('acceptConfirm')} onConfirm={() => void decide('accept')} okButtonProps={{ 'data-testid': 'accept-confirm' } as ButtonProps}>
              <Button type="primary" icon={<CheckOutlined />} loading={busy === 'accept'} data-testid="accept">
                {t('accept')}
              </Button>
            </Popconfirm>
          )}
          {pair && (
            <Popconfirm title={t('rejectConfirm')} onConfirm={() => void decide('reject')} okButtonProps={{ 'data-testid': 'reject-confirm' } as ButtonProps}>
              <Button icon={<CloseOutlined />} loading={busy === 'reject'} data-testid="reject">
                {t('reject')}
              </Button>
            </Popconfirm>
          )}
          {item.kind !== 'possible-match' && (
            <Button type={pair ? 'default' : 'primary'} icon={<CheckOutlined />} loading={busy === 'acknowledge'} onClick={() => void decide('acknowledge')} data-testid="acknowledge">
              {t('acknowledge')}
            </Button>
          )}
          {item.kind === 'conflict' && (
            <Button icon={<CloseOutlined />} loading={busy === 'reject'} onClick={() => void decide('reject')} data-testid="reject">
              {t('rejectConflict')}
            </Button>
          )}
        </Space>
        {error !== undefined && <ErrorNote error={error} />}
      </Space>
    </Card>
  );
}

export default function ReviewItemPage() {
  const t = useT(reviewMessages);
  const { id = '' } = useParams();
  const { may } = useSession();
  const names = useNames();
  const [tick, setTick] = useState(0);
  const item = useAsync(async () => unwrap(await api.GET('/api/v1/review-items/{id}', { params: { path: { id } } })), [id, tick]);
  const [lastMerge, setLastMerge] = useState<string | null>(null);
  const refresh = () => setTick((x) => x + 1);
  // Back to the queue as it was left (its kind, status and page).
  const from = (useLocation().state as { from?: unknown } | null)?.from;
  const back = typeof from === 'string' && from.startsWith('/review') ? from : '/review';

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Link to={back}>
        <ArrowLeftOutlined /> {t('back')}
      </Link>
      <AsyncView state={item}>
        {(i) => {
          const explanation = i.kind === 'possible-match' ? explanationOf(i.detail) : undefined;
          const other = i.kind === 'possible-match' ? i.detail['candidateId'] : i.kind === 'identifier-clash' ? i.detail['heldBy'] : undefined;
          const mergeId = i.mergeId ?? lastMerge;
          return (
            <Space orientation="vertical" size={16} style={{ width: '100%' }}>
              <Card
                title={
                  <Space wrap>
                    <span>{t('itemTitle')}</span>
                    <Tag color={KIND_COLOR[i.kind] ?? 'default'}>{t(`kind_${i.kind}` as ReviewKey)}</Tag>
                    <span data-testid="item-status" data-status={i.status} data-decision={i.decision ?? ''}>
                      <StatusTag item={i} />
                    </span>
                  </Space>
                }
              >
                <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }}>
                  <Descriptions.Item label={t('source')}>{names.source(i.sourceId)}</Descriptions.Item>
                  <Descriptions.Item label={t('createdAt')}>{dayjs(i.createdAt).format('YYYY-MM-DD HH:mm')}</Descriptions.Item>
                  {i.batchId && (
                    <Descriptions.Item label={t('batch')}>
                      <Link to={`/imports/${i.batchId}`}>{i.batchId.slice(0, 8)}…</Link>
                    </Descriptions.Item>
                  )}
                  {i.decidedBy && <Descriptions.Item label={t('decidedBy')}><ActorText actor={i.decidedBy} /></Descriptions.Item>}
                  {i.resolvedAt && <Descriptions.Item label={t('resolvedAt')}>{dayjs(i.resolvedAt).format('YYYY-MM-DD HH:mm')}</Descriptions.Item>}
                  {i.decisionReason && <Descriptions.Item label={t('decisionReason')}>{i.decisionReason}</Descriptions.Item>}
                </Descriptions>
              </Card>
              {i.status === 'open' && may('review.decide') && (
                <Decide
                  item={i}
                  onDone={(m) => {
                    setLastMerge(m);
                    refresh();
                  }}
                />
              )}
              {mergeId && <MergeCard mergeId={mergeId} onChanged={refresh} />}
              {i.decision === 'accepted' && i.mergeId && <Alert type="info" showIcon title={t('mergedNote')} />}
              {(i.kind === 'possible-match' || i.kind === 'identifier-clash') && (
                <SideBySide
                  leftId={i.personId}
                  rightId={typeof other === 'string' ? other : null}
                  leftTitle={i.kind === 'possible-match' ? t('newRecord') : t('clashPerson')}
                  rightTitle={i.kind === 'possible-match' ? t('candidate') : t('clashHolder')}
                  tick={tick}
                />
              )}
              {explanation && <ExplanationCard e={explanation} />}
              {i.kind === 'conflict' && <ConflictCard item={i} />}
            </Space>
          );
        }}
      </AsyncView>
    </Space>
  );
}
