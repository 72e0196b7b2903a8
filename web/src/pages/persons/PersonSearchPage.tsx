// Placeholder until the page is built.
import { Result } from 'antd';

export default function PersonSearchPage() {
  return <Result status="info" title="PersonSearchPage" />;
}
