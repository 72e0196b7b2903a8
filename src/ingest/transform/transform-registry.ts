/**
 * The transforms a mapping profile names by id, with a one-line description each (shown by
 * `populus source draft` and in the docs). Profiles list steps, applied in order; the first failure
 * stops the chain and is the value's rejection reason.
 *
 *   applyTransforms(' ２００８年９月５日 ', ['trim', 'halfWidth', 'date'])  → { ok: true, value: '2008-09-05' }
 *   const clean = compileTransforms(['trim', { id: 'date', options: { dayFirst: true } }]);  // once per profile
 *   clean('5/9/2008')                                                         → { ok: true, value: '2008-09-05' }
 */
import { date } from './date-transform.ts';
import { idNumber, phone } from './identifier-transforms.ts';
import { familyName, givenName } from './latin-name.ts';
import { blankIf, collapseSpaces, digitsOnly, halfWidth, lower, removeSpaces, simplified, trim, upper } from './text-transforms.ts';
import { ok, type Transform, type TransformOptions, type TransformResult, type TransformStep } from './transform.ts';

export {
  TRANSFORM_FAILURE_CODES,
  type Transform,
  type TransformFailureCode,
  type TransformOptions,
  type TransformResult,
  type TransformStep,
} from './transform.ts';

export interface TransformDoc {
  readonly summary: string;
  readonly options?: string;
}

const REGISTRY = {
  trim,
  collapseSpaces,
  removeSpaces,
  halfWidth,
  simplified,
  upper,
  lower,
  digitsOnly,
  blankIf,
  date,
  phone,
  idNumber,
  familyName,
  givenName,
} satisfies Record<string, Transform>;

export type TransformId = keyof typeof REGISTRY;

/** Every transform, by the id profiles use. */
export const TRANSFORMS: Readonly<Record<string, Transform>> = REGISTRY;

export const TRANSFORM_DOCS: Readonly<Record<TransformId, TransformDoc>> = {
  trim: { summary: 'remove leading and trailing spaces, including the ideographic space U+3000, NBSP and zero-width spaces' },
  collapseSpaces: { summary: 'turn every run of spaces, tabs and line breaks into one space' },
  removeSpaces: { summary: 'remove all spaces (a Chinese name typed 张 伟 → 张伟)' },
  halfWidth: { summary: 'full-width letters, digits and punctuation (ＡＢＣ１２３，) and U+3000 → their ASCII forms' },
  simplified: { summary: 'traditional Chinese (also Hong Kong variants) → simplified, with OpenCC: 張偉 → 张伟, 誌 → 志' },
  upper: { summary: 'upper case (passport names, ID letters)' },
  lower: { summary: 'lower case (e-mail addresses)' },
  digitsOnly: { summary: 'keep the digits only (full-width digits count)' },
  blankIf: { summary: "'' for a placeholder that means no value (无, /, -, NULL, N/A…)", options: 'values: the placeholders' },
  date: {
    summary:
      'a date → YYYY-MM-DD: 2008-09-05, 2008/9/5, 2008.9.5, 20080905, 2008年9月5日, Excel serial days (1–80000); never guesses day/month order',
    options:
      'dayFirst | monthFirst: read 5/9/2008; partial: allow 2008-09 and 2008; serial: true/false for bare numbers; minYear, maxYear (1800, 2199)',
  },
  phone: { summary: 'a telephone number → digits: +86/0086, spaces, dashes and brackets removed; 7–12 digits' },
  idNumber: {
    summary: 'an ID number: half-width, spaces and Excel text markers (\', ="…") removed, upper-case X; scientific notation rejected',
  },
  familyName: { summary: "the family name of a Latin-script name (the all-caps token; 'FAMILY, Given'; passport order when all caps)" },
  givenName: { summary: 'the given name of a Latin-script name (see familyName)' },
};

export function isTransformId(id: string): boolean {
  return Object.hasOwn(TRANSFORMS, id);
}

/** The ids in `steps` that are not transforms (for validating a profile). */
export function unknownTransforms(steps: readonly TransformStep[]): string[] {
  return steps.map((s) => (typeof s === 'string' ? s : s.id)).filter((id) => !isTransformId(id));
}

/** One function applying the steps in order; throws for an unknown transform id (a profile error). */
export function compileTransforms(steps: readonly TransformStep[]): (value: string) => TransformResult {
  const bound = steps.map((step) => {
    const id = typeof step === 'string' ? step : step.id;
    const options: TransformOptions | undefined = typeof step === 'string' ? undefined : step.options;
    const transform = Object.hasOwn(TRANSFORMS, id) ? TRANSFORMS[id] : undefined;
    if (transform === undefined) throw new Error(`unknown transform "${id}" (known: ${Object.keys(TRANSFORMS).join(', ')})`);
    return (value: string): TransformResult => transform(value, options);
  });
  // The last step's result is the chain's (no copy of it per value); an empty chain passes the value through.
  if (bound.length === 0) return (value: string): TransformResult => ok(value);
  return (value: string): TransformResult => {
    let result = (bound[0] as (value: string) => TransformResult)(value);
    for (let i = 1; i < bound.length && result.ok; i++) result = (bound[i] as (value: string) => TransformResult)(result.value);
    return result;
  };
}

/** Applies the steps to one value (compile once with compileTransforms for many values). */
export function applyTransforms(value: string, steps: readonly TransformStep[]): TransformResult {
  return compileTransforms(steps)(value);
}
