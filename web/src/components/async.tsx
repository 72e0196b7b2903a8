/**
 * Loading, empty and error states in plain words, everywhere the same: `useAsync` runs a request
 * and keeps its state; `<AsyncView>` shows a spinner, the error (the API's message, with a retry),
 * an empty note, or the content.
 */
import { useCallback, useEffect, useRef, useState, type DependencyList, type ReactNode } from 'react';
import { Alert, Button, Empty, Spin } from 'antd';
import { ApiError } from '../api/client';
import { useT } from '../i18n/i18n';
import { common } from '../i18n/common';

export interface AsyncState<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  reload(): void;
}

/** Runs `load` when the dependencies change (the newest answer wins; an older one is dropped). */
export function useAsync<T>(load: () => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    setError(undefined);
    load().then(
      (d) => {
        if (mine !== seq.current) return;
        setData(d);
        setLoading(false);
      },
      (e: unknown) => {
        if (mine !== seq.current) return;
        setError(e);
        setLoading(false);
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/** The words of an error for a person: the API's message, or a network note. */
export function errorText(e: unknown, networkText: string): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof TypeError) return networkText;
  return e instanceof Error ? e.message : String(e);
}

export function ErrorNote({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT(common);
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <Alert
      type="error"
      showIcon
      data-testid="error-note"
      title={code === 'NOT_ALLOWED' || code === 'NOT_FOUND' ? t('notAllowed') : t('errorTitle')}
      description={errorText(error, t('networkError'))}
      action={onRetry ? <Button size="small" onClick={onRetry}>{t('retry')}</Button> : undefined}
    />
  );
}

export function AsyncView<T>({ state, empty, children }: { state: AsyncState<T>; empty?: (d: T) => boolean; children: (d: T) => ReactNode }) {
  const t = useT(common);
  if (state.error !== undefined) return <ErrorNote error={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return <div style={{ padding: 48, textAlign: 'center' }}><Spin description={t('loading')} /></div>;
  if (empty?.(state.data)) return <Empty description={t('empty')} />;
  return <>{children(state.data)}</>;
}
