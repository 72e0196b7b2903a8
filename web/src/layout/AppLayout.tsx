/**
 * The frame of every page behind the login: the menu of what the user's role may do, and a header
 * that always shows who is working (name, department, role, area), the purpose stated for reads of
 * personal data, the language switch and log out. On a phone the menu folds into a drawer.
 */
import { useState, type ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { Button, Drawer, Grid, Layout, Menu, Select, Space, Tag, Tooltip, Typography } from 'antd';
import {
  ApartmentOutlined,
  AuditOutlined,
  BarChartOutlined,
  BookOutlined,
  CloudUploadOutlined,
  DashboardOutlined,
  LogoutOutlined,
  MenuOutlined,
  NotificationOutlined,
  SafetyCertificateOutlined,
  SearchOutlined,
  UserOutlined,
  SolutionOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { useSession, useUser } from '../session/session';
import { useLang, useT } from '../i18n/i18n';
import { common, roleKey } from '../i18n/common';
import { useAreaName } from '../components/area-name';
import { useCodeNames, useDepartmentNames } from '../components/reference-names';

interface Item {
  readonly path: string;
  readonly label: keyof typeof common.zh;
  readonly icon: ReactNode;
  /** Shown when the user may perform this operation (the session lists them)… */
  readonly operation?: string;
  /** …or has one of these roles. */
  readonly roles?: readonly string[];
}

export const MENU: readonly Item[] = [
  { path: '/', label: 'menuDashboard', icon: <DashboardOutlined />, operation: 'housing.read' },
  { path: '/persons', label: 'menuPersons', icon: <SearchOutlined />, operation: 'housing.read' },
  { path: '/housing', label: 'menuHousing', icon: <ApartmentOutlined />, operation: 'housing.read' },
  { path: '/imports', label: 'menuImports', icon: <CloudUploadOutlined />, operation: 'import.read' },
  { path: '/review', label: 'menuReview', icon: <SolutionOutlined />, operation: 'review.read' },
  { path: '/reports', label: 'menuReports', icon: <BarChartOutlined />, operation: 'report.read' },
  { path: '/subscriptions', label: 'menuSubscriptions', icon: <NotificationOutlined />, operation: 'subscription.manage' },
  { path: '/standard', label: 'menuStandard', icon: <BookOutlined />, operation: 'reference.read' },
  { path: '/audit', label: 'menuAudit', icon: <AuditOutlined />, operation: 'audit.read' },
  { path: '/users', label: 'menuUsers', icon: <TeamOutlined />, operation: 'account.manage' },
  { path: '/account', label: 'menuAccount', icon: <SafetyCertificateOutlined />, roles: ['platform-admin', 'street-admin', 'committee-worker', 'collector', 'department-officer', 'auditor', 'resident'] },
];

/** The menu entry a path belongs to (the longest prefix). */
function selectedKey(pathname: string, paths: readonly string[]): string {
  const hit = paths.filter((p) => (p === '/' ? pathname === '/' : pathname === p || pathname.startsWith(`${p}/`)));
  return hit.sort((a, b) => b.length - a.length)[0] ?? '/';
}

export function AppLayout({ children }: { children: ReactNode }) {
  const t = useT(common);
  const { lang, setLang } = useLang();
  const session = useUser();
  const { purpose, choosePurpose, logout, may } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const narrow = !screens.md;
  const [drawer, setDrawer] = useState(false);
  const areaName = useAreaName(session.user.areaCodes[0]);
  const purposeName = useCodeNames('purpose');
  const departmentName = useDepartmentNames();
  const me = session.user.role === 'resident' && session.user.personId ? [{ path: `/persons/${session.user.personId}`, label: 'menuMe' as const, icon: <UserOutlined /> }] : [];
  const shown = [...me, ...MENU.filter((m) => (m.operation !== undefined && may(m.operation)) || (m.roles?.includes(session.user.role) ?? false))];
  const items = shown.map((m) => ({ key: m.path, icon: m.icon, label: <Link to={m.path} onClick={() => setDrawer(false)}>{t(m.label)}</Link> }));
  const menu = <Menu mode="inline" selectedKeys={[selectedKey(location.pathname, shown.map((m) => m.path))]} items={items} style={{ borderInlineEnd: 0 }} data-testid="main-menu" />;
  const u = session.user;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {narrow ? (
        <Drawer open={drawer} onClose={() => setDrawer(false)} placement="left" size={240} title={t('appName')} styles={{ body: { padding: 0 } }}>
          {menu}
        </Drawer>
      ) : (
        <Layout.Sider width={208} theme="light" style={{ borderInlineEnd: '1px solid #f0f0f0' }}>
          <div style={{ padding: '16px 16px 8px', fontWeight: 600, color: '#1f5fbf', lineHeight: 1.3 }}>{t('appName')}</div>
          {menu}
        </Layout.Sider>
      )}
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 16px', borderBottom: '1px solid #f0f0f0', height: 'auto', lineHeight: 'normal', display: 'flex', alignItems: 'center', gap: 12, flexWrap: 'wrap', minHeight: 56 }}>
          {narrow && <Button type="text" icon={<MenuOutlined />} onClick={() => setDrawer(true)} aria-label="menu" />}
          <Space size={6} wrap data-testid="who" style={{ flex: '1 1 160px', minWidth: 0, padding: '8px 0' }}>
            <Typography.Text strong data-testid="user-name" style={{ whiteSpace: 'nowrap' }}>{u.displayName}</Typography.Text>
            <Tag color="blue" data-testid="user-role">{t(roleKey(u.role))}</Tag>
            {u.departmentId && <Tag data-testid="user-department">{departmentName(u.departmentId)}</Tag>}
            {areaName && <Tag color="green" data-testid="user-area">{areaName}</Tag>}
          </Space>
          {session.purposes.length > 0 && (
            <Tooltip title={t('purposeHint')}>
              <Select
                size="small"
                value={purpose}
                onChange={choosePurpose}
                style={narrow ? { order: 10, flex: '1 1 100%', marginBottom: 8 } : { minWidth: 200, maxWidth: 280 }}
                data-testid="purpose"
                options={session.purposes.map((p) => ({ value: p, label: `${t('purpose')}：${purposeName(p)}` }))}
              />
            </Tooltip>
          )}
          <Button size="small" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} data-testid="lang-switch">
            {t('language')}
          </Button>
          <Button
            size="small"
            icon={<LogoutOutlined />}
            data-testid="logout"
            onClick={() => {
              void logout().then(() => navigate('/login'));
            }}
          >
            {narrow ? '' : t('logout')}
          </Button>
        </Layout.Header>
        <Layout.Content style={{ padding: narrow ? 8 : 16, minWidth: 0 }}>{children}</Layout.Content>
      </Layout>
    </Layout>
  );
}
