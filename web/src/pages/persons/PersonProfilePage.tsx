/**
 * A person's profile (/persons/:id): current values with their source and date, unconfirmed
 * values and conflicts marked; kinds and population category; household; residences as a
 * timeline (registered and actual); identity documents masked, shown in full only on request for
 * the stated purpose (the API audits it); the values as of a date; who used the data. Everything
 * comes cut to the remit by the API. Tabs; one column on a phone.
 */
import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Empty,
  Grid,
  List,
  Modal,
  Result,
  Space,
  Table,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { ArrowLeftOutlined, EyeOutlined, EyeInvisibleOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { api, ApiError, unwrap } from '../../api/client';
import { AsyncView, ErrorNote, useAsync } from '../../components/async';
import { useT } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import { useAreaName } from '../../components/area-name';
import { m } from './messages';
import { ageOn, today, useLabels, valueOf, type Labels, type PersonView } from './reference';

type Value = PersonView['values'][number];
type Conflict = { elementId: string; sourceId: string; value: string };

/** The order a profile shows values in: who the person is first; kinds last. */
const FIRST = [
  'person.name',
  'person.formerName',
  'person.latinName',
  'person.sex',
  'person.birthDate',
  'person.ethnicGroup',
  'person.nationality',
  'person.phone',
  'person.maritalStatus',
  'person.education',
  'person.employmentStatus',
  'person.occupation',
];

function AreaText({ code }: { code: string }) {
  return <>{useAreaName(code) ?? code}</>;
}

function ValuesTable({
  values,
  conflicts,
  labels,
  testid,
}: {
  values: readonly Value[];
  conflicts: readonly Conflict[];
  labels: Labels;
  testid: string;
}) {
  const t = useT(m);
  const screens = Grid.useBreakpoint();
  const rank = (e: string): number => {
    const i = FIRST.indexOf(e);
    return i >= 0 ? i : e.startsWith('kind.') ? 1000 : 100;
  };
  const rows = [...values].sort((a, b) => rank(a.elementId) - rank(b.elementId) || a.elementId.localeCompare(b.elementId));
  const conflictsOf = (e: string): Conflict[] => conflicts.filter((c) => c.elementId === e);
  const statusTags = (v: Value) => (
    <Space size={2} wrap>
      {v.status === 'owner' ? (
        <Tag color="green">{t('owner')}</Tag>
      ) : (
        <Tag color="orange" data-testid="value-unconfirmed">
          {t('unconfirmed')}
        </Tag>
      )}
      {conflictsOf(v.elementId).length > 0 && (
        <Tag color="red" data-testid="value-conflict">
          {t('conflict')}
        </Tag>
      )}
    </Space>
  );
  const conflictText = (v: Value) =>
    conflictsOf(v.elementId).map((c) => (
      <div key={`${c.sourceId}-${c.value}`}>
        <Typography.Text type="danger" style={{ fontSize: 12 }}>
          {t('conflictWith', { source: labels.source(c.sourceId), value: labels.value(c.elementId, c.value) })}
        </Typography.Text>
      </div>
    ));
  if (rows.length === 0) return <Empty description={t('historyNone')} />;
  if (!screens.md) {
    return (
      <List
        data-testid={testid}
        dataSource={rows}
        renderItem={(v) => (
          <List.Item key={v.elementId} data-testid="value-row" data-element={v.elementId} data-value={v.value}>
            <div style={{ width: '100%' }}>
              <Typography.Text type="secondary">{labels.element(v.elementId)}</Typography.Text>
              <div style={{ fontSize: 16 }} data-testid="value-text">
                {labels.value(v.elementId, v.value)}
              </div>
              {conflictText(v)}
              <Space size={4} wrap style={{ fontSize: 12, color: '#888' }}>
                {statusTags(v)}
                <span>{labels.source(v.sourceId)}</span>
                <span>{t(`method_${v.method}` as 'method_api')}</span>
                <span>{v.observedAt ?? v.recordedAt.slice(0, 10)}</span>
              </Space>
            </div>
          </List.Item>
        )}
      />
    );
  }
  return (
    <Table
      data-testid={testid}
      rowKey="elementId"
      size="small"
      pagination={false}
      dataSource={rows}
      onRow={(v) => ({ 'data-testid': 'value-row', 'data-element': v.elementId, 'data-value': v.value }) as never}
      columns={[
        { title: t('element'), key: 'e', width: 180, render: (_: unknown, v: Value) => labels.element(v.elementId) },
        {
          title: t('value'),
          key: 'v',
          render: (_: unknown, v: Value) => (
            <div>
              <span data-testid="value-text">{labels.value(v.elementId, v.value)}</span>
              {conflictText(v)}
            </div>
          ),
        },
        {
          title: t('source'),
          key: 's',
          width: 220,
          render: (_: unknown, v: Value) => (
            <span>
              {labels.source(v.sourceId)} <Typography.Text type="secondary">（{t(`method_${v.method}` as 'method_api')}）</Typography.Text>
            </span>
          ),
        },
        { title: t('date'), key: 'd', width: 110, render: (_: unknown, v: Value) => v.observedAt ?? v.recordedAt.slice(0, 10) },
        { title: t('status'), key: 'st', width: 150, render: (_: unknown, v: Value) => statusTags(v) },
      ]}
    />
  );
}

function Residences({ view }: { view: PersonView }) {
  const t = useT(m);
  const now = today();
  if (view.residences.length === 0) return <Empty description={t('noResidences')} />;
  const sorted = [...view.residences].sort((a, b) => (b.validFrom ?? '').localeCompare(a.validFrom ?? ''));
  return (
    <Timeline
      data-testid="residence-timeline"
      items={sorted.map((r) => {
        const current = (r.validFrom === null || r.validFrom <= now) && (r.validTo === null || r.validTo > now);
        return {
          key: r.id,
          color: r.kind === 'registered' ? 'blue' : 'green',
          content: (
            <div data-testid="residence-item" data-kind={r.kind}>
              <Space size={4} wrap>
                <Tag color={r.kind === 'registered' ? 'blue' : 'green'}>{t(r.kind)}</Tag>
                <Tag color={current ? 'processing' : 'default'}>{current ? t('current') : t('ended')}</Tag>
                <Typography.Text type="secondary">
                  {r.validFrom ?? t('unknownDate')} — {r.validTo ?? ''}
                </Typography.Text>
              </Space>
              <div>{r.addressText ?? <AreaText code={r.areaCode} />}</div>
              {r.dwellingId && (
                <Link to={`/housing/dwellings/${r.dwellingId}`} style={{ fontSize: 12 }}>
                  <AreaText code={r.areaCode} />
                </Link>
              )}
            </div>
          ),
        };
      })}
    />
  );
}

/** The person's rental registrations as tenant (GET /persons/{id}/rentals: cut, masked, audited), under the residences. */
function PersonRentals({ id }: { id: string }) {
  const t = useT(m);
  const state = useAsync(async () => unwrap(await api.GET('/api/v1/persons/{id}/rentals', { params: { path: { id } } })), [id]);
  return (
    <Card size="small" title={t('rentals')} style={{ marginTop: 12 }} data-testid="person-rentals">
      <AsyncView state={state}>
        {(list) =>
          list.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('noRentals')} />
          ) : (
            <List
              dataSource={list}
              renderItem={(r) => (
                <List.Item key={r.id} data-testid="person-rental" data-number={r.registrationNumber}>
                  <Space size={6} wrap>
                    <Typography.Text strong>{t('rentalNumber', { n: r.registrationNumber })}</Typography.Text>
                    <span>{r.endDate ? t('period', { from: r.startDate, to: r.endDate }) : t('openEnded', { from: r.startDate })}</span>
                    <span>
                      {t('landlord')}: {r.landlordName ?? t('noLandlord')}
                    </span>
                    {r.landlordNameMasked && <Tag>{t('masked')}</Tag>}
                    {r.dwellingId && <Link to={`/housing/dwellings/${r.dwellingId}`}>{t('dwellings')}</Link>}
                    {r.endedOn && <Typography.Text type="secondary">{t('rentalEnded', { date: r.endedOn })}</Typography.Text>}
                  </Space>
                </List.Item>
              )}
            />
          )
        }
      </AsyncView>
    </Card>
  );
}

