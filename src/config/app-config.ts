import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import ipaddr from 'ipaddr.js';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { AssessmentWeights, GradeThresholds } from '../assessments/assessment';
import { AUDIENCES, Audience, FindingInput, Severity, TimerPolicy, days } from '../../workflows';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toNumber = toInt;
const toBoolean = ({ value }: { value: unknown }) => value === true || value === 'true' || value === '1';
const ESCALATION_LEVELS_FORMAT = new RegExp(`^\\d+(\\.\\d+)?:(${AUDIENCES.join('|')})(,\\d+(\\.\\d+)?:(${AUDIENCES.join('|')}))*$`);

/** Everything the service reads from the environment, validated once at start. */
export class AppConfig {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** `postgres://…` for PostgreSQL; anything else is a SQLite file path (or `sqlite:path`). */
  @IsString()
  DATABASE_URL = './data/triple-round.sqlite';

  /**
   * Processes serving the port: a number, or `auto` for one per core on PostgreSQL and one on SQLite,
   * whose writers take turns in one process (more than one is refused there).
   */
  @Matches(/^(auto|[1-9]\d{0,2})$/, { message: 'WORKERS must be auto or a number of processes from 1 to 999' })
  WORKERS = 'auto';

  /** The first account's password; held to the password policy when that account is created. */
  @IsOptional()
  @IsString()
  ADMIN_PASSWORD?: string;

  @IsOptional()
  @IsString()
  @MinLength(32)
  JWT_SECRET?: string;

  /** How long an access token lives; a refresh token gets the next one. */
  @Matches(/^[1-9]\d*[smh]$/, { message: 'JWT_EXPIRES_IN must be a number of seconds, minutes or hours, e.g. 15m' })
  JWT_EXPIRES_IN = '15m';

  /** A sign-in session not refreshed for this long ends. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  REFRESH_TOKEN_TTL_HOURS = 12;

  /**
   * Failed logins in a row for one username from one address before that username is locked out at
   * that address (elsewhere it still signs in); a success starts the count again.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES = 5;

  /** Failed logins from one address in a day, whatever the usernames, before the address is locked out for a day. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES_PER_ADDRESS = 100;

  /** How long failures in a row for a username from an address are counted, and how long the lockout they cause lasts. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_LOCKOUT_SECONDS = 900;

  /** Each failed login in a row for a username from an address is answered this much later than the one before. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  LOGIN_SLOWDOWN_MS = 500;

  /** Writes (POST, PATCH, DELETE) one user may make per minute. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WRITES_PER_MINUTE = 300;

  /** Origins allowed to call the API from a browser, comma-separated; none by default. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  /**
   * Behind a reverse proxy: which proxies' X-Forwarded-For to believe, so lockouts apply to the real
   * client address. A hop count (`1`: the proxy in front of the service), or the proxies' addresses
   * and CIDR ranges, comma-separated. Never every hop: a client could name its own address. `true`
   * still means one hop (with a warning at start); unset, none.
   */
  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  /** The bearer token GET /metrics asks of Prometheus; unset, the route answers 404. */
  @IsOptional()
  @IsString()
  @MinLength(16)
  METRICS_TOKEN?: string;

  /** On SIGTERM, how long requests in flight have to finish before their connections are closed. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS = 10_000;

  /** `production` refuses to start without JWT_SECRET. */
  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** The hospital's time zone: calendar dates (deadlines, "today") are read in it. */
  @IsString()
  TIME_ZONE = 'Asia/Shanghai';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  DEADLINE_DAYS_CRITICAL = 7;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  DEADLINE_DAYS_MAJOR = 15;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  DEADLINE_DAYS_MINOR = 30;

  /** A finding is due soon (and its department reminded) this many days before its deadline. */
  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  DUE_SOON_DAYS = 3;

