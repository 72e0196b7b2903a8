// Placeholder until the page is built.
import { Result } from 'antd';

export default function HousingPage() {
  return <Result status="info" title="HousingPage" />;
}
