/**
 * Reports (/reports/*): the catalogue of definitions (shipped and stored); one report run for an
 * area and a reference date, its result as a table (merged headers, rosters paginated), downloads
 * of the kept run (XLSX / CSV / PDF), the kept runs each unchanged or changed with what changed;
 * and the schedules, for those who may define reports.
 */
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { Card, Table, Tabs, Tag, Typography } from 'antd';
import { api, unwrap, type Schemas } from '../../api/client';
import { AsyncView, useAsync } from '../../components/async';
import { useLang, useT } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import { rep } from './messages';
import { ReportDetail } from './ReportDetail';
import { SchedulesView } from './SchedulesView';
import { useCodeNames, useDepartmentNames } from '../../components/reference-names';

type Summary = Schemas['ReportDefinitionSummary'];

function Catalogue() {
  const t = useT(rep);
  const { lang } = useLang();
  const navigate = useNavigate();
  const dept = useDepartmentNames();
  const purposeName = useCodeNames('purpose');
  const list = useAsync(async () => unwrap(await api.GET('/api/v1/reports')), []);
  const tt = t as (k: string) => string;
  return (
    <>
      <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
      <AsyncView state={list} empty={(d) => d.length === 0}>
        {(items) => (
          <Table<Summary>
            rowKey="id"
            size="middle"
            dataSource={items}
            pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
            scroll={{ x: 'max-content' }}
            onRow={(r) => ({ onClick: () => navigate(`/reports/${encodeURIComponent(r.id)}`), style: { cursor: 'pointer' } })}
            data-testid="reports-table"
            columns={[
              {
                title: t('name'),
                key: 'title',
                render: (_: unknown, r: Summary) => (
                  <div>
                    <Typography.Link data-testid={`report-${r.id}`}>{lang === 'zh' ? r.title.zh : r.title.en}</Typography.Link>
                    {r.description && (
                      <div>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {lang === 'zh' ? r.description.zh : r.description.en}
                        </Typography.Text>
                      </div>
                    )}
                  </div>
                ),
              },
              { title: t('kind'), dataIndex: 'kind', key: 'kind', render: (v: string) => <Tag color={v === 'table' ? 'blue' : 'purple'}>{tt(`kind${v}`)}</Tag> },
              { title: t('period'), dataIndex: 'period', key: 'period', render: (v: string) => tt(`period${v}`) },
              { title: t('department'), dataIndex: 'departmentId', key: 'departmentId', responsive: ['md'], render: (v: string) => dept(v) },
              { title: t('purpose'), dataIndex: 'purpose', key: 'purpose', responsive: ['lg'], render: (v: string) => purposeName(v) },
              { title: t('origin'), dataIndex: 'origin', key: 'origin', responsive: ['lg'], render: (v: string, r: Summary) => `${tt(`origin${v}`)} · v${r.version}` },
            ]}
          />
        )}
      </AsyncView>
    </>
  );
}

export default function ReportsPage() {
  const t = useT(rep);
  const { may } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const second = location.pathname.split('/')[2];
  const onSchedules = second === 'schedules';
  const detail = second !== undefined && second !== '' && !onSchedules;
  return (
    <Card title={t('title')} data-testid="reports-page" styles={{ body: { paddingTop: detail ? undefined : 0 } }}>
      {!detail && may('report.define') && (
        <Tabs
          activeKey={onSchedules ? 'schedules' : 'catalogue'}
          onChange={(k) => navigate(k === 'schedules' ? '/reports/schedules' : '/reports')}
          items={[
            { key: 'catalogue', label: t('definitions') },
            { key: 'schedules', label: <span data-testid="tab-schedules">{t('schedules')}</span> },
          ]}
        />
      )}
      <Routes>
        <Route index element={<Catalogue />} />
        <Route path="schedules" element={may('report.define') ? <SchedulesView /> : <Navigate to="/reports" replace />} />
        <Route path=":id" element={<ReportDetail />} />
        <Route path="*" element={<Navigate to="/reports" replace />} />
      </Routes>
    </Card>
  );
}
