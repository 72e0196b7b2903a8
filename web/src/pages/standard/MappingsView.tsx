/**
 * The code mappings of each department system: its latest mapping profile (GET
 * /api/v1/sources/{id}/profile) as columns → elements and, per code map, local code → standard code
 * with the standard code's name.
 */
import { useMemo } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Card, Descriptions, Empty, Flex, Select, Table, Tag, Typography } from 'antd';
import { api, ApiError, unwrap } from '../../api/client';
import { AsyncView, ErrorNote, useAsync } from '../../components/async';
import { useLang, useT } from '../../i18n/i18n';
import { std } from './messages';
import { useReference } from './ElementsView';

interface ColumnMapping {
  readonly column: string;
  readonly target: Record<string, unknown>;
  readonly codeMap?: string;
  readonly required?: boolean;
}
interface CodeMap {
  readonly table: string;
  readonly map: Readonly<Record<string, string>>;
  readonly passThrough?: boolean;
}
interface Profile {
  readonly extract?: string;
  readonly recordKey?: readonly string[];
  readonly columns?: readonly ColumnMapping[];
  readonly codeMaps?: Readonly<Record<string, CodeMap>>;
}

function targetText(target: Record<string, unknown>): string {
  if (typeof target['element'] === 'string') return target['element'];
  if (typeof target['identifier'] === 'string') return `identifier: ${target['identifier']}`;
  if (typeof target['residence'] === 'string') return `residence.${String(target['residence'])}.${String(target['part'])}`;
  if (typeof target['household'] === 'string') return `household.${target['household']}`;
  if (target['ignore'] === true) return '—';
  return JSON.stringify(target);
}

/** One code map: local → standard, with the standard names read once for the table. */
function CodeMapTable({ name, map }: { name: string; map: CodeMap }) {
  const t = useT(std);
  const { lang } = useLang();
  const ref = useReference();
  const names = useAsync(async () => {
    const r = await api.GET('/api/v1/standard/code-tables/{id}/entries', { params: { path: { id: map.table }, query: { limit: 500 } } });
    return new Map((r.data?.items ?? []).map((e) => [e.code, lang === 'zh' ? e.nameZh : (e.nameEn ?? e.nameZh)]));
  }, [map.table, lang]);
  const rows = Object.entries(map.map).map(([local, code]) => ({ local, code }));
  const table = ref.data?.tables.get(map.table);
  return (
    <Card
      size="small"
      title={
        <Flex gap={8} wrap align="center">
          <Typography.Text strong>{name}</Typography.Text>
          <span>→ {table ? (lang === 'zh' ? table.nameZh : table.nameEn) : map.table}</span>
          {map.passThrough === true && <Tag>{t('passThrough')}</Tag>}
        </Flex>
      }
      data-testid="code-map"
    >
      <Table
        rowKey="local"
        size="small"
        dataSource={rows}
        pagination={rows.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
        columns={[
          { title: t('localCode'), dataIndex: 'local', key: 'local' },
          { title: t('standardCode'), dataIndex: 'code', key: 'code', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
          { title: t('nameZh'), key: 'name', render: (_: unknown, r: { code: string }) => names.data?.get(r.code) ?? '—' },
        ]}
      />
    </Card>
  );
}

export function MappingsView() {
  const { id } = useParams();
  const t = useT(std);
  const { lang } = useLang();
  const navigate = useNavigate();
  const ref = useReference();
  const sources = useAsync(async () => unwrap(await api.GET('/api/v1/sources')), []);
  const profile = useAsync(async () => {
    if (id === undefined) return undefined;
    try {
      return unwrap(await api.GET('/api/v1/sources/{id}/profile', { params: { path: { id } } }));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'PROFILE_NOT_FOUND') return null;
      throw e;
    }
  }, [id]);
  const source = useMemo(() => sources.data?.find((s) => s.id === id), [sources.data, id]);
  const p = (profile.data?.profile ?? undefined) as Profile | undefined;
  return (
    <Flex vertical gap={12} data-testid="mappings-view">
      <Typography.Paragraph type="secondary">{t('mappingsIntro')}</Typography.Paragraph>
      <AsyncView state={sources}>
        {(list) => (
          <Select
            style={{ maxWidth: 420, width: '100%' }}
            placeholder={t('chooseSource')}
            value={id}
            showSearch={{ optionFilterProp: 'label' }}
            onChange={(v: string) => navigate(`/standard/mappings/${encodeURIComponent(v)}`)}
            options={list.map((s) => ({ value: s.id, label: lang === 'zh' ? s.nameZh : s.nameEn }))}
            data-testid="source-select"
          />
        )}
      </AsyncView>
      {id !== undefined && source !== undefined && (
        <Descriptions
          size="small"
          bordered
          column={{ xs: 1, md: 2 }}
          items={[
            { key: 'dept', label: t('department'), children: ((d) => (d ? (lang === 'zh' ? d.nameZh : d.nameEn) : source.departmentId))(ref.data?.departments.get(source.departmentId)) },
            { key: 'version', label: t('profileVersion'), children: profile.data?.version ?? '—' },
            { key: 'owns', label: t('owns'), span: 2, children: source.owns.length === 0 ? '—' : <Flex wrap gap={4}>{source.owns.map((o) => <Tag key={o}>{o}</Tag>)}</Flex> },
          ]}
        />
      )}
      {id !== undefined &&
        (profile.error !== undefined ? (
          <ErrorNote error={profile.error} onRetry={profile.reload} />
        ) : profile.data === null ? (
          <Empty description={t('noProfile')} />
        ) : p === undefined ? null : (
          <>
            <Typography.Title level={5} style={{ margin: 0 }}>{t('codeMap')}</Typography.Title>
            {Object.keys(p.codeMaps ?? {}).length === 0 ? (
              <Empty description={t('noCodeMaps')} />
            ) : (
              <Flex wrap gap={12}>
                {Object.entries(p.codeMaps ?? {}).map(([name, map]) => (
                  <div key={name} style={{ flex: '1 1 340px', minWidth: 0 }}>
                    <CodeMapTable name={name} map={map} />
                  </div>
                ))}
              </Flex>
            )}
            <Typography.Title level={5} style={{ margin: 0 }}>{t('columns')}</Typography.Title>
            <Table
              rowKey="column"
              size="small"
              dataSource={[...(p.columns ?? [])]}
              pagination={false}
              scroll={{ x: 'max-content' }}
              columns={[
                { title: t('column'), dataIndex: 'column', key: 'column' },
                { title: t('target'), key: 'target', render: (_: unknown, r: ColumnMapping) => <Typography.Text code>{targetText(r.target)}</Typography.Text> },
                { title: t('codeMap'), dataIndex: 'codeMap', key: 'codeMap', render: (v: string | undefined) => v ?? '—' },
              ]}
            />
          </>
        ))}
    </Flex>
  );
}
