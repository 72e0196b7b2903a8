// Placeholder until the page is built.
import { Result } from 'antd';

export default function ReviewPage() {
  return <Result status="info" title="ReviewPage" />;
}