  /**
   * The escalation ladder (督办): `days overdue:who hears`, comma-separated, days increasing. Who is
   * one of department_staff (the responsible department), verifier (the round type's lead office),
   * discipline_office, round_lead.
   */
  @Matches(ESCALATION_LEVELS_FORMAT, {
    message: `ESCALATION_LEVELS must be days:audience pairs, comma-separated, e.g. 3:department_staff,7:verifier,14:discipline_office (audiences: ${AUDIENCES.join(', ')})`,
  })
  ESCALATION_LEVELS = '3:department_staff,7:verifier,14:discipline_office';

  /** How often the service looks for due timers and webhook deliveries; 0 turns the polling off. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SCHEDULER_INTERVAL_MS = 1000;

  /** Timers fired per transaction: more keeps up with a backlog faster, fewer holds up requests less on SQLite. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SCHEDULER_BATCH_SIZE = 200;

  /** PostgreSQL: transactions firing timers side by side (each takes a connection from the pool while it runs). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SCHEDULER_WORKERS = 4;

  /** Recurring round plans: each occurrence is planned as a round this many days ahead of its date. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(366)
  ROUND_PLAN_HORIZON_DAYS = 14;

  /** Webhook URLs may resolve to loopback or private addresses (a hospital intranet); refused otherwise. */
  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE_NETWORKS = false;

