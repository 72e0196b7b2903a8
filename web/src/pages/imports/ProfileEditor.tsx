/**
 * The mapping profile editor: a draft made from a file (POST /sources/{id}/draft — the same drafter
 * as `populus source draft`) or the source's current profile, edited in a table — each column's
 * target (data element, ID document, residence, household, rental registration, kept only, or not imported), its
 * transforms and its code mapping — checked as one types by the API's own rules
 * (POST /sources/{id}/profiles/check) and stored as a new version (POST /sources/{id}/profiles).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Checkbox, Descriptions, Drawer, Grid, Input, message, Radio, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { CheckCircleOutlined, LoadingOutlined, PlusOutlined, WarningOutlined } from '@ant-design/icons';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorNote } from '../../components/async';
import { codeNames } from '../../components/reference-names';
import { useLang, useT } from '../../i18n/i18n';
import { importMessages } from './messages';

type Source = Schemas['Source'];
type Element = Schemas['DataElement'];
type Step = string | { id: string; options?: Record<string, unknown> };

export interface EditorStart {
  readonly source: Source;
  readonly draft?: Schemas['ProfileDraft'];
  readonly fileName?: string;
  readonly current?: { readonly version: number; readonly profile: Record<string, unknown> };
}

type Kind = 'none' | 'element' | 'identifier' | 'residence' | 'household' | 'rental' | 'ignore';

interface Row {
  readonly key: string;
  readonly column: string;
  readonly kind: Kind;
  /** The target's fields (element, identifier, residence, part, areaCode, household, typeColumn…). */
  readonly target: Record<string, unknown>;
  readonly transforms: Step[];
  readonly codeMap?: string;
  readonly required?: boolean;
  readonly confidence?: number;
  readonly why?: string;
}

interface CodeMap {
  table: string;
  map: Record<string, string>;
  passThrough?: boolean;
}

interface State {
  extract: 'full' | 'delta';
  recordKey: string[];
  rows: Row[];
  codeMaps: Record<string, CodeMap>;
  /** Local values waiting for a standard code, by code map. */
  pending: Record<string, string[]>;
  /** Parts of the profile the table does not edit (constants, read options), kept as they are. */
  rest: Record<string, unknown>;
}

function kindOf(target: Record<string, unknown> | undefined): Kind {
  if (!target) return 'none';
  if ('element' in target) return 'element';
  if ('identifier' in target) return 'identifier';
  if ('residence' in target) return 'residence';
  if ('household' in target) return 'household';
  if ('rental' in target) return 'rental';
  return 'ignore';
}

interface ProfileShape {
  extract?: 'full' | 'delta';
  recordKey?: string[];
  columns?: { column: string; target: Record<string, unknown>; transforms?: Step[]; codeMap?: string; required?: boolean }[];
  codeMaps?: Record<string, CodeMap>;
  [k: string]: unknown;
}

function initialState(start: EditorStart): State {
  const profile = (start.draft?.profile ?? start.current?.profile ?? {}) as ProfileShape;
  const { extract, recordKey, columns, codeMaps, ...rest } = profile;
  const mapped = new Map((columns ?? []).map((c) => [c.column, c]));
  const headers = start.draft ? start.draft.header.headers : (columns ?? []).map((c) => c.column);
  const why = new Map((start.draft?.columns ?? []).map((c) => [c.column, c]));
  const rows: Row[] = headers.map((h, i) => {
    const c = mapped.get(h);
    const d = why.get(h);
    return {
      key: `${i}:${h}`,
      column: h,
      kind: kindOf(c?.target),
      target: { ...(c?.target ?? {}) },
      transforms: [...(c?.transforms ?? [])],
      ...(c?.codeMap !== undefined ? { codeMap: c.codeMap } : {}),
      ...(c?.required !== undefined ? { required: c.required } : {}),
      ...(d ? { confidence: d.confidence, why: d.why } : {}),
    };
  });
  const pending: Record<string, string[]> = {};
  for (const [k, values] of Object.entries(start.draft?.unmappedValues ?? {})) pending[k] = [...values];
  return { extract: extract ?? 'full', recordKey: [...(recordKey ?? [])], rows, codeMaps: structuredClone(codeMaps ?? {}), pending, rest };
}

