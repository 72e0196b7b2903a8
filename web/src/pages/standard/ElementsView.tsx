/** Data elements: the catalogue (search as you type, on the server), one element in full, and a new local element. */
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { App as AntApp, Button, DatePicker, Descriptions, Drawer, Flex, Form, Grid, Input, InputNumber, Select, Table, Tag, Typography } from 'antd';
import { ArrowLeftOutlined, PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { api, ApiError, unwrap, type Schemas } from '../../api/client';
import { AsyncView, ErrorNote, useAsync } from '../../components/async';
import { useLang, useT } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import { RULES, SENSITIVITIES, std, VALUE_TYPES } from './messages';

type Element = Schemas['DataElement'];

const SENS_COLOR: Record<string, string> = { public: 'default', internal: 'blue', sensitive: 'orange', 'highly-sensitive': 'red' };

export function useReference() {
  return useAsync(async () => {
    const [departments, tables] = await Promise.all([api.GET('/api/v1/standard/departments').then(unwrap), api.GET('/api/v1/standard/code-tables').then(unwrap)]);
    return { departments: new Map(departments.map((d) => [d.id, d])), departmentList: departments, tables: new Map(tables.map((x) => [x.id, x])), tableList: tables };
  }, []);
}

export function useDebounced<T>(value: T, ms = 300): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return v;
}

export function SensitivityTag({ value }: { value: string }) {
  const t = useT(std);
  return <Tag color={SENS_COLOR[value] ?? 'default'}>{(t as (k: string) => string)(`sens${value}`)}</Tag>;
}

