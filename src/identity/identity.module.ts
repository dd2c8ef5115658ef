import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { DepartmentsService } from './departments.service';
import { DevicesService } from './devices.service';
import { FirstAdminService } from './first-admin.service';
import { AuthController } from './auth.controller';
import { DepartmentsController } from './departments.controller';
import { DevicesController } from './devices.controller';
import { MeController } from './me.controller';
import { UsersController } from './users.controller';
import { PeopleController } from './people.controller';
import { PeopleService } from './people.service';
import { IdentityRepository } from './identity.repository';
import { IntegrityAuthority } from './integrity-authority';
import { LoginThrottle } from './login-throttle';
import { RateLimiters } from './rate-limiters';
import { UsersService } from './users.service';
import { WriteRateLimitGuard } from './write-rate-limit.guard';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DepartmentEntity } from './department.entity';
import { PartyBranchEntity } from './party-branch.entity';
import { PartyBranchesController } from './party-branches.controller';
import { PartyBranchesService } from './party-branches.service';
import { UserEntity } from './user.entity';
import { SessionEntity } from './session.entity';
import { DeviceEntity } from './device.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([DepartmentEntity, PartyBranchEntity, UserEntity, SessionEntity, DeviceEntity]),
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        // A KeyObject made once: given a string, jsonwebtoken re-derives (and first mis-parses) the key on every call.
        const key = createSecretKey(Buffer.from(config.jwtSecret));
        return {
          secretOrKeyProvider: () => key,
          signOptions: { expiresIn: config.JWT_EXPIRES_IN as `${number}m`, algorithm: 'HS256' },
          verifyOptions: { algorithms: ['HS256'] },
        };
      },
    }),
  ],
  controllers: [AuthController, MeController, UsersController, PeopleController, DevicesController, DepartmentsController, PartyBranchesController],
  providers: [
    IdentityRepository,
    IntegrityAuthority,
    AuthService,
    UsersService,
    PeopleService,
    DepartmentsService,
    PartyBranchesService,
    DevicesService,
    LoginThrottle,
    RateLimiters,
    FirstAdminService,
    // In this order: writes are counted per authenticated user.
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: WriteRateLimitGuard },
  ],
  exports: [IdentityRepository],
})
export class IdentityModule {}
