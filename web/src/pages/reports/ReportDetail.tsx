/** One report: run it for an area and date, see the result and what changed, download the kept run, browse the kept runs. */
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { App as AntApp, Button, Grid, DatePicker, Descriptions, Dropdown, Empty, Flex, Form, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { ArrowLeftOutlined, DownloadOutlined, HistoryOutlined, PlayCircleOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { today as todayShanghai } from '../persons/reference';
import { api, download, unwrap, type Schemas } from '../../api/client';
import { AsyncView, ErrorNote, useAsync } from '../../components/async';
import { useLang, useNumber, useT } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import { AREA_PATTERN, rep } from './messages';
import { AreaSelect, useOwnAreas } from './AreaSelect';
import { ResultTable, type ReportResult } from './ResultTable';
import { ResultChart } from './ResultChart';
import { useCodeNames, useDepartmentNames } from '../../components/reference-names';
import { useAreaName } from '../../components/area-name';

type Run = Schemas['ReportRun'];

interface Changes {
  readonly cells?: readonly { row: string; column: string; old: string | number | null; new: string | number | null }[];
  readonly cellCount?: number;
  readonly rowsAdded?: readonly string[];
  readonly rowsRemoved?: readonly string[];
  readonly personCount?: { old: number; new: number };
}

function AreaLabel({ code }: { code: string }) {
  const name = useAreaName(code);
  return <span title={code}>{name === code ? code : `${name}`}</span>;
}

const COMPARISON_COLOR: Record<string, string> = { first: 'default', unchanged: 'green', changed: 'orange' };

/** The default reference date: the end of the last complete period. */
function defaultAsOf(period: string): Dayjs {
  const today = dayjs(todayShanghai());
  if (period === 'monthly') return today.startOf('month').subtract(1, 'day');
  if (period === 'quarterly') {
    const q = Math.floor(today.month() / 3) * 3;
    return today.month(q).startOf('month').subtract(1, 'day');
  }
  if (period === 'annual') return today.startOf('year').subtract(1, 'day');
  return today;
}

export function ComparisonTag({ run }: { run: Run }) {
  const t = useT(rep);
  return (
    <Tag color={COMPARISON_COLOR[run.comparison]} data-testid="run-comparison">
      {(t as (k: string) => string)(`comparison${run.comparison}`)}
    </Tag>
  );
}

function ChangesView({ run }: { run: Run }) {
  const t = useT(rep);
  const { lang } = useLang();
  if (run.comparison === 'first') return <Typography.Text type="secondary">{t('firstNote')}</Typography.Text>;
  if (run.comparison === 'unchanged') return <Typography.Text type="success">{t('noChanges')}</Typography.Text>;
  const c = (run.changes ?? {}) as Changes;
  return (
    <Flex vertical gap={8} data-testid="run-changes">
      {run.summary && <Typography.Text strong>{lang === 'zh' ? run.summary.zh : run.summary.en}</Typography.Text>}
      {(c.rowsAdded?.length ?? 0) > 0 && <Typography.Text>{t('rowsAdded', { rows: (c.rowsAdded ?? []).join('、') })}</Typography.Text>}
      {(c.rowsRemoved?.length ?? 0) > 0 && <Typography.Text>{t('rowsRemoved', { rows: (c.rowsRemoved ?? []).join('、') })}</Typography.Text>}
      {(c.cells?.length ?? 0) > 0 && (
        <Table
          size="small"
          rowKey={(r) => `${r.row}|${r.column}`}
          dataSource={[...(c.cells ?? [])]}
          pagination={(c.cells?.length ?? 0) > 10 ? { pageSize: 10, showSizeChanger: false } : false}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('row'), dataIndex: 'row', key: 'row' },
            { title: t('column'), dataIndex: 'column', key: 'column' },
            { title: t('oldValue'), dataIndex: 'old', key: 'old', align: 'right', render: (v: unknown) => (v === null ? '—' : String(v)) },
            { title: t('newValue'), dataIndex: 'new', key: 'new', align: 'right', render: (v: unknown) => (v === null ? '—' : String(v)) },
          ]}
        />
      )}
    </Flex>
  );
}