/** The profile the state stands for, and which row each of its columns came from. */
function profileOf(s: State): { profile: Record<string, unknown>; rowOfColumn: string[] } {
  const rowOfColumn: string[] = [];
  const columns = s.rows
    .filter((r) => r.kind !== 'none')
    .map((r) => {
      rowOfColumn.push(r.key);
      return {
        column: r.column,
        target: r.kind === 'ignore' ? { ignore: true } : r.target,
        ...(r.transforms.length > 0 ? { transforms: r.transforms } : {}),
        ...(r.codeMap !== undefined ? { codeMap: r.codeMap } : {}),
        ...(r.required ? { required: true } : {}),
      };
    });
  const used = new Set(columns.flatMap((c) => [c.codeMap, (c.target as { typeCodeMap?: string }).typeCodeMap, (c.target as { issuingCountryCodeMap?: string }).issuingCountryCodeMap]).filter((x): x is string => x !== undefined));
  const codeMaps: Record<string, CodeMap> = {};
  for (const [id, m] of Object.entries(s.codeMaps)) {
    if (!used.has(id)) continue;
    codeMaps[id] = { ...m, map: Object.fromEntries(Object.entries(m.map).filter(([, v]) => v !== '')) };
  }
  return { profile: { ...s.rest, extract: s.extract, recordKey: s.recordKey, columns, ...(Object.keys(codeMaps).length > 0 ? { codeMaps } : {}) }, rowOfColumn };
}

const stepId = (s: Step): string => (typeof s === 'string' ? s : s.id);

/** The API's problem messages (English) in Chinese, for the ones an editor meets; others as the API words them. */
const PROBLEMS_ZH: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [/^name the column\(s\) that identify a record$/, () => '请指定能标识一条记录的列（记录标识列）'],
  [/^record key column "(.+)" is not mapped$/, (m) => `记录标识列“${m[1]}”没有对应到任何目标`],
  [/^a profile maps at least one column$/, () => '映射方案至少要对应一列'],
  [/^column "(.+)" is mapped twice$/, (m) => `列“${m[1]}”重复出现`],
  [/^the column header is empty$/, () => '列名为空'],
  [/^no code map "(.+)"$/, (m) => `缺少代码对应“${m[1]}”`],
  [/^unknown transform "(.+)"$/, (m) => `未知的清洗转换“${m[1]}”`],
  [/^unknown element (.+)$/, (m) => `未知的数据元 ${m[1]}`],
  [/^(.+) is stored as (\w+): map it with an identifier or residence target$/, (m) => `${m[1]} 不作为普通数据元存储，请对应为证件号码或居住地址`],
  [/^unknown identifier type (.+)$/, (m) => `未知的证件类型 ${m[1]}`],
  [/^unknown code table (.+)$/, (m) => `未知的代码表 ${m[1]}`],
  [/^(.+) is not in (.+)$/, (m) => `代码 ${m[1]} 不在代码表 ${m[2]} 中`],
  [/^a yes\/no map gives true or false$/, () => '是/否类取值只能对应 true 或 false'],
];

export function problemText(message: string, lang: string): string {
  if (lang !== 'zh') return message;
  for (const [re, say] of PROBLEMS_ZH) {
    const m = re.exec(message);
    if (m) return say(m);
  }
  return message;
}

