import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Database } from '../database/database';
import { Public } from '../identity/access.decorator';
import { GracefulShutdown } from './graceful-shutdown';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: Database,
    private readonly shutdown: GracefulShutdown,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get()
  @Public()
  async check(): Promise<{ status: 'ok'; database: 'postgres' | 'sqlite' }> {
    await this.databaseAnswers();
    return { status: 'ok', database: this.db.isPostgres ? 'postgres' : 'sqlite' };
  }

  /** The process answers: a supervisor restarts it when this fails. */
  @Get('live')
  @Public()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The instance may be sent requests: 503 with the reason while it may not (a load balancer takes it out). */
  @Get('ready')
  @Public()
  async ready(): Promise<{ status: 'ok' }> {
    if (this.shutdown.shuttingDown) throw new ServiceUnavailableException('The service is shutting down');
    await this.databaseAnswers();
    // Compares the migrations this build carries with those the database's migrations table records.
    const pending = await this.db.read(() => this.dataSource.showMigrations()).catch(() => {
      throw new ServiceUnavailableException('The database does not answer');
    });
    if (pending) throw new ServiceUnavailableException('Migrations are pending');
    return { status: 'ok' };
  }

  private async databaseAnswers(): Promise<void> {
    try {
      await this.db.read((manager) => manager.query('SELECT 1'));
    } catch {
      throw new ServiceUnavailableException('The database does not answer');
    }
  }
}
