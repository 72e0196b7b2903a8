// Placeholder until the page is built.
import { Result } from 'antd';

export default function DashboardPage() {
  return <Result status="info" title="DashboardPage" />;
}