function CodeMapEditor({ id, map, pending, problems, onChange }: { id: string; map: CodeMap; pending: string[]; problems: Schemas['ProfileProblems']['problems']; onChange: (m: CodeMap, pending: string[]) => void }) {
  const t = useT(importMessages);
  const { lang } = useLang();
  const [names, setNames] = useState<ReadonlyMap<string, { zh: string; en: string }>>(new Map());
  const [adding, setAdding] = useState('');
  useEffect(() => {
    if (map.table === 'boolean') {
      setNames(
        new Map([
          ['true', { zh: '是', en: 'yes' }],
          ['false', { zh: '否', en: 'no' }],
        ]),
      );
      return;
    }
    let live = true;
    void codeNames(map.table).then((n) => {
      if (live) setNames(n);
    });
    return () => {
      live = false;
    };
  }, [map.table]);
  const options = [...names.entries()].map(([code, n]) => ({ value: code, label: `${code} ${lang === 'zh' ? n.zh : n.en}` }));
  const entries: [string, string][] = [...Object.entries(map.map), ...pending.filter((v) => !(v in map.map)).map((v): [string, string] => [v, ''])];
  const problemOf = (local: string) => {
    const p = problems.find((x) => x.path === `codeMaps.${id}.map.${local}`);
    return p ? problemText(p.message, lang) : undefined;
  };
  return (
    <div data-testid={`codemap-${id}`} style={{ maxWidth: 640 }}>
      <Typography.Text strong>{t('codeMapTitle', { table: map.table })}</Typography.Text>
      <Table<[string, string]>
        size="small"
        rowKey={(e) => e[0]}
        pagination={false}
        dataSource={entries}
        style={{ marginTop: 8 }}
        columns={[
          { title: t('localValue'), render: (_v, e) => e[0] },
          {
            title: t('standardCode'),
            render: (_v, e) => (
              <Space orientation="vertical" size={0} style={{ width: '100%' }}>
                <Select
                  size="small"
                  showSearch={{ optionFilterProp: 'label' }}
                  placeholder={t('chooseCode')}
                  value={e[1] === '' ? undefined : e[1]}
                  status={e[1] === '' || problemOf(e[0]) ? 'warning' : undefined}
                  style={{ width: '100%', minWidth: 200 }}
                  options={options}
                  data-testid={`code-${id}-${e[0]}`}
                  onChange={(code: string) =>
                    onChange(
                      { ...map, map: { ...map.map, [e[0]]: code } },
                      pending.filter((p) => p !== e[0]),
                    )
                  }
                />
                {problemOf(e[0]) && <Typography.Text type="danger">{problemOf(e[0])}</Typography.Text>}
              </Space>
            ),
          },
        ]}
      />
      <Space wrap style={{ marginTop: 8 }}>
        <Input size="small" value={adding} onChange={(e) => setAdding(e.target.value)} placeholder={t('localValue')} style={{ width: 160 }} />
        <Button
          size="small"
          icon={<PlusOutlined />}
          disabled={adding.trim() === '' || adding.trim() in map.map}
          onClick={() => {
            onChange(map, [...pending, adding.trim()]);
            setAdding('');
          }}
        >
          {t('addLocal')}
        </Button>
        <Checkbox checked={map.passThrough ?? false} onChange={(e) => onChange({ ...map, passThrough: e.target.checked }, pending)}>
          {t('passThrough')}
        </Checkbox>
      </Space>
    </div>
  );
}

