/**
 * The shape of a value transform: a pure function from a cell's text to a normalised text, or a
 * reason it cannot be one, with a stable code that ends up in the rejected-rows file. An empty value
 * passes through every transform unchanged (whether a value is required is the pipeline's business).
 */

/** Stable failure codes of the transforms. */
export const TRANSFORM_FAILURE_CODES = [
  /** Not a date in any accepted format. */
  'INVALID_DATE',
  /** A date that does not exist (2008-02-30, Excel's 1900-02-29). */
  'IMPOSSIBLE_DATE',
  /** Day and month order unknown (5/9/2008 without dayFirst or monthFirst), or a year that could be an Excel day number. */
  'AMBIGUOUS_DATE',
  /** A year outside the accepted range, or an Excel serial outside 1–80000. */
  'DATE_OUT_OF_RANGE',
  /** Not a telephone number after cleaning. */
  'INVALID_PHONE',
  /** Several values in one cell (two phone numbers). */
  'MULTIPLE_VALUES',
  /** A number shown in scientific notation (3.10105E+17): its digits are already lost. */
  'LOSSY_NUMBER',
  /** An ID number with characters other than digits and letters. */
  'INVALID_ID_NUMBER',
  /** A name that is not in Latin script (for familyName / givenName). */
  'NOT_A_LATIN_NAME',
  /** An option a transform does not accept, or a bad option value. */
  'BAD_OPTION',
] as const;

export type TransformFailureCode = (typeof TRANSFORM_FAILURE_CODES)[number];

export type TransformResult =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly code: TransformFailureCode; readonly reason: string };

export type TransformOptions = Readonly<Record<string, unknown>>;

export type Transform = (value: string, options?: TransformOptions) => TransformResult;

/** A step of a mapping profile: a transform id, or an id with options. */
export type TransformStep = string | { readonly id: string; readonly options?: TransformOptions };

export function ok(value: string): TransformResult {
  return { ok: true, value };
}

export function fail(code: TransformFailureCode, reason: string): TransformResult {
  return { ok: false, code, reason };
}
