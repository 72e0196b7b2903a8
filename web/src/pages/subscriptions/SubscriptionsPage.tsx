// Placeholder until the page is built.
import { Result } from 'antd';

export default function SubscriptionsPage() {
  return <Result status="info" title="SubscriptionsPage" />;
}
