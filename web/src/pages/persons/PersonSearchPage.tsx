/**
 * Find people (/persons): by name, pinyin, ID number or address, and the filters the dashboard's
 * figures link to (?area=…&category=…, ?area=…&kind=…, ?area=…&sex=…&ageFrom=…&ageTo=…). Every
 * criterion lives in the URL (shareable; the back button works); the API searches within the
 * remit, masks, pages on the server and audits. On a phone the results are a list of cards.
 */
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Collapse,
  Empty,
  Form,
  Grid,
  Input,
  InputNumber,
  List,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { DownloadOutlined, SearchOutlined } from '@ant-design/icons';
import { api, unwrap } from '../../api/client';
import { AsyncView, ErrorNote, useAsync, errorText } from '../../components/async';
import { useT, useNumber } from '../../i18n/i18n';
import { common } from '../../i18n/common';
import { useUser } from '../../session/session';
import { m } from './messages';
import { ageOn, downloadPost, residenceNow, today, useLabels, valueOf, type PersonView } from './reference';

type By = 'name' | 'pinyin' | 'idNumber' | 'address';
const BYS: readonly By[] = ['name', 'pinyin', 'idNumber', 'address'];
const CATEGORIES = [
  'RESIDENT_REGISTERED',
  'RESIDENT_REGISTERED_ELSEWHERE_LOCAL',
  'FROM_OTHER_PROVINCE',
  'FROM_ABROAD',
  'REGISTERED_ABSENT',
  'UNDETERMINED',
] as const;
const PAGE_SIZES = [20, 50, 100];

/** The rules of the API's search body, checked as the user types. */
export function keywordProblem(by: By, q: string): 'errIdNumber' | 'errPinyin' | 'errAddress' | 'errName' | undefined {
  const t = q.trim();
  if (t === '') return undefined;
  if (by === 'idNumber') return /^[0-9A-Za-z()\-（）]{5,40}$/.test(t) ? undefined : 'errIdNumber';
  if (by === 'pinyin') return /^[A-Za-z\s]+$/.test(t) && t.replace(/\s/g, '').length >= 2 ? undefined : 'errPinyin';
  if (by === 'address') return t.length >= 2 && t.length <= 100 ? undefined : 'errAddress';
  return t.length <= 50 ? undefined : 'errName';
}

interface Criteria {
  by: By;
  q: string;
  area?: string;
  category?: string;
  kind?: string;
  sex?: '1' | '2';
  ageFrom?: number;
  ageTo?: number;
}

function readCriteria(p: URLSearchParams): Criteria {
  const by = (BYS as readonly string[]).includes(p.get('by') ?? '') ? (p.get('by') as By) : 'name';
  const num = (k: string): number | undefined => {
    const v = p.get(k);
    return v !== null && /^\d{1,3}$/.test(v) ? Number(v) : undefined;
  };
  const sex = p.get('sex');
  return {
    by,
    q: p.get('q') ?? '',
    ...(p.get('area') ? { area: p.get('area') ?? '' } : {}),
    ...(p.get('category') ? { category: p.get('category') ?? '' } : {}),
    ...(p.get('kind') ? { kind: p.get('kind') ?? '' } : {}),
    ...(sex === '1' || sex === '2' ? { sex } : {}),
    ...(num('ageFrom') !== undefined ? { ageFrom: num('ageFrom') } : {}),
    ...(num('ageTo') !== undefined ? { ageTo: num('ageTo') } : {}),
  };
}

/** The API's search body for the criteria. */
function bodyOf(c: Criteria): Record<string, unknown> {
  const q = c.q.trim();
  const body: Record<string, unknown> = {};
  if (q !== '') {
    if (c.by === 'name') Object.assign(body, { name: q, namePrefix: true });
    else body[c.by] = q;
  }
  for (const k of ['area', 'category', 'kind', 'sex', 'ageFrom', 'ageTo'] as const) if (c[k] !== undefined) body[k] = c[k];
  return body;
}

function hasCriteria(c: Criteria): boolean {
  return (
    c.q.trim() !== '' ||
    c.area !== undefined ||
    c.category !== undefined ||
    c.kind !== undefined ||
    c.sex !== undefined ||
    c.ageFrom !== undefined ||
    c.ageTo !== undefined
  );
}