export function ReportDetail() {
  const { id = '' } = useParams();
  const t = useT(rep);
  const { lang } = useLang();
  const n = useNumber();
  const { may } = useSession();
  const { message } = AntApp.useApp();
  const dept = useDepartmentNames();
  const purposeName = useCodeNames('purpose');
  const [form] = Form.useForm<{ area: string; asOf: Dayjs }>();
  const [running, setRunning] = useState(false);
  const [runError, setRunError] = useState<unknown>(undefined);
  const [current, setCurrent] = useState<{ run: Run; result: ReportResult } | null>(null);
  const [loadingRun, setLoadingRun] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const own = useOwnAreas();
  const screens = Grid.useBreakpoint();
  const def = useAsync(async () => unwrap(await api.GET('/api/v1/reports/{id}', { params: { path: { id } } })).summary, [id]);
  const canRun = may('report.run');
  const runs = useAsync(async () => (canRun ? unwrap(await api.GET('/api/v1/reports/{id}/runs', { params: { path: { id }, query: { limit: 50 } } })) : []), [id, tick, canRun]);

  useEffect(() => {
    if (def.data && form.getFieldValue('asOf') === undefined) form.setFieldsValue({ asOf: defaultAsOf(def.data.period) });
  }, [def.data, form]);
  useEffect(() => {
    const first = own.data?.[0];
    if (first && form.getFieldValue('area') === undefined) form.setFieldsValue({ area: first.code });
  }, [own.data, form]);

  const run = async (v: { area: string; asOf: Dayjs }) => {
    setRunning(true);
    setRunError(undefined);
    try {
      const r = unwrap(await api.POST('/api/v1/reports/{id}/runs', { params: { path: { id } }, body: { area: v.area, asOf: v.asOf.format('YYYY-MM-DD') } }));
      setCurrent({ run: r.run, result: r.result as unknown as ReportResult });
      setTick((x) => x + 1);
    } catch (e) {
      setRunError(e);
    } finally {
      setRunning(false);
    }
  };

  const open = async (r: Run) => {
    setLoadingRun(r.id);
    setRunError(undefined);
    try {
      const o = unwrap(await api.GET('/api/v1/reports/{id}/runs/{runId}', { params: { path: { id, runId: r.id } } }));
      setCurrent({ run: o.run, result: o.result as unknown as ReportResult });
    } catch (e) {
      setRunError(e);
    } finally {
      setLoadingRun(null);
    }
  };

  const reproduce = async (r: Run) => {
    setLoadingRun(`reproduce:${r.id}`);
    setRunError(undefined);
    try {
      const o = unwrap(await api.POST('/api/v1/reports/{id}/runs/{runId}/reproduce', { params: { path: { id, runId: r.id } } }));
      setCurrent({ run: o.run, result: o.result as unknown as ReportResult });
      void message.success(t('reproduced', { at: dayjs(o.run.knownAt ?? r.createdAt).format('YYYY-MM-DD HH:mm:ss') }));
      setTick((x) => x + 1);
    } catch (e) {
      setRunError(e);
    } finally {
      setLoadingRun(null);
    }
  };

  const fetchFile = async (r: Run, format: 'xlsx' | 'csv' | 'pdf') => {
    try {
      await download(`/api/v1/reports/${encodeURIComponent(id)}/runs/${encodeURIComponent(r.id)}/download?format=${format}&locale=${lang}`, `${id}-${r.areaCode}-${r.asOf}.${format}`);
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <Flex vertical gap={16} data-testid="report-detail">
      <Link to="/reports">
        <ArrowLeftOutlined /> {t('back')}
      </Link>
      <AsyncView state={def}>
        {(d) => (
          <>
            <div>
              <Typography.Title level={4} style={{ marginTop: 0 }} data-testid="report-title">
                {lang === 'zh' ? d.title.zh : d.title.en}
              </Typography.Title>
              {d.description && <Typography.Paragraph type="secondary">{lang === 'zh' ? d.description.zh : d.description.en}</Typography.Paragraph>}
              <Space wrap size={4}>
                <Tag color={d.kind === 'table' ? 'blue' : 'purple'}>{(t as (k: string) => string)(`kind${d.kind}`)}</Tag>
                <Tag>{(t as (k: string) => string)(`period${d.period}`)}</Tag>
                <Tag>{dept(d.departmentId)}</Tag>
                <Tag>{purposeName(d.purpose)}</Tag>
              </Space>
            </div>
            {canRun && (
              <Form form={form} layout="inline" onFinish={(v) => void run(v)} style={{ rowGap: 8 }} data-testid="run-form">
                <Form.Item name="area" label={t('area')} rules={[{ required: true, message: t('areaRequired') }, { pattern: AREA_PATTERN, message: t('areaPattern') }]}>
                  <AreaSelect testId="run-area" />
                </Form.Item>
                <Form.Item name="asOf" label={t('asOf')} rules={[{ required: true, message: t('asOfRequired') }]}>
                  <DatePicker allowClear={false} disabledDate={(x) => x.isAfter(dayjs(), 'day')} data-testid="run-asof" />
                </Form.Item>
                <Form.Item>
                  <Button type="primary" htmlType="submit" icon={<PlayCircleOutlined />} loading={running} data-testid="run-report">
                    {running ? t('running') : t('run')}
                  </Button>
                </Form.Item>
              </Form>
            )}
            {runError !== undefined && <ErrorNote error={runError} />}
            {current !== null && (
              <Flex vertical gap={12} data-testid="run-view">
                <Descriptions
                  size="small"
                  bordered
                  layout={screens.md === false ? 'vertical' : 'horizontal'}
                  title={`${t('runInfo')}：${current.result.area.name} · ${current.result.asOf}`}
                  extra={
                    <Dropdown
                      menu={{
                        items: (['xlsx', 'csv', 'pdf'] as const).map((f) => ({
                          key: f,
                          label: <span data-testid={`download-${f}`}>{t(f === 'xlsx' ? 'downloadXlsx' : f === 'csv' ? 'downloadCsv' : 'downloadPdf')}</span>,
                          onClick: () => void fetchFile(current.run, f),
                        })),
                      }}
                    >
                      <Button icon={<DownloadOutlined />} data-testid="download-menu">
                        {t('download')}
                      </Button>
                    </Dropdown>
                  }
                  column={{ xs: 1, sm: 2, md: 3 }}
                  items={[
                    { key: 'id', label: t('runId'), children: <Typography.Text code data-testid="run-id">{current.run.id}</Typography.Text> },
                    { key: 'at', label: t('generatedAt'), children: dayjs(current.run.createdAt).format('YYYY-MM-DD HH:mm:ss') },
                    ...(current.run.knownAt !== null && current.run.knownAt !== undefined
                      ? [{ key: 'known', label: t('knownAt'), children: <span data-testid="run-known-at">{dayjs(current.run.knownAt).format('YYYY-MM-DD HH:mm:ss')}</span> }]
                      : []),
                    { key: 'persons', label: t('personCount'), children: <span data-testid="run-persons">{n(current.run.personCount)}</span> },
                    { key: 'cmp', label: t('comparison'), span: 3, children: <Flex vertical gap={6}><div><ComparisonTag run={current.run} /></div><ChangesView run={current.run} /></Flex> },
                  ]}
                />
                {current.result.rows.length === 0 ? (
                  <Empty description={t('emptyResult')} />
                ) : (
                  <>
                    <ResultChart result={current.result} />
                    <ResultTable result={current.result} />
                  </>
                )}
              </Flex>
            )}
            <div>
              <Typography.Title level={5}>{t('runs')}</Typography.Title>
              <AsyncView state={runs}>
                {(items) =>
                  items.length === 0 ? (
                    <Empty description={t('noRuns')} />
                  ) : (
                    <Table<Run>
                      rowKey="id"
                      size="small"
                      dataSource={items}
                      pagination={items.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
                      scroll={{ x: 'max-content' }}
                      data-testid="runs-table"
                      rowClassName={(r) => (r.id === current?.run.id ? 'ant-table-row-selected' : '')}
                      columns={[
                        { title: t('generatedAt'), dataIndex: 'createdAt', key: 'createdAt', render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
                        { title: t('area'), dataIndex: 'areaCode', key: 'areaCode', render: (v: string) => <AreaLabel code={v} /> },
                        { title: t('asOf'), dataIndex: 'asOf', key: 'asOf' },
                        { title: t('personCount'), dataIndex: 'personCount', key: 'personCount', align: 'right', render: (v: number) => n(v) },
                        {
                          title: t('comparison'),
                          key: 'comparison',
                          render: (_: unknown, r: Run) => (
                            <Space size={4} wrap>
                              <ComparisonTag run={r} />
                              {r.summary && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{lang === 'zh' ? r.summary.zh : r.summary.en}</Typography.Text>}
                            </Space>
                          ),
                        },
                        {
                          title: '',
                          key: 'actions',
                          render: (_: unknown, r: Run) => (
                            <Space>
                              <Button size="small" loading={loadingRun === r.id} onClick={() => void open(r)} data-testid="open-run">
                                {t('view')}
                              </Button>
                              <Button size="small" icon={<DownloadOutlined />} onClick={() => void fetchFile(r, 'xlsx')} aria-label={t('downloadXlsx')} />
                              <Tooltip title={t('reproduceHint')}>
                                <Button size="small" icon={<HistoryOutlined />} loading={loadingRun === `reproduce:${r.id}`} onClick={() => void reproduce(r)} data-testid="reproduce-run">
                                  {screens.md ? t('reproduce') : null}
                                </Button>
                              </Tooltip>
                            </Space>
                          ),
                        },
                      ]}
                    />
                  )
                }
              </AsyncView>
            </div>
          </>
        )}
      </AsyncView>
    </Flex>
  );
}