export function ProfileEditor({ start, onClose, onSaved }: { start: EditorStart; onClose: () => void; onSaved: (version: number) => void }) {
  const t = useT(importMessages);
  const { lang } = useLang();
  const screens = Grid.useBreakpoint();
  const [state, setState] = useState<State>(() => initialState(start));
  const [elements, setElements] = useState<Element[]>([]);
  const [transforms, setTransforms] = useState<Schemas['Transform'][]>([]);
  const [idTypes, setIdTypes] = useState<{ value: string; label: string }[]>([]);
  const [problems, setProblems] = useState<Schemas['ProfileProblems']['problems'] | undefined>(undefined);
  const [checkError, setCheckError] = useState<unknown>(undefined);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState<number | undefined>(undefined);
  const sourceId = start.source.id;

  useEffect(() => {
    void api.GET('/api/v1/standard/elements').then((r) => setElements((r.data ?? []).filter((e) => e.storage === 'value')));
    void api.GET('/api/v1/transforms').then((r) => setTransforms(r.data ?? []));
    void codeNames('identifier-type').then((n) => setIdTypes([...n.entries()].map(([code, names]) => ({ value: code, label: `${code} ${lang === 'zh' ? names.zh : names.en}` }))));
  }, [lang]);

  const { profile, rowOfColumn } = useMemo(() => profileOf(state), [state]);
  const profileText = JSON.stringify(profile);

  // Checked as one types: the API's own rules, a moment after the last change (the newest answer wins).
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setProblems(undefined);
    const timer = setTimeout(() => {
      api
        .POST('/api/v1/sources/{id}/profiles/check', { params: { path: { id: sourceId } }, body: JSON.parse(profileText) as Record<string, never> })
        .then(unwrap)
        .then(
          (r) => {
            if (mine !== seq.current) return;
            setCheckError(undefined);
            setProblems(r.problems);
          },
          (e: unknown) => {
            if (mine === seq.current) setCheckError(e);
          },
        );
    }, 350);
    return () => clearTimeout(timer);
  }, [profileText, sourceId]);

  const elementById = useMemo(() => new Map(elements.map((e) => [e.id, e])), [elements]);
  const rowProblems = (key: string) => {
    const i = rowOfColumn.indexOf(key);
    return i < 0 ? [] : (problems ?? []).filter((p) => p.path === `columns[${i}]` || p.path.startsWith(`columns[${i}].`));
  };
  const general = (problems ?? []).filter((p) => !p.path.startsWith('columns[') && !p.path.startsWith('codeMaps.'));

  const update = (key: string, change: (r: Row) => Row) => setState((s) => ({ ...s, rows: s.rows.map((r) => (r.key === key ? change(r) : r)) }));

  const setKind = (r: Row, kind: Kind): void => {
    const target: Record<string, unknown> =
      kind === 'identifier' ? { identifier: 'CN_ID' } : kind === 'residence' ? { residence: 'actual', part: 'address' } : kind === 'household' ? { household: 'number' } : kind === 'rental' ? { rental: 'registrationNumber' } : kind === 'ignore' ? { ignore: true } : {};
    setState((s) => ({
      ...s,
      rows: s.rows.map((x) => (x.key === r.key ? { ...x, kind, target, transforms: kind === 'identifier' ? ['idNumber'] : x.transforms.filter((st) => stepId(st) !== 'idNumber'), codeMap: undefined } : x)),
      recordKey: kind === 'none' ? s.recordKey.filter((k) => k !== r.column) : s.recordKey,
    }));
  };

  const setElement = (r: Row, id: string): void => {
    const e = elementById.get(id);
    setState((s) => {
      const codeMaps = { ...s.codeMaps };
      let codeMap: string | undefined;
      if (e?.valueType === 'code' && e.codeTableId) {
        codeMap = r.codeMap && codeMaps[r.codeMap]?.table === e.codeTableId ? r.codeMap : id.replace(/^[a-z]+\./, '');
        if (!codeMaps[codeMap] || codeMaps[codeMap]?.table !== e.codeTableId) codeMaps[codeMap] = { table: e.codeTableId, map: {}, passThrough: true };
      } else if (e?.valueType === 'boolean') {
        codeMap = r.codeMap && codeMaps[r.codeMap]?.table === 'boolean' ? r.codeMap : id.replace(/^[a-z]+\./, '');
        if (!codeMaps[codeMap]) codeMaps[codeMap] = { table: 'boolean', map: {} };
      }
      return { ...s, codeMaps, rows: s.rows.map((x) => (x.key === r.key ? { ...x, target: { element: id }, ...(codeMap ? { codeMap } : { codeMap: undefined }) } : x)) };
    });
  };

  const save = async () => {
    setSaving(true);
    setSaveError(undefined);
    try {
      const r = unwrap(await api.POST('/api/v1/sources/{id}/profiles', { params: { path: { id: sourceId } }, body: profile as Record<string, never> }));
      setSaved(r.version);
      void message.success(t('saved', { v: r.version }));
      onSaved(r.version);
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  const sourceName = lang === 'zh' ? start.source.nameZh : start.source.nameEn;
  const mappedColumns = state.rows.filter((r) => r.kind !== 'none').map((r) => r.column);
  const unmapped = state.rows.filter((r) => r.kind === 'none').map((r) => r.column);
  const pendingValues = Object.entries(state.pending).flatMap(([id, vs]) => vs.filter((v) => !(v in (state.codeMaps[id]?.map ?? {}))).map((v) => `${id}: ${v}`));
  const problemCount = problems?.length ?? 0;

  const targetDetail = (r: Row) => {
    const tg = r.target;
    if (r.kind === 'element') {
      return (
        <Select
          size="small"
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('chooseElement')}
          value={typeof tg['element'] === 'string' ? tg['element'] : undefined}
          style={{ width: '100%', minWidth: 200 }}
          status={rowProblems(r.key).some((p) => p.path.includes('.target')) ? 'error' : undefined}
          options={elements.map((e) => ({ value: e.id, label: `${lang === 'zh' ? e.nameZh : e.nameEn} (${e.id})` }))}
          onChange={(v: string) => setElement(r, v)}
          data-testid={`element-${r.column}`}
        />
      );
    }
    if (r.kind === 'identifier') {
      return <Select size="small" value={tg['identifier'] as string} style={{ width: '100%', minWidth: 160 }} options={idTypes} placeholder={t('chooseIdentifier')} onChange={(v: string) => update(r.key, (x) => ({ ...x, target: { ...x.target, identifier: v } }))} />;
    }
    if (r.kind === 'residence') {
      return (
        <Space wrap size={4}>
          <Select size="small" value={tg['residence'] as string} options={(['registered', 'actual'] as const).map((v) => ({ value: v, label: t(`residence_${v}`) }))} onChange={(v: string) => update(r.key, (x) => ({ ...x, target: { ...x.target, residence: v } }))} />
          <Select size="small" value={tg['part'] as string} options={(['address', 'areaCode'] as const).map((v) => ({ value: v, label: t(`part_${v}`) }))} onChange={(v: string) => update(r.key, (x) => ({ ...x, target: { ...x.target, part: v } }))} />
        </Space>
      );
    }
    if (r.kind === 'household') {
      return <Select size="small" value={tg['household'] as string} style={{ minWidth: 140 }} options={(['number', 'relationship', 'type'] as const).map((v) => ({ value: v, label: t(`household_${v}`) }))} onChange={(v: string) => update(r.key, (x) => ({ ...x, target: { household: v } }))} />;
    }
    if (r.kind === 'rental') {
      return <Select size="small" value={tg['rental'] as string} style={{ minWidth: 140 }} options={(['registrationNumber', 'landlordName', 'startDate', 'endDate'] as const).map((v) => ({ value: v, label: t(`rental_${v}`) }))} onChange={(v: string) => update(r.key, (x) => ({ ...x, target: { rental: v } }))} />;
    }
    return <Typography.Text type="secondary">—</Typography.Text>;
  };

  return (
    <Drawer
      open
      onClose={onClose}
      keyboard={false}
      maskClosable={false}
      size={screens.lg ? 1180 : '100%'}
      title={t('editorTitle', { source: sourceName })}
      data-testid="profile-editor"
      extra={
        <Space>
          <Button onClick={onClose} data-testid="profile-close">
            {t('close')}
          </Button>
          <Button type="primary" loading={saving} disabled={problems === undefined || problemCount > 0} onClick={() => void save()} data-testid="profile-save">
            {t('save')}
          </Button>
        </Space>
      }
    >
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('editorHint')}</Typography.Text>
        <Descriptions size="small" column={1} bordered>
          <Descriptions.Item label={t('source')}>{sourceName}</Descriptions.Item>
          {start.draft && <Descriptions.Item label={t('file')}>{t('draftFrom', { file: start.fileName ?? '', format: start.draft.header.format, encoding: start.draft.header.encoding, row: start.draft.header.headerRow })}</Descriptions.Item>}
          {start.current && <Descriptions.Item label={t('profile')}>{t('fromCurrent', { v: start.current.version })}</Descriptions.Item>}
          <Descriptions.Item label={t('extractLabel')}>
            <Radio.Group value={state.extract} onChange={(e) => setState((s) => ({ ...s, extract: e.target.value as 'full' | 'delta' }))}>
              <Radio value="full">{t('extractFull')}</Radio>
              <Radio value="delta">{t('extractDelta')}</Radio>
            </Radio.Group>
          </Descriptions.Item>
          <Descriptions.Item label={<Tooltip title={t('recordKeyHint')}>{t('recordKey')}</Tooltip>}>
            <Select
              mode="multiple"
              value={state.recordKey}
              style={{ width: '100%' }}
              status={general.some((p) => p.path === 'recordKey') ? 'error' : undefined}
              options={mappedColumns.map((c) => ({ value: c, label: c }))}
              onChange={(v: string[]) => setState((s) => ({ ...s, recordKey: v }))}
              data-testid="record-key"
            />
          </Descriptions.Item>
        </Descriptions>

        <div data-testid="profile-check">
          {checkError !== undefined ? (
            <ErrorNote error={checkError} />
          ) : problems === undefined ? (
            <Alert type="info" showIcon icon={<LoadingOutlined />} title={t('checking')} />
          ) : problemCount === 0 ? (
            <Alert type="success" showIcon icon={<CheckCircleOutlined />} title={t('valid')} data-testid="profile-valid" />
          ) : (
            <Alert
              type="error"
              showIcon
              icon={<WarningOutlined />}
              title={t('problems', { n: problemCount })}
              data-testid="profile-problems"
              description={
                <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                  {problems.slice(0, 8).map((p) => (
                    <li key={`${p.path}:${p.message}`}>
                      <Typography.Text code>{p.path}</Typography.Text> {problemText(p.message, lang)}
                    </li>
                  ))}
                </ul>
              }
            />
          )}
        </div>
        {unmapped.length > 0 && <Alert type="warning" showIcon title={t('unmappedColumns', { cols: unmapped.join('、') })} data-testid="unmapped-columns" />}
        {pendingValues.length > 0 && <Alert type="warning" showIcon title={t('unmappedValues', { values: pendingValues.join('，') })} data-testid="unmapped-values" />}
        {saveError !== undefined && <ErrorNote error={saveError} />}
        {saved !== undefined && <Alert type="success" showIcon title={t('saved', { v: saved })} data-testid="profile-saved" />}

        <Table<Row>
          data-testid="profile-table"
          rowKey="key"
          size="small"
          pagination={false}
          dataSource={state.rows}
          scroll={{ x: 1000 }}
          locale={{ emptyText: t('noColumns') }}
          onRow={(r) => ({ 'data-testid': `profile-row-${r.column}`, style: rowProblems(r.key).length > 0 ? { background: '#fff2f0' } : undefined }) as React.HTMLAttributes<HTMLElement>}
          expandable={{
            rowExpandable: (r) => r.codeMap !== undefined && state.codeMaps[r.codeMap] !== undefined,
            expandedRowRender: (r) =>
              r.codeMap && state.codeMaps[r.codeMap] ? (
                <CodeMapEditor
                  id={r.codeMap}
                  map={state.codeMaps[r.codeMap] as CodeMap}
                  pending={state.pending[r.codeMap] ?? []}
                  problems={problems ?? []}
                  onChange={(m, pending) => setState((s) => ({ ...s, codeMaps: { ...s.codeMaps, [r.codeMap as string]: m }, pending: { ...s.pending, [r.codeMap as string]: pending } }))}
                />
              ) : null,
          }}
          columns={[
            { title: t('colHeader'), dataIndex: 'column', width: 130, fixed: 'left', render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
            {
              title: t('colTarget'),
              width: 150,
              render: (_v, r) => (
                <Select
                  size="small"
                  value={r.kind}
                  style={{ width: '100%' }}
                  data-testid={`target-${r.column}`}
                  options={(['none', 'element', 'identifier', 'residence', 'household', 'rental', 'ignore'] as const).map((k) => ({ value: k, label: t(`target_${k}`) }))}
                  onChange={(k: Kind) => setKind(r, k)}
                />
              ),
            },
            {
              title: t('colDetail'),
              width: 280,
              render: (_v, r) => (
                <Space orientation="vertical" size={2} style={{ width: '100%' }}>
                  {targetDetail(r)}
                  {rowProblems(r.key).map((p) => (
                    <Typography.Text type="danger" key={p.path + p.message} data-testid="row-problem">
                      {problemText(p.message, lang)}
                    </Typography.Text>
                  ))}
                </Space>
              ),
            },
            {
              title: t('colTransforms'),
              width: 240,
              render: (_v, r) => (
                <Select
                  size="small"
                  mode="multiple"
                  style={{ width: '100%' }}
                  disabled={r.kind === 'none'}
                  value={r.transforms.map(stepId)}
                  options={transforms.map((x) => ({ value: x.id, label: <Tooltip title={x.summary}>{x.id}</Tooltip> }))}
                  onChange={(ids: string[]) => update(r.key, (x) => ({ ...x, transforms: ids.map((id) => x.transforms.find((st) => stepId(st) === id) ?? id) }))}
                />
              ),
            },
            {
              title: t('colCodeMap'),
              width: 120,
              render: (_v, r) => {
                const m = r.codeMap ? state.codeMaps[r.codeMap] : undefined;
                if (!m || !r.codeMap) return <Typography.Text type="secondary">—</Typography.Text>;
                const missing = (state.pending[r.codeMap] ?? []).filter((v) => !(v in m.map)).length;
                return (
                  <Space size={2} wrap>
                    <Tag>{t('codeMapOf', { n: Object.keys(m.map).length })}</Tag>
                    {missing > 0 && <Tag color="orange">{t('codeMapMissing', { n: missing })}</Tag>}
                  </Space>
                );
              },
            },
            { title: t('colRequired'), width: 70, align: 'center', render: (_v, r) => <Checkbox disabled={r.kind === 'none'} checked={r.required ?? false} onChange={(e) => update(r.key, (x) => ({ ...x, required: e.target.checked }))} /> },
            {
              title: t('colConfidence'),
              width: 90,
              render: (_v, r) =>
                r.confidence === undefined ? null : (
                  <Tooltip title={r.why}>
                    <Tag color={r.confidence >= 0.8 ? 'green' : r.confidence >= 0.5 ? 'gold' : 'default'}>{Math.round(r.confidence * 100)}%</Tag>
                  </Tooltip>
                ),
            },
          ]}
        />
      </Space>
    </Drawer>
  );
}
