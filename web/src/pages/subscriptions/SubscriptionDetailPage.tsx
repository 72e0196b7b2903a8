// Placeholder until the page is built.
import { Result } from 'antd';

export default function SubscriptionDetailPage() {
  return <Result status="info" title="SubscriptionDetailPage" />;
}
