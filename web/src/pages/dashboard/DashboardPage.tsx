/**
 * The dashboard (/): an area's figures on a date from GET /api/v1/dashboard — the actual
 * population and its structure by category (with shares), the kinds of people, an age pyramid,
 * moves in and out by month, data freshness (each source's last import and the share of its values
 * past their freshness) and open review items. Every figure links to the list behind it (/persons
 * with the filter in the URL, /review?type=…, /imports; a bar of the moves chart — a click in the
 * left (in) or right (out) half of its month's column — /dashboard/moves?…, MovesPage). Cards stack on a phone. Committee workers
 * start at their committee, street staff at their street.
 */
import { useMemo, useState } from 'react';
import { Link, Navigate, useNavigate } from 'react-router';
import { Alert, Card, Col, DatePicker, Empty, Grid, Progress, Row, Select, Space, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { today } from '../persons/reference';
import { api, unwrap, type Schemas } from '../../api/client';
import { AsyncView, useAsync } from '../../components/async';
import { useCodeNames } from '../../components/reference-names';
import { useLang, useNumber, useT } from '../../i18n/i18n';
import { useSession, useUser } from '../../session/session';
import { EChart } from './EChart';
import { m } from './messages';
import { movesLink } from './moves-link';

type Dashboard = Schemas['Dashboard'];

const CATEGORY_COLORS: Record<string, string> = {
  RESIDENT_REGISTERED: '#1f5fbf',
  RESIDENT_REGISTERED_ELSEWHERE_LOCAL: '#3ba272',
  FROM_OTHER_PROVINCE: '#fac858',
  FROM_ABROAD: '#ee6666',
  REGISTERED_ABSENT: '#9a60b4',
};

/** The link behind a figure: the persons page with its filter in the URL. */
export function personsLink(area: string, filter: Record<string, string | number>): string {
  const q = new URLSearchParams({ area });
  for (const [k, v] of Object.entries(filter)) q.set(k, String(v));
  return `/persons?${q.toString()}`;
}

/** The user's areas and the committees under them, for the area selector. */
function useAreaOptions(roots: readonly string[]): { value: string; label: string }[] {
  const state = useAsync(async () => {
    const out: { value: string; label: string }[] = [];
    for (const code of roots) {
      const self = await api.GET('/api/v1/areas/{code}', { params: { path: { code } } });
      out.push({ value: code, label: self.data?.name ?? code });
      if (code.length === 9) {
        const children = await api.GET('/api/v1/areas/{code}/children', { params: { path: { code } } });
        for (const c of children.data ?? []) out.push({ value: c.code, label: `\u3000${c.name}` });
      }
    }
    return out;
  }, [roots.join(',')]);
  return state.data ?? roots.map((r) => ({ value: r, label: r }));
}

export default function DashboardPage() {
  const { may } = useSession();
  if (!may('housing.read')) return may('audit.read') ? <Navigate to="/audit" replace /> : <NoDashboard />;
  return <DashboardView />;
}

function NoDashboard() {
  const t = useT(m);
  return (
    <Card>
      <Typography.Title level={4}>{t('noDashboard')}</Typography.Title>
      <Typography.Text type="secondary">{t('noDashboardSub')}</Typography.Text>
    </Card>
  );
}

function DashboardView() {
  const t = useT(m);
  const session = useUser();
  const { purpose } = useSession();
  const [area, setArea] = useState<string | undefined>(undefined);
  const [asOf, setAsOf] = useState<Dayjs | null>(null);
  const state = useAsync(
    async () =>
      unwrap(
        await api.GET('/api/v1/dashboard', {
          params: { query: { ...(area === undefined ? {} : { area }), ...(asOf === null ? {} : { asOf: asOf.format('YYYY-MM-DD') }) } },
        }),
      ),
    [area, asOf?.valueOf(), purpose],
  );
  const shownArea = state.data?.area.code;
  const roots = useMemo(() => {
    if (session.user.areaCodes.length > 0) return [...session.user.areaCodes];
    return shownArea === undefined ? [] : [shownArea.slice(0, 9)];
  }, [session.user.areaCodes, shownArea]);
  const options = useAreaOptions(roots);
  const purposeName = useCodeNames('purpose');

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="dashboard">
      <Card size="small">
        <Space wrap size={[12, 8]} style={{ width: '100%', justifyContent: 'space-between' }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('title')}
            {state.data && <Typography.Text type="secondary" style={{ fontSize: 14, marginInlineStart: 8 }} data-testid="dash-area-name">{state.data.area.name}</Typography.Text>}
          </Typography.Title>
          <Space wrap>
            <Select
              aria-label={t('area')}
              data-testid="dash-area"
              style={{ minWidth: 200 }}
              value={area ?? shownArea}
              placeholder={t('area')}
              options={options}
              onChange={(v: string) => setArea(v)}
              showSearch={{ optionFilterProp: 'label' }}
            />
            <DatePicker
              aria-label={t('asOf')}
              data-testid="dash-asof"
              value={asOf ?? (state.data ? dayjs(state.data.asOf) : null)}
              onChange={(d) => setAsOf(d)}
              allowClear={false}
              disabledDate={(d) => d.isAfter(dayjs(today()).add(1, 'day'))}
            />
            <Tooltip title={t('title')}>
              <ReloadOutlined onClick={state.reload} aria-label="reload" style={{ color: '#1f5fbf' }} />
            </Tooltip>
          </Space>
        </Space>
      </Card>
      <AsyncView state={state}>
        {(d) => (
          <>
            <Alert type="info" showIcon title={`${t('remitNote', { purpose: purposeName(d.purpose) })} ${t('linkHint')}`} style={{ padding: '6px 12px' }} />
            <Figures d={d} />
            <Charts d={d} />
            <Row gutter={[12, 12]}>
              <Col xs={24} lg={d.review === null ? 24 : 14}>
                <Freshness d={d} />
              </Col>
              {d.review !== null && (
                <Col xs={24} lg={10}>
                  <Review d={d} />
                </Col>
              )}
            </Row>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('generated', { at: dayjs(d.generatedAt).format('YYYY-MM-DD HH:mm:ss') })}
            </Typography.Text>
          </>
        )}
      </AsyncView>
    </Space>
  );
}

