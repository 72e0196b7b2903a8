/** The link behind a bar of the dashboard's moves chart (MovesPage), kept apart so the dashboard does not load the page. */
export type MoveDirection = 'in' | 'out';

export function movesLink(area: string, month: string, direction: MoveDirection, asOf?: string): string {
  const q = new URLSearchParams({ area, month, direction });
  if (asOf !== undefined) q.set('asOf', asOf);
  return `/dashboard/moves?${q.toString()}`;
}
