/**
 * Rolling back an import batch: everything it wrote is removed or restored (observations,
 * rejected rows, review items, identifiers, residences and rental registrations it opened or
 * ended, source records, persons it created that nothing else refers to), and current values are
 * recomputed from what remains. Runs in one transaction.
 */
import type { Repositories } from '../store/repositories.ts';
import { nowIso } from '../store/clock.ts';
import { recomputeCurrent } from '../services/current-values.ts';

export async function rollbackBatch(repos: Repositories, batchId: string): Promise<void> {
  // Rental registrations first: they name persons the batch may have created.
  await repos.rentals.undoBatch(batchId);
  const { elementPairs } = await repos.ingest.undoBatch(batchId);
  await recomputeCurrent(repos, elementPairs);
  await repos.ingest.updateBatch(batchId, { status: 'rolled_back', finished_at: nowIso() });
}
