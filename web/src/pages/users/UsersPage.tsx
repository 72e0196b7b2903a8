// Placeholder until the page is built.
import { Result } from 'antd';

export default function UsersPage() {
  return <Result status="info" title="UsersPage" />;
}
