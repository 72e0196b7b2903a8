/** The kinds of people with their rules in words, and the departments that own data elements. */
import { Table, Tag, Typography } from 'antd';
import { api, unwrap } from '../../api/client';
import { AsyncView, useAsync } from '../../components/async';
import { useLang, useT, type Translate } from '../../i18n/i18n';
import { std } from './messages';

type Rule = Record<string, unknown>;

/** A kind's rule in words: ageAtLeast / ageBelow / asserted / value equals|in / all / any. */
function ruleText(rule: Rule, t: Translate<keyof (typeof std)['zh']>, name: (element: string) => string): string {
  const parts: string[] = [];
  if (typeof rule['ageAtLeast'] === 'number') parts.push(t('ageAtLeast', { n: rule['ageAtLeast'] }));
  if (typeof rule['ageBelow'] === 'number') parts.push(t('ageBelow', { n: rule['ageBelow'] }));
  if (typeof rule['asserted'] === 'string') parts.push(t('asserted', { element: name(rule['asserted']) }));
  const value = rule['value'] as { element?: string; equals?: string; in?: string[] } | undefined;
  if (value?.element !== undefined) {
    if (value.equals !== undefined) parts.push(t('equals', { element: name(value.element), value: value.equals }));
    if (value.in !== undefined) parts.push(t('inList', { element: name(value.element), values: value.in.join('、') }));
  }
  for (const key of ['all', 'any'] as const) {
    const list = rule[key];
    if (Array.isArray(list)) parts.push(`${t(key)}（${(list as Rule[]).map((r) => ruleText(r, t, name)).join('；')}）`);
  }
  return parts.length > 0 ? parts.join('，') : JSON.stringify(rule);
}

export function KindsView() {
  const t = useT(std);
  const { lang } = useLang();
  const data = useAsync(async () => {
    const [kinds, elements] = await Promise.all([api.GET('/api/v1/standard/kinds').then(unwrap), api.GET('/api/v1/standard/elements').then(unwrap)]);
    return { kinds, elements: new Map(elements.map((e) => [e.id, lang === 'zh' ? e.nameZh : e.nameEn])) };
  }, [lang]);
  return (
    <>
      <Typography.Paragraph type="secondary">{t('kindsIntro')}</Typography.Paragraph>
      <AsyncView state={data} empty={(d) => d.kinds.length === 0}>
        {({ kinds, elements }) => (
          <Table
            rowKey="id"
            size="small"
            dataSource={kinds}
            pagination={false}
            scroll={{ x: 'max-content' }}
            data-testid="kinds-table"
            columns={[
              { title: t('id'), dataIndex: 'id', key: 'id', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
              { title: lang === 'zh' ? t('nameZh') : t('nameEn'), key: 'name', render: (_: unknown, r: { id: string; nameZh: string; nameEn: string; rule?: Rule }) => (lang === 'zh' ? r.nameZh : r.nameEn) },
              { title: t('kindRule'), key: 'rule', render: (_: unknown, r: { id: string; nameZh: string; nameEn: string; rule?: Rule }) => ruleText(r.rule ?? {}, t, (e) => elements.get(e) ?? e) },
            ]}
          />
        )}
      </AsyncView>
    </>
  );
}

export function DepartmentsView() {
  const t = useT(std);
  const { lang } = useLang();
  const data = useAsync(async () => {
    const [departments, elements] = await Promise.all([api.GET('/api/v1/standard/departments').then(unwrap), api.GET('/api/v1/standard/elements').then(unwrap)]);
    const owned = new Map<string, number>();
    for (const e of elements) owned.set(e.ownerDepartmentId, (owned.get(e.ownerDepartmentId) ?? 0) + 1);
    return { departments, owned };
  }, []);
  return (
    <AsyncView state={data} empty={(d) => d.departments.length === 0}>
      {({ departments, owned }) => (
        <Table
          rowKey="id"
          size="small"
          dataSource={departments}
          pagination={departments.length > 30 ? { pageSize: 30, showSizeChanger: false } : false}
          scroll={{ x: 'max-content' }}
          data-testid="departments-table"
          columns={[
            { title: t('id'), dataIndex: 'id', key: 'id', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
            { title: lang === 'zh' ? t('nameZh') : t('nameEn'), key: 'name', render: (_: unknown, r: { id: string; nameZh: string; nameEn: string; rule?: Rule }) => (lang === 'zh' ? r.nameZh : r.nameEn) },
            { title: t('level'), dataIndex: 'level', key: 'level', render: (v: string) => <Tag>{(t as (k: string) => string)(`level${v}`)}</Tag> },
            { title: t('owns'), key: 'owns', align: 'right', render: (_: unknown, r: { id: string; nameZh: string; nameEn: string }) => owned.get(r.id) ?? 0 },
          ]}
        />
      )}
    </AsyncView>
  );
}
