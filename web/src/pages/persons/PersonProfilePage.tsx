// Placeholder until the page is built.
import { Result } from 'antd';

export default function PersonProfilePage() {
  return <Result status="info" title="PersonProfilePage" />;
}
