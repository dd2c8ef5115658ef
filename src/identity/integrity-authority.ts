import { ForbiddenException, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from './auth-user';
import { IdentityRepository } from './identity.repository';

/**
 * Under which authority integrity authority was given, as its security event records it: by the
 * discipline office; by an administrator appointing the first discipline office; by the service
 * itself (its first account).
 */
export type GrantedAs = 'discipline_office' | 'first_appointment' | 'service';

/**
 * Integrity authority — the `discipline_office` role and the integrity lead office — is the
 * discipline office's to give and take back. An administrator gives it only to appoint the first:
 * while no active discipline-office user exists. Otherwise whoever runs the accounts could make
 * themselves or a friend the office that audits integrity cases.
 */
@Injectable()
export class IntegrityAuthority {
  constructor(private readonly identity: IdentityRepository) {}

  /** Refuses (403) a caller who may not give or take back `what` now; answers under which authority it may. */
  async grantedAs(manager: EntityManager, auth: AuthUser | null, what: string): Promise<GrantedAs> {
    if (!auth) return 'service';
    if (auth.roles.includes('discipline_office')) return 'discipline_office';
    if (auth.roles.includes('admin') && (await this.identity.activeDisciplineOfficeUsers(manager)) === 0) return 'first_appointment';
    throw new ForbiddenException(
      `Only a discipline-office user grants or revokes ${what}; an administrator may do so only while no active discipline-office user exists, to appoint the first`,
    );
  }
}
