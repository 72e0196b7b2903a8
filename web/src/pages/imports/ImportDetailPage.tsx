/**
 * One import (/imports/:id): followed live while it runs (GET /imports/{id} polled: rows done, rows
 * per second and the time left when the total is known), then its result — created, linked,
 * conflicts for review, rejected — the rejected rows (paged on the server, downloadable whole as CSV
 * or Excel) and the rollback where the import may be undone.
 */
import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Button, type ButtonProps, Card, Col, Descriptions, Popconfirm, Progress, Row, Space, Statistic, Table, Tag, Typography, message } from 'antd';
import { ArrowLeftOutlined, DownloadOutlined, RollbackOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { api, ApiError, download, unwrap, type Schemas } from '../../api/client';
import { AsyncView, ErrorNote, useAsync } from '../../components/async';
import { useServerPaging } from '../../components/server-paging';
import { useLang, useNumber, useT } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import { importMessages, STATUS_COLOR } from './messages';
import { useOwnSources, useSourceName } from './ImportsPage';

type Batch = Schemas['ImportBatch'];
type Rejected = { row: number; column: string | null; value: string | null; reason: string; message: string };

const LIVE = new Set(['checking', 'running']);

/** What each rejection reason means, in words a clerk reads (the API's own message stays beside it). */
const REASONS: Readonly<Record<string, { zh: string; en: string }>> = {
  MISSING_KEY: { zh: '缺少记录标识', en: 'no record key' },
  MISSING_VALUE: { zh: '缺少必填项', en: 'required value missing' },
  INVALID_ID_NUMBER: { zh: '证件号码无效', en: 'invalid ID number' },
  UNKNOWN_LOCAL_CODE: { zh: '代码无法对应标准', en: 'code not mapped' },
  UNKNOWN_CODE: { zh: '不是标准代码', en: 'not a standard code' },
  UNKNOWN_AREA: { zh: '区划代码不存在', en: 'unknown area code' },
  UNRESOLVED_ADDRESS: { zh: '地址无法识别', en: 'address not recognised' },
  INVALID_DATE: { zh: '日期格式无效', en: 'not a date' },
  IMPOSSIBLE_DATE: { zh: '日期不存在', en: 'no such date' },
  AMBIGUOUS_DATE: { zh: '日期有歧义', en: 'ambiguous date' },
  DATE_OUT_OF_RANGE: { zh: '日期超出范围', en: 'date out of range' },
  BAD_DATE: { zh: '日期无效', en: 'bad date' },
  BAD_VALUE: { zh: '取值无效', en: 'bad value' },
  INVALID_PHONE: { zh: '电话号码无效', en: 'invalid phone number' },
  MULTIPLE_VALUES: { zh: '一格多个值', en: 'several values in one cell' },
  LOSSY_NUMBER: { zh: '数字已被 Excel 截断', en: 'number mangled by Excel' },
  NOT_A_LATIN_NAME: { zh: '不是拉丁字母姓名', en: 'not a Latin-script name' },
};

/** Polls the import while it runs; answers the latest view and the rate measured between polls. */
function useLiveImport(id: string): { state: ReturnType<typeof useAsync<Batch>>; rate: number | undefined } {
  const state = useAsync(async () => unwrap(await api.GET('/api/v1/imports/{id}', { params: { path: { id } } })), [id]);
  const { reload, data } = state;
  const last = useRef<{ rows: number; at: number } | undefined>(undefined);
  const [rate, setRate] = useState<number | undefined>(undefined);
  const live = data !== undefined && LIVE.has(data.status);
  useEffect(() => {
    if (!data) return;
    const now = performance.now();
    const prev = last.current;
    if (prev && data.rowsRead > prev.rows && now > prev.at) setRate(((data.rowsRead - prev.rows) * 1000) / (now - prev.at));
    last.current = { rows: data.rowsRead, at: now };
  }, [data]);
  useEffect(() => {
    if (!live) return;
    const timer = setTimeout(reload, 700);
    return () => clearTimeout(timer);
  }, [live, reload, data]);
  return { state, rate };
}

function duration(seconds: number, t: ReturnType<typeof useT<keyof typeof importMessages.zh>>): string {
  const s = Math.max(1, Math.round(seconds));
  return s < 60 ? t('seconds', { n: s }) : t('minutes', { m: Math.floor(s / 60), s: s % 60 });
}

function LiveProgress({ batch, rate }: { batch: Batch; rate: number | undefined }) {
  const t = useT(importMessages);
  const num = useNumber();
  const live = LIVE.has(batch.status);
  const total = batch.rowsTotal;
  const percent = batch.status === 'committed' || batch.status === 'rolled_back' ? 100 : total && total > 0 ? Math.min(99, Math.floor((batch.rowsRead / total) * 100)) : live ? 5 : 0;
  const eta = live && rate && total ? (total - batch.rowsRead) / rate : undefined;
  return (
    <Card title={t('progress')} data-testid="import-progress">
      <div data-testid="import-progress-bar" data-percent={percent}>
        <Progress percent={percent} status={batch.status === 'failed' || batch.status === 'interrupted' ? 'exception' : live ? 'active' : batch.status === 'committed' ? 'success' : 'normal'} />
      </div>
      <Space wrap size={16} style={{ marginTop: 8 }}>
        <Typography.Text data-testid="import-rows-done">{total ? t('rowsProgressOf', { done: num(batch.rowsRead), total: num(total) }) : t('rowsProgress', { done: num(batch.rowsRead) })}</Typography.Text>
        {live && rate !== undefined && <Typography.Text type="secondary">{t('rate', { rate: num(Math.round(rate)) })}</Typography.Text>}
        {eta !== undefined && eta > 0 && <Typography.Text type="secondary">{t('eta', { eta: duration(eta, t) })}</Typography.Text>}
      </Space>
    </Card>
  );
}

function Result({ batch }: { batch: Batch }) {
  const t = useT(importMessages);
  const items: { key: keyof typeof importMessages.zh; value: number; testid: string; danger?: boolean }[] = [
    { key: 'rowsRead', value: batch.rowsRead, testid: 'result-rows-read' },
    { key: 'personsCreated', value: batch.personsCreated, testid: 'result-created' },
    { key: 'personsLinked', value: batch.personsLinked, testid: 'result-linked' },
    { key: 'forReview', value: batch.conflicts, testid: 'result-conflicts' },
    { key: 'rowsRejected', value: batch.rowsRejected, testid: 'result-rejected', danger: batch.rowsRejected > 0 },
    { key: 'rowsUnchanged', value: batch.rowsUnchanged, testid: 'result-unchanged' },
    { key: 'recordsEnded', value: batch.recordsEnded, testid: 'result-ended' },
  ];
  return (
    <Card
      title={t('result')}
      data-testid="import-result"
      extra={
        <Space wrap>
          {batch.conflicts > 0 && <Link to="/review?type=conflict">{t('goReview')}</Link>}
          {batch.personsCreated > 0 && <Link to="/review?type=possible-match">{t('goMatches')}</Link>}
        </Space>
      }
    >
      <Row gutter={[16, 16]}>
        {items.map((i) => (
          <Col xs={12} sm={8} lg={6} xl={3} key={i.key} style={{ minWidth: 140 }}>
            <div data-testid={i.testid}>
              <Statistic title={t(i.key)} value={i.value} styles={i.danger ? { content: { color: '#cf1322' } } : undefined} />
            </div>
          </Col>
        ))}
      </Row>
    </Card>
  );
}

function RejectedRows({ batch }: { batch: Batch }) {
  const t = useT(importMessages);
  const { lang } = useLang();
  const [error, setError] = useState<unknown>(undefined);
  const paging = useServerPaging(20);
  const { limit, offset } = paging;
  const rows = useAsync(
    async () =>
      batch.rowsRejected === 0
        ? { items: [], total: 0 }
        : unwrap(await api.GET('/api/v1/imports/{id}/rejected', { params: { path: { id: batch.id }, query: { limit, offset } } })),
    [batch.id, batch.rowsRejected, limit, offset],
  );
  const get = (format: 'csv' | 'xlsx') => {
    setError(undefined);
    download(`/api/v1/imports/${encodeURIComponent(batch.id)}/rejected?format=${format}`, `rejected-${batch.id}.${format}`).catch(setError);
  };
  return (
    <Card
      title={t('rejectedTitle')}
      data-testid="rejected-rows"
      extra={
        batch.rowsRejected > 0 ? (
          <Space wrap>
            <Button size="small" icon={<DownloadOutlined />} onClick={() => get('csv')} data-testid="download-csv">
              {t('downloadCsv')}
            </Button>
            <Button size="small" icon={<DownloadOutlined />} onClick={() => get('xlsx')} data-testid="download-xlsx">
              {t('downloadXlsx')}
            </Button>
          </Space>
        ) : null
      }
    >
      {error !== undefined && <ErrorNote error={error} />}
      {batch.rowsRejected === 0 ? (
        <Alert type="success" showIcon title={t('noRejected')} data-testid="no-rejected" />
      ) : (
        <>
          <Typography.Paragraph type="secondary">{t('rejectedHint')}</Typography.Paragraph>
          <AsyncView state={rows}>
            {(page) => (
              <Table<Rejected>
                data-testid="rejected-table"
                data-total={page.total}
                size="small"
                rowKey={(r) => `${r.row}:${r.column ?? ''}:${r.reason}`}
                dataSource={page.items}
                loading={rows.loading}
                scroll={{ x: 720 }}
                pagination={paging.pagination(page.total)}
                columns={[
                  { title: t('colRow'), dataIndex: 'row', width: 90 },
                  { title: t('colColumn'), dataIndex: 'column', width: 130, render: (v: string | null) => v ?? '—' },
                  { title: t('colValue'), dataIndex: 'value', width: 180, render: (v: string | null) => (v === null ? '—' : <Typography.Text code>{v}</Typography.Text>) },
                  {
                    title: t('colReason'),
                    dataIndex: 'reason',
                    width: 190,
                    render: (v: string) => (
                      <Space orientation="vertical" size={0}>
                        {REASONS[v] && <span>{REASONS[v][lang]}</span>}
                        <Tag color="red">{v}</Tag>
                      </Space>
                    ),
                  },
                  { title: t('colMessage'), dataIndex: 'message' },
                ]}
              />
            )}
          </AsyncView>
        </>
      )}
    </Card>
  );
}

export default function ImportDetailPage() {
  const t = useT(importMessages);
  const { id = '' } = useParams();
  const { may } = useSession();
  const { state, rate } = useLiveImport(id);
  const sources = useOwnSources();
  const sourceName = useSourceName(sources.data);
  const [rollbackError, setRollbackError] = useState<unknown>(undefined);

  const rollback = async () => {
    setRollbackError(undefined);
    try {
      // An import that has just finished may still be closing for a moment ("still running"): try again shortly.
      for (let attempt = 0; ; attempt++) {
        try {
          unwrap(await api.POST('/api/v1/imports/{id}/rollback', { params: { path: { id } } }));
          break;
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 'IMPORT_NOT_RESUMABLE' && attempt < 5)) throw e;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      void message.success(t('rolledBack'));
      state.reload();
    } catch (e) {
      setRollbackError(e);
    }
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Link to="/imports">
        <ArrowLeftOutlined /> {t('back')}
      </Link>
      <AsyncView state={state}>
        {(b) => (
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card
              title={
                <Space wrap>
                  <span>{t('detailTitle')}</span>
                  <Typography.Text strong>{b.fileName}</Typography.Text>
                  <Tag color={STATUS_COLOR[b.status] ?? 'default'} data-testid="import-status" data-status={b.status}>
                    {t(`status_${b.status}` as 'status_committed')}
                  </Tag>
                </Space>
              }
              extra={
                may('import.run') && (b.status === 'committed' || b.status === 'interrupted') ? (
                  <Popconfirm title={t('rollbackConfirm')} onConfirm={() => void rollback()} okButtonProps={{ danger: true, 'data-testid': 'rollback-confirm' } as ButtonProps}>
                    <Button danger icon={<RollbackOutlined />} data-testid="rollback">
                      {t('rollback')}
                    </Button>
                  </Popconfirm>
                ) : null
              }
            >
              <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }}>
                <Descriptions.Item label={t('source')}>{b.sourceId ? sourceName(b.sourceId) : '—'}</Descriptions.Item>
                <Descriptions.Item label={t('extract')}>{b.extract ? t(`extract_${b.extract}` as 'extract_full') : '—'}</Descriptions.Item>
                <Descriptions.Item label={t('profile')}>{b.profileVersion || '—'}</Descriptions.Item>
                <Descriptions.Item label={t('observedAt')}>{b.observedAt ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('startedAt')}>{dayjs(b.startedAt).format('YYYY-MM-DD HH:mm:ss')}</Descriptions.Item>
                <Descriptions.Item label={t('finishedAt')}>{b.finishedAt ? dayjs(b.finishedAt).format('YYYY-MM-DD HH:mm:ss') : '—'}</Descriptions.Item>
              </Descriptions>
              {rollbackError !== undefined && <ErrorNote error={rollbackError} />}
              {b.status === 'failed' && <Alert type="error" showIcon title={t('failed')} description={b.error ?? ''} data-testid="import-error" />}
              {b.status === 'interrupted' && <Alert type="warning" showIcon title={t('interrupted')} description={b.error ?? ''} data-testid="import-error" />}
            </Card>
            <LiveProgress batch={b} rate={rate} />
            {!LIVE.has(b.status) && b.status !== 'failed' && (
              <>
                <Result batch={b} />
                <RejectedRows batch={b} />
              </>
            )}
          </Space>
        )}
      </AsyncView>
    </Space>
  );
}
