// Placeholder until the page is built.
import { Result } from 'antd';

export default function ReviewItemPage() {
  return <Result status="info" title="ReviewItemPage" />;
}
