/**
 * 以房管人 (/housing/*): committee → building → unit → dwelling, who lives or is registered in a
 * dwelling on a date and who lived or was registered there before (GET /dwellings/{id}?asOf=…, cut
 * to the remit by the API), and its rental registrations (租赁登记) in force on that date and before
 * — landlord (masked unless the remit unmasks names), registration number, period, and the tenants
 * the reader may see — and, for users whose remit lets them write actual residences there, a form
 * to register a rental by hand and a button to end one (RentalForm.tsx). Built for the collector's
 * and committee worker's phone: lists with big touch targets, no wide tables.
 */
import { useMemo, useState } from 'react';
import { Link, Route, Routes, useNavigate, useParams, useSearchParams } from 'react-router';
import { Alert, Breadcrumb, Card, DatePicker, Empty, Input, List, Space, Tag, Typography } from 'antd';
import { HomeOutlined, RightOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { api, ApiError, unwrap, type Schemas } from '../../api/client';
import { AsyncView, useAsync } from '../../components/async';
import { useAreaName } from '../../components/area-name';
import { useT, useNumber } from '../../i18n/i18n';
import { common } from '../../i18n/common';
import { useUser } from '../../session/session';
import { m } from '../persons/messages';
import { ageOn, today, useLabels, valueOf } from '../persons/reference';
import { EndRental, RegisterRental } from './RentalForm';
import { rm } from './messages';

type Building = Schemas['Building'];
type Dwelling = Schemas['Dwelling'];
type Residence = Schemas['Residence'];
type Rental = Schemas['RentalRegistration'];

const ROW = { padding: '14px 8px', minHeight: 56, cursor: 'pointer' } as const;

function Crumbs({ items }: { items: { title: string; to?: string }[] }) {
  const t = useT(m);
  return (
    <Breadcrumb
      style={{ marginBottom: 12 }}
      data-testid="housing-crumbs"
      items={[
        {
          title: (
            <Link to="/housing">
              <HomeOutlined /> {t('housingTitle')}
            </Link>
          ),
        },
        ...items.map((i) => ({ title: i.to ? <Link to={i.to}>{i.title}</Link> : i.title })),
      ]}
    />
  );
}

function AreaCrumb({ code }: { code: string }) {
  const name = useAreaName(code) ?? code;
  return <Crumbs items={[{ title: name }]} />;
}

/** The start: the user's areas and their committees (a committee worker goes straight to their buildings); a collector's buildings. */
function HousingHome() {
  const t = useT(m);
  const user = useUser().user;
  const navigate = useNavigate();
  const state = useAsync(async () => {
    const out: { code: string; name: string; level: string }[] = [];
    for (const code of user.areaCodes) {
      if (code.length >= 12) {
        const a = await api.GET('/api/v1/areas/{code}', { params: { path: { code } } });
        out.push({ code, name: a.data?.name ?? code, level: 'village' });
        continue;
      }
      const kids = unwrap(await api.GET('/api/v1/areas/{code}/children', { params: { path: { code } } }));
      for (const k of kids) out.push({ code: k.code, name: k.name, level: k.level });
    }
    return out;
  }, [user.areaCodes.join(',')]);
  if (user.buildingIds.length > 0) return <BuildingsByIds ids={user.buildingIds} />;
  if (user.areaCodes.length === 1 && user.areaCodes[0]!.length >= 12) return <BuildingList code={user.areaCodes[0]!} />;
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('housingTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('housingHint')}</Typography.Paragraph>
      {user.areaCodes.length === 0 ? (
        <Alert type="info" showIcon title={t('noCriteria')} description={<Link to="/persons">{t('searchTitle')}</Link>} />
      ) : (
        <AsyncView state={state} empty={(d) => d.length === 0}>
          {(areas) => (
            <Card size="small" title={t('committees')} styles={{ body: { padding: 0 } }}>
              <List
                data-testid="committee-list"
                dataSource={areas}
                renderItem={(a) => (
                  <List.Item
                    key={a.code}
                    style={ROW}
                    onClick={() => navigate(`/housing/area/${a.code}`)}
                    data-testid="committee-item"
                    extra={<RightOutlined />}
                  >
                    <span style={{ fontSize: 16 }}>{a.name}</span>
                  </List.Item>
                )}
              />
            </Card>
          )}
        </AsyncView>
      )}
    </div>
  );
}

function BuildingsByIds({ ids }: { ids: readonly string[] }) {
  const t = useT(m);
  const navigate = useNavigate();
  const state = useAsync(
    async () => Promise.all(ids.map(async (id) => unwrap(await api.GET('/api/v1/buildings/{id}', { params: { path: { id } } })))),
    [ids.join(',')],
  );
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('buildings')}
      </Typography.Title>
      <AsyncView state={state} empty={(d) => d.length === 0}>
        {(bs) => (
          <Card size="small" styles={{ body: { padding: 0 } }}>
            <List
              data-testid="building-list"
              dataSource={bs}
              renderItem={(b) => (
                <List.Item
                  key={b.building.id}
                  style={ROW}
                  onClick={() => navigate(`/housing/buildings/${b.building.id}`)}
                  data-testid="building-item"
                  extra={<RightOutlined />}
                >
                  <List.Item.Meta
                    title={<span style={{ fontSize: 16 }}>{b.building.address}</span>}
                    description={t('dwellingCount', { n: b.dwellings.length })}
                  />
                </List.Item>
              )}
            />
          </Card>
        )}
      </AsyncView>
    </div>
  );
}

