/**
 * The data standard (/standard/*): data elements (search, detail, add a local one), code tables and
 * their entries (search, paginated on the server, valid on a date, add a value, retire one with a
 * replacement), the code mappings of each department system, the kinds of people with their rules,
 * and the departments. Adding needs `reference.write`; everything else `reference.read`.
 */
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { Card, Tabs } from 'antd';
import { useT } from '../../i18n/i18n';
import { std } from './messages';
import { ElementDetail, ElementsView } from './ElementsView';
import { CodeTableDetail, CodeTablesView } from './CodeTablesView';
import { MappingsView } from './MappingsView';
import { DepartmentsView, KindsView } from './KindsView';

const TABS = ['elements', 'code-tables', 'mappings', 'kinds', 'departments'] as const;

export default function StandardPage() {
  const t = useT(std);
  const location = useLocation();
  const navigate = useNavigate();
  const section = location.pathname.split('/')[2] ?? 'elements';
  const active = (TABS as readonly string[]).includes(section) ? section : 'elements';
  const label: Record<(typeof TABS)[number], string> = {
    elements: t('tabElements'),
    'code-tables': t('tabCodeTables'),
    mappings: t('tabMappings'),
    kinds: t('tabKinds'),
    departments: t('tabDepartments'),
  };
  return (
    <Card title={t('title')} data-testid="standard-page" styles={{ body: { paddingTop: 0 } }}>
      <Tabs activeKey={active} onChange={(k) => navigate(`/standard/${k}`)} items={TABS.map((k) => ({ key: k, label: <span data-testid={`std-tab-${k}`}>{label[k]}</span> }))} />
      <Routes>
        <Route index element={<Navigate to="elements" replace />} />
        <Route path="elements" element={<ElementsView />} />
        <Route path="elements/:id" element={<ElementDetail />} />
        <Route path="code-tables" element={<CodeTablesView />} />
        <Route path="code-tables/:id" element={<CodeTableDetail />} />
        <Route path="mappings" element={<MappingsView />} />
        <Route path="mappings/:id" element={<MappingsView />} />
        <Route path="kinds" element={<KindsView />} />
        <Route path="departments" element={<DepartmentsView />} />
        <Route path="*" element={<Navigate to="/standard/elements" replace />} />
      </Routes>
    </Card>
  );
}