function MemberName({ personId }: { personId: string }) {
  const t = useT(m);
  const s = useAsync(async () => unwrap(await api.GET('/api/v1/persons/{id}', { params: { path: { id: personId } } })), [personId]);
  if (s.error instanceof ApiError && s.error.code === 'PERSON_NOT_FOUND')
    return <Typography.Text type="secondary">{t('outsideRemit')}</Typography.Text>;
  if (s.data === undefined) return <span>…</span>;
  return <Link to={`/persons/${personId}`}>{valueOf(s.data, 'person.name') ?? personId.slice(0, 8)}</Link>;
}

function Household({ view, labels }: { view: PersonView; labels: Labels }) {
  const t = useT(m);
  const ids = [...new Set(view.households.filter((h) => h.validTo === null || h.validTo > today()).map((h) => h.householdId))];
  const state = useAsync(
    async () => Promise.all(ids.map(async (id) => unwrap(await api.GET('/api/v1/households/{id}', { params: { path: { id } } })))),
    [ids.join(',')],
  );
  if (ids.length === 0) return <Empty description={t('noHousehold')} />;
  return (
    <AsyncView state={state}>
      {(hs) => (
        <Space orientation="vertical" style={{ width: '100%' }}>
          {hs.map((h) => (
            <Card
              key={h.household.id}
              size="small"
              title={`${t('householdNo')}: ${h.household.householdNo ?? '—'} · ${labels.code('household-type', h.household.type)}`}
              data-testid="household"
            >
              <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                {h.household.addressText ?? <AreaText code={h.household.areaCode} />}
              </Typography.Paragraph>
              <List
                dataSource={h.members.filter((x) => x.validTo === null || x.validTo > today())}
                renderItem={(x) => (
                  <List.Item key={x.id} data-testid="household-member">
                    <Space wrap>
                      <MemberName personId={x.personId} />
                      <Tag>{labels.code('family-relationship', x.relationship)}</Tag>
                      {x.personId === view.person.id && <Tag color="blue">✓</Tag>}
                    </Space>
                  </List.Item>
                )}
              />
            </Card>
          ))}
        </Space>
      )}
    </AsyncView>
  );
}

