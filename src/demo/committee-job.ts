/**
 * One committee of the demo street, start to finish, as a function of the job alone: build the
 * people, dwellings and households, assign the kinds, plan the year of changes, and stream every
 * extract, truth and change row to the sink (the output files). Nothing depends on other
 * committees (ids, ID-number slots and random streams are the committee's own), so committees could
 * be built in any order or thread; the generator runs them in order and streams to disk.
 */
import type { PopulationCategory } from '../domain/population-category.ts';
import { planYear } from './change-planner.ts';
import { renderChanges, type ChangeSink } from './change-renderer.ts';
import { CommitteeBuilder, type Quotas } from './committee-builder.ts';
import { ExtractRenderer, type ExtractSink } from './extract-renderer.ts';
import { IdIssuer } from './id-issuer.ts';
import { assignKinds, kindsForLater } from './kinds.ts';
import type { Committee, Street } from './model.ts';
import type { NoiseRates } from './noise.ts';
import type { DemoReference } from './reference-adapter.ts';
import { SYSTEMS } from './systems.data.ts';
import { writeTruth, type TruthSink } from './truth-writer.ts';

export interface CommitteeJob {
  /** Position of the committee in the whole output (files are appended in this order). */
  readonly seq: number;
  readonly seed: string;
  readonly asOf: string;
  readonly noise: NoiseRates;
  readonly street: Street;
  readonly committee: { readonly code: string; readonly name: string; readonly roads: readonly string[] };
  /** Index within the street (each committee numbers its lanes in its own range). */
  readonly committeeIndex: number;
  readonly quotas: Quotas;
  /** ID sequence slot of this committee among `idSlots` (police-station style ranges). */
  readonly idSlot: number;
  readonly idSlots: number;
}

export interface CommitteeStats {
  readonly committeeName: string;
  readonly persons: Readonly<Partial<Record<PopulationCategory, number>>>;
  readonly departed: number;
  readonly later: number;
  readonly households: number;
  readonly dwellings: number;
}

export type CommitteeSink = ExtractSink & TruthSink & ChangeSink;

export function runCommittee(job: CommitteeJob, reference: DemoReference, sink: CommitteeSink): CommitteeStats {
  const committee: Committee = { code: job.committee.code, name: job.committee.name, street: job.street, roads: job.committee.roads };
  const issuer = new IdIssuer(reference, job.idSlot, job.idSlots);
  const builder = new CommitteeBuilder({ seed: job.seed, reference, issuer, asOf: job.asOf }, committee, job.committeeIndex);
  const build = builder.run(job.quotas);
  assignKinds(build, job.asOf);
  let eventSeq = 0;
  const year = planYear(build, builder, job.seed, job.asOf, reference, () => `E${committee.code}-${String(++eventSeq).padStart(5, '0')}`);
  kindsForLater(build, year.laterPersons);

  const options = { seed: job.seed, asOf: job.asOf, noise: job.noise };
  new ExtractRenderer(SYSTEMS, options).renderCommittee(build, sink);
  writeTruth(build, { persons: year.laterPersons, households: year.laterHouseholds }, job.asOf, sink);
  renderChanges(SYSTEMS, year.events, options, committee.code, job.street.districtName, sink);
  const persons: Partial<Record<PopulationCategory, number>> = {};
  for (const p of build.persons) persons[p.category] = (persons[p.category] ?? 0) + 1;
  return {
    committeeName: committee.name,
    persons,
    departed: build.ghosts.length,
    later: year.laterPersons.length,
    households: build.households.length,
    dwellings: build.dwellings.length,
  };
}