/** The areas offered: the user's own and the committees under them; any area found by name for users without areas. */
function useAreaOptions(): { options: { value: string; label: string }[]; onSearch?: (q: string) => void } {
  const user = useUser().user;
  const [found, setFound] = useState<{ value: string; label: string }[]>([]);
  const own = useAsync(async () => {
    const out: { value: string; label: string }[] = [];
    for (const code of user.areaCodes) {
      const a = await api.GET('/api/v1/areas/{code}', { params: { path: { code } } });
      out.push({ value: code, label: a.data?.name ?? code });
      const kids = await api.GET('/api/v1/areas/{code}/children', { params: { path: { code } } });
      for (const k of kids.data ?? []) out.push({ value: k.code, label: `· ${k.name}` });
    }
    return out;
  }, [user.areaCodes.join(',')]);
  if (user.areaCodes.length > 0) return { options: own.data ?? [] };
  return {
    options: found,
    onSearch: (q: string) => {
      if (q.trim() === '') return;
      void api
        .GET('/api/v1/areas', { params: { query: { q: q.trim(), limit: 20 } } })
        .then((r) => setFound((r.data?.items ?? []).map((a) => ({ value: a.code, label: `${a.name} ${a.code}` }))));
    },
  };
}

export default function PersonSearchPage() {
  const t = useT(m);
  const tc = useT(common);
  const num = useNumber();
  const labels = useLabels();
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  const screens = Grid.useBreakpoint();
  const narrow = !screens.md;
  const [params, setParams] = useSearchParams();
  const criteria = useMemo(() => readCriteria(params), [params]);
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const size = PAGE_SIZES.includes(Number(params.get('size'))) ? Number(params.get('size')) : 20;
  const [draft, setDraft] = useState<Criteria>(criteria);
  const [exporting, setExporting] = useState(false);
  const areas = useAreaOptions();
  useEffect(() => setDraft(criteria), [criteria]);

  const keywordError = keywordProblem(draft.by, draft.q);
  const ageError = draft.ageFrom !== undefined && draft.ageTo !== undefined && draft.ageFrom > draft.ageTo;
  const active = hasCriteria(criteria) && keywordProblem(criteria.by, criteria.q) === undefined;

  const result = useAsync(async () => {
    if (!active) return undefined;
    return unwrap(
      await api.POST('/api/v1/persons/search', { body: { ...bodyOf(criteria), limit: size, offset: (page - 1) * size } as never }),
    );
  }, [params.toString()]);

  const submit = (): void => {
    if (keywordError || ageError) return;
    const next = new URLSearchParams();
    if (draft.q.trim() !== '') {
      next.set('by', draft.by);
      next.set('q', draft.q.trim());
    }
    for (const k of ['area', 'category', 'kind', 'sex', 'ageFrom', 'ageTo'] as const)
      if (draft[k] !== undefined && draft[k] !== null) next.set(k, String(draft[k]));
    next.set('size', String(size));
    setParams(next);
  };

  const setPage = (p: number, s: number): void => {
    const next = new URLSearchParams(params);
    next.set('page', String(s === size ? p : 1));
    next.set('size', String(s));
    setParams(next);
  };

  const doExport = async (): Promise<void> => {
    setExporting(true);
    try {
      await downloadPost('/api/v1/persons/export', bodyOf(criteria), 'persons.csv');
      void message.success(t('exported'));
    } catch (e) {
      void message.error(errorText(e, tc('networkError')));
    } finally {
      setExporting(false);
    }
  };

  const placeholder = { name: t('keywordName'), pinyin: t('keywordPinyin'), idNumber: t('keywordIdNumber'), address: t('keywordAddress') }[
    draft.by
  ];
  const categoryLabel = (c: string): string => (c === 'UNDETERMINED' ? t('undetermined') : labels.code('population-category', c));
  const sexLabel = (v: PersonView): string => {
    const s = valueOf(v, 'person.sex');
    return s ? labels.value('person.sex', s) : '';
  };
  const idOf = (v: PersonView): string => v.identifiers.find((i) => i.type === 'CN_ID')?.number ?? v.identifiers[0]?.number ?? '';
  const categoryOf = (v: PersonView): string | undefined =>
    v.category?.status === 'determined' && v.category.category
      ? categoryLabel(v.category.category)
      : v.category?.status === 'undetermined'
        ? t('undetermined')
        : undefined;

  const filterCount = (['area', 'category', 'kind', 'sex', 'ageFrom', 'ageTo'] as const).filter((k) => draft[k] !== undefined).length;
  const filterCols = (
    <>
      <Col xs={24} sm={12} md={8}>
        <Form.Item label={t('area')} style={{ marginBottom: 8 }}>
          <Select
            allowClear
            showSearch={areas.onSearch !== undefined ? { onSearch: areas.onSearch, filterOption: false } : { optionFilterProp: 'label' }}
            value={draft.area}
            placeholder={t('anyArea')}
            onChange={(area?: string) => setDraft({ ...draft, area: area ?? undefined })}
            options={
              draft.area && !areas.options.some((o) => o.value === draft.area)
                ? [{ value: draft.area, label: draft.area }, ...areas.options]
                : areas.options
            }
            data-testid="search-area"
          />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12} md={6}>
        <Form.Item label={t('category')} style={{ marginBottom: 8 }}>
          <Select
            allowClear
            value={draft.category}
            placeholder={t('anyCategory')}
            onChange={(category?: string) => setDraft({ ...draft, category })}
            options={CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c) }))}
            data-testid="search-category"
          />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12} md={6}>
        <Form.Item label={t('kind')} style={{ marginBottom: 8 }}>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            value={draft.kind}
            placeholder={t('anyKind')}
            onChange={(kind?: string) => setDraft({ ...draft, kind })}
            options={labels.kindIds().map((k) => ({ value: k, label: labels.kind(k) }))}
            data-testid="search-kind"
          />
        </Form.Item>
      </Col>
      <Col xs={12} sm={6} md={4}>
        <Form.Item label={t('sex')} style={{ marginBottom: 8 }}>
          <Select
            allowClear
            value={draft.sex}
            placeholder={t('anySex')}
            onChange={(sex?: '1' | '2') => setDraft({ ...draft, sex })}
            options={[
              { value: '1', label: t('male') },
              { value: '2', label: t('female') },
            ]}
            data-testid="search-sex"
          />
        </Form.Item>
      </Col>
      <Col xs={12} sm={12} md={8}>
        <Form.Item
          label={t('age')}
          validateStatus={ageError ? 'error' : undefined}
          help={ageError ? t('errAge') : undefined}
          style={{ marginBottom: 8 }}
        >
          <Space.Compact style={{ width: '100%' }}>
            <InputNumber
              min={0}
              max={150}
              precision={0}
              value={draft.ageFrom ?? null}
              placeholder={t('ageFrom')}
              onChange={(v) => setDraft({ ...draft, ageFrom: v ?? undefined })}
              style={{ width: '50%' }}
              data-testid="search-age-from"
            />
            <InputNumber
              min={0}
              max={150}
              precision={0}
              value={draft.ageTo ?? null}
              placeholder={t('ageTo')}
              onChange={(v) => setDraft({ ...draft, ageTo: v ?? undefined })}
              style={{ width: '50%' }}
              data-testid="search-age-to"
            />
          </Space.Compact>
        </Form.Item>
      </Col>
    </>
  );

  const form = (
    <Card size="small" style={{ marginBottom: 12 }}>
      <Form layout="vertical" onFinish={submit} data-testid="search-form">
        <Row gutter={12}>
          <Col xs={24} sm={8} md={5}>
            <Form.Item label={t('by')} style={{ marginBottom: 8 }}>
              <Select
                value={draft.by}
                onChange={(by: By) => setDraft({ ...draft, by })}
                data-testid="search-by"
                options={BYS.map((b) => ({ value: b, label: t(`by${b.charAt(0).toUpperCase()}${b.slice(1)}` as 'byName') }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={16} md={11}>
            <Form.Item
              label={t('keyword')}
              validateStatus={keywordError ? 'error' : undefined}
              help={keywordError ? t(keywordError) : undefined}
              style={{ marginBottom: 8 }}
            >
              <Input
                allowClear
                value={draft.q}
                placeholder={placeholder}
                onChange={(e) => setDraft({ ...draft, q: e.target.value })}
                data-testid="search-q"
                maxLength={100}
              />
            </Form.Item>
          </Col>
          {narrow ? null : filterCols}
        </Row>
        {narrow && (
          <Collapse
            ghost
            size="small"
            defaultActiveKey={filterCount > 0 ? ['f'] : []}
            style={{ marginBottom: 8 }}
            items={[
              {
                key: 'f',
                label: `${t('filters')}${filterCount > 0 ? `（${filterCount}）` : ''}`,
                children: <Row gutter={12}>{filterCols}</Row>,
              },
            ]}
            data-testid="search-filters"
          />
        )}
        <Space wrap>
          <Button
            type="primary"
            htmlType="submit"
            icon={<SearchOutlined />}
            disabled={keywordError !== undefined || ageError}
            data-testid="search-submit"
            size={narrow ? 'large' : 'middle'}
          >
            {tc('search')}
          </Button>
          <Button onClick={() => setParams(new URLSearchParams())} data-testid="search-reset" size={narrow ? 'large' : 'middle'}>
            {tc('reset')}
          </Button>
          {active && (
            <Button
              icon={<DownloadOutlined />}
              loading={exporting}
              onClick={() => void doExport()}
              data-testid="search-export"
              size={narrow ? 'large' : 'middle'}
            >
              {exporting ? t('exporting') : t('export')}
            </Button>
          )}
        </Space>
      </Form>
    </Card>
  );

  const pagination = (total: number) => ({
    current: page,
    pageSize: size,
    total,
    pageSizeOptions: PAGE_SIZES,
    showSizeChanger: !narrow,
    onChange: setPage,
    showTotal: (n: number) => t('total', { n: num(n) }),
  });

  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('searchTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('searchHint')}</Typography.Paragraph>
      {form}
      {!active ? (
        <Empty description={t('noCriteria')} data-testid="search-idle" />
      ) : result.error !== undefined ? (
        <ErrorNote error={result.error} onRetry={result.reload} />
      ) : (
        <AsyncView state={result}>
          {(r) =>
            r === undefined ? null : (
              <div data-testid="search-results">
                <Typography.Text data-testid="search-total" data-total={r.total}>
                  {t('total', { n: num(r.total) })}
                </Typography.Text>
                {r.capped && <Alert type="warning" showIcon title={t('capped')} style={{ margin: '8px 0' }} data-testid="search-capped" />}
                {narrow ? (
                  <List
                    dataSource={r.items}
                    locale={{ emptyText: <Empty description={tc('empty')} /> }}
                    pagination={r.total > size ? { ...pagination(r.total), simple: true } : false}
                    renderItem={(v) => {
                      const age = ageOn(valueOf(v, 'person.birthDate'), today());
                      return (
                        <List.Item
                          key={v.person.id}
                          onClick={() => navigate(`/persons/${v.person.id}`)}
                          style={{ cursor: 'pointer', padding: '14px 4px', minHeight: 64 }}
                          data-testid="search-row"
                        >
                          <List.Item.Meta
                            title={
                              <Link to={`/persons/${v.person.id}`} data-testid="search-name">
                                {valueOf(v, 'person.name') ?? v.person.id.slice(0, 8)}
                              </Link>
                            }
                            description={
                              <Space size={4} wrap>
                                <span>{sexLabel(v)}</span>
                                {age !== undefined && (
                                  <span>
                                    {age}
                                    {t('years')}
                                  </span>
                                )}
                                <span data-testid="search-id">{idOf(v)}</span>
                                {categoryOf(v) && <Tag>{categoryOf(v)}</Tag>}
                                <span>{residenceNow(v, 'actual')?.addressText ?? ''}</span>
                              </Space>
                            }
                          />
                        </List.Item>
                      );
                    }}
                  />
                ) : (
                  <Table
                    rowKey={(v) => v.person.id}
                    dataSource={r.items}
                    size="middle"
                    style={{ marginTop: 8 }}
                    locale={{ emptyText: <Empty description={tc('empty')} /> }}
                    pagination={pagination(r.total)}
                    onRow={(v) => ({ onDoubleClick: () => navigate(`/persons/${v.person.id}`), 'data-testid': 'search-row' }) as never}
                    columns={[
                      {
                        title: t('name'),
                        key: 'name',
                        render: (_: unknown, v: PersonView) => (
                          <Link to={`/persons/${v.person.id}`} data-testid="search-name">
                            {valueOf(v, 'person.name') ?? v.person.id.slice(0, 8)}
                          </Link>
                        ),
                      },
                      { title: t('sex'), key: 'sex', width: 64, render: (_: unknown, v: PersonView) => sexLabel(v) },
                      {
                        title: t('birthDate'),
                        key: 'birth',
                        width: 140,
                        render: (_: unknown, v: PersonView) => {
                          const b = valueOf(v, 'person.birthDate');
                          const a = ageOn(b, today());
                          return b ? `${b}${a !== undefined ? `（${a}${t('years')}）` : ''}` : '';
                        },
                      },
                      {
                        title: t('idNumber'),
                        key: 'id',
                        width: 190,
                        render: (_: unknown, v: PersonView) => (
                          <span data-testid="search-id" style={{ fontFamily: 'monospace' }}>
                            {idOf(v)}
                          </span>
                        ),
                      },
                      {
                        title: t('address'),
                        key: 'address',
                        render: (_: unknown, v: PersonView) =>
                          residenceNow(v, 'actual')?.addressText ?? residenceNow(v, 'actual')?.areaCode ?? '',
                      },
                      {
                        title: t('category'),
                        key: 'category',
                        width: 130,
                        render: (_: unknown, v: PersonView) => (categoryOf(v) ? <Tag>{categoryOf(v)}</Tag> : null),
                      },
                      {
                        title: t('kind'),
                        key: 'kinds',
                        render: (_: unknown, v: PersonView) => (
                          <Space size={2} wrap>
                            {v.kinds.slice(0, 3).map((k) => (
                              <Tag key={k} color="blue">
                                {labels.kind(k)}
                              </Tag>
                            ))}
                            {v.kinds.length > 3 ? <Tag>+{v.kinds.length - 3}</Tag> : null}
                          </Space>
                        ),
                      },
                    ]}
                  />
                )}
              </div>
            )
          }
        </AsyncView>
      )}
    </div>
  );
}
