import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { IdentityRepository } from './identity.repository';
import { passwordProblem } from './passwords';
import { UsersService } from './users.service';

const FIRST_ADMIN = 'admin';

/** On first start with no users, creates `admin` with ADMIN_PASSWORD, or a generated password printed once. */
@Injectable()
export class FirstAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(FirstAdminService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly identity: IdentityRepository,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.identity.countUsers()) > 0) return;
    const password = this.config.ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
    const problem = passwordProblem(password, FIRST_ADMIN);
    if (problem) throw new Error(`ADMIN_PASSWORD ${problem}`);
    try {
      await this.users.create(null, { username: FIRST_ADMIN, password, displayName: 'Administrator', roles: ['admin'] });
    } catch (error) {
      // Another instance starting on the same empty database created it first (a conflict, or the
      // unique username refusing the second insert when both looked at the same moment).
      if ((await this.identity.countUsers()) > 0) return;
      throw error;
    }
    if (this.config.ADMIN_PASSWORD) {
      this.logger.log('Created the first account "admin" with the password from ADMIN_PASSWORD');
    } else {
      this.logger.warn(`Created the first account "admin" with the password: ${password}  (shown once; change it)`);
    }
  }
}
