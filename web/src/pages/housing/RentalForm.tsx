/**
 * Rental registrations entered by hand on the dwelling page (shown only when the API says the user
 * may: `mayWriteRentals`): a form to register one (tenant — someone living in the dwelling, or a
 * person id — number, landlord, first and last day), checked as the user types by the API's rules,
 * and a button to end one from a date. Both post to the API, which decides again and answers
 * refusals in words (shown as they come).
 */
import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Form, Input, Modal, Select, Space, Typography, message } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api, ApiError, unwrap, type Schemas } from '../../api/client';
import { errorText, useAsync } from '../../components/async';
import { common } from '../../i18n/common';
import { useT } from '../../i18n/i18n';
import { today, valueOf } from '../persons/reference';
import { RENTAL_RULES, rm } from './messages';

type Rental = Schemas['RentalRegistration'];

const OTHER = '__other__';
const DAY = 'YYYY-MM-DD';

interface FormValues {
  tenant?: string;
  otherId?: string;
  registrationNumber?: string;
  landlordName?: string;
  startDate?: Dayjs | null;
  endDate?: Dayjs | null;
}

const FIELDS = new Set(['registrationNumber', 'landlordName', 'startDate', 'endDate']);

/** The names of the persons living in the dwelling (read through the API: cut to the remit and audited). */
function useNames(personIds: readonly string[]) {
  return useAsync(
    async () =>
      Promise.all(
        personIds.map(async (id) => {
          const r = await api.GET('/api/v1/persons/{id}', { params: { path: { id } } });
          return { id, name: r.data ? (valueOf(r.data, 'person.name') ?? id.slice(0, 8)) : id.slice(0, 8) };
        }),
      ),
    [personIds.join(',')],
  );
}