/** The buildings of an area, searched and paged on the server. */
function BuildingList({ code }: { code: string }) {
  const t = useT(m);
  const num = useNumber();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const size = 20;
  const [draft, setDraft] = useState(q);
  const state = useAsync(
    async () =>
      unwrap(
        await api.GET('/api/v1/buildings', {
          params: { query: { within: code, ...(q ? { q } : {}), limit: size, offset: (page - 1) * size } },
        }),
      ),
    [code, q, page],
  );
  return (
    <div>
      <AreaCrumb code={code} />
      <Input.Search
        size="large"
        allowClear
        value={draft}
        placeholder={t('searchBuilding')}
        onChange={(e) => setDraft(e.target.value)}
        onSearch={(v) => setParams(v.trim() ? { q: v.trim() } : {})}
        style={{ marginBottom: 12 }}
        maxLength={50}
        data-testid="building-search"
      />
      <AsyncView state={state}>
        {(r) => (
          <Card size="small" title={t('buildingCount', { n: num(r.total) })} styles={{ body: { padding: 0 } }}>
            <List
              data-testid="building-list"
              dataSource={r.items}
              locale={{ emptyText: <Empty /> }}
              pagination={
                r.total > size
                  ? {
                      current: page,
                      pageSize: size,
                      total: r.total,
                      simple: true,
                      onChange: (p) => setParams({ ...(q ? { q } : {}), page: String(p) }),
                      style: { padding: 8 },
                    }
                  : false
              }
              renderItem={(b: Building) => (
                <List.Item
                  key={b.id}
                  style={ROW}
                  onClick={() => navigate(`/housing/buildings/${b.id}`)}
                  data-testid="building-item"
                  extra={<RightOutlined />}
                >
                  <List.Item.Meta
                    title={<span style={{ fontSize: 16 }}>{b.address}</span>}
                    description={[b.name, b.kind].filter(Boolean).join(' · ')}
                  />
                </List.Item>
              )}
            />
          </Card>
        )}
      </AsyncView>
    </div>
  );
}

function AreaBuildings() {
  const { code = '' } = useParams();
  return <BuildingList code={code} />;
}

