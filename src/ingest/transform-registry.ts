/** The transforms mapping profiles may name, as the import pipeline applies them. */
import type { Transforms } from '../services/services.ts';
import type { TransformResult } from './map/map-record.ts';

const trim = (v: string): TransformResult => ({ ok: true, value: v.replace(/^[\s\u3000\u00a0]+|[\s\u3000\u00a0]+$/g, '') });

const REGISTRY: Record<string, (v: string) => TransformResult> = { trim };

export function defaultTransforms(): Transforms {
  return {
    ids: new Set(Object.keys(REGISTRY)),
    apply(value, ids) {
      let v = value;
      for (const id of ids) {
        const t = REGISTRY[id];
        if (!t) return { ok: false, code: 'UNKNOWN_TRANSFORM', reason: `unknown transform ${id}` };
        const r = t(v);
        if (!r.ok) return r;
        v = r.value;
      }
      return { ok: true, value: v };
    },
  };
}
