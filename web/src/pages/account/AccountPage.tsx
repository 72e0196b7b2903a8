/**
 * My account: change the password (the current one is required; other sessions end) and turn on the
 * second factor — a new secret shown as a QR code and as text for the authenticator app, confirmed by
 * one code it produces; later logins ask for a code.
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, Space, Tag, Typography } from 'antd';
import QRCode from 'qrcode';
import { api, unwrap } from '../../api/client';
import { useSession, useUser } from '../../session/session';
import { defineMessages, useT } from '../../i18n/i18n';
import { common, roleKey } from '../../i18n/common';
import { errorText } from '../../components/async';

const m = defineMessages({
  zh: {
    title: '账号与安全',
    username: '用户名',
    name: '姓名',
    role: '角色',
    passwordChangedAt: '密码修改时间',
    secondFactor: '双因素认证',
    on: '已开启',
    off: '未开启',
    changePassword: '修改密码',
    current: '当前密码',
    next: '新密码',
    repeat: '再次输入新密码',
    nextHint: '至少 12 个字符，不可与用户名相同',
    tooShort: '新密码至少 12 个字符',
    mismatch: '两次输入的新密码不一致',
    required: '必填',
    changed: '密码已修改；您的其他会话已结束',
    startTotp: '开启双因素认证',
    scan: '请用身份验证器应用（如 Microsoft Authenticator、Google Authenticator）扫描二维码，或手动输入密钥：',
    code: '应用显示的 6 位数字',
    codeInvalid: '验证码为 6 位数字',
    confirm: '确认开启',
    enabled: '双因素认证已开启，下次登录时需要输入验证码',
  },
  en: {
    title: 'Account and security',
    username: 'Username',
    name: 'Name',
    role: 'Role',
    passwordChangedAt: 'Password changed',
    secondFactor: 'Second factor',
    on: 'On',
    off: 'Off',
    changePassword: 'Change password',
    current: 'Current password',
    next: 'New password',
    repeat: 'New password again',
    nextHint: 'At least 12 characters, not your username',
    tooShort: 'The new password needs at least 12 characters',
    mismatch: 'The two new passwords differ',
    required: 'Required',
    changed: 'Password changed; your other sessions have ended',
    startTotp: 'Turn on the second factor',
    scan: 'Scan the QR code with an authenticator app (Microsoft Authenticator, Google Authenticator…), or type the secret:',
    code: 'The 6 digits the app shows',
    codeInvalid: 'The code is 6 digits',
    confirm: 'Turn on',
    enabled: 'The second factor is on: logins will ask for a code',
  },
});

export default function AccountPage() {
  const t = useT(m);
  const tc = useT(common);
  const session = useUser();
  const { reload } = useSession();
  const u = session.user;
  const [pwForm] = Form.useForm<{ current: string; next: string; repeat: string }>();
  const [pwState, setPwState] = useState<{ ok?: boolean; error?: string; busy?: boolean }>({});
  const [totp, setTotp] = useState<{ secret: string; uri: string } | undefined>(undefined);
  const [qr, setQr] = useState<string | undefined>(undefined);
  const [totpState, setTotpState] = useState<{ ok?: boolean; error?: string; busy?: boolean }>({});

  useEffect(() => {
    if (totp === undefined) return;
    void QRCode.toDataURL(totp.uri, { margin: 1, width: 180 }).then(setQr, () => setQr(undefined));
  }, [totp]);

  const changePassword = async (v: { current: string; next: string }) => {
    setPwState({ busy: true });
    try {
      unwrap(await api.POST('/api/v1/session/password', { body: { current: v.current, next: v.next } }));
      pwForm.resetFields();
      setPwState({ ok: true });
      await reload();
    } catch (e) {
      setPwState({ error: errorText(e, tc('networkError')) });
    }
  };

  const beginTotp = async () => {
    setTotpState({ busy: true });
    try {
      setTotp(unwrap(await api.POST('/api/v1/session/totp')));
      setTotpState({});
    } catch (e) {
      setTotpState({ error: errorText(e, tc('networkError')) });
    }
  };

  const confirmTotp = async (v: { code: string }) => {
    if (!totp) return;
    setTotpState({ busy: true });
    try {
      const r = await api.POST('/api/v1/session/totp/confirm', { body: { secret: totp.secret, code: v.code.trim() } });
      if (r.response.status !== 204) unwrap(r);
      setTotp(undefined);
      setTotpState({ ok: true });
      await reload();
    } catch (e) {
      setTotpState({ error: errorText(e, tc('networkError')) });
    }
  };

  return (
    <Space direction="vertical" size={16} style={{ width: '100%', maxWidth: 720 }}>
      <Typography.Title level={4} style={{ margin: 0 }}>{t('title')}</Typography.Title>
      <Card size="small">
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t('username')}>{u.username}</Descriptions.Item>
          <Descriptions.Item label={t('name')}>{u.displayName}</Descriptions.Item>
          <Descriptions.Item label={t('role')}>{tc(roleKey(u.role))}</Descriptions.Item>
          <Descriptions.Item label={t('passwordChangedAt')}>{new Date(u.passwordChangedAt).toLocaleString()}</Descriptions.Item>
          <Descriptions.Item label={t('secondFactor')}>
            <Tag color={u.totpEnabled ? 'green' : 'default'} data-testid="totp-state">{u.totpEnabled ? t('on') : t('off')}</Tag>
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card size="small" title={t('changePassword')}>
        {pwState.ok && <Alert type="success" showIcon title={t('changed')} style={{ marginBottom: 12 }} />}
        {pwState.error && <Alert type="error" showIcon title={pwState.error} style={{ marginBottom: 12 }} data-testid="password-error" />}
        <Form form={pwForm} layout="vertical" onFinish={changePassword} style={{ maxWidth: 360 }}>
          <Form.Item name="current" label={t('current')} rules={[{ required: true, message: t('required') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item name="next" label={t('next')} extra={t('nextHint')} hasFeedback rules={[{ required: true, message: t('required') }, { min: 12, message: t('tooShort') }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="repeat"
            label={t('repeat')}
            dependencies={['next']}
            hasFeedback
            rules={[{ required: true, message: t('required') }, ({ getFieldValue }) => ({ validator: (_r, v) => (v === getFieldValue('next') ? Promise.resolve() : Promise.reject(new Error(t('mismatch')))) })]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={pwState.busy}>{t('changePassword')}</Button>
        </Form>
      </Card>
      {!u.totpEnabled && (
        <Card size="small" title={t('secondFactor')}>
          {totpState.ok && <Alert type="success" showIcon title={t('enabled')} style={{ marginBottom: 12 }} />}
          {totpState.error && <Alert type="error" showIcon title={totpState.error} style={{ marginBottom: 12 }} data-testid="totp-error" />}
          {totp === undefined ? (
            <Button onClick={() => void beginTotp()} loading={totpState.busy} data-testid="totp-start">{t('startTotp')}</Button>
          ) : (
            <Space direction="vertical">
              <Typography.Text>{t('scan')}</Typography.Text>
              {qr && <img src={qr} alt="otpauth QR" width={180} height={180} data-testid="totp-qr" />}
              <Typography.Text code copyable data-testid="totp-secret">{totp.secret}</Typography.Text>
              <Form layout="inline" onFinish={(v: { code: string }) => void confirmTotp(v)}>
                <Form.Item name="code" rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: t('codeInvalid') }]}>
                  <Input placeholder={t('code')} inputMode="numeric" maxLength={8} data-testid="totp-code" />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={totpState.busy} data-testid="totp-confirm">{t('confirm')}</Button>
              </Form>
            </Space>
          )}
        </Card>
      )}
    </Space>
  );
}
