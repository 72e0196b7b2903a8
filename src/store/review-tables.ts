/**
 * Row types of migration 0004-review, joined to the `Database` interface of database.ts by module
 * augmentation (as access-tables.ts does): decisions on review items, pairs kept apart, merges.
 */
export interface MatchRejectionTable {
  /** The smaller of the two person ids. */
  person_a: string;
  person_b: string;
  district: string;
  review_item_id: string | null;
  decided_by: string;
  reason: string | null;
  created_at: string;
}

export interface PersonMergeTable {
  id: string;
  district: string;
  survivor_id: string;
  loser_id: string;
  review_item_id: string | null;
  /** JSON: the ids of the rows that moved from the loser to the survivor, by table. */
  moved: string;
  /** JSON: both persons' rows and current values before the merge. */
  snapshot: string;
  decided_by: string;
  reason: string | null;
  created_at: string;
  undone_at: string | null;
  undone_by: string | null;
  undo_reason: string | null;
}

export interface MatchLinkTable {
  id: string;
  district: string;
  record_key: string;
  person_id: string;
  /** matcher:RULES@VERSION */
  rule: string;
  /** JSON: the explanation of the decision. */
  detail: string;
  created_at: string;
}

declare module './database.ts' {
  interface ReviewItemTable {
    decision: string | null;
    decided_by: string | null;
    decision_reason: string | null;
    merge_id: string | null;
  }
  interface Database {
    match_rejection: MatchRejectionTable;
    person_merge: PersonMergeTable;
    match_link: MatchLinkTable;
  }
}
