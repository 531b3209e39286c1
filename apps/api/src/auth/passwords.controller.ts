// Changing passwords: one's own (the current password proves it, and counts as a password
// guess), and an administrator's reset of someone else's. Either way every session of that
// user ends; whoever changed their own password gets a fresh session in its place.
import {
  BadRequestException,
  Body,
  Controller,
  Header,
  HttpCode,
  Inject,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  changePasswordSchema,
  resetPasswordSchema,
  type ChangePasswordBody,
  type PasswordResetView,
  type ResetPasswordBody,
} from '@wharf/shared';
import type { Request, Response } from 'express';
import { AuditService } from '../audit/audit.service.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { uuidParam } from '../common/id-param.js';
import { AdminOnly, Ctx, SignedIn } from '../common/access.decorators.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { LoginThrottledFilter } from './login-throttled.filter.js';
import { PasswordService } from './password.service.js';
import { userActor, type RequestContext } from '../common/request-context.js';
import { setSessionCookie } from './session-cookie.js';
import { SessionService } from './session.service.js';
import { randomBase62 } from './tokens.js';
import { UsersService } from './users.service.js';

const GENERATED_PASSWORD_LENGTH = 20;

@ApiTags('auth')
@Controller()
@UseFilters(LoginThrottledFilter)
export class PasswordsController {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
    private readonly limiter: LoginRateLimiter,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('auth/password')
  @SignedIn()
  @HttpCode(204)
  @ApiZodBody(changePasswordSchema)
  async change(
    @Body(new ZodPipe(changePasswordSchema)) body: ChangePasswordBody,
    @Ctx() ctx: RequestContext,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    const actor = userActor(ctx);
    const attempt = await this.limiter.begin(ctx.ip, actor.email);
    const user = await this.users.findById(actor.id);
    if (!(await this.passwords.verify(user.passwordHash, body.currentPassword))) {
      await this.limiter.failed(attempt);
      await this.audit.record(ctx, { action: 'user.password_change_failed', subjectType: 'user', subjectId: user.id });
      throw new BadRequestException({
        message: 'current password is wrong',
        issues: [{ path: 'currentPassword', message: 'current password is wrong' }],
      });
    }
    await this.limiter.succeeded(attempt);
    await this.users.setPassword(user.id, body.newPassword);
    // Signs out every session, this one included, then hands this browser a fresh one: a
    // stolen copy of the old cookie is worthless afterwards.
    const ended = await this.sessions.destroyAllOf(user.id);
    const token = await this.sessions.create(user.id, ctx.ip, req.get('user-agent') ?? null);
    setSessionCookie(res, token, this.config, this.sessions.ttlMs);
    await this.audit.record(ctx, {
      action: 'user.password_changed',
      subjectType: 'user',
      subjectId: user.id,
      data: { otherSessionsRevoked: Math.max(0, ended - 1) },
    });
  }

  @Post('users/:id/password')
  @AdminOnly()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiZodBody(resetPasswordSchema)
  async reset(
    @Param('id', uuidParam('user id')) id: string,
    @Body(new ZodPipe(resetPasswordSchema)) body: ResetPasswordBody,
    @Ctx() ctx: RequestContext,
  ): Promise<PasswordResetView> {
    if (id === userActor(ctx).id) {
      throw new BadRequestException('to change your own password, use "Change password" (POST /api/v1/auth/password)');
    }
    const user = await this.users.findById(id);
    const generated = body.password ? null : randomBase62(GENERATED_PASSWORD_LENGTH);
    await this.users.setPassword(user.id, body.password ?? generated!);
    const sessionsRevoked = await this.sessions.destroyAllOf(user.id);
    await this.limiter.clearAccount(user.email);
    await this.audit.record(ctx, {
      action: 'user.password_reset',
      subjectType: 'user',
      subjectId: user.id,
      data: { email: user.email, generated: generated !== null, sessionsRevoked },
    });
    return { generatedPassword: generated, sessionsRevoked };
  }
}
