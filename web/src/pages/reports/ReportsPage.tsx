// Placeholder until the page is built.
import { Result } from 'antd';

export default function ReportsPage() {
  return <Result status="info" title="ReportsPage" />;
}