/** A building's dwellings, by unit. */
function BuildingView() {
  const t = useT(m);
  const { id = '' } = useParams();
  const labels = useLabels();
  const navigate = useNavigate();
  const state = useAsync(async () => unwrap(await api.GET('/api/v1/buildings/{id}', { params: { path: { id } } })), [id]);
  return (
    <AsyncView state={state}>
      {({ building, dwellings }) => {
        const units = new Map<string, Dwelling[]>();
        for (const d of [...dwellings].sort(
          (a, b) => a.unit.localeCompare(b.unit, 'zh') || a.room.localeCompare(b.room, 'zh', { numeric: true }),
        )) {
          const l = units.get(d.unit) ?? [];
          l.push(d);
          units.set(d.unit, l);
        }
        return (
          <div data-testid="building-view">
            <BuildingCrumbs building={building} />
            <Typography.Title level={5} style={{ marginTop: 0 }}>
              {building.address}
            </Typography.Title>
            <Typography.Paragraph type="secondary">
              {[building.kind, t('dwellingCount', { n: dwellings.length })].filter(Boolean).join(' · ')}
            </Typography.Paragraph>
            {dwellings.length === 0 && <Empty />}
            {[...units].map(([unit, list]) => (
              <Card
                key={unit}
                size="small"
                title={unit ? `${unit}${/单元$/.test(unit) ? '' : ` ${t('unit')}`}` : t('dwellings')}
                style={{ marginBottom: 12 }}
                styles={{ body: { padding: 0 } }}
                data-testid="unit"
              >
                <List
                  dataSource={list}
                  renderItem={(d) => (
                    <List.Item
                      key={d.id}
                      style={ROW}
                      onClick={() => navigate(`/housing/dwellings/${d.id}`)}
                      data-testid="dwelling-item"
                      extra={<RightOutlined />}
                    >
                      <Space wrap>
                        <span style={{ fontSize: 16 }}>
                          {d.room}
                          {/[室层]$/.test(d.room) ? '' : t('room')}
                        </span>
                        <Tag color={d.housingUse ? 'blue' : 'default'}>
                          {d.housingUse ? labels.code('housing-use', d.housingUse) : t('noUse')}
                        </Tag>
                      </Space>
                    </List.Item>
                  )}
                />
              </Card>
            ))}
          </div>
        );
      }}
    </AsyncView>
  );
}

function BuildingCrumbs({ building, extra }: { building: Building; extra?: string }) {
  const name = useAreaName(building.areaCode) ?? building.areaCode;
  return (
    <Crumbs
      items={[
        { title: name, to: `/housing/area/${building.areaCode}` },
        {
          title: `${building.road}${building.lane ? `${building.lane}弄` : ''}${building.number}号`,
          ...(extra ? { to: `/housing/buildings/${building.id}` } : {}),
        },
        ...(extra ? [{ title: extra }] : []),
      ]}
    />
  );
}

function BuildingCrumbsById({ id, extra }: { id: string; extra: string }) {
  const state = useAsync(async () => unwrap(await api.GET('/api/v1/buildings/{id}', { params: { path: { id } } })), [id]);
  return state.data ? <BuildingCrumbs building={state.data.building} extra={extra} /> : <Crumbs items={[{ title: extra }]} />;
}

/** One resident: name, sex, age, linked to the profile (read through the API, so cut and audited); past residents also say how they were there. */
function Resident({ r, showKind }: { r: Residence; showKind: boolean }) {
  const t = useT(m);
  const labels = useLabels();
  const s = useAsync(async () => unwrap(await api.GET('/api/v1/persons/{id}', { params: { path: { id: r.personId } } })), [r.personId]);
  const navigate = useNavigate();
  if (s.error instanceof ApiError)
    return (
      <List.Item style={ROW}>
        <Typography.Text type="secondary">{t('outsideRemit')}</Typography.Text>
      </List.Item>
    );
  const v = s.data;
  const age = v ? ageOn(valueOf(v, 'person.birthDate'), today()) : undefined;
  const sex = v ? valueOf(v, 'person.sex') : undefined;
  return (
    <List.Item
      style={ROW}
      onClick={() => navigate(`/persons/${r.personId}`)}
      data-testid="resident"
      data-person-id={r.personId}
      data-kind={r.kind}
      extra={<RightOutlined />}
    >
      <List.Item.Meta
        title={
          <Link to={`/persons/${r.personId}`} style={{ fontSize: 16 }} data-testid="resident-name">
            {v ? (valueOf(v, 'person.name') ?? r.personId.slice(0, 8)) : '…'}
          </Link>
        }
        description={
          <Space size={6} wrap>
            {showKind && <Tag color={r.kind === 'actual' ? 'green' : 'gold'}>{t(r.kind)}</Tag>}
            {sex && <span>{labels.value('person.sex', sex)}</span>}
            {age !== undefined && (
              <span>
                {age}
                {t('years')}
              </span>
            )}
            <span>
              {r.validTo ? t('period', { from: r.validFrom ?? '…', to: r.validTo }) : r.validFrom ? t('since', { date: r.validFrom }) : ''}
            </span>
          </Space>
        }
      />
    </List.Item>
  );
}

