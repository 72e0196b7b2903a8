/**
 * Imports (/imports): a new import — the source (an officer sees their department's only), the file
 * uploaded with its progress, then the import's own page follows it live — the mapping profile
 * drafted from a file or edited, and the imports with their status and counts (paged on the server).
 */
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Alert, Button, Card, Col, DatePicker, Form, Progress, Row, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import { EditOutlined, InboxOutlined, ThunderboltOutlined, UploadOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { today } from '../persons/reference';
import { api, unwrap, type Schemas } from '../../api/client';
import { AsyncView, ErrorNote, useAsync } from '../../components/async';
import { useServerPaging } from '../../components/server-paging';
import { useLang, useNumber, useT } from '../../i18n/i18n';
import { useSession, useUser } from '../../session/session';
import { importMessages, STATUS_COLOR } from './messages';
import { uploadFile } from './upload';
import { ProfileEditor, type EditorStart } from './ProfileEditor';

type Source = Schemas['Source'];
type Batch = Schemas['ImportBatch'];

/** The sources the user may import for: an officer their own department's, administrators all. */
export function useOwnSources(): ReturnType<typeof useAsync<Source[]>> {
  const session = useUser();
  return useAsync(async () => {
    const all = unwrap(await api.GET('/api/v1/sources'));
    const u = session.user;
    return u.role === 'department-officer' ? all.filter((s) => s.departmentId === u.departmentId) : all;
  }, [session.user.id]);
}

export function useSourceName(sources: readonly Source[] | undefined): (id: string) => string {
  const { lang } = useLang();
  return useMemo(() => {
    const byId = new Map((sources ?? []).map((s) => [s.id, s]));
    return (id: string) => {
      const s = byId.get(id);
      return s ? (lang === 'zh' ? s.nameZh : s.nameEn) : id;
    };
  }, [sources, lang]);
}

function NewImport({ sources, onEditor }: { sources: Source[]; onEditor: (start: EditorStart) => void }) {
  const t = useT(importMessages);
  const navigate = useNavigate();
  const { lang } = useLang();
  const [sourceId, setSourceId] = useState<string | undefined>(sources.length === 1 ? sources[0]?.id : undefined);
  const [file, setFile] = useState<File | undefined>(undefined);
  const [observedAt, setObservedAt] = useState<Dayjs | null>(null);
  const [progress, setProgress] = useState<number | undefined>(undefined);
  const [busy, setBusy] = useState<'import' | 'draft' | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const source = sources.find((s) => s.id === sourceId);

  const start = async () => {
    if (!source || !file) return;
    setBusy('import');
    setError(undefined);
    setProgress(0);
    try {
      const q = new URLSearchParams({ source: source.id, fileName: file.name });
      if (observedAt) q.set('observedAt', observedAt.format('YYYY-MM-DD'));
      const r = await uploadFile<{ id: string }>(`/api/v1/imports?${q.toString()}`, file, setProgress);
      void navigate(`/imports/${r.id}`);
    } catch (e) {
      setError(e);
      setBusy(undefined);
      setProgress(undefined);
    }
  };

  const draft = async () => {
    if (!source || !file) return;
    setBusy('draft');
    setError(undefined);
    setProgress(0);
    try {
      const d = await uploadFile<Schemas['ProfileDraft']>(`/api/v1/sources/${encodeURIComponent(source.id)}/draft?${new URLSearchParams({ fileName: file.name }).toString()}`, file, setProgress);
      onEditor({ source, draft: d, fileName: file.name });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
      setProgress(undefined);
    }
  };

  const editCurrent = async () => {
    if (!source) return;
    setError(undefined);
    try {
      const p = unwrap(await api.GET('/api/v1/sources/{id}/profile', { params: { path: { id: source.id }, query: {} } }));
      onEditor({ source, current: { version: p.version, profile: p.profile } });
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Card title={t('newImport')} data-testid="new-import">
      <Form layout="vertical">
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item label={t('source')} required>
              <Select
                data-testid="import-source"
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={t('chooseSource')}
                value={sourceId}
                onChange={(v: string) => setSourceId(v)}
                notFoundContent={t('noSources')}
                options={sources.map((s) => ({ value: s.id, label: `${lang === 'zh' ? s.nameZh : s.nameEn}` }))}
              />
            </Form.Item>
            {source && (
              <Space wrap style={{ marginBottom: 16 }}>
                {source.profileVersion === null ? <Tag color="orange">{t('noProfileTag')}</Tag> : <Tag color="blue" data-testid="profile-version">{t('profileVersion', { v: source.profileVersion })}</Tag>}
                <Button size="small" icon={<EditOutlined />} disabled={source.profileVersion === null} onClick={() => void editCurrent()} data-testid="edit-profile">
                  {t('editProfile')}
                </Button>
              </Space>
            )}
            <Form.Item label={t('observedAt')} tooltip={t('observedAtHint')}>
              <DatePicker value={observedAt} onChange={setObservedAt} disabledDate={(d) => d.isAfter(dayjs(today()), 'day')} style={{ width: '100%' }} data-testid="observed-at" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('file')} required>
              <Upload.Dragger
                accept=".csv,.txt,.xlsx,.jsonl,.ndjson"
                multiple={false}
                maxCount={1}
                beforeUpload={(f) => {
                  setFile(f);
                  return false;
                }}
                onRemove={() => setFile(undefined)}
                fileList={file ? [{ uid: 'file', name: file.name, status: 'done', size: file.size }] : []}
                data-testid="import-file"
              >
                <p className="ant-upload-drag-icon">
                  <InboxOutlined />
                </p>
                <p className="ant-upload-text">{t('dropHint')}</p>
                <p className="ant-upload-hint">{t('dropFormats')}</p>
              </Upload.Dragger>
            </Form.Item>
          </Col>
        </Row>
        {source?.profileVersion === null && <Alert type="warning" showIcon title={t('noProfile')} style={{ marginBottom: 16 }} />}
        {progress !== undefined && <Progress percent={Math.round(progress * 100)} status="active" data-testid="upload-progress" format={(p) => t('uploading', { pct: p ?? 0 })} style={{ marginBottom: 12 }} />}
        {error !== undefined && (
          <div style={{ marginBottom: 12 }}>
            <ErrorNote error={error} />
          </div>
        )}
        <Space wrap>
          <Button type="primary" icon={<UploadOutlined />} disabled={!source || !file || source.profileVersion === null} loading={busy === 'import'} onClick={() => void start()} data-testid="start-import">
            {t('start')}
          </Button>
          <Button icon={<ThunderboltOutlined />} disabled={!source || !file} loading={busy === 'draft'} onClick={() => void draft()} data-testid="draft-profile">
            {t('draft')}
          </Button>
          {!source && <Typography.Text type="secondary">{t('needSource')}</Typography.Text>}
          {source && !file && <Typography.Text type="secondary">{t('needFile')}</Typography.Text>}
        </Space>
      </Form>
    </Card>
  );
}

function RecentImports({ sources }: { sources: Source[] }) {
  const t = useT(importMessages);
  const num = useNumber();
  const sourceName = useSourceName(sources);
  const [filter, setFilter] = useState<string | undefined>(undefined);
  const paging = useServerPaging(10);
  const { limit, offset } = paging;
  const list = useAsync(
    async () => unwrap(await api.GET('/api/v1/imports', { params: { query: { ...(filter ? { source: filter } : {}), limit, offset } } })),
    [filter, limit, offset],
  );
  const running = (list.data?.items ?? []).some((b) => b.status === 'checking' || b.status === 'running');
  const { reload } = list;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(reload, 2000);
    return () => clearInterval(timer);
  }, [running, reload]);

  return (
    <Card
      title={t('recent')}
      extra={
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('allSources')}
          value={filter}
          onChange={(v: string | undefined) => {
            setFilter(v);
            paging.first();
          }}
          style={{ minWidth: 220 }}
          options={sources.map((s) => ({ value: s.id, label: sourceName(s.id) }))}
          data-testid="imports-filter"
        />
      }
    >
      <AsyncView state={list}>
        {(page) => (
          <Table<Batch>
            data-testid="imports-table"
            data-total={page.total}
            rowKey="id"
            size="middle"
            dataSource={page.items}
            loading={list.loading && !running}
            scroll={{ x: 960 }}
            pagination={paging.pagination(page.total)}
            onRow={(b) => ({ 'data-testid': `import-row-${b.id}` }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              { title: t('colFile'), dataIndex: 'fileName', render: (v: string, b) => <Link to={`/imports/${b.id}`}>{v}</Link> },
              { title: t('colSource'), dataIndex: 'sourceId', render: (v: string) => sourceName(v) },
              { title: t('colStatus'), dataIndex: 'status', render: (v: string) => <Tag color={STATUS_COLOR[v] ?? 'default'}>{t(`status_${v}` as 'status_committed')}</Tag> },
              { title: t('colStarted'), dataIndex: 'startedAt', render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
              { title: t('colRows'), dataIndex: 'rowsRead', align: 'right', render: (v: number) => num(v) },
              { title: t('colCreated'), dataIndex: 'personsCreated', align: 'right', render: (v: number) => num(v) },
              { title: t('colLinked'), dataIndex: 'personsLinked', align: 'right', render: (v: number) => num(v) },
              { title: t('colConflicts'), dataIndex: 'conflicts', align: 'right', render: (v: number) => num(v) },
              { title: t('colRejected'), dataIndex: 'rowsRejected', align: 'right', render: (v: number) => (v > 0 ? <Typography.Text type="danger">{num(v)}</Typography.Text> : num(v)) },
            ]}
          />
        )}
      </AsyncView>
    </Card>
  );
}

export default function ImportsPage() {
  const t = useT(importMessages);
  const { may } = useSession();
  const sources = useOwnSources();
  const [editor, setEditor] = useState<EditorStart | undefined>(undefined);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div>
        <Typography.Title level={3} style={{ marginBottom: 4 }}>
          {t('title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('subtitle')}</Typography.Text>
      </div>
      <AsyncView state={sources}>
        {(list) => (
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            {may('import.run') && <NewImport sources={list} onEditor={setEditor} />}
            <RecentImports sources={list} />
          </Space>
        )}
      </AsyncView>
      {editor && (
        <ProfileEditor
          start={editor}
          onClose={() => setEditor(undefined)}
          onSaved={() => {
            sources.reload();
          }}
        />
      )}
    </Space>
  );
}
