/** The signing secret, shown once (at creation and at each rotation), with a copy button and a plain warning. */
import { Alert, Button, Modal, Typography } from 'antd';
import { useT } from '../../i18n/i18n';
import { sub } from './messages';

export function SecretModal({ secret, title, note, onClose, closeText }: { secret: string | null; title: string; note?: string; onClose: () => void; closeText: string }) {
  const t = useT(sub);
  return (
    <Modal
      open={secret !== null}
      title={title}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      footer={<Button type="primary" data-testid="secret-saved" onClick={onClose}>{closeText}</Button>}
      data-testid="secret-modal"
    >
      <Alert type="warning" showIcon title={t('secretWarning')} style={{ marginBottom: 16 }} />
      <Typography.Text type="secondary">{t('secretLabel')}</Typography.Text>
      <Typography.Paragraph
        code
        copyable={{ text: secret ?? '', tooltips: [t('secretLabel'), t('copied')] }}
        style={{ fontSize: 15, wordBreak: 'break-all', marginTop: 4 }}
        data-testid="secret-value"
      >
        {secret}
      </Typography.Paragraph>
      {note !== undefined && <Typography.Text type="secondary">{note}</Typography.Text>}
    </Modal>
  );
}
