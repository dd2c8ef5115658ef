import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { DepartmentsService } from './departments.service';
import { FirstAdminService } from './first-admin.service';
import { AuthController, DepartmentsController, UsersController } from './identity.controller';
import { IdentityRepository } from './identity.repository';
import { UsersService } from './users.service';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.jwtSecret,
        signOptions: { expiresIn: config.JWT_EXPIRES_IN as `${number}h` },
      }),
    }),
  ],
  controllers: [AuthController, UsersController, DepartmentsController],
  providers: [
    IdentityRepository,
    AuthService,
    UsersService,
    DepartmentsService,
    FirstAdminService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [IdentityRepository],
})
export class IdentityModule {}
