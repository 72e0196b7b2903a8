/**
 * Reading values as of a date without reading history (issue 8): an index on the observations'
 * valid time. A value on date D equals today's current value unless some observation of that
 * person and element is valid only after D; the index finds those few observations, so a report
 * of a past date reads today's current values and re-decides only the pairs that changed since.
 * Imports write observations of one extract date at a time, so the index grows at its end.
 */
import type { Kysely, Migration } from 'kysely';

export function observationValidTime(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex('observation_observed').on('observation').column('observed_at').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('observation_observed').execute();
    },
  };
}
