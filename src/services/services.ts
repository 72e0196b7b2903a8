/** Every service of the platform, built once by the composition root (src/main.ts). */
import type { AreaCodeHistory } from '../domain/id-number.ts';
import type { DataAccess } from '../store/repositories.ts';
import { AreaService } from './area.service.ts';
import { HouseholdService } from './household.service.ts';
import { HousingService } from './housing.service.ts';
import { RentalService } from './rental.service.ts';
import { IdNumberService } from './id-number.service.ts';
import { PersonService } from './person.service.ts';
import { StandardService } from './standard.service.ts';
import { SourceService } from './source.service.ts';
import { ReviewService } from './review.service.ts';
import { MergeService } from './merge.service.ts';
import { DuplicatesService } from './duplicates.service.ts';
import { ReevaluationService } from './reevaluation.service.ts';
import { ImportService } from '../ingest/import.service.ts';
import { PushService } from '../ingest/push-changes.ts';
import { compileTransforms, unknownTransforms } from '../ingest/transform/transform-registry.ts';
import type { PersonMatcher } from '../ingest/person-matcher.ts';
import { RegistryMatcher } from '../ingest/registry-matcher.ts';
import type { KindDefinition } from '../domain/kinds.ts';
import { MapThread } from '../ingest/map/map-thread.ts';

export interface Services {
  readonly standard: StandardService;
  readonly areas: AreaService;
  readonly housing: HousingService;
  /** Rental registrations entered and ended by hand (imports bring the others). */
  readonly rentals: RentalService;
  readonly households: HouseholdService;
  readonly persons: PersonService;
  readonly idNumbers: IdNumberService;
  readonly sources: SourceService;
  readonly imports: ImportService;
  /** Single changes pushed by department systems (with an idempotency key), through the import pipeline. */
  readonly pushes: PushService;
  readonly reviews: ReviewService;
  /** Merging two persons who are one, and undoing it. */
  readonly merges: MergeService;
  /** Duplicate detection across the registry. */
  readonly duplicates: DuplicatesService;
  /** What a new match rule file would change in past decisions, and applying it. */
  readonly reevaluation: ReevaluationService;
  /** The kinds of people, as defined in data/catalogue/kinds.json. */
  readonly kinds: readonly KindDefinition[];
  readiness(): Promise<{ ready: boolean; reason: string | null }>;
  /** Stops what the services started (the import's mapping thread). */
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Read and map import files on a thread of their own (the default transforms and area code history). */
  readonly importThread?: boolean;
}

export function createServices(
  data: DataAccess,
  areaHistory: AreaCodeHistory,
  homeArea: string,
  kinds: readonly KindDefinition[] = [],
  matcher?: PersonMatcher,
  options: ServiceOptions = {},
): Services {
  const standard = new StandardService(data);
  const sources = new SourceService(data, unknownTransforms);
  const merges = new MergeService(data, homeArea.slice(0, 6));
  const registryMatcher = matcher instanceof RegistryMatcher ? matcher : RegistryMatcher.shipped();
  const reviews = new ReviewService(data, merges);
  const mapThread = options.importThread === true ? new MapThread() : undefined;
  const imports = new ImportService({ data, sources, areaHistory, homeArea, compileTransforms, matcher: matcher ?? registryMatcher, ...(mapThread ? { mapThread } : {}) });
  return {
    sources,
    kinds,
    merges,
    reviews,
    duplicates: new DuplicatesService(data, merges, registryMatcher.rules),
    reevaluation: new ReevaluationService(data, merges, reviews, registryMatcher.rules),
    imports,
    pushes: new PushService({ data, sources, imports }),
    standard,
    areas: new AreaService(data),
    housing: new HousingService(data, standard),
    rentals: new RentalService(data),
    households: new HouseholdService(data, standard),
    persons: new PersonService(data, standard, areaHistory, homeArea, kinds),
    idNumbers: new IdNumberService(areaHistory),
    readiness: () => data.readiness(),
    close: async () => {
      await mapThread?.close();
    },
  };
}