function ResidentList({ title, list, testid, past = false }: { title: string; list: readonly Residence[]; testid: string; past?: boolean }) {
  const t = useT(m);
  // Now: each person once; before: each stay once (two sources may record the same stay).
  const unique = [...new Map(list.map((r) => [past ? `${r.personId}|${r.kind}|${r.validFrom ?? ''}|${r.validTo ?? ''}` : r.personId, r])).values()];
  return (
    <Card
      size="small"
      title={`${title}（${unique.length}）`}
      style={{ marginBottom: 12 }}
      styles={{ body: { padding: 0 } }}
      data-testid={testid}
    >
      {unique.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('nobody')} />
      ) : (
        <List dataSource={unique} renderItem={(r) => <Resident key={r.id} r={r} showKind={past} />} />
      )}
    </Card>
  );
}

/** A tenant's name, read through the API (so cut and audited), linked to their profile. */
function TenantName({ personId }: { personId: string }) {
  const s = useAsync(async () => unwrap(await api.GET('/api/v1/persons/{id}', { params: { path: { id: personId } } })), [personId]);
  return (
    <Link to={`/persons/${personId}`} data-testid="rental-tenant" data-person-id={personId}>
      {s.data ? (valueOf(s.data, 'person.name') ?? personId.slice(0, 8)) : '…'}
    </Link>
  );
}

/**
 * The dwelling's rental registrations: one item per registration (number, landlord and period;
 * the API gives one per tenant), with the tenants the reader may see and how many are not shown.
 */
function RentalList({ title, list, testid, ending }: { title: string; list: readonly Rental[]; testid: string; ending?: { dwellingId: string; onDone: () => void } }) {
  const t = useT(m);
  const tr = useT(rm);
  const byKey = new Map<string, { first: Rental; all: Rental[] }>();
  for (const r of list) {
    const key = `${r.registrationNumber}|${r.startDate}|${r.endDate ?? ''}|${r.landlordName ?? ''}|${r.endedOn ?? ''}`;
    const g = byKey.get(key);
    if (g) g.all.push(r);
    else byKey.set(key, { first: r, all: [r] });
  }
  const groups = [...byKey.values()];
  return (
    <Card size="small" title={`${title}（${groups.length}）`} style={{ marginBottom: 12 }} styles={{ body: { padding: 0 } }} data-testid={testid}>
      {groups.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('noRentals')} />
      ) : (
        <List
          dataSource={groups}
          renderItem={({ first: r, all }) => {
            const tenants = [...new Set(all.flatMap((x) => (x.personId ? [x.personId] : [])))];
            const hidden = all.filter((x) => x.personId === null).length;
            return (
              <List.Item key={r.id} style={{ padding: '12px 8px', display: 'block' }} data-testid="rental" data-number={r.registrationNumber}>
                <Space direction="vertical" size={4} style={{ width: '100%' }}>
                  <Typography.Text strong data-testid="rental-number">
                    {t('rentalNumber', { n: r.registrationNumber })}
                  </Typography.Text>
                  <span data-testid="rental-period">
                    {r.endDate ? t('period', { from: r.startDate, to: r.endDate }) : t('openEnded', { from: r.startDate })}
                  </span>
                  <Space size={6} wrap>
                    <span>{t('landlord')}:</span>
                    <span data-testid="rental-landlord">{r.landlordName ?? t('noLandlord')}</span>
                    {r.landlordNameMasked && <Tag>{t('masked')}</Tag>}
                  </Space>
                  <Space size={6} wrap>
                    <span>{t('tenants')}:</span>
                    {tenants.map((p) => (
                      <TenantName key={p} personId={p} />
                    ))}
                    {hidden > 0 && <Typography.Text type="secondary">{t('tenantHidden')}</Typography.Text>}
                  </Space>
                  {r.endedOn && <Typography.Text type="secondary">{t('rentalEnded', { date: r.endedOn })}</Typography.Text>}
                  {r.method === 'api' && <Tag data-testid="rental-by-hand">{tr('byHand')}</Tag>}
                  {ending && (
                    <Space wrap>
                      {/* One per registration not yet ended whose tenant the reader may see (the API refuses the others). */}
                      {all
                        .filter((x) => x.endedOn === null && x.personId !== null)
                        .map((x, _i, open) => (
                          <EndRental key={x.id} dwellingId={ending.dwellingId} rental={x} onDone={ending.onDone} named={open.length > 1} />
                        ))}
                    </Space>
                  )}
                </Space>
              </List.Item>
            );
          }}
        />
      )}
    </Card>
  );
}