function Documents({
  view,
  labels,
  unmasked,
  onUnmask,
  onMask,
}: {
  view: PersonView;
  labels: Labels;
  unmasked: boolean;
  onUnmask: () => void;
  onMask: () => void;
}) {
  const t = useT(m);
  const { session } = useSession();
  return (
    <div>
      <Space style={{ marginBottom: 12 }} wrap>
        {unmasked ? (
          <Button icon={<EyeInvisibleOutlined />} onClick={onMask} data-testid="mask">
            {t('mask')}
          </Button>
        ) : (
          session?.user.role !== 'auditor' && (
            <Button icon={<EyeOutlined />} onClick={onUnmask} data-testid="unmask">
              {t('unmask')}
            </Button>
          )
        )}
      </Space>
      {view.identifiers.length === 0 ? (
        <Empty description={t('noDocuments')} />
      ) : (
        <List
          data-testid="documents"
          dataSource={view.identifiers}
          renderItem={(d) => (
            <List.Item key={d.id}>
              <List.Item.Meta
                title={<span>{labels.code('identifier-type', d.type)}</span>}
                description={
                  <Space wrap>
                    <span style={{ fontFamily: 'monospace', fontSize: 15 }} data-testid="document-number">
                      {d.number}
                    </span>
                    <span>{labels.code('country', d.issuingCountry)}</span>
                    {(d.validFrom || d.validTo) && (
                      <span>
                        {t('validity')}: {d.validFrom ?? '…'} — {d.validTo ?? '…'}
                      </span>
                    )}
                  </Space>
                }
              />
            </List.Item>
          )}
        />
      )}
    </div>
  );
}

function History({ id, labels }: { id: string; labels: Labels }) {
  const t = useT(m);
  const [params, setParams] = useSearchParams();
  const validOn = params.get('validOn') ?? today();
  const state = useAsync(
    async () => unwrap(await api.GET('/api/v1/persons/{id}/values', { params: { path: { id }, query: { validOn } } })),
    [id, validOn],
  );
  return (
    <div>
      <Space wrap style={{ marginBottom: 12 }}>
        <span>{t('asOf')}</span>
        <DatePicker
          value={dayjs(validOn)}
          allowClear={false}
          onChange={(d) => {
            const next = new URLSearchParams(params);
            next.set('tab', 'history');
            next.set('validOn', d ? d.format('YYYY-MM-DD') : today());
            setParams(next, { replace: true });
          }}
          data-testid="history-date"
        />
        <Typography.Text type="secondary">{t('historyHint')}</Typography.Text>
      </Space>
      <AsyncView state={state}>
        {(h) => (
          <div data-testid="history" data-valid-on={h.validOn}>
            <ValuesTable values={h.values} conflicts={h.conflicts} labels={labels} testid="history-values" />
          </div>
        )}
      </AsyncView>
    </div>
  );
}

