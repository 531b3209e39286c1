import { Body, Controller, Get, HttpCode, Post, Req, Res, UnauthorizedException, UseFilters } from '@nestjs/common';
import {
  createUserSchema,
  loginSchema,
  type CreateUserBody,
  type LoginBody,
  type MeView,
  type UserView,
} from '@wharf/shared';
import type { Request, Response } from 'express';
import { AuditService } from '../audit/audit.service.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { AdminOnly, Ctx, Public, SignedIn } from '../common/access.decorators.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { LoginThrottledFilter } from './login-throttled.filter.js';
import { PasswordService } from './password.service.js';
import { userActor, type RequestContext } from '../common/request-context.js';
import { setSessionCookie } from './session-cookie.js';
import { SESSION_COOKIE, SessionService } from './session.service.js';
import { toUserView, UsersService } from './users.service.js';
import { Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

// A fixed hash to verify against when the email is unknown, so timing does not reveal
// which emails exist.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ';

@Controller()
@UseFilters(LoginThrottledFilter)
export class AuthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
    private readonly users: UsersService,
    private readonly limiter: LoginRateLimiter,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('auth/login')
  @Public()
  @HttpCode(200)
  async login(
    @Body(new ZodPipe(loginSchema)) body: LoginBody,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Ctx() ctx: RequestContext,
  ): Promise<MeView> {
    const attempt = await this.limiter.begin(ctx.ip, body.email);
    const user = await this.prisma.user.findUnique({ where: { email: body.email } });
    const ok = await this.passwords.verify(user?.passwordHash ?? DUMMY_HASH, body.password);
    const refuse = async () => {
      await this.limiter.failed(attempt);
      await this.audit.record(ctx, { action: 'auth.login_failed', subjectType: 'user', data: { email: body.email } });
      return new UnauthorizedException('email or password is wrong');
    };
    if (!user || !ok || user.disabledAt) throw await refuse();
    const token = await this.sessions.create(user.id, ctx.ip, req.get('user-agent') ?? null);
    // A password change that lands between the check above and this session's creation
    // would miss the new session when it signs the user out everywhere: look again.
    const now = await this.prisma.user.findUnique({ where: { id: user.id } });
    if (now?.passwordHash !== user.passwordHash || now.disabledAt) {
      await this.sessions.destroy(token);
      throw await refuse();
    }
    await this.limiter.succeeded(attempt);
    setSessionCookie(res, token, this.config, this.sessions.ttlMs);
    const actor = { type: 'user' as const, id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin };
    await this.audit.record({ actor, ip: ctx.ip }, { action: 'auth.login', subjectType: 'user', subjectId: user.id });
    return this.users.me(user.id);
  }

  @Post('auth/logout')
  @SignedIn()
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const token = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (token) await this.sessions.destroy(token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('auth/me')
  @SignedIn()
  me(@Ctx() ctx: RequestContext): Promise<MeView> {
    return this.users.me(userActor(ctx).id);
  }

  @Get('users')
  @AdminOnly()
  listUsers(): Promise<UserView[]> {
    return this.users.list();
  }

  @Post('users')
  @AdminOnly()
  async createUser(
    @Body(new ZodPipe(createUserSchema)) body: CreateUserBody,
    @Ctx() ctx: RequestContext,
  ): Promise<UserView> {
    const user = await this.users.create(body);
    await this.audit.record(ctx, {
      action: 'user.created',
      subjectType: 'user',
      subjectId: user.id,
      data: { email: user.email, isAdmin: user.isAdmin },
    });
    return toUserView(user);
  }
}