function Figures({ d }: { d: Dashboard }) {
  const t = useT(m);
  const n = useNumber();
  const { lang } = useLang();
  const code = d.area.code;
  const pct = (s: number | null) => (s === null ? '—' : `${n(s * 100, 1)}%`);
  const cards = [
    { key: 'actual', title: t('actual'), hint: t('actualHint'), value: d.population.actual, share: null as number | null, to: personsLink(code, {}), color: '#1f5fbf' },
    ...d.population.categories.map((c) => ({
      key: c.code,
      title: lang === 'zh' ? c.nameZh : c.nameEn,
      hint: '',
      value: c.count,
      share: c.share,
      to: personsLink(code, { category: c.code }),
      color: CATEGORY_COLORS[c.code] ?? '#1f5fbf',
    })),
  ];
  return (
    <Row gutter={[12, 12]}>
      {cards.map((c) => (
        <Col key={c.key} xs={12} sm={8} xl={4}>
          <Card size="small" style={{ borderTop: `3px solid ${c.color}`, height: '100%' }}>
            <Link to={c.to} data-testid={`fig-${c.key}`} aria-label={`${c.title}: ${c.value}`}>
              <Statistic
                title={c.hint ? <Tooltip title={c.hint}>{c.title}</Tooltip> : c.title}
                value={c.value}
                formatter={(v) => <span data-testid={`fig-${c.key}-value`}>{n(Number(v))}</span>}
                suffix={<span style={{ fontSize: 13 }}>{t('persons')}</span>}
              />
            </Link>
            {c.share !== null && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{`${t('share')} ${pct(c.share)}`}</Typography.Text>}
          </Card>
        </Col>
      ))}
      <Col xs={24}>
        <Card size="small" title={t('structure')}>
          <Table
            size="small"
            pagination={false}
            rowKey="code"
            data-testid="category-table"
            dataSource={[...d.population.categories]}
            scroll={{ x: 'max-content' }}
            columns={[
              { title: t('category'), dataIndex: 'code', render: (_v, c) => <Tag color={CATEGORY_COLORS[c.code]}>{lang === 'zh' ? c.nameZh : c.nameEn}</Tag> },
              {
                title: t('count'),
                dataIndex: 'count',
                align: 'right',
                render: (v: number, c) => (
                  <Link to={personsLink(code, { category: c.code })} data-testid={`cat-${c.code}`}>
                    {n(v)}
                  </Link>
                ),
              },
              { title: t('share'), dataIndex: 'share', align: 'right', render: (s: number | null) => <span data-testid="share">{pct(s)}</span> },
            ]}
            summary={() => (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>
                  <Tooltip title={t('undeterminedHint')}>{t('undetermined')}</Tooltip>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={1} align="right">
                  <Link to={personsLink(code, { category: 'UNDETERMINED' })} data-testid="undetermined">
                    {n(d.population.undetermined)}
                  </Link>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={2} align="right">—</Table.Summary.Cell>
              </Table.Summary.Row>
            )}
          />
        </Card>
      </Col>
    </Row>
  );
}

