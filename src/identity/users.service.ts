import { ConflictException, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InvalidInputException } from '../common/api-error';
import { Page, page } from '../common/pagination';
import { Database } from '../database/database.service';
import type { AuthUser } from './auth-user';
import { CreateUserDto, ListUsersQuery, UserDto } from './identity.dto';
import { IdentityRepository } from './identity.repository';
import { hashPassword } from './passwords';
import { UserEntity } from './user.entity';

@Injectable()
export class UsersService {
  constructor(
    private readonly db: Database,
    private readonly identity: IdentityRepository,
  ) {}

  async create(auth: AuthUser | null, dto: CreateUserDto): Promise<UserDto> {
    if (!dto.departmentId && dto.roles.some((role) => role === 'department_staff' || role === 'verifier')) {
      throw new InvalidInputException([
        { field: 'departmentId', reason: 'is required for department_staff and verifier users' },
      ]);
    }
    const passwordHash = await hashPassword(dto.password);
    return this.db.write(auth?.request ?? null, async (manager) => {
      if (dto.departmentId && !(await this.identity.findDepartment(manager, dto.departmentId))) {
        throw new InvalidInputException([{ field: 'departmentId', reason: 'names no known department' }]);
      }
      if (await manager.existsBy(UserEntity, { username: dto.username })) {
        throw new ConflictException(`The username "${dto.username}" is taken`);
      }
      const user = manager.create(UserEntity, {
        id: randomUUID(),
        username: dto.username,
        passwordHash,
        displayName: dto.displayName,
        roles: dto.roles,
        departmentId: dto.departmentId ?? null,
        active: true,
        tokenVersion: 0,
      });
      return UserDto.from(await manager.save(user));
    });
  }

  async list(_auth: AuthUser, query: ListUsersQuery): Promise<Page<UserDto>> {
    const [users, total] = await this.db.read((manager) =>
      manager.findAndCount(UserEntity, { order: { username: 'ASC' }, take: query.limit, skip: query.offset }),
    );
    return page(users.map(UserDto.from), total, query);
  }
}
