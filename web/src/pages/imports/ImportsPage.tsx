// Placeholder until the page is built.
import { Result } from 'antd';

export default function ImportsPage() {
  return <Result status="info" title="ImportsPage" />;
}
