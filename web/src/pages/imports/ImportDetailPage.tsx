// Placeholder until the page is built.
import { Result } from 'antd';

export default function ImportDetailPage() {
  return <Result status="info" title="ImportDetailPage" />;
}