/** A dwelling: its use, who lives there and who is registered there on a date, its rental registrations. */
function DwellingView() {
  const t = useT(m);
  const tc = useT(common);
  const { id = '' } = useParams();
  const labels = useLabels();
  const [params, setParams] = useSearchParams();
  const asOf = params.get('asOf') ?? today();
  const state = useAsync(
    async () => unwrap(await api.GET('/api/v1/dwellings/{id}', { params: { path: { id }, query: { asOf } } })),
    [id, asOf],
  );
  const isToday = asOf === today();
  const picker = useMemo(() => dayjs(asOf), [asOf]);
  return (
    <AsyncView state={state}>
      {({ dwelling, residences, pastResidences, households, rentals, pastRentals, mayWriteRentals }) => (
        <div data-testid="dwelling-view" data-as-of={asOf}>
          <BuildingCrumbsById id={dwelling.buildingId} extra={`${dwelling.unit ? `${dwelling.unit} ` : ''}${dwelling.room}`} />
          <Card size="small" style={{ marginBottom: 12 }}>
            <Typography.Title level={5} style={{ marginTop: 0 }} data-testid="dwelling-address">
              {dwelling.address}
            </Typography.Title>
            <Space wrap>
              <span>{t('housingUse')}:</span>
              <Tag color="blue" data-testid="dwelling-use">
                {dwelling.housingUse ? labels.code('housing-use', dwelling.housingUse) : t('noUse')}
              </Tag>
            </Space>
            <Space wrap style={{ marginTop: 12 }}>
              <span>{t('viewAsOf')}</span>
              <DatePicker
                size="large"
                allowClear={false}
                value={picker}
                onChange={(d) =>
                  setParams(d && d.format('YYYY-MM-DD') !== today() ? { asOf: d.format('YYYY-MM-DD') } : {}, { replace: false })
                }
                data-testid="dwelling-date"
                inputReadOnly
              />
              {!isToday && <Link to={`/housing/dwellings/${id}`}>{tc('reset')}</Link>}
            </Space>
          </Card>
          <ResidentList
            title={isToday ? t('livesNow') : `${t('actual')} · ${asOf}`}
            list={residences.filter((r) => r.kind === 'actual')}
            testid="residents-actual"
          />
          <ResidentList
            title={isToday ? t('registeredHere') : `${t('registered')} · ${asOf}`}
            list={residences.filter((r) => r.kind === 'registered')}
            testid="residents-registered"
          />
          <ResidentList
            title={isToday ? t('livedBefore') : t('livedBeforeAsOf', { date: asOf })}
            list={pastResidences}
            testid="residents-past"
            past
          />
          <RentalList
            title={isToday ? t('rentals') : t('rentalsAsOf', { date: asOf })}
            list={rentals}
            testid="rentals"
            {...(mayWriteRentals ? { ending: { dwellingId: dwelling.id, onDone: state.reload } } : {})}
          />
          {mayWriteRentals && (
            <RegisterRental
              dwellingId={dwelling.id}
              residents={[...new Set(residences.filter((r) => r.kind === 'actual').map((r) => r.personId))]}
              onDone={state.reload}
            />
          )}
          {pastRentals.length > 0 && <RentalList title={t('pastRentals')} list={pastRentals} testid="rentals-past" />}
          {households.length > 0 && (
            <Card size="small" title={t('households')} styles={{ body: { padding: 0 } }}>
              <List
                dataSource={households}
                renderItem={(h) => (
                  <List.Item key={h.id} style={{ padding: '12px 8px' }}>
                    <Space wrap>
                      <span>
                        {t('householdNo')}: {h.householdNo ?? '—'}
                      </span>
                      <Tag>{labels.code('household-type', h.type)}</Tag>
                    </Space>
                  </List.Item>
                )}
              />
            </Card>
          )}
        </div>
      )}
    </AsyncView>
  );
}

export default function HousingPage() {
  return (
    <div style={{ maxWidth: 880 }}>
      <Routes>
        <Route index element={<HousingHome />} />
        <Route path="area/:code" element={<AreaBuildings />} />
        <Route path="buildings/:id" element={<BuildingView />} />
        <Route path="dwellings/:id" element={<DwellingView />} />
        <Route path="*" element={<HousingHome />} />
      </Routes>
    </div>
  );
}
