/**
 * People deciding: who decided a review item, how and why; pairs a person kept apart (never asked
 * again); merges of two persons with everything that moved, so that an unmerge restores the state
 * before exactly; the links the import's matcher made by score, with their explanation.
 */
import type { Kysely, Migration } from 'kysely';
import { columnTypes, type Dialect } from './column-types.ts';

export function review(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // accepted | rejected | acknowledged | merged-away (the person of the item was merged) — with status 'resolved'.
      await db.schema.alterTable('review_item').addColumn('decision', t.text).execute();
      await db.schema.alterTable('review_item').addColumn('decided_by', t.text).execute();
      await db.schema.alterTable('review_item').addColumn('decision_reason', t.text).execute();
      await db.schema.alterTable('review_item').addColumn('merge_id', t.uuid).execute();

      await db.schema
        .createTable('match_rejection')
        .addColumn('person_a', t.uuid, (c) => c.notNull())
        .addColumn('person_b', t.uuid, (c) => c.notNull())
        .addColumn('district', t.text, (c) => c.notNull())
        .addColumn('review_item_id', t.uuid)
        .addColumn('decided_by', t.text, (c) => c.notNull())
        .addColumn('reason', t.text)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('match_rejection_pk', ['person_a', 'person_b'])
        .execute();
      await db.schema.createIndex('match_rejection_b').on('match_rejection').column('person_b').execute();

      await db.schema
        .createTable('person_merge')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('district', t.text, (c) => c.notNull())
        .addColumn('survivor_id', t.uuid, (c) => c.notNull())
        .addColumn('loser_id', t.uuid, (c) => c.notNull())
        .addColumn('review_item_id', t.uuid)
        .addColumn('moved', t.text, (c) => c.notNull())
        .addColumn('snapshot', t.text, (c) => c.notNull())
        .addColumn('decided_by', t.text, (c) => c.notNull())
        .addColumn('reason', t.text)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('undone_at', t.timestamp)
        .addColumn('undone_by', t.text)
        .addColumn('undo_reason', t.text)
        .execute();
      await db.schema.createIndex('person_merge_survivor').on('person_merge').column('survivor_id').execute();
      await db.schema.createIndex('person_merge_loser').on('person_merge').column('loser_id').execute();

      // Links the import's matcher made by score, with the explanation, so a rule change can re-decide them.
      await db.schema
        .createTable('match_link')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('district', t.text, (c) => c.notNull())
        .addColumn('record_key', t.text, (c) => c.notNull())
        .addColumn('person_id', t.uuid, (c) => c.notNull())
        .addColumn('rule', t.text, (c) => c.notNull())
        .addColumn('detail', t.text, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('match_link_person').on('match_link').columns(['person_id', 'record_key']).execute();
    },
  };
}
