// Placeholder until the page is built.
import { Result } from 'antd';

export default function AuditPage() {
  return <Result status="info" title="AuditPage" />;
}
