import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessEvents } from './access-events.js';
import { AccessGuard } from './access.guard.js';
import { AdminBootstrapService } from './admin-bootstrap.service.js';
import { AuthController } from './auth.controller.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { PasswordService } from './password.service.js';
import { PasswordsController } from './passwords.controller.js';
import { SessionService } from './session.service.js';
import { UsersService } from './users.service.js';

@Global()
@Module({
  controllers: [AuthController, PasswordsController],
  providers: [
    { provide: APP_GUARD, useClass: AccessGuard },
    AccessEvents,
    AdminBootstrapService,
    LoginRateLimiter,
    PasswordService,
    SessionService,
    UsersService,
  ],
  exports: [AccessEvents, PasswordService, SessionService, UsersService, AdminBootstrapService],
})
export class AuthModule {}
