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
 * Integrity authority — the `discipline_office` role, a verifier's seat in the integrity lead
 * office, and the integrity lead office itself — is the discipline office's to give and take back,
 * and so is a way into an account that holds it (enabling it again, resetting its password). An
 * administrator gives it only to appoint the first: while no account, even a disabled one, holds
 * the discipline_office role (disabling the office and appointing another must not be a way in).
 * Otherwise whoever runs the accounts could make themselves or a friend the office that audits
 * integrity cases.
 */
@Injectable()
export class IntegrityAuthority {
  constructor(private readonly identity: IdentityRepository) {}

  /** Refuses (403) a caller who may not give, take back or open `what` now; answers under which authority it may. */
  async grantedAs(manager: EntityManager, auth: AuthUser | null, what: string): Promise<GrantedAs> {
    if (!auth) return 'service';
    if (auth.roles.includes('discipline_office')) return 'discipline_office';
    if (auth.roles.includes('admin') && (await this.identity.disciplineOfficeAccounts(manager)) === 0) return 'first_appointment';
    throw new ForbiddenException(
      `Only a discipline-office user grants, revokes or opens ${what}; an administrator may do so only while no account holds the discipline_office role, to appoint the first`,
    );
  }
}

/** Whether an account with these roles in this department holds integrity authority: the discipline office, or a verifier of the integrity lead office. */
export async function holdsIntegrityAuthority(manager: EntityManager, identity: IdentityRepository, roles: readonly string[], departmentId: string | null): Promise<boolean> {
  if (roles.includes('discipline_office')) return true;
  if (!roles.includes('verifier') || !departmentId) return false;
  return (await identity.findDepartment(manager, departmentId))?.leadOfficeFor.includes('integrity') ?? false;
}
