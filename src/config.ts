/**
 * The only reader of process.env. Validated once, frozen, and failing with a message a person
 * understands (which variable, what it holds, what was expected).
 */
import { PopulusError } from './domain/errors.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  /** `sqlite:PATH`, `sqlite::memory:` or `postgres://…`. */
  readonly databaseUrl: string;
  readonly port: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  /** The street (9-digit area code) this node serves; decides who counts as living "here". */
  readonly homeArea: string;
  /** Largest request body accepted, in bytes. */
  readonly bodyLimitBytes: number;
  /** 'auto': `serve` loads the demo street into an empty database; 'off': never. */
  readonly demo: 'auto' | 'off';
  /** Size of that demo street (1 = the whole street of 81,800 residents). */
  readonly demoScale: number;
}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/populus.db';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function invalid(variable: string, value: string, expected: string): never {
  throw new PopulusError('CONFIG_INVALID', `${variable}="${value}" is not valid: expected ${expected}`, { variable });
}

function parsePort(variable: string, raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 65535) invalid(variable, raw, 'a port number from 1 to 65535');
  return n;
}

export function parseDatabaseUrl(variable: string, url: string): string {
  if (/^sqlite:.+/.test(url) || /^postgres(ql)?:\/\/.+/.test(url)) return url;
  return invalid(variable, redactUrl(url), 'sqlite:PATH (e.g. sqlite:./data/populus.db) or postgres://user@host:5432/db');
}

/** Removes a password from a connection URL so it can be shown or logged. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]+):[^@]*@/i, '$1:***@');
}

export interface ConfigOverrides {
  readonly databaseUrl?: string | undefined;
  readonly port?: string | number | undefined;
  readonly host?: string | undefined;
  readonly logLevel?: string | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const databaseUrl = overrides.databaseUrl ?? env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL;
  const portRaw = String(overrides.port ?? env['PORT'] ?? '8080');
  const logLevel = (overrides.logLevel ?? env['LOG_LEVEL'] ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) invalid('LOG_LEVEL', logLevel, LOG_LEVELS.join(', '));
  const homeArea = env['POPULUS_HOME_AREA'] ?? '310105004';
  if (!/^\d{9}$/.test(homeArea)) invalid('POPULUS_HOME_AREA', homeArea, 'a 9-digit street code such as 310105004');
  const bodyLimitRaw = env['POPULUS_BODY_LIMIT_BYTES'] ?? String(1024 * 1024);
  if (!/^\d+$/.test(bodyLimitRaw)) invalid('POPULUS_BODY_LIMIT_BYTES', bodyLimitRaw, 'a number of bytes');
  const demo = env['POPULUS_DEMO'] ?? 'auto';
  if (demo !== 'auto' && demo !== 'off') invalid('POPULUS_DEMO', demo, 'auto or off');
  const demoScaleRaw = env['POPULUS_DEMO_SCALE'] ?? '0.1';
  const demoScale = Number(demoScaleRaw);
  if (!(demoScale > 0 && demoScale <= 10)) invalid('POPULUS_DEMO_SCALE', demoScaleRaw, 'a number above 0 and at most 10');
  return Object.freeze({
    demo,
    demoScale,
    databaseUrl: parseDatabaseUrl(overrides.databaseUrl !== undefined ? '--database' : 'DATABASE_URL', databaseUrl),
    port: parsePort(overrides.port !== undefined ? '--port' : 'PORT', portRaw),
    host: overrides.host ?? env['HOST'] ?? '127.0.0.1',
    logLevel,
    homeArea,
    bodyLimitBytes: Number(bodyLimitRaw),
  });
}
