/**
 * Log in: username and password, then the 6-digit code of the authenticator app where the user
 * has turned the second factor on. The API's refusals (wrong password, locked for 15 minutes, too
 * many attempts) are shown in its own words.
 */
import { useState } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { useSession } from '../session/session';
import { defineMessages, useLang, useT } from '../i18n/i18n';
import { common } from '../i18n/common';
import { errorText } from '../components/async';

const m = defineMessages({
  zh: {
    title: '登录',
    username: '用户名',
    password: '密码',
    usernameRequired: '请输入用户名',
    passwordRequired: '请输入密码',
    submit: '登录',
    code: '动态验证码',
    codeHint: '请输入身份验证器应用中的 6 位数字',
    codeInvalid: '验证码为 6 位数字',
    verify: '验证',
    passwordChange: '密码已过期，请使用命令行或管理员重置密码后再登录',
  },
  en: {
    title: 'Log in',
    username: 'Username',
    password: 'Password',
    usernameRequired: 'Enter your username',
    passwordRequired: 'Enter your password',
    submit: 'Log in',
    code: 'One-time code',
    codeHint: 'The 6 digits your authenticator app shows',
    codeInvalid: 'The code is 6 digits',
    verify: 'Verify',
    passwordChange: 'Your password has expired; have an administrator reset it, then log in',
  },
});

export default function LoginPage() {
  const t = useT(m);
  const tc = useT(common);
  const { lang, setLang } = useLang();
  const { session, login, secondFactor } = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  if (session && session.stage === 'active') return <Navigate to="/" replace />;
  const needsCode = session?.stage === 'second-factor';

  const run = async (f: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await f();
    } catch (e) {
      setError(errorText(e, tc('networkError')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: 'linear-gradient(160deg,#eaf1fb,#f7f9fc)', padding: 16 }}>
      <Card style={{ width: 380, maxWidth: '100%' }} data-testid="login-card">
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline' }}>
          <Typography.Title level={4} style={{ marginTop: 0 }}>{tc('appName')}</Typography.Title>
          <Button type="link" size="small" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} data-testid="lang-switch">{tc('language')}</Button>
        </div>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
        {session?.stage === 'password-change' && <Alert type="warning" showIcon title={t('passwordChange')} style={{ marginBottom: 16 }} />}
        {needsCode ? (
          <Form layout="vertical" onFinish={(v: { code: string }) => run(async () => { const s = await secondFactor(v.code.trim()); if (s.stage === 'active') void navigate('/'); })}>
            <Form.Item name="code" label={t('code')} extra={t('codeHint')} rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: t('codeInvalid') }]}>
              <Input prefix={<SafetyOutlined />} inputMode="numeric" autoComplete="one-time-code" maxLength={8} autoFocus data-testid="login-code" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-verify">{t('verify')}</Button>
          </Form>
        ) : (
          <Form layout="vertical" onFinish={(v: { username: string; password: string }) => run(async () => { const s = await login(v.username.trim(), v.password); if (s.stage === 'active') void navigate('/'); })}>
            <Form.Item name="username" label={t('username')} rules={[{ required: true, whitespace: true, message: t('usernameRequired') }]}>
              <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
            </Form.Item>
            <Form.Item name="password" label={t('password')} rules={[{ required: true, message: t('passwordRequired') }]}>
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">{t('submit')}</Button>
          </Form>
        )}
      </Card>
    </div>
  );
}