function DataUses({ id, labels }: { id: string; labels: Labels }) {
  const t = useT(m);
  const { session } = useSession();
  const allowed = session?.user.role === 'resident' || session?.user.role === 'auditor';
  const state = useAsync(
    async () =>
      allowed ? unwrap(await api.GET('/api/v1/persons/{id}/data-uses', { params: { path: { id }, query: { limit: 100 } } })) : undefined,
    [id, allowed],
  );
  if (!allowed) return <Alert type="info" showIcon title={t('usesHint')} description={t('usesOnly')} data-testid="uses-only" />;
  return (
    <AsyncView state={state}>
      {(d) =>
        !d || d.uses.length === 0 ? (
          <Empty description={t('noUses')} />
        ) : (
          <List
            dataSource={d.uses}
            renderItem={(u, i) => (
              <List.Item key={i}>
                <Space wrap>
                  <span>{u.at.slice(0, 19).replace('T', ' ')}</span>
                  <Tag>{u.departmentId ?? u.role ?? ''}</Tag>
                  <Tag color="blue">{labels.code('purpose', u.purpose)}</Tag>
                  <span>{u.action}</span>
                  <Typography.Text type="secondary">{u.elementIds.map((e) => labels.element(e)).join('、')}</Typography.Text>
                </Space>
              </List.Item>
            )}
          />
        )
      }
    </AsyncView>
  );
}

function ruleText(t: ReturnType<typeof useT<keyof typeof m.zh>>, rule: string | null): string {
  if (rule === null) return '';
  if (rule === 'identifier') return t('rule_identifier');
  if (rule === 'new') return t('rule_new');
  if (rule.startsWith('matcher:')) return `${t('rule_matcher')}（${rule.slice('matcher:'.length)}）`;
  if (rule.startsWith('review')) return t('rule_review');
  return rule;
}

/** The department records linked to the person and why (GET /persons/{id}/links; those who review matches). */
function Links({ id }: { id: string }) {
  const t = useT(m);
  const labels = useLabels();
  const state = useAsync(async () => unwrap(await api.GET('/api/v1/persons/{id}/links', { params: { path: { id } } })), [id]);
  return (
    <div>
      <Typography.Paragraph type="secondary">{t('linksHint')}</Typography.Paragraph>
      <AsyncView state={state} empty={(d) => d.links.length === 0}>
        {(d) => (
          <List
            data-testid="links"
            dataSource={d.links}
            renderItem={(l) => (
              <List.Item key={`${l.sourceId}-${l.recordKey}-${l.firstBatchId}`} data-testid="link" data-source={l.sourceId}>
                <div style={{ width: '100%' }}>
                  <Space wrap>
                    <Typography.Text strong>{labels.source(l.sourceId)}</Typography.Text>
                    <span style={{ fontFamily: 'monospace' }}>{l.recordKey}</span>
                    <Tag color={l.linkRule?.startsWith('matcher') ? 'gold' : 'blue'}>{ruleText(t, l.linkRule)}</Tag>
                    {l.endedAt && <Tag>{t('leftSource')}</Tag>}
                  </Space>
                  {l.explanation && (
                    <div style={{ marginTop: 4, fontSize: 12 }}>
                      <Space wrap size={4}>
                        {l.explanation.probability !== null && (
                          <span>
                            {t('probability')}: {(l.explanation.probability * 100).toFixed(2)}%
                          </span>
                        )}
                        {l.explanation.weight !== null && (
                          <span>
                            {t('weight')}: {l.explanation.weight.toFixed(1)}
                          </span>
                        )}
                        <span>{t('comparisons')}:</span>
                        {l.explanation.comparisons.map((c) => (
                          <Tag key={c.id} color={c.weight > 0 ? 'green' : c.weight < 0 ? 'red' : 'default'}>
                            {c.id} {c.level ?? '—'} {c.weight > 0 ? '+' : ''}
                            {c.weight.toFixed(1)}
                          </Tag>
                        ))}
                      </Space>
                    </div>
                  )}
                </div>
              </List.Item>
            )}
          />
        )}
      </AsyncView>
    </div>
  );
}

