import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Database } from '../database/database';
import { Public } from '../identity/access.decorator';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly db: Database) {}

  @Get()
  @Public()
  async check(): Promise<{ status: 'ok'; database: 'postgres' | 'sqlite' }> {
    try {
      await this.db.read((manager) => manager.query('SELECT 1'));
    } catch {
      throw new ServiceUnavailableException('The database does not answer');
    }
    return { status: 'ok', database: this.db.isPostgres ? 'postgres' : 'sqlite' };
  }
}
