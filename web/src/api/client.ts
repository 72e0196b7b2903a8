/**
 * The console's only way to the server: the public API through openapi-fetch, typed by the
 * generated `paths` (schema.d.ts, from docs/openapi.json). Every request carries the session
 * cookie; state-changing ones the CSRF token; reads of personal data the purpose chosen in the
 * header bar (x-purpose). Errors arrive as the API's { code, message, details } and are thrown as
 * ApiError so pages can show the message in plain words.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/** What the API said when it refused (docs/errors.md lists the codes). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const state = { csrfToken: '', purpose: '' };

/** Set by the session context after login / session read. */
export function setCsrfToken(token: string): void {
  state.csrfToken = token;
}

/** The purpose stated on reads of personal data (the header bar's selector). */
export function setPurpose(purpose: string): void {
  state.purpose = purpose;
}

export function currentPurpose(): string {
  return state.purpose;
}

const headers: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD' && state.csrfToken !== '') request.headers.set('x-csrf-token', state.csrfToken);
    if (state.purpose !== '' && !request.headers.has('x-purpose')) request.headers.set('x-purpose', state.purpose);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(headers);

/** The headers the client adds, for the few requests made with plain fetch (file downloads, uploads). */
export function requestHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { ...extra };
  if (state.csrfToken !== '') h['x-csrf-token'] = state.csrfToken;
  if (state.purpose !== '') h['x-purpose'] = state.purpose;
  return h;
}

interface Result<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly response: Response;
}

/** The data of an answer (undefined for 204 No Content), or an ApiError with the server's code and message. */
export function unwrap<T>(r: Result<T>): T {
  // A success without a body (204 No Content) has no data: that is no error.
  if (r.response.ok && r.error === undefined && (r.data !== undefined || r.response.status === 204)) return r.data as T;
  if (r.error !== undefined || r.data === undefined) {
    const e = (r.error ?? {}) as { code?: unknown; message?: unknown; details?: unknown };
    throw new ApiError(
      r.response.status,
      typeof e.code === 'string' ? e.code : `HTTP_${r.response.status}`,
      typeof e.message === 'string' ? e.message : r.response.statusText || `HTTP ${r.response.status}`,
      typeof e.details === 'object' && e.details !== null ? (e.details as Record<string, unknown>) : {},
    );
  }
  return r.data;
}

/** Downloads a file from the API (CSV/XLSX/PDF) with the session and purpose, saving it in the browser. */
export async function download(url: string, fallbackName: string): Promise<void> {
  const res = await fetch(url, { credentials: 'same-origin', headers: requestHeaders() });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new ApiError(res.status, body.code ?? `HTTP_${res.status}`, body.message ?? res.statusText);
  }
  const blob = await res.blob();
  const cd = res.headers.get('content-disposition') ?? '';
  const m = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(cd);
  const name = m ? decodeURIComponent(m[1] ?? m[2] ?? fallbackName) : fallbackName;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