export default function PersonProfilePage() {
  const t = useT(m);
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const labels = useLabels();
  const { purpose, may } = useSession();
  const [params, setParams] = useSearchParams();
  const [unmask, setUnmask] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const state = useAsync(async () => {
    const [view, values] = await Promise.all([
      api.GET('/api/v1/persons/{id}', { params: { path: { id }, query: unmask ? { unmask: true } : {} } }).then(unwrap),
      api.GET('/api/v1/persons/{id}/values', { params: { path: { id } } }).then(unwrap),
    ]);
    return { view, conflicts: values.conflicts };
  }, [id, unmask, purpose]);
  const tab = params.get('tab') ?? 'basic';

  if (state.error instanceof ApiError && (state.error.code === 'PERSON_NOT_FOUND' || state.error.status === 404)) {
    return <Result status="404" title={t('notFound')} extra={<Link to="/persons">{t('back')}</Link>} data-testid="profile-not-found" />;
  }
  if (state.error !== undefined) return <ErrorNote error={state.error} onRetry={state.reload} />;

  return (
    <AsyncView state={state}>
      {({ view, conflicts }) => {
        const name = valueOf(view, 'person.name') ?? view.person.id.slice(0, 8);
        const birth = valueOf(view, 'person.birthDate');
        const age = ageOn(birth, today());
        const sex = valueOf(view, 'person.sex');
        const category = view.category;
        const stillMasked = unmask && view.identifiers.every((d) => /\*/.test(d.number));
        return (
          <div data-testid="profile" data-person-id={view.person.id}>
            <Space style={{ marginBottom: 8 }} wrap>
              <Button
                type="link"
                icon={<ArrowLeftOutlined />}
                style={{ paddingInline: 0 }}
                onClick={() => (window.history.length > 1 ? navigate(-1) : navigate('/persons'))}
                data-testid="profile-back"
              >
                {t('back')}
              </Button>
            </Space>
            <Card size="small" style={{ marginBottom: 12 }}>
              <Space align="baseline" wrap>
                <Typography.Title level={4} style={{ margin: 0 }} data-testid="profile-name">
                  {name}
                </Typography.Title>
                {sex && <span>{labels.value('person.sex', sex)}</span>}
                {age !== undefined && (
                  <span>
                    {age}
                    {t('years')}
                  </span>
                )}
              </Space>
              <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }} style={{ marginTop: 8 }}>
                <Descriptions.Item label={t('populationCategory')}>
                  <span data-testid="profile-category">
                    {category === null
                      ? t('categoryHidden')
                      : category.status === 'determined' && category.category
                        ? labels.code('population-category', category.category)
                        : `${t('undetermined')}${category.reason ? `：${category.reason}` : ''}`}
                  </span>
                </Descriptions.Item>
                <Descriptions.Item label={t('kinds')}>
                  <Space size={2} wrap data-testid="profile-kinds">
                    {view.kinds.length === 0
                      ? t('noKinds')
                      : view.kinds.map((k) => (
                          <Tag key={k} color="blue">
                            {labels.kind(k)}
                          </Tag>
                        ))}
                  </Space>
                </Descriptions.Item>
                <Descriptions.Item label={t('personId')}>
                  <Typography.Text copyable style={{ fontSize: 12 }}>
                    {view.person.id}
                  </Typography.Text>
                </Descriptions.Item>
              </Descriptions>
              {unmask && (
                <Alert
                  type={stillMasked ? 'warning' : 'success'}
                  showIcon
                  title={stillMasked ? t('unmaskDenied') : t('unmasked')}
                  style={{ marginTop: 8 }}
                  data-testid="unmask-state"
                />
              )}
            </Card>
            <Tabs
              activeKey={tab}
              onChange={(k) => {
                const next = new URLSearchParams(params);
                next.set('tab', k);
                setParams(next, { replace: true });
              }}
              data-testid="profile-tabs"
              items={[
                {
                  key: 'basic',
                  label: t('tabBasic'),
                  children: <ValuesTable values={view.values} conflicts={conflicts} labels={labels} testid="current-values" />,
                },
                {
                  key: 'residence',
                  label: t('tabResidence'),
                  children: (
                    <>
                      <Residences view={view} />
                      <PersonRentals id={view.person.id} />
                    </>
                  ),
                },
                { key: 'household', label: t('tabHousehold'), children: <Household view={view} labels={labels} /> },
                {
                  key: 'documents',
                  label: t('tabDocuments'),
                  children: (
                    <Documents
                      view={view}
                      labels={labels}
                      unmasked={unmask}
                      onUnmask={() => setConfirming(true)}
                      onMask={() => setUnmask(false)}
                    />
                  ),
                },
                { key: 'history', label: t('tabHistory'), children: <History id={view.person.id} labels={labels} /> },
                { key: 'uses', label: t('tabUses'), children: <DataUses id={view.person.id} labels={labels} /> },
                ...(may('review.read') ? [{ key: 'links', label: t('tabLinks'), children: <Links id={view.person.id} /> }] : []),
              ]}
            />
            <Modal
              open={confirming}
              title={t('unmaskTitle')}
              onCancel={() => setConfirming(false)}
              onOk={() => {
                setConfirming(false);
                setUnmask(true);
              }}
              okButtonProps={{ 'data-testid': 'unmask-confirm' } as never}
            >
              <Typography.Paragraph>{t('unmaskBody', { purpose: labels.code('purpose', purpose) })}</Typography.Paragraph>
            </Modal>
          </div>
        );
      }}
    </AsyncView>
  );
}
