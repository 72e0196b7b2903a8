/**
 * The list behind a bar of the dashboard's moves chart (/dashboard/moves?area=…&month=…&direction=…&asOf=…):
 * who moved in (or out) of the area that month, from GET /api/v1/dashboard/moves — exactly the
 * persons the bar counts, cut to the remit the same way (someone who has left is judged by the
 * residence they left). Paged on the server; in and out a switch apart; each row opens the
 * person's profile where it is yours to open. Everything lives in the URL (the back button and a
 * shared link work). On a phone the rows are cards.
 */
import type { HTMLAttributes } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Card, Grid, List, Segmented, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorNote, useAsync } from '../../components/async';
import { useServerPaging } from '../../components/server-paging';
import { useNumber, useT } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import { m } from './messages';
import type { MoveDirection as Direction } from './moves-link';

type Move = Schemas['DashboardMove'];

export default function MovesPage() {
  const t = useT(m);
  const n = useNumber();
  const [params, setParams] = useSearchParams();
  const { purpose } = useSession();
  const narrow = !Grid.useBreakpoint().md;
  const area = params.get('area') ?? undefined;
  const asOf = params.get('asOf') ?? undefined;
  const month = params.get('month') ?? '';
  const direction: Direction = params.get('direction') === 'out' ? 'out' : 'in';
  const paging = useServerPaging(20);
  const state = useAsync(
    async () =>
      unwrap(
        await api.GET('/api/v1/dashboard/moves', {
          params: {
            query: {
              month,
              direction,
              limit: paging.limit,
              offset: paging.offset,
              ...(area === undefined ? {} : { area }),
              ...(asOf === undefined ? {} : { asOf }),
            },
          },
        }),
      ),
    [area, asOf, month, direction, paging.limit, paging.offset, purpose],
  );
  const d = state.data;
  const switchTo = (next: Direction) => {
    const q = new URLSearchParams(params);
    q.set('direction', next);
    paging.first();
    setParams(q);
  };
  const dateTitle = direction === 'in' ? t('movedInOn') : t('movedOutOn');
  const who = (x: Move) => {
    const label = x.name ?? <Typography.Text type="secondary">{t('nameHidden')}</Typography.Text>;
    return x.profile ? (
      <Link to={`/persons/${x.personId}`} data-testid="move-person">
        {label}
      </Link>
    ) : (
      <Tooltip title={t('noProfile')}>
        <span data-testid="move-person">{label}</span>
      </Tooltip>
    );
  };

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="moves-page">
      <Card size="small">
        <Space wrap size={[12, 8]} style={{ width: '100%', justifyContent: 'space-between' }}>
          <Space wrap size={8}>
            <Link to="/" aria-label={t('backToDashboard')}>
              <ArrowLeftOutlined /> {t('backToDashboard')}
            </Link>
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="moves-title">
              {t(direction === 'in' ? 'movesInTitle' : 'movesOutTitle', { month })}
            </Typography.Title>
            {d && <Typography.Text type="secondary">{d.area.name}</Typography.Text>}
          </Space>
          <Segmented<Direction>
            data-testid="moves-direction"
            value={direction}
            onChange={switchTo}
            options={[
              { value: 'in', label: t('movesIn') },
              { value: 'out', label: t('movesOut') },
            ]}
          />
        </Space>
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0', fontSize: 12 }}>
          {t('movesListNote', { asOf: d?.asOf ?? asOf ?? '' })}
        </Typography.Paragraph>
      </Card>
      {state.error !== undefined ? (
        <ErrorNote error={state.error} onRetry={state.reload} />
      ) : (
        <Card size="small" title={d ? <span data-testid="moves-total">{t('movesTotal', { n: n(d.total) })}</span> : null}>
          {narrow ? (
            <List
              data-testid="moves-list"
              loading={state.loading}
              dataSource={d ? [...d.items] : []}
              locale={{ emptyText: t('movesListEmpty') }}
              pagination={
                d && d.total > paging.limit
                  ? {
                      current: paging.offset / paging.limit + 1,
                      pageSize: paging.limit,
                      total: d.total,
                      simple: true,
                      onChange: paging.pagination(d.total).onChange,
                    }
                  : false
              }
              renderItem={(x) => (
                <List.Item key={`${x.personId}-${x.date}-${x.areaCode}`} data-testid="move-row">
                  <List.Item.Meta
                    title={who(x)}
                    description={
                      <Space orientation="vertical" size={0}>
                        <span>{`${dateTitle} ${x.date}`}</span>
                        <span>{x.areaName ?? x.areaCode}</span>
                        {x.address && <span>{x.address}</span>}
                      </Space>
                    }
                  />
                </List.Item>
              )}
            />
          ) : (
            <Table<Move>
              size="small"
              data-testid="moves-list"
              rowKey={(x) => `${x.personId}-${x.date}-${x.areaCode}`}
              loading={state.loading}
              dataSource={d ? [...d.items] : []}
              pagination={d ? paging.pagination(d.total) : false}
              scroll={{ x: 'max-content' }}
              locale={{ emptyText: t('movesListEmpty') }}
              onRow={() => ({ 'data-testid': 'move-row' }) as HTMLAttributes<HTMLElement>}
              columns={[
                { title: t('name'), dataIndex: 'name', render: (_v, x) => who(x) },
                { title: dateTitle, dataIndex: 'date', width: 120 },
                { title: t('committee'), dataIndex: 'areaName', render: (v: string | null, x) => v ?? x.areaCode },
                {
                  title: t('address'),
                  dataIndex: 'address',
                  render: (v: string | null) => v ?? <Typography.Text type="secondary">—</Typography.Text>,
                },
                {
                  title: t('profile'),
                  dataIndex: 'profile',
                  width: 110,
                  render: (v: boolean, x) =>
                    v ? <Link to={`/persons/${x.personId}`}>{t('openProfile')}</Link> : <Tag>{t('notInRemit')}</Tag>,
                },
              ]}
            />
          )}
        </Card>
      )}
    </Space>
  );
}
