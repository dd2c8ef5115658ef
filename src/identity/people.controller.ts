import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { PEOPLE_LOOKUP_ROLES } from '../access/visibility';
import { ApiPage, Page } from '../common/pagination';
import { Allow, Auth } from './access.decorator';
import type { AuthUser } from './auth-user';
import { ListPeopleQuery, PersonDto } from './people.dto';
import { PeopleService } from './people.service';

/**
 * People as planners pick them, apart from /users (accounts, as administrators manage them): a
 * planner gets a name and a department, never a username, password state or session.
 */
@ApiTags('identity')
@ApiBearerAuth()
@Controller('people')
export class PeopleController {
  constructor(private readonly service: PeopleService) {}

  /** Active inspectors and round leads, by name; for those who plan rounds (a verifier only in a lead office). */
  @Get()
  @Allow(...PEOPLE_LOOKUP_ROLES)
  @ApiPage(PersonDto)
  list(@Auth() auth: AuthUser, @Query() query: ListPeopleQuery): Promise<Page<PersonDto>> {
    return this.service.list(auth, query);
  }
}