export function RegisterRental({ dwellingId, residents, onDone }: { dwellingId: string; residents: readonly string[]; onDone: () => void }) {
  const t = useT(rm);
  const tc = useT(common);
  const [form] = Form.useForm<FormValues>();
  const [open, setOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [toast, holder] = message.useMessage();
  const names = useNames(open ? residents : []);
  const tenant = Form.useWatch('tenant', form);

  const submit = async (v: FormValues) => {
    setSaving(true);
    setError(undefined);
    try {
      const personId = v.tenant === OTHER ? (v.otherId ?? '').trim() : (v.tenant ?? '');
      const landlord = (v.landlordName ?? '').trim();
      const r = unwrap(
        await api.POST('/api/v1/dwellings/{id}/rentals', {
          params: { path: { id: dwellingId } },
          body: {
            personId,
            registrationNumber: (v.registrationNumber ?? '').trim(),
            ...(landlord ? { landlordName: landlord } : {}),
            startDate: v.startDate?.format(DAY) ?? '',
            ...(v.endDate ? { endDate: v.endDate.format(DAY) } : {}),
          },
        }),
      );
      void toast.success(t('registered', { n: r.registrationNumber }));
      form.resetFields();
      setOpen(false);
      onDone();
    } catch (e) {
      setError(e);
      const field = e instanceof ApiError ? e.details['field'] : undefined;
      if (typeof field === 'string' && FIELDS.has(field)) form.setFields([{ name: field as keyof FormValues, errors: [(e as ApiError).message] }]);
    } finally {
      setSaving(false);
    }
  };

  if (!open)
    return (
      <>
        {holder}
        <Button size="large" type="primary" icon={<PlusOutlined />} block style={{ marginBottom: 12 }} onClick={() => setOpen(true)} data-testid="rental-register-open">
          {t('register')}
        </Button>
      </>
    );
  return (
    <Card size="small" title={t('registerTitle')} style={{ marginBottom: 12 }} data-testid="rental-form">
      {holder}
      <Typography.Paragraph type="secondary">{t('registerHint')}</Typography.Paragraph>
      <Form<FormValues> form={form} layout="vertical" onFinish={(v) => void submit(v)} onValuesChange={() => setError(undefined)} disabled={saving}>
        <Form.Item name="tenant" label={t('tenant')} rules={[{ required: true, message: t('tenantRequired') }]}>
          <Select
            size="large"
            placeholder={t('tenantPick')}
            loading={names.loading}
            data-testid="rental-tenant-select"
            options={[...(names.data ?? []).map((p) => ({ value: p.id, label: p.name })), { value: OTHER, label: t('tenantOther') }]}
          />
        </Form.Item>
        {tenant === OTHER && (
          <Form.Item
            name="otherId"
            label={t('personId')}
            hasFeedback
            rules={[
              { required: true, whitespace: true, message: t('tenantRequired') },
              { pattern: RENTAL_RULES.uuid, message: t('personIdBad') },
            ]}
          >
            <Input size="large" autoComplete="off" data-testid="rental-person-id" />
          </Form.Item>
        )}
        <Form.Item
          name="registrationNumber"
          label={t('number')}
          hasFeedback
          rules={[
            { required: true, whitespace: true, message: t('numberRequired') },
            { max: RENTAL_RULES.numberMax, message: t('tooLong', { max: RENTAL_RULES.numberMax }) },
          ]}
        >
          <Input size="large" placeholder={t('numberPlaceholder')} autoComplete="off" data-testid="rental-number-input" />
        </Form.Item>
        <Form.Item name="landlordName" label={t('landlordName')} rules={[{ max: RENTAL_RULES.landlordMax, message: t('tooLong', { max: RENTAL_RULES.landlordMax }) }]}>
          <Input size="large" placeholder={t('landlordPlaceholder')} autoComplete="off" data-testid="rental-landlord-input" />
        </Form.Item>
        <Space wrap align="start">
          <Form.Item name="startDate" label={t('startDate')} rules={[{ required: true, message: t('startRequired') }]}>
            <DatePicker size="large" data-testid="rental-start" />
          </Form.Item>
          <Form.Item
            name="endDate"
            label={t('endDate')}
            extra={t('endOptional')}
            dependencies={['startDate']}
            rules={[
              ({ getFieldValue }) => ({
                validator: (_r, value: Dayjs | null | undefined) => {
                  const start = getFieldValue('startDate') as Dayjs | null | undefined;
                  return value && start && value.isBefore(start, 'day') ? Promise.reject(new Error(t('endBeforeStart'))) : Promise.resolve();
                },
              }),
            ]}
          >
            <DatePicker size="large" data-testid="rental-end" />
          </Form.Item>
        </Space>
        {error !== undefined && (
          <Alert type="error" showIcon style={{ marginBottom: 12 }} title={t('refused')} description={errorText(error, tc('networkError'))} data-testid="rental-error" />
        )}
        <Space>
          <Button size="large" type="primary" htmlType="submit" loading={saving} data-testid="rental-submit">
            {t('submit')}
          </Button>
          <Button
            size="large"
            onClick={() => {
              setOpen(false);
              setError(undefined);
            }}
          >
            {t('cancel')}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}

/** The end button of one registration; with `named`, it says whose (a registration the source gives per tenant). */
export function EndRental({ dwellingId, rental, onDone, named = false }: { dwellingId: string; rental: Rental; onDone: () => void; named?: boolean }) {
  const t = useT(rm);
  const who = useNames(named && rental.personId !== null ? [rental.personId] : []).data?.[0]?.name;
  const tc = useT(common);
  const [open, setOpen] = useState(false);
  const [day, setDay] = useState<Dayjs | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [toast, holder] = message.useMessage();
  const tooEarly = day !== null && !day.isAfter(dayjs(rental.startDate), 'day');
  const problem = day === null ? t('endRequired') : tooEarly ? t('endNotAfterStart', { date: rental.startDate }) : undefined;

  const submit = async () => {
    if (day === null || problem !== undefined) return;
    setSaving(true);
    setError(undefined);
    try {
      unwrap(
        await api.POST('/api/v1/dwellings/{id}/rentals/{rentalId}/end', {
          params: { path: { id: dwellingId, rentalId: rental.id } },
          body: { endedOn: day.format(DAY) },
        }),
      );
      void toast.success(t('ended', { n: rental.registrationNumber }));
      setOpen(false);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      {holder}
      <Button
        size="large"
        danger
        onClick={() => {
          setDay(dayjs(today()));
          setError(undefined);
          setOpen(true);
        }}
        data-testid="rental-end-open"
        data-rental-id={rental.id}
      >
        {named ? `${t('end')} · ${who ?? '…'}` : t('end')}
      </Button>
      <Modal
        open={open}
        title={t('endTitle', { n: rental.registrationNumber })}
        okText={t('confirmEnd')}
        cancelText={t('cancel')}
        okButtonProps={{ danger: true, disabled: problem !== undefined, ...{ 'data-testid': 'rental-end-confirm' } }}
        confirmLoading={saving}
        onOk={() => void submit()}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('endHint')}</Typography.Paragraph>
        <Form layout="vertical">
          <Form.Item label={t('endedOn')} validateStatus={problem ? 'error' : undefined} help={problem}>
            <DatePicker size="large" value={day} onChange={(d) => setDay(d)} data-testid="rental-ended-on" />
          </Form.Item>
        </Form>
        {error !== undefined && <Alert type="error" showIcon title={t('endRefused')} description={errorText(error, tc('networkError'))} data-testid="rental-end-error" />}
      </Modal>
    </>
  );
}
