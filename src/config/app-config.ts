import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength, validateSync } from 'class-validator';
import { randomBytes } from 'node:crypto';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

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

  @IsOptional()
  @IsString()
  @MinLength(8)
  ADMIN_PASSWORD?: string;

  @IsOptional()
  @IsString()
  @MinLength(32)
  JWT_SECRET?: string;

  @IsString()
  JWT_EXPIRES_IN = '12h';

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

  /** How long an Idempotency-Key is remembered. */
  @Transform(toInt)
  @IsInt()
  @Min(24)
  IDEMPOTENCY_TTL_HOURS = 48;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  DB_POOL_SIZE = 10;

  get isPostgres(): boolean {
    return /^postgres(ql)?:\/\//.test(this.DATABASE_URL);
  }

  get sqlitePath(): string {
    return this.DATABASE_URL.replace(/^sqlite:(\/\/)?/, '');
  }

  deadlineDays(severity: 'minor' | 'major' | 'critical'): number {
    return { critical: this.DEADLINE_DAYS_CRITICAL, major: this.DEADLINE_DAYS_MAJOR, minor: this.DEADLINE_DAYS_MINOR }[
      severity
    ];
  }

  /** A secret made up at start signs tokens that die with the process: fine for a trial, not for a ward. */
  readonly jwtSecret: string;
  readonly jwtSecretGenerated: boolean;

  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): AppConfig {
    const known = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
    const config = plainToInstance(AppConfig, known, { excludeExtraneousValues: false });
    const errors = validateSync(config, { skipMissingProperties: false, whitelist: false });
    if (errors.length > 0) {
      const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
      throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
    }
    Object.assign(config, {
      jwtSecret: config.JWT_SECRET ?? randomBytes(32).toString('hex'),
      jwtSecretGenerated: config.JWT_SECRET === undefined,
    });
    return config;
  }
}