  /** Tries of one webhook delivery before it is dead-lettered. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOK_MAX_ATTEMPTS = 8;

  /** Wait after the first failed try; each further failure doubles it. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  WEBHOOK_BACKOFF_MS = 30_000;

  /** A receiver that has not answered in this long has failed the try. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  WEBHOOK_TIMEOUT_MS = 10_000;

  /**
   * Where people open the service (`https://rounds.hospital.example`): robot messages and e-mails
   * link to a finding at `${PUBLIC_URL}/console/findings/<id>`. Unset, they carry no link.
   */
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'PUBLIC_URL must be an http or https URL' })
  PUBLIC_URL?: string;

  /** The mail server e-mail endpoints are sent through (`smtps://user:password@mail.hospital.example`); unset, no e-mail endpoint can be registered. */
  @IsOptional()
  @IsUrl({ protocols: ['smtp', 'smtps'], require_protocol: true, require_tld: false }, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** The sender of notice e-mails. */
  @IsEmail({ require_tld: false }, { message: 'NOTIFY_EMAIL_FROM must be an e-mail address' })
  NOTIFY_EMAIL_FROM = 'triple-round@localhost';

  /** The language robot messages and e-mails are written in. */
  @IsIn(['zh', 'en'])
  NOTIFY_LANGUAGE: 'zh' | 'en' = 'zh';

  /** Extension requests (申请延期) a finding may have, whatever became of them. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  EXTENSION_LIMIT = 2;

  /** Assessment: share of the average round score; with ASSESSMENT_TIMELINESS_WEIGHT it must make 1. */
  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(1)
  ASSESSMENT_SCORE_WEIGHT = 0.6;

  /** Assessment: share of the on-time rate (closed on time ÷ closed or overdue). */
  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(1)
  ASSESSMENT_TIMELINESS_WEIGHT = 0.4;

  /** Assessment: points off per vetoed round (一票否决). */
  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  ASSESSMENT_VETO_PENALTY = 20;

  /** Assessment: points off per finding overdue at month end. */
  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  ASSESSMENT_OVERDUE_PENALTY = 2;

  /** Assessment: points off per reopening in the month. */
  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  ASSESSMENT_REOPEN_PENALTY = 2;

  /** Assessment: points off per relapse (反弹: a follow-up check failed) in the month. */
  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  ASSESSMENT_RELAPSE_PENALTY = 2;

  /** Assessment: the lowest figure of 优秀, 良好 and 合格, in that order and decreasing; below `pass` is 不合格. */
  @Matches(/^excellent:\d+(\.\d+)?,good:\d+(\.\d+)?,pass:\d+(\.\d+)?$/, {
    message: 'ASSESSMENT_GRADE_THRESHOLDS must read like excellent:90,good:80,pass:60',
  })
  ASSESSMENT_GRADE_THRESHOLDS = 'excellent:90,good:80,pass:60';

  /** How long an Idempotency-Key is remembered. */
  @Transform(toInt)
  @IsInt()
  @Min(24)
  IDEMPOTENCY_TTL_HOURS = 48;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  DB_POOL_SIZE = 10;

  /**
   * PostgreSQL: a transaction left idle this long (its process stuck between two statements) is
   * ended by the server, so it cannot hold back the audit sealer, which links only entries older
   * than every open writing transaction; 0 lets it wait forever.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;

  /** PostgreSQL: the longest a statement of the service may run (or wait for a lock) before the server cancels it; 0 for no limit. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  DB_STATEMENT_TIMEOUT_MS = 0;

  /** PostgreSQL: how often the audit sealer links committed entries to the chain (also at once after each write). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  AUDIT_SEAL_INTERVAL_MS = 100;

  /** Where evidence files are kept, each under its SHA-256. */
  @IsString()
  ATTACHMENTS_DIR = './data/attachments';

  /** Where export jobs write their files, each named by its job's id; ATTACHMENTS_DIR/exports if unset. */
  @IsOptional()
  @IsString()
  EXPORTS_DIR?: string;

  /** How long a background job (an export, a verification) and its file are kept after it was asked for. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  JOB_TTL_HOURS = 24;

  /**
   * A job whose instance has not reported on it for this long is failed: the instance stopped. A
   * running job reports at least every minute.
   */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  JOB_STALE_MINUTES = 5;

  /** The largest file accepted, in megabytes. */
  @Transform(toNumber)
  @IsNumber()
  @Min(0.001)
  ATTACHMENT_MAX_MB = 20;

  /** The largest problem list POST /findings/import accepts (xlsx or CSV), in megabytes: 413 over it. */
  @Transform(toNumber)
  @IsNumber()
  @Min(0.001)
  IMPORT_MAX_MB = 5;

  /** The most rows one import may hold: 413 over it. Five thousand import in a few seconds (docs/benchmarks.md). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  IMPORT_MAX_ROWS = 10_000;

  /** An upload no finding has used by then is deleted. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  ATTACHMENT_UNUSED_HOURS = 24;

  /** The largest photo accepted, in megapixels (width × height): a small file can declare a huge image, which decoding would have to hold in memory. */
  @Transform(toNumber)
  @IsNumber()
  @Min(0.01)
  ATTACHMENT_MAX_MEGAPIXELS = 50;

  /** What one user may upload per day (in the hospital's time zone), in megabytes. */
  @Transform(toNumber)
  @IsNumber()
  @Min(0.001)
  ATTACHMENT_DAILY_QUOTA_MB = 500;

  /** Uploads are refused (507) while storing one would leave less than this free in ATTACHMENTS_DIR, in megabytes. */
  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  ATTACHMENT_MIN_FREE_MB = 1024;

  /** Attachments SUBMIT_EVIDENCE needs, by severity, e.g. `critical:1,major:1`; severities not named need none. */
  @Matches(/^((minor|major|critical):\d+(,(minor|major|critical):\d+)*)?$/, {
    message: 'EVIDENCE_REQUIRED must read like critical:1,major:1',
  })
  EVIDENCE_REQUIRED = 'critical:1';

  /** Working days (Saturdays and Sundays not counted) a department has to sign for an assigned finding (签收). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RECEIPT_DAYS = 2;

  /** Days after closing that the follow-up check (回头看) falls due, by severity, e.g. `critical:30,major:60`; severities not named get none. */
  @Matches(/^((minor|major|critical):\d+(,(minor|major|critical):\d+)*)?$/, {
    message: 'FOLLOW_UP_DAYS must read like critical:30,major:60',
  })
  FOLLOW_UP_DAYS = 'critical:30,major:60';

  /** Closed findings drawn each month for the discipline office's closure audit, beside those the machine sends it. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  CLOSURE_AUDIT_SAMPLE = 5;

  get isPostgres(): boolean {
    return /^postgres(ql)?:\/\//.test(this.DATABASE_URL);
  }

  get corsOrigins(): string[] {
    return (this.CORS_ORIGINS ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
  }

  get sqlitePath(): string {
    return this.DATABASE_URL.replace(/^sqlite:(\/\/)?/, '');
  }

  get assessmentWeights(): AssessmentWeights {
    return {
      score: this.ASSESSMENT_SCORE_WEIGHT,
      timeliness: this.ASSESSMENT_TIMELINESS_WEIGHT,
      vetoPenalty: this.ASSESSMENT_VETO_PENALTY,
      overduePenalty: this.ASSESSMENT_OVERDUE_PENALTY,
      reopenPenalty: this.ASSESSMENT_REOPEN_PENALTY,
      relapsePenalty: this.ASSESSMENT_RELAPSE_PENALTY,
    };
  }

  /** When time speaks to a finding, read once at start from DUE_SOON_DAYS and ESCALATION_LEVELS. */
  readonly timerPolicy: TimerPolicy;

  /** Attachments SUBMIT_EVIDENCE needs for a finding of this severity (EVIDENCE_REQUIRED). */
  evidenceRequired(severity: Severity): number {
    return bySeverity(this.EVIDENCE_REQUIRED, severity) ?? 0;
  }

  /** What a new finding of this severity has fixed for its life: the machine's input beside its own facts. */
  findingRules(severity: Severity): Pick<FindingInput, 'defaultDeadlineDays' | 'extensionLimit' | 'evidenceRequired' | 'receiptDays' | 'followUpDays'> {
    return {
      defaultDeadlineDays: this.deadlineDays(severity),
      extensionLimit: this.EXTENSION_LIMIT,
      evidenceRequired: this.evidenceRequired(severity),
      receiptDays: this.RECEIPT_DAYS,
      followUpDays: bySeverity(this.FOLLOW_UP_DAYS, severity),
    };
  }

  deadlineDays(severity: Severity): number {
    return { critical: this.DEADLINE_DAYS_CRITICAL, major: this.DEADLINE_DAYS_MAJOR, minor: this.DEADLINE_DAYS_MINOR }[
      severity
    ];
  }

  /** The processes serving the port, WORKERS read for the database (see WORKERS). */
  readonly workers: number;

  /** TRUST_PROXY as Fastify's trustProxy: none, a hop count, or the proxies' addresses and ranges. */
  readonly trustProxy: false | number | string[];

  get gradeThresholds(): GradeThresholds {
    return Object.fromEntries(this.ASSESSMENT_GRADE_THRESHOLDS.split(',').map((part) => part.split(':')).map(([grade, at]) => [grade, Number(at)])) as unknown as GradeThresholds;
  }

  /** What the operator should hear at start about settings that still work but should change. */
  readonly warnings: string[];

  /** A secret made up at start signs tokens that die with the process: fine for a trial, not for a ward. */
  readonly jwtSecret: string;
  readonly jwtSecretGenerated: boolean;

  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): AppConfig {
    const known = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
    const config = plainToInstance(AppConfig, known, { excludeExtraneousValues: false });
    const errors = validateSync(config, { skipMissingProperties: false, whitelist: false });
    if (errors.length > 0) {
      const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
      throw new InvalidConfiguration(lines.join('\n'));
    }
    if (Math.abs(config.ASSESSMENT_SCORE_WEIGHT + config.ASSESSMENT_TIMELINESS_WEIGHT - 1) > 1e-9) {
      throw new InvalidConfiguration('  ASSESSMENT_SCORE_WEIGHT + ASSESSMENT_TIMELINESS_WEIGHT: must add up to 1, so the assessment stays on the 0–100 scale');
    }
    const grades = config.gradeThresholds;
    if (!(grades.excellent > grades.good && grades.good > grades.pass && grades.excellent <= 100)) {
      throw new InvalidConfiguration('  ASSESSMENT_GRADE_THRESHOLDS: must decrease from excellent to pass, within 0–100');
    }
    const timerPolicy: TimerPolicy = {
      dueSoonMs: days(config.DUE_SOON_DAYS),
      escalations: config.ESCALATION_LEVELS.split(',').map((level) => {
        const [after, audience] = level.split(':');
        return { afterMs: days(Number(after)), audience: audience as Audience };
      }),
    };
    const ladder = timerPolicy.escalations.map((level) => level.afterMs);
    if (ladder.some((after, i) => i > 0 && after <= ladder[i - 1])) {
      throw new InvalidConfiguration('  ESCALATION_LEVELS: days overdue must increase from one level to the next');
    }
    if (config.NODE_ENV === 'production' && config.JWT_SECRET === undefined) {
      throw new InvalidConfiguration('  JWT_SECRET: must be set in production (tokens signed with a made-up secret die with the process)');
    }
    const workers = config.WORKERS === 'auto' ? (config.isPostgres ? availableParallelism() : 1) : Number(config.WORKERS);
    if (workers > 1 && !config.isPostgres) {
      throw new InvalidConfiguration(
        `  WORKERS: must be 1 (or auto) on SQLite, not ${config.WORKERS}: its writers take turns in one process, and a second process on the same file would wait on SQLite's lock instead`,
      );
    }
    const trustProxy = parseTrustProxy(config.TRUST_PROXY);
    const warnings =
      config.TRUST_PROXY?.trim().toLowerCase() === 'true'
        ? ['TRUST_PROXY=true now means one hop (the proxy in front of the service); set TRUST_PROXY=1, or the proxies\' addresses, to say so']
        : [];
    Object.assign(config, {
      workers,
      trustProxy,
      warnings,
      timerPolicy,
      jwtSecret: config.JWT_SECRET ?? randomBytes(32).toString('hex'),
      jwtSecretGenerated: config.JWT_SECRET === undefined,
    });
    return config;
  }
}

