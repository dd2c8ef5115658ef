import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InvalidInputException } from '../common/api-error';
import { Clock } from '../common/clock';
import { Page, page } from '../common/pagination';
import { Database } from '../database/database';
import { RowMapper } from '../database/row-mapper';
import type { AuthUser } from './auth-user';
import { DeviceEntity } from './device.entity';
import { DeviceDto, ListDevicesQuery, RegisterDeviceDto, RegisteredDeviceDto } from './identity.dto';
import { recordSecurityEvent, signedIn } from './security-events';
import { DEVICE_TOKEN_PREFIX, hashToken, newSecret } from './tokens';
import { UserEntity } from './user.entity';

/** Tablets an inspection team signs in with, registered and revoked by an administrator. */
@Injectable()
export class DevicesService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  register(auth: AuthUser, dto: RegisterDeviceDto): Promise<RegisteredDeviceDto> {
    return this.db.write(auth.request, async (manager) => {
      const user = await manager.findOneBy(UserEntity, { id: dto.userId });
      if (!user?.active || !user.roles.includes('inspector')) {
        throw new InvalidInputException([{ field: 'userId', reason: 'must name an active user with the inspector role' }]);
      }
      const token = DEVICE_TOKEN_PREFIX + newSecret();
      const device: DeviceEntity = {
        id: randomUUID(),
        name: dto.name,
        userId: user.id,
        tokenHash: hashToken(token),
        createdBy: auth.id,
        createdAt: this.clock.now(),
        revokedAt: null,
      };
      await manager.insert(DeviceEntity, device);
      recordSecurityEvent(manager, {
        at: device.createdAt,
        type: 'DEVICE_REGISTERED',
        actor: signedIn(auth),
        entityType: 'device',
        entityId: device.id,
        payload: { name: device.name, userId: device.userId },
      });
      return { ...DeviceDto.from(device), token };
    });
  }

  async list(_auth: AuthUser, query: ListDevicesQuery): Promise<Page<DeviceDto>> {
    const [devices, total] = await this.db.read((manager) =>
      manager.findAndCount(DeviceEntity, { order: { createdAt: 'DESC' }, take: query.limit, skip: query.offset }),
    );
    return page(devices.map(DeviceDto.from), total, query);
  }

  /** Its token stops working at once. Revoking a revoked device changes nothing. */
  revoke(auth: AuthUser, id: string): Promise<void> {
    return this.db.write(auth.request, async (manager) => {
      const device = await RowMapper.of(manager, DeviceEntity).findById(manager, id, { lock: true });
      if (!device) throw new NotFoundException(`No device ${id}`);
      if (device.revokedAt) return;
      const at = this.clock.now();
      await manager.update(DeviceEntity, { id }, { revokedAt: at });
      recordSecurityEvent(manager, { at, type: 'DEVICE_REVOKED', actor: signedIn(auth), entityType: 'device', entityId: id, payload: { name: device.name, userId: device.userId } });
    });
  }
}
