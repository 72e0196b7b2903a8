/**
 * A new subscription, within the remit: the purposes, elements, areas, kinds of people, unmasking
 * and code profiles the department may have are read from GET /api/v1/subscriptions/remit for the
 * chosen purpose and are all the form offers (the whole catalogue only on request, to see the
 * refusal); the API's rules are checked as the user types. A refusal (SUBSCRIPTION_OUTSIDE_REMIT)
 * lists every item outside the remit with its reason.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Checkbox, Form, Input, InputNumber, Radio, Select, Switch, Typography } from 'antd';
import { api, ApiError, unwrap } from '../../api/client';
import { useAsync, ErrorNote } from '../../components/async';
import { useLang, useT } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import { EVENT_TYPES, RULES, sub } from './messages';
import { useCodeNames } from '../../components/reference-names';

export interface OutsideItem {
  readonly field: string;
  readonly value: string;
  readonly reason: string;
}

interface FormValues {
  departmentId?: string;
  name: string;
  purpose?: string;
  channel: 'webhook' | 'pull' | 'nats';
  url?: string;
  elements?: string[];
  areas?: string[];
  categories?: string[];
  eventTypes?: string[];
  codeProfile?: string;
  unmask?: boolean;
  batchMax?: number;
}

export interface Created {
  readonly id: string;
  readonly secret: string | null;
}

function outsideOf(e: unknown): OutsideItem[] | null {
  if (!(e instanceof ApiError) || e.code !== 'SUBSCRIPTION_OUTSIDE_REMIT') return null;
  const list = e.details['outside'];
  return Array.isArray(list) ? (list as OutsideItem[]) : [];
}

export function NewSubscriptionForm({ onCreated }: { onCreated: (c: Created) => void }) {
  const t = useT(sub);
  const { lang } = useLang();
  const { session } = useSession();
  const isAdmin = session?.user.role === 'platform-admin';
  const [form] = Form.useForm<FormValues>();
  const purposeName = useCodeNames('purpose');
  const departmentId = Form.useWatch('departmentId', form) ?? (isAdmin ? undefined : (session?.user.departmentId ?? undefined));
  const purpose = Form.useWatch('purpose', form);
  const channel = Form.useWatch('channel', form) ?? 'webhook';
  const [allElements, setAllElements] = useState(false);
  const [saving, setSaving] = useState(false);
  const [refusal, setRefusal] = useState<OutsideItem[] | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const refusalRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (refusal !== null) refusalRef.current?.scrollIntoView({ block: 'center' });
  }, [refusal]);

  const catalogue = useAsync(async () => {
    const [elements, kinds, departments, sources] = await Promise.all([
      api.GET('/api/v1/standard/elements').then(unwrap),
      api.GET('/api/v1/standard/kinds').then(unwrap),
      isAdmin ? api.GET('/api/v1/standard/departments').then(unwrap) : Promise.resolve([]),
      api.GET('/api/v1/sources').then(unwrap).catch(() => []),
    ]);
    return { elements, kinds, departments, sources };
  }, [isAdmin]);

  const remit = useAsync(async () => {
    if (departmentId === undefined) return undefined;
    const r = unwrap(await api.GET('/api/v1/subscriptions/remit', { params: { query: { departmentId: isAdmin ? departmentId : undefined, purpose } } }));
    const areaOptions = new Map<string, string>();
    for (const code of r.areas) {
      const area = await api.GET('/api/v1/areas/{code}', { params: { path: { code } } }).then((x) => x.data);
      areaOptions.set(code, area ? area.name : code);
      const children = await api.GET('/api/v1/areas/{code}/children', { params: { path: { code } } }).then((x) => x.data ?? []);
      for (const c of children.slice(0, 200)) areaOptions.set(c.code, c.name);
    }
    return { ...r, areaOptions };
  }, [departmentId, purpose, isAdmin]);

  const elementName = useMemo(() => {
    const m = new Map<string, string>();
    for (const e of catalogue.data?.elements ?? []) m.set(e.id, lang === 'zh' ? e.nameZh : e.nameEn);
    return m;
  }, [catalogue.data, lang]);

  const elementOptions = useMemo(() => {
    const ids = allElements ? (catalogue.data?.elements ?? []).map((e) => e.id) : (remit.data?.elements ?? []);
    return ids.map((id) => ({ value: id, label: `${elementName.get(id) ?? id}（${id}）` }));
  }, [allElements, catalogue.data, remit.data, elementName]);

  const kindOptions = useMemo(() => {
    const allowed = remit.data?.kinds;
    return (catalogue.data?.kinds ?? []).filter((k) => allowed === null || allowed === undefined || allowed.includes(k.id)).map((k) => ({ value: k.id, label: lang === 'zh' ? k.nameZh : k.nameEn }));
  }, [catalogue.data, remit.data, lang]);

  const sourceName = useMemo(() => new Map((catalogue.data?.sources ?? []).map((s) => [s.id, lang === 'zh' ? s.nameZh : s.nameEn])), [catalogue.data, lang]);

  const submit = async (v: FormValues) => {
    setSaving(true);
    setRefusal(null);
    setError(undefined);
    try {
      const body = {
        ...(isAdmin && v.departmentId !== undefined ? { departmentId: v.departmentId } : {}),
        name: v.name.trim(),
        channel: v.channel,
        purpose: v.purpose ?? '',
        ...(v.channel === 'webhook' ? { url: (v.url ?? '').trim(), batchMax: v.batchMax ?? 1 } : {}),
        elements: v.elements ?? [],
        areas: v.areas ?? [],
        categories: v.categories ?? [],
        eventTypes: (v.eventTypes ?? []) as (typeof EVENT_TYPES)[number][],
        ...(v.codeProfile ? { codeProfile: v.codeProfile } : {}),
        unmask: v.unmask === true,
      };
      const r = unwrap(await api.POST('/api/v1/subscriptions', { body }));
      onCreated({ id: r.subscription.id, secret: r.secret });
    } catch (e) {
      const outside = outsideOf(e);
      if (outside !== null) setRefusal(outside);
      else setError(e);
    } finally {
      setSaving(false);
    }
  };

  if (catalogue.error !== undefined) return <ErrorNote error={catalogue.error} onRetry={catalogue.reload} />;
  const purposes = remit.data?.purposes ?? [];
  const noPurpose = purpose === undefined;

  return (
    <Form<FormValues>
      form={form}
      layout="vertical"
      initialValues={{ channel: 'webhook', unmask: false, batchMax: 1 }}
      onFinish={(v) => void submit(v)}
      onValuesChange={() => setRefusal(null)}
      data-testid="subscription-form"
    >
      <Typography.Paragraph type="secondary">{t('formHint')}</Typography.Paragraph>
      {isAdmin && (
        <Form.Item name="departmentId" label={t('department')} rules={[{ required: true, message: t('departmentRequired') }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            data-testid="sub-department"
            options={(catalogue.data?.departments ?? []).map((d) => ({ value: d.id, label: lang === 'zh' ? d.nameZh : d.nameEn }))}
            onChange={() => form.setFieldsValue({ purpose: undefined, elements: [], areas: [], categories: [], codeProfile: undefined })}
          />
        </Form.Item>
      )}
      <Form.Item name="name" label={t('name')} hasFeedback rules={[{ required: true, whitespace: true, message: t('nameRequired') }, { max: RULES.nameMax, message: t('tooLong', { max: RULES.nameMax }) }]}>
        <Input data-testid="sub-name" maxLength={RULES.nameMax + 20} />
      </Form.Item>
      <Form.Item name="purpose" label={t('purpose')} rules={[{ required: true, message: t('purposeRequired') }]}>
        <Select
          data-testid="sub-purpose"
          loading={remit.loading}
          options={purposes.map((p) => ({ value: p, label: `${purposeName(p)}（${p}）` }))}
          onChange={() => form.setFieldsValue({ elements: [], areas: [], categories: [], unmask: false })}
        />
      </Form.Item>
      <Form.Item name="channel" label={t('channel')}>
        <Radio.Group data-testid="sub-channel" optionType="button" options={(['webhook', 'pull', 'nats'] as const).map((c) => ({ value: c, label: t(`channel${c}`) }))} />
      </Form.Item>
      {channel === 'webhook' && (
        <>
          <Form.Item
            name="url"
            label={t('url')}
            extra={t('urlHint')}
            hasFeedback
            validateFirst
            rules={[
              { required: true, whitespace: true, message: t('urlRequired') },
              { max: RULES.urlMax, message: t('tooLong', { max: RULES.urlMax }) },
              {
                validator: async (_r, value: string | undefined) => {
                  if (!value) return;
                  let u: URL;
                  try {
                    u = new URL(value.trim());
                  } catch {
                    throw new Error(t('urlInvalid'));
                  }
                  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(t('urlInvalid'));
                  if (u.username !== '' || u.password !== '') throw new Error(t('urlCredentials'));
                },
              },
            ]}
          >
            <Input data-testid="sub-url" placeholder="https://" />
          </Form.Item>
          <Form.Item name="batchMax" label={t('batchMax')}>
            <InputNumber min={1} max={RULES.batchMaxLimit} precision={0} />
          </Form.Item>
        </>
      )}
      {noPurpose ? (
        <Alert type="info" showIcon title={t('pickPurposeFirst')} style={{ marginBottom: 16 }} />
      ) : remit.error !== undefined ? (
        <ErrorNote error={remit.error} onRetry={remit.reload} />
      ) : (
        <>
          <Form.Item
            name="elements"
            label={t('elements')}
            extra={t('elementsHint')}
            rules={[
              {
                validator: async (_r, value: string[] | undefined) => {
                  const v = value ?? [];
                  if (v.length > RULES.elementsMaxItems) throw new Error(t('tooMany', { max: RULES.elementsMaxItems }));
                  if (v.some((x) => !RULES.elementPattern.test(x) || x.length > RULES.elementMax)) throw new Error(t('elementPattern'));
                },
              },
            ]}
          >
            <Select mode="multiple" allowClear data-testid="sub-elements" loading={remit.loading} options={elementOptions} showSearch={{ optionFilterProp: 'label' }} />
          </Form.Item>
          <Checkbox checked={allElements} onChange={(e) => setAllElements(e.target.checked)} data-testid="sub-all-elements" style={{ marginTop: -8, marginBottom: 16 }}>
            {t('showAllElements')}
          </Checkbox>
          <Form.Item
            name="areas"
            label={t('areas')}
            extra={t('areasHint')}
            rules={[
              {
                validator: async (_r, value: string[] | undefined) => {
                  const v = value ?? [];
                  if (v.length > RULES.areasMaxItems) throw new Error(t('tooMany', { max: RULES.areasMaxItems }));
                  if (v.some((x) => !RULES.areaPattern.test(x))) throw new Error(t('areaPattern'));
                },
              },
            ]}
          >
            <Select
              mode="tags"
              allowClear
              data-testid="sub-areas"
              tokenSeparators={[',', ' ']}
              options={[...(remit.data?.areaOptions ?? new Map<string, string>())].map(([code, name]) => ({ value: code, label: `${name}（${code}）` }))}
              showSearch={{ optionFilterProp: 'label' }}
            />
          </Form.Item>
          <Form.Item name="categories" label={t('categories')} extra={t('categoriesHint')} rules={[{ type: 'array', max: RULES.categoriesMaxItems, message: t('tooMany', { max: RULES.categoriesMaxItems }) }]}>
            <Select mode="multiple" allowClear data-testid="sub-categories" options={kindOptions} showSearch={{ optionFilterProp: 'label' }} />
          </Form.Item>
          <Form.Item name="eventTypes" label={t('eventTypes')} extra={t('eventTypesHint')}>
            <Select mode="multiple" allowClear options={EVENT_TYPES.map((e) => ({ value: e, label: e.replace('cn.populus.', '') }))} />
          </Form.Item>
          <Form.Item name="codeProfile" label={t('codeProfile')} extra={t('codeProfileHint')}>
            <Select allowClear options={(remit.data?.codeProfiles ?? []).map((s) => ({ value: s, label: sourceName.get(s) ?? s }))} />
          </Form.Item>
          <Form.Item name="unmask" label={t('unmask')} valuePropName="checked" extra={remit.data && !remit.data.unmask ? t('unmaskNotAllowed') : undefined}>
            <Switch disabled={remit.data !== undefined && !remit.data.unmask} />
          </Form.Item>
        </>
      )}
      {refusal !== null && (
        <div ref={refusalRef}>
        <Alert
          type="error"
          showIcon
          data-testid="outside-remit"
          title={t('outsideTitle')}
          style={{ marginBottom: 16 }}
          description={
            <>
              <div>{t('outsideIntro')}</div>
              <ul style={{ margin: '8px 0 0', paddingInlineStart: 20 }}>
                {refusal.map((o, i) => (
                  <li key={`${o.field}-${o.value}-${i}`} data-testid="outside-item">
                    <strong>{(t as (k: string) => string)(`field${o.field}`)}</strong>
                    {o.value !== '' && <> <Typography.Text code>{o.value}</Typography.Text>{o.field === 'elements' && elementName.has(o.value) ? `（${elementName.get(o.value)}）` : ''}</>}
                    ：{o.reason}
                  </li>
                ))}
              </ul>
            </>
          }
        />
        </div>
      )}
      {error !== undefined && <div style={{ marginBottom: 16 }}><ErrorNote error={error} /></div>}
      <Button type="primary" htmlType="submit" loading={saving} data-testid="sub-submit" block>
        {t('create')}
      </Button>
    </Form>
  );
}
