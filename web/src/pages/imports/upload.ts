/**
 * Sends a file as the raw body of a POST (imports, profile drafts) with the session's headers,
 * reporting the upload's progress (XMLHttpRequest: fetch cannot report it). Refusals arrive as the
 * API's { code, message, details } and are thrown as ApiError, like every other request.
 */
import { ApiError, requestHeaders } from '../../api/client';

function contentTypeOf(file: File): string {
  const name = file.name.toLowerCase();
  if (name.endsWith('.csv') || name.endsWith('.txt')) return 'text/csv';
  if (name.endsWith('.xlsx')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'application/x-ndjson';
  return 'application/octet-stream';
}

export function uploadFile<T>(url: string, file: File, onProgress?: (fraction: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    for (const [k, v] of Object.entries(requestHeaders({ 'content-type': contentTypeOf(file) }))) xhr.setRequestHeader(k, v);
    xhr.responseType = 'json';
    if (onProgress) {
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
      };
    }
    xhr.onload = () => {
      const body = xhr.response as { code?: string; message?: string; details?: Record<string, unknown> } | null;
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.(1);
        resolve(body as T);
      } else {
        reject(new ApiError(xhr.status, body?.code ?? `HTTP_${xhr.status}`, body?.message ?? xhr.statusText ?? `HTTP ${xhr.status}`, body?.details ?? {}));
      }
    };
    xhr.onerror = () => reject(new TypeError('network error'));
    xhr.send(file);
  });
}
