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
  /** Console sessions, logins and password rotation (docs/access.md). */
  readonly identity: {
    readonly idleTimeoutMinutes: number;
    readonly absoluteTimeoutHours: number;
    /** null = passwords never expire (ASVS 2.1.10, the default). */
    readonly passwordMaxAgeDays: number | null;
  };
  /** Audit entries are kept at least this many days (180 at least, the default). */
  readonly auditRetentionDays: number;
  /** Group commit of the audit log: how long a lone entry waits for company before its flush, in ms. */
  readonly auditWindowMs: number;
  /** SQLite files: write the audit log's group commits on a thread of their own (default true). */
  readonly auditThread: boolean;
  /** Import files are read and mapped on a thread of their own while the main thread writes (default false: no gain on two cores). */
  readonly importThread: boolean;
  /**
   * SQLite files: once this many MiB of the write-ahead log wait to be copied back into the database,
   * a thread of its own copies them (default 64; 0: only the writing connection checkpoints, every 256 MiB).
   */
  readonly checkpointMiB: number;
  /**
   * How far V8 lets the heap grow past what the last full collection kept, in percent (0: V8's own
   * choice, which lets it grow to about 4× during an import). Default 100: at most about twice the live heap.
   */
  readonly heapGrowthPercent: number;
  /** Session cookies carry the Secure attribute (default true; false only for plain-HTTP development). */
  readonly cookieSecure: boolean;
  /** Requests per minute per token, session or address (0 = no limit), and login attempts per minute per address. */
  readonly rateLimitPerMinute: number;
  readonly loginRateLimitPerMinute: number;
  /** The password of the demo accounts `serve` creates with the demo street; empty = generate and print one. */
  readonly demoPassword: string;
  /** `serve` also delivers the change feed to webhook and NATS subscriptions (default true). */
  readonly dispatcher: boolean;
  /** How often the dispatcher looks for new events when idle, in ms (default 100). */
  readonly dispatcherPollMs: number;
  /** `serve` also runs due report schedules, every minute (POPULUS_REPORT_SCHEDULER, default on). */
  readonly reportScheduler: boolean;
  /** NATS server for subscriptions delivered through JetStream (nats://host:4222); empty = none. */
  readonly natsUrl: string;
  /** Webhook URLs may be plain http:// to hosts other than loopback (default false: https only). */
  readonly webhookAllowHttp: boolean;
  /** The CJK font PDF reports embed: a TTF/OTF, or a TTC collection with the face after `#` (POPULUS_CJK_FONT). */
  readonly cjkFont: { readonly path: string; readonly name?: string | undefined };
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
  const int = (variable: string, fallback: string, min: number, max: number, expected: string): number => {
    const raw = env[variable] ?? fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) invalid(variable, raw, expected);
    return n;
  };
  const passwordAgeRaw = env['POPULUS_PASSWORD_MAX_AGE_DAYS'] ?? 'off';
  const passwordMaxAgeDays = passwordAgeRaw === 'off' ? null : int('POPULUS_PASSWORD_MAX_AGE_DAYS', passwordAgeRaw, 1, 3650, 'off or a number of days from 1 to 3650');
  const cookieSecureRaw = env['POPULUS_COOKIE_SECURE'] ?? 'true';
  if (cookieSecureRaw !== 'true' && cookieSecureRaw !== 'false') invalid('POPULUS_COOKIE_SECURE', cookieSecureRaw, 'true or false');
  const demoPassword = env['POPULUS_DEMO_PASSWORD'] ?? '';
  if (demoPassword !== '' && demoPassword.length < 12) invalid('POPULUS_DEMO_PASSWORD', '***', 'at least 12 characters (or unset, to generate one)');
  const onOff = (variable: string, fallback: 'on' | 'off'): boolean => {
    const v = env[variable] ?? fallback;
    if (v !== 'on' && v !== 'off') invalid(variable, v, 'on or off');
    return v === 'on';
  };
  return Object.freeze({
    identity: Object.freeze({
      idleTimeoutMinutes: int('POPULUS_IDLE_TIMEOUT_MINUTES', '15', 1, 1440, 'minutes from 1 to 1440'),
      absoluteTimeoutHours: int('POPULUS_ABSOLUTE_TIMEOUT_HOURS', '8', 1, 72, 'hours from 1 to 72'),
      passwordMaxAgeDays,
    }),
    auditRetentionDays: int('POPULUS_AUDIT_RETENTION_DAYS', '180', 180, 36500, 'a number of days, at least 180'),
    auditThread: onOff('POPULUS_AUDIT_THREAD', 'on'),
    importThread: onOff('POPULUS_IMPORT_THREAD', 'off'),
    checkpointMiB: int('POPULUS_CHECKPOINT_MIB', '64', 0, 4096, 'MiB from 0 (no checkpoint thread) to 4096'),
    heapGrowthPercent: int('POPULUS_HEAP_GROWTH_PERCENT', '100', 0, 400, 'a percentage from 0 (V8 decides) to 400'),
    auditWindowMs: int('POPULUS_AUDIT_WINDOW_MS', '1', 0, 100, 'milliseconds from 0 to 100'),
    cookieSecure: cookieSecureRaw === 'true',
    rateLimitPerMinute: int('POPULUS_RATE_LIMIT_PER_MINUTE', '6000', 0, 10_000_000, 'requests per minute (0 = no limit)'),
    loginRateLimitPerMinute: int('POPULUS_LOGIN_RATE_LIMIT_PER_MINUTE', '20', 1, 10_000, 'login attempts per minute from 1 to 10000'),
    demoPassword,
    dispatcher: onOff('POPULUS_DISPATCHER', 'on'),
    dispatcherPollMs: int('POPULUS_DISPATCHER_POLL_MS', '100', 10, 60_000, 'milliseconds from 10 to 60000'),
    reportScheduler: onOff('POPULUS_REPORT_SCHEDULER', 'on'),
    natsUrl: (() => {
      const v = env['NATS_URL'] ?? '';
      if (v !== '' && !/^(nats|tls|wss?):\/\/.+/.test(v)) invalid('NATS_URL', redactUrl(v), 'nats://host:4222 (or empty)');
      return v;
    })(),
    webhookAllowHttp: onOff('POPULUS_WEBHOOK_ALLOW_HTTP', 'off'),
    cjkFont: (() => {
      const v = env['POPULUS_CJK_FONT'] ?? '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#NotoSansCJKsc-Regular';
      const [path = '', name] = v.split('#', 2);
      if (!path.startsWith('/')) invalid('POPULUS_CJK_FONT', v, 'an absolute path to a TTF/OTF font, or to a TTC collection followed by #FaceName (e.g. /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#NotoSansCJKsc-Regular)');
      return Object.freeze({ path, name: name === undefined || name === '' ? undefined : name });
    })(),
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