export function ElementsView() {
  const t = useT(std);
  const { lang } = useLang();
  const { may } = useSession();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [adding, setAdding] = useState(false);
  const query = useDebounced(q.trim());
  const ref = useReference();
  const list = useAsync(async () => unwrap(await api.GET('/api/v1/standard/elements', { params: { query: query === '' ? {} : { q: query } } })), [query]);
  const deptName = (id: string) => {
    const d = ref.data?.departments.get(id);
    return d ? (lang === 'zh' ? d.nameZh : d.nameEn) : id;
  };
  return (
    <>
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <Input.Search allowClear placeholder={t('searchElements')} value={q} onChange={(e) => setQ(e.target.value)} style={{ maxWidth: 360 }} data-testid="element-search" />
        {may('reference.write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="add-element">
            {t('addElement')}
          </Button>
        )}
      </Flex>
      <AsyncView state={list}>
        {(items) => (
          <Table<Element>
            rowKey="id"
            size="small"
            dataSource={items}
            pagination={{ pageSize: 20, showSizeChanger: false, showTotal: (n) => t('elementCount', { n }) }}
            scroll={{ x: 'max-content' }}
            onRow={(r) => ({ onClick: () => navigate(`/standard/elements/${encodeURIComponent(r.id)}`), style: { cursor: 'pointer' } })}
            data-testid="elements-table"
            columns={[
              { title: t('id'), dataIndex: 'id', key: 'id', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
              { title: lang === 'zh' ? t('nameZh') : t('nameEn'), key: 'name', render: (_: unknown, r: Element) => (lang === 'zh' ? r.nameZh : r.nameEn) },
              { title: t('valueType'), dataIndex: 'valueType', key: 'valueType', render: (v: string) => (t as (k: string) => string)(`vt${v}`) },
              { title: t('sensitivity'), dataIndex: 'sensitivity', key: 'sensitivity', render: (v: string) => <SensitivityTag value={v} /> },
              { title: t('owner'), dataIndex: 'ownerDepartmentId', key: 'owner', responsive: ['md'], render: (v: string) => deptName(v) },
              { title: t('status'), dataIndex: 'status', key: 'status', responsive: ['lg'], render: (v: string) => <Tag color={v === 'local' ? 'purple' : 'geekblue'}>{(t as (k: string) => string)(v)}</Tag> },
            ]}
          />
        )}
      </AsyncView>
      <NewElementDrawer open={adding} onClose={() => setAdding(false)} onAdded={(e) => navigate(`/standard/elements/${encodeURIComponent(e.id)}`)} />
    </>
  );
}

export function ElementDetail() {
  const { id = '' } = useParams();
  const t = useT(std);
  const { lang } = useLang();
  const ref = useReference();
  const el = useAsync(async () => unwrap(await api.GET('/api/v1/standard/elements/{id}', { params: { path: { id } } })), [id]);
  return (
    <Flex vertical gap={12} data-testid="element-detail">
      <Link to="/standard/elements">
        <ArrowLeftOutlined /> {t('back')}
      </Link>
      <AsyncView state={el}>
        {(e) => {
          const table = e.codeTableId !== null ? ref.data?.tables.get(e.codeTableId) : undefined;
          const dept = ref.data?.departments.get(e.ownerDepartmentId);
          return (
            <Descriptions
              title={`${lang === 'zh' ? e.nameZh : e.nameEn}（${e.id}）`}
              bordered
              size="small"
              column={{ xs: 1, sm: 1, md: 2 }}
              items={[
                { key: 'id', label: t('id'), children: <Typography.Text code copyable>{e.id}</Typography.Text> },
                { key: 'status', label: t('status'), children: (t as (k: string) => string)(e.status) },
                { key: 'nameZh', label: t('nameZh'), children: e.nameZh },
                { key: 'nameEn', label: t('nameEn'), children: e.nameEn },
                { key: 'definition', label: t('definition'), span: 2, children: e.definition },
                { key: 'valueType', label: t('valueType'), children: (t as (k: string) => string)(`vt${e.valueType}`) },
                {
                  key: 'codeTable',
                  label: t('codeTable'),
                  children: e.codeTableId === null ? '—' : <Link to={`/standard/code-tables/${encodeURIComponent(e.codeTableId)}`}>{table ? `${lang === 'zh' ? table.nameZh : table.nameEn}（${table.standard}）` : e.codeTableId}</Link>,
                },
                { key: 'sensitivity', label: t('sensitivity'), children: <SensitivityTag value={e.sensitivity} /> },
                { key: 'owner', label: t('owner'), children: dept ? (lang === 'zh' ? dept.nameZh : dept.nameEn) : e.ownerDepartmentId },
                { key: 'freshness', label: t('freshness'), children: e.freshnessDays === null ? t('noFreshness') : t('freshnessValue', { days: e.freshnessDays }) },
                { key: 'validFrom', label: t('validFrom'), children: e.validFrom ?? '—' },
                { key: 'validTo', label: t('validTo'), children: e.validTo ?? '—' },
                { key: 'storage', label: t('storage'), children: e.storage },
              ]}
            />
          );
        }}
      </AsyncView>
    </Flex>
  );
}

interface ElementForm {
  id: string;
  nameZh: string;
  nameEn: string;
  definition: string;
  valueType: (typeof VALUE_TYPES)[number];
  codeTableId?: string;
  sensitivity: (typeof SENSITIVITIES)[number];
  ownerDepartmentId: string;
  freshnessDays?: number | null;
  validFrom?: Dayjs | null;
}

function NewElementDrawer({ open, onClose, onAdded }: { open: boolean; onClose: () => void; onAdded: (e: Element) => void }) {
  const t = useT(std);
  const { lang } = useLang();
  const screens = Grid.useBreakpoint();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<ElementForm>();
  const valueType = Form.useWatch('valueType', form);
  const ref = useReference();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (v: ElementForm) => {
    setSaving(true);
    setError(undefined);
    try {
      const e = unwrap(
        await api.POST('/api/v1/standard/elements', {
          body: {
            id: v.id.trim(),
            nameZh: v.nameZh.trim(),
            nameEn: v.nameEn.trim(),
            definition: v.definition.trim(),
            valueType: v.valueType,
            ...(v.valueType === 'code' && v.codeTableId ? { codeTableId: v.codeTableId } : {}),
            sensitivity: v.sensitivity,
            ownerDepartmentId: v.ownerDepartmentId,
            ...(v.freshnessDays ? { freshnessDays: v.freshnessDays } : {}),
            ...(v.validFrom ? { validFrom: v.validFrom.format('YYYY-MM-DD') } : {}),
          },
        }),
      );
      void message.success(t('elementAdded', { id: e.id }));
      form.resetFields();
      onClose();
      onAdded(e);
    } catch (e) {
      if (e instanceof ApiError && typeof e.details['field'] === 'string') {
        form.setFields([{ name: e.details['field'] as keyof ElementForm, errors: [e.message] }]);
      }
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  const text = (max: number, min = 1) => [
    { required: true, whitespace: true, message: t('required') },
    { min, message: t('tooShort', { min }) },
    { max, message: t('tooLong', { max }) },
  ];
  return (
    <Drawer open={open} onClose={onClose} title={t('addElementTitle')} size={screens.md ? 560 : '100%'} destroyOnHidden>
      <Form<ElementForm> form={form} layout="vertical" onFinish={(v) => void submit(v)} initialValues={{ valueType: 'string', sensitivity: 'internal' }} data-testid="element-form">
        <Form.Item
          name="id"
          label={t('id')}
          extra={t('elementIdHint')}
          hasFeedback
          validateFirst
          rules={[...text(RULES.elementIdMax, RULES.elementIdMin), { pattern: RULES.elementId, message: t('elementIdPattern') }]}
        >
          <Input placeholder="person.retiredRehired" data-testid="element-id" />
        </Form.Item>
        <Form.Item name="nameZh" label={t('nameZh')} hasFeedback rules={text(RULES.nameZhMax)}>
          <Input data-testid="element-nameZh" />
        </Form.Item>
        <Form.Item name="nameEn" label={t('nameEn')} hasFeedback rules={text(RULES.nameEnMax)}>
          <Input data-testid="element-nameEn" />
        </Form.Item>
        <Form.Item name="definition" label={t('definition')} hasFeedback rules={text(RULES.definitionMax)}>
          <Input.TextArea rows={3} showCount maxLength={RULES.definitionMax} data-testid="element-definition" />
        </Form.Item>
        <Form.Item name="valueType" label={t('valueType')} rules={[{ required: true, message: t('required') }]}>
          <Select options={VALUE_TYPES.map((v) => ({ value: v, label: (t as (k: string) => string)(`vt${v}`) }))} onChange={() => void form.validateFields(['codeTableId']).catch(() => undefined)} />
        </Form.Item>
        <Form.Item
          name="codeTableId"
          label={t('codeTable')}
          dependencies={['valueType']}
          rules={[
            {
              validator: async (_r, value: string | undefined) => {
                const vt = form.getFieldValue('valueType') as string;
                if (vt === 'code' && !value) throw new Error(t('codeTableRequired'));
                if (vt !== 'code' && value) throw new Error(t('codeTableOnlyForCode'));
              },
            },
          ]}
        >
          <Select
            allowClear
            disabled={valueType !== 'code'}
            showSearch={{ optionFilterProp: 'label' }}
            options={(ref.data?.tableList ?? []).map((x) => ({ value: x.id, label: `${lang === 'zh' ? x.nameZh : x.nameEn}（${x.id}）` }))}
          />
        </Form.Item>
        <Form.Item name="sensitivity" label={t('sensitivity')} rules={[{ required: true, message: t('required') }]}>
          <Select options={SENSITIVITIES.map((v) => ({ value: v, label: (t as (k: string) => string)(`sens${v}`) }))} />
        </Form.Item>
        <Form.Item name="ownerDepartmentId" label={t('owner')} rules={[{ required: true, message: t('required') }]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={(ref.data?.departmentList ?? []).map((d) => ({ value: d.id, label: lang === 'zh' ? d.nameZh : d.nameEn }))} data-testid="element-owner" />
        </Form.Item>
        <Form.Item name="freshnessDays" label={t('freshness')} rules={[{ type: 'integer', min: 1, message: t('freshnessMin') }]}>
          <InputNumber min={1} precision={0} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="validFrom" label={t('validFrom')}>
          <DatePicker />
        </Form.Item>
        {error !== undefined && <div style={{ marginBottom: 16 }}><ErrorNote error={error} /></div>}
        <Button type="primary" htmlType="submit" loading={saving} block data-testid="element-submit">
          {t('addElement')}
        </Button>
      </Form>
    </Drawer>
  );
}
