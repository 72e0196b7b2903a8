/** Report schedules: list, create (report, area, period, format, first reference date), delete with confirmation. */
import { useState } from 'react';
import { App as AntApp, Button, DatePicker, Empty, Flex, Form, Modal, Popconfirm, Select, Table, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api, unwrap, type Schemas } from '../../api/client';
import { AsyncView, ErrorNote, useAsync } from '../../components/async';
import { common } from '../../i18n/common';
import { useLang, useT } from '../../i18n/i18n';
import { AREA_PATTERN, rep } from './messages';
import { AreaSelect } from './AreaSelect';
import { useAreaName } from '../../components/area-name';

type Schedule = Schemas['ReportSchedule'];

function AreaLabel({ code }: { code: string }) {
  const name = useAreaName(code);
  return <span title={code}>{name === code ? code : `${name}（${code}）`}</span>;
}
const PERIODS = ['monthly', 'quarterly', 'annual'] as const;
const FORMATS = ['xlsx', 'csv', 'pdf', 'json'] as const;

interface ScheduleForm {
  definitionId: string;
  area: string;
  period: (typeof PERIODS)[number];
  format: (typeof FORMATS)[number];
  firstDue?: Dayjs | null;
}

export function SchedulesView() {
  const t = useT(rep);
  const tc = useT(common);
  const { lang } = useLang();
  const { message } = AntApp.useApp();
  const [tick, setTick] = useState(0);
  const [creating, setCreating] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [form] = Form.useForm<ScheduleForm>();
  const list = useAsync(async () => unwrap(await api.GET('/api/v1/report-schedules')), [tick]);
  const defs = useAsync(async () => unwrap(await api.GET('/api/v1/reports')), []);
  const title = (id: string) => {
    const d = defs.data?.find((x) => x.id === id);
    return d ? (lang === 'zh' ? d.title.zh : d.title.en) : id;
  };
  const tt = t as (k: string) => string;

  const create = async (v: ScheduleForm) => {
    setSaving(true);
    setError(undefined);
    try {
      unwrap(
        await api.POST('/api/v1/report-schedules', {
          body: { definitionId: v.definitionId, area: v.area, period: v.period, format: v.format, ...(v.firstDue ? { firstDue: v.firstDue.format('YYYY-MM-DD') } : {}) },
        }),
      );
      void message.success(t('scheduleCreated'));
      setCreating(false);
      form.resetFields();
      setTick((x) => x + 1);
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  const remove = async (s: Schedule) => {
    try {
      const r = await api.DELETE('/api/v1/report-schedules/{id}', { params: { path: { id: s.id } } });
      if (!r.response.ok) unwrap(r); // 204: no body on success
      void message.success(t('removed'));
      setTick((x) => x + 1);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <Flex justify="space-between" wrap gap={8} style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">{t('schedulesIntro')}</Typography.Text>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-schedule">
          {t('newSchedule')}
        </Button>
      </Flex>
      {error !== undefined && !creating && <div style={{ marginBottom: 12 }}><ErrorNote error={error} /></div>}
      <AsyncView state={list}>
        {(items) =>
          items.length === 0 ? (
            <Empty description={t('noSchedules')} />
          ) : (
            <Table<Schedule>
              rowKey="id"
              size="small"
              dataSource={items}
              pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
              scroll={{ x: 'max-content' }}
              data-testid="schedules-table"
              columns={[
                { title: t('report'), dataIndex: 'definitionId', key: 'definitionId', render: (v: string) => title(v) },
                { title: t('area'), dataIndex: 'areaCode', key: 'areaCode', render: (v: string) => <AreaLabel code={v} /> },
                { title: t('period'), dataIndex: 'period', key: 'period', render: (v: string) => tt(`period${v}`) },
                { title: t('format'), dataIndex: 'format', key: 'format', render: (v: string) => v.toUpperCase() },
                { title: t('nextDue'), dataIndex: 'nextDue', key: 'nextDue' },
                { title: t('lastRun'), dataIndex: 'lastRunAt', key: 'lastRunAt', render: (v: string | null) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : '—') },
                { title: t('lastError'), dataIndex: 'lastError', key: 'lastError', render: (v: string | null) => (v ? <Typography.Text type="danger">{v}</Typography.Text> : '—') },
                {
                  title: t('actions'),
                  key: 'actions',
                  render: (_: unknown, s: Schedule) => (
                    <Popconfirm title={t('removeConfirm')} onConfirm={() => void remove(s)} okText={t('remove')} okButtonProps={{ danger: true }} cancelText={tc('cancel')}>
                      <Button size="small" danger icon={<DeleteOutlined />} data-testid="delete-schedule">
                        {t('remove')}
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]}
            />
          )
        }
      </AsyncView>
      <Modal open={creating} title={t('newSchedule')} onCancel={() => setCreating(false)} onOk={() => form.submit()} okText={t('create')} cancelText={tc('cancel')} confirmLoading={saving} destroyOnHidden>
        <Form<ScheduleForm> form={form} layout="vertical" initialValues={{ period: 'monthly', format: 'xlsx' }} onFinish={(v) => void create(v)}>
          <Form.Item name="definitionId" label={t('report')} rules={[{ required: true, message: t('required') }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              options={(defs.data ?? []).map((d) => ({ value: d.id, label: lang === 'zh' ? d.title.zh : d.title.en }))}
              onChange={(v: string) => {
                const p = defs.data?.find((d) => d.id === v)?.period;
                if (p === 'monthly' || p === 'quarterly' || p === 'annual') form.setFieldsValue({ period: p });
              }}
            />
          </Form.Item>
          <Form.Item name="area" label={t('area')} rules={[{ required: true, message: t('areaRequired') }, { pattern: AREA_PATTERN, message: t('areaPattern') }]}>
            <AreaSelect />
          </Form.Item>
          <Form.Item name="period" label={t('period')} rules={[{ required: true, message: t('required') }]}>
            <Select options={PERIODS.map((p) => ({ value: p, label: tt(`period${p}`) }))} />
          </Form.Item>
          <Form.Item name="format" label={t('format')}>
            <Select options={FORMATS.map((f) => ({ value: f, label: f.toUpperCase() }))} />
          </Form.Item>
          <Form.Item name="firstDue" label={t('firstDue')}>
            <DatePicker />
          </Form.Item>
          {error !== undefined && <ErrorNote error={error} />}
        </Form>
      </Modal>
    </>
  );
}
