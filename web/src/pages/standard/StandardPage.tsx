// Placeholder until the page is built.
import { Result } from 'antd';

export default function StandardPage() {
  return <Result status="info" title="StandardPage" />;
}