/** Settings the service cannot start with: each line names one and says why. */
export class InvalidConfiguration extends Error {
  constructor(lines: string) {
    super(`Invalid configuration:\n${lines}`);
  }
}

/**
 * TRUST_PROXY read as Fastify's trustProxy: a client's own X-Forwarded-For entries are believed
 * only as far as the hops or proxies named.
 */
function parseTrustProxy(value: string | undefined): false | number | string[] {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '' || text === 'false' || text === '0') return false;
  if (text === 'true') return 1;
  if (/^\d+$/.test(text)) return Number(text);
  const proxies = text.split(',').map((entry) => entry.trim());
  const bad = proxies.find((entry) => !isAddressOrRange(entry));
  if (bad !== undefined) {
    throw new InvalidConfiguration(
      `  TRUST_PROXY: must be a hop count (e.g. 1), or the proxies' addresses and CIDR ranges, comma-separated (e.g. 10.0.0.5,10.1.0.0/16); "${bad}" is neither`,
    );
  }
  return proxies;
}

const isAddressOrRange = (entry: string): boolean =>
  ipaddr.IPv4.isValidFourPartDecimal(entry) ||
  ipaddr.IPv4.isValidCIDRFourPartDecimal(entry) ||
  ipaddr.IPv6.isValid(entry) ||
  ipaddr.IPv6.isValidCIDR(entry);

/** The number a `severity:n,…` setting gives a severity, or null when it names none. */
function bySeverity(setting: string, severity: Severity): number | null {
  const rule = setting.split(',').find((part) => part.startsWith(`${severity}:`));
  return rule ? Number(rule.split(':')[1]) : null;
}