function Charts({ d }: { d: Dashboard }) {
  const t = useT(m);
  const n = useNumber();
  const { lang } = useLang();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const code = d.area.code;
  const wide = screens.md === true;
  const categories = d.population.categories;
  const kinds = useMemo(() => d.kinds.filter((k) => k.count > 0).sort((a, b) => b.count - a.count), [d.kinds]);
  const name = (x: { nameZh: string; nameEn: string }) => (lang === 'zh' ? x.nameZh : x.nameEn);

  const pie = useMemo(
    () => ({
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      legend: { bottom: 0, type: 'scroll' },
      series: [
        {
          type: 'pie',
          radius: ['38%', '66%'],
          center: ['50%', '44%'],
          label: { show: wide, formatter: '{b}\n{c}' },
          data: categories.map((c) => ({ name: name(c), value: c.count, itemStyle: { color: CATEGORY_COLORS[c.code] } })),
        },
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [categories, lang, wide],
  );

  const bands = [...d.agePyramid.bands];
  const bandLabel = (b: { from: number; to: number | null }) => (b.to === null ? `${b.from}+` : `${b.from}-${b.to}`);
  const pyramid = useMemo(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: number) => n(Math.abs(v)) },
      legend: { data: [t('male'), t('female')], top: 0 },
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: 'value', axisLabel: { formatter: (v: number) => n(Math.abs(v)) } },
      yAxis: { type: 'category', data: bands.map(bandLabel), axisTick: { show: false } },
      series: [
        { name: t('male'), type: 'bar', stack: 'p', data: bands.map((b) => -b.male), itemStyle: { color: '#1f5fbf' } },
        { name: t('female'), type: 'bar', stack: 'p', data: bands.map((b) => b.female), itemStyle: { color: '#ee6666' } },
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [d.agePyramid, lang],
  );

  const moves = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { data: [t('movesIn'), t('movesOut')], top: 0 },
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: d.moves.map((x) => x.month) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('movesIn'), type: 'bar', data: d.moves.map((x) => x.in), itemStyle: { color: '#3ba272' } },
        { name: t('movesOut'), type: 'bar', data: d.moves.map((x) => x.out), itemStyle: { color: '#fc8452' } },
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [d.moves, lang],
  );

  const kindsChart = useMemo(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: kinds.map(name).reverse(), axisTick: { show: false }, axisLabel: { interval: 0 } },
      series: [{ type: 'bar', data: kinds.map((k) => k.count).reverse(), itemStyle: { color: '#1f5fbf' }, label: { show: true, position: 'right' } }],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [kinds, lang],
  );

  const chartHeight = screens.md ? 300 : 260;
  return (
    <Row gutter={[12, 12]}>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('pie')}>
          <EChart
            label={t('pie')}
            testId="chart-categories"
            option={pie}
            height={chartHeight}
            onClick={(e) => {
              const c = categories[e.dataIndex];
              if (c) void navigate(personsLink(code, { category: c.code }));
            }}
          />
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('pyramid')}>
          <EChart
            label={t('pyramid')}
            testId="chart-pyramid"
            option={pyramid}
            height={chartHeight + 60}
            onClick={(e) => {
              const b = bands[e.dataIndex];
              if (!b) return;
              void navigate(personsLink(code, { sex: e.seriesIndex === 0 ? 1 : 2, ageFrom: b.from, ...(b.to === null ? {} : { ageTo: b.to }) }));
            }}
          />
          {d.agePyramid.unknown > 0 && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('ageUnknown', { n: n(d.agePyramid.unknown) })}</Typography.Text>}
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('moves')}>
          {d.moves.every((x) => x.in === 0 && x.out === 0) ? (
            <Empty description={t('movesEmpty')} style={{ height: chartHeight - 40, paddingTop: 60 }} data-testid="moves-empty" />
          ) : (
            <>
              <EChart
                label={t('moves')}
                testId="chart-moves"
                option={moves}
                height={chartHeight}
                onColumnClick={(e) => {
                  const x = d.moves[e.dataIndex];
                  if (x) void navigate(movesLink(code, x.month, e.side === 'left' ? 'in' : 'out', d.asOf));
                }}
              />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('movesClickHint')}
              </Typography.Text>
              <Space wrap size={[6, 6]} data-testid="moves-links" style={{ display: 'flex', marginTop: 4 }}>
                {d.moves
                  .filter((x) => x.in + x.out > 0)
                  .flatMap((x) =>
                    (['in', 'out'] as const)
                      .filter((dir) => x[dir] > 0)
                      .map((dir) => (
                        <Link key={`${x.month}-${dir}`} to={movesLink(code, x.month, dir, d.asOf)} data-testid={`moves-${x.month}-${dir}`}>
                          <Tag color={dir === 'in' ? 'green' : 'orange'}>{`${x.month} ${dir === 'in' ? t('movesIn') : t('movesOut')} ${n(x[dir])}`}</Tag>
                        </Link>
                      )),
                  )}
              </Space>
            </>
          )}
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('kinds')}>
          {kinds.length === 0 ? (
            <Empty description={t('kindsEmpty')} />
          ) : (
            <>
              <EChart
                label={t('kinds')}
                testId="chart-kinds"
                option={kindsChart}
                height={Math.max(160, kinds.length * 22 + 32)}
                onClick={(e) => {
                  const k = [...kinds].reverse()[e.dataIndex];
                  if (k) void navigate(personsLink(code, { kind: k.id }));
                }}
              />
              <Space wrap size={[6, 6]} data-testid="kind-links">
                {kinds.map((k) => (
                  <Link key={k.id} to={personsLink(code, { kind: k.id })} data-testid={`kind-${k.id}`}>
                    <Tag>{`${name(k)} ${n(k.count)}`}</Tag>
                  </Link>
                ))}
              </Space>
            </>
          )}
        </Card>
      </Col>
    </Row>
  );
}

function Freshness({ d }: { d: Dashboard }) {
  const t = useT(m);
  const n = useNumber();
  const { lang } = useLang();
  const statusColor: Record<string, string> = { committed: 'green', running: 'blue', interrupted: 'red' };
  return (
    <Card size="small" title={t('freshness')} extra={<Link to="/imports">{t('allImports')}</Link>} style={{ height: '100%' }}>
      <Table
        size="small"
        rowKey="sourceId"
        data-testid="freshness"
        pagination={false}
        scroll={{ x: 'max-content', y: 320 }}
        dataSource={[...d.freshness]}
        locale={{ emptyText: <Empty description={t('never')} /> }}
        columns={[
          { title: t('source'), dataIndex: 'sourceId', render: (_v, s) => <Link to="/imports">{lang === 'zh' ? s.nameZh : s.nameEn}</Link> },
          {
            title: t('lastImport'),
            dataIndex: 'lastImportAt',
            render: (v: string | null, s) =>
              v === null ? (
                <Typography.Text type="secondary">{t('never')}</Typography.Text>
              ) : (
                <Space size={4}>
                  {dayjs(v).format('YYYY-MM-DD HH:mm')}
                  {s.lastStatus && <Tag color={statusColor[s.lastStatus] ?? 'default'}>{t(`status${s.lastStatus}` as 'statuscommitted')}</Tag>}
                </Space>
              ),
          },
          { title: t('rows'), dataIndex: 'rows', align: 'right', render: (v: number | null) => (v === null ? '—' : n(v)) },
          {
            title: (
              <Tooltip title={t('staleHint')}>
                <span>{t('stale')}</span>
              </Tooltip>
            ),
            dataIndex: 'staleShare',
            width: 150,
            render: (v: number | null, s) =>
              v === null ? (
                <Typography.Text type="secondary">{t('noFreshness')}</Typography.Text>
              ) : (
                <Tooltip title={s.values !== null && s.stale !== null ? t('staleOf', { stale: n(s.stale), values: n(s.values) }) : undefined}>
                  <Progress
                    percent={Math.round(v * 1000) / 10}
                    size="small"
                    status={v >= 0.5 ? 'exception' : 'normal'}
                    format={(p) => `${p ?? 0}%`}
                    data-testid={`stale-${s.sourceId}`}
                    data-share={v}
                  />
                </Tooltip>
              ),
          },
        ]}
      />
    </Card>
  );
}

function Review({ d }: { d: Dashboard }) {
  const t = useT(m);
  const n = useNumber();
  if (d.review === null) return null;
  return (
    <Card size="small" title={t('review')} style={{ height: '100%' }}>
      <Row gutter={[12, 12]} data-testid="review-counts">
        {d.review.map((r) => (
          <Col key={r.type} xs={8}>
            <Link to={`/review?type=${encodeURIComponent(r.type)}`} data-testid={`review-${r.type}`}>
              <Statistic title={t(`review${r.type}` as 'reviewconflict')} value={r.count} formatter={(v) => n(Number(v))} styles={{ content: { color: r.count > 0 ? '#d4380d' : undefined } }} />
            </Link>
          </Col>
        ))}
      </Row>
    </Card>
  );
}
