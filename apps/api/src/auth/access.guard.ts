// Global guard: authenticates the caller (session cookie or project CI token) and enforces
// the route's AccessRule. Routes without a rule are refused (fail closed).
import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  isApiTokenScope,
  roleAtLeast,
  slugSchema,
  tokenHasScope,
  type ApiTokenScope,
  type ProjectRole,
} from '@wharf/shared';
import { ZodPipe } from '../common/zod.pipe.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { ACCESS_KEY, type AccessRule } from '../common/access.decorators.js';
import type { Actor, RequestContext, TokenActor, WharfRequest } from '../common/request-context.js';
import { SESSION_COOKIE, SessionService } from './session.service.js';
import { API_TOKEN_PATTERN, hashSecret } from './tokens.js';

const LAST_USED_RESOLUTION_MS = 60_000;
const slugParam = new ZodPipe(slugSchema);

@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
    private readonly prisma: PrismaService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) throw new ForbiddenException('route has no access rule');

    const req = context.switchToHttp().getRequest<WharfRequest>();
    const ctx: RequestContext = { actor: { type: 'anonymous' }, ip: req.ip ?? null };
    req.wharf = ctx;
    if (rule.kind === 'public') return true;

    ctx.actor = await this.authenticate(req, rule);
    const actor = ctx.actor;
    if (actor.type === 'anonymous') throw new UnauthorizedException('sign in required');

    switch (rule.kind) {
      case 'user':
        if (actor.type !== 'user') throw new UnauthorizedException('sign in required');
        return true;
      case 'admin':
        if (actor.type !== 'user') throw new UnauthorizedException('sign in required');
        if (!actor.isAdmin) throw new ForbiddenException('administrators only');
        return true;
      case 'project':
        await this.authorizeProject(req, ctx, actor, rule.role, rule.tokenScope);
        return true;
    }
  }

  private async authenticate(req: WharfRequest, rule: AccessRule): Promise<Actor> {
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      // Tokens are only honoured where the route allows them; elsewhere they are unknown.
      if (rule.kind !== 'project' || !rule.allowToken)
        throw new UnauthorizedException('this route needs a signed-in user');
      return this.authenticateToken(header.slice('Bearer '.length).trim());
    }
    const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (cookie) {
      const user = await this.sessions.resolve(cookie);
      if (user) return user;
    }
    return { type: 'anonymous' };
  }

  private async authenticateToken(token: string): Promise<TokenActor> {
    if (!API_TOKEN_PATTERN.test(token)) throw new UnauthorizedException('invalid token');
    const row = await this.prisma.apiToken.findUnique({ where: { tokenHash: hashSecret(token) } });
    if (!row || row.revokedAt) throw new UnauthorizedException('invalid token');
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
    }
    return {
      type: 'token',
      id: row.id,
      prefix: row.prefix,
      projectId: row.projectId,
      // Unknown values (a scope from a newer Wharf) grant nothing.
      scopes: (row.scopes ?? []).filter(isApiTokenScope),
      environmentIds: row.environmentIds ?? [],
    };
  }

  private async authorizeProject(
    req: WharfRequest,
    ctx: RequestContext,
    actor: Actor,
    required: ProjectRole,
    tokenScope: ApiTokenScope | null,
  ): Promise<void> {
    const raw = req.params?.slug;
    if (typeof raw !== 'string') throw new Error('project route without :slug');
    // Guards run before parameter pipes, and this one queries by the slug: check it first.
    const slug = slugParam.transform(raw, { type: 'param', data: 'slug' });
    const project = await this.prisma.project.findUnique({
      where: { slug },
      select: { id: true, slug: true, name: true },
    });
    // Same answer for "missing" and "not yours": no existence leak.
    const notFound = new NotFoundException(`project ${slug} not found`);
    if (!project) throw notFound;

    let role: ProjectRole;
    if (actor.type === 'token') {
      if (actor.projectId !== project.id) throw notFound;
      if (tokenScope && !tokenHasScope(actor.scopes, tokenScope)) {
        throw new ForbiddenException(`this token lacks the ${tokenScope} scope`);
      }
      role = 'deployer';
    } else if (actor.type === 'user') {
      if (actor.isAdmin) {
        role = 'maintainer';
      } else {
        const membership = await this.prisma.membership.findUnique({
          where: { userId_projectId: { userId: actor.id, projectId: project.id } },
        });
        if (!membership) throw notFound;
        role = membership.role;
      }
    } else {
      throw new UnauthorizedException('sign in required');
    }
    if (!roleAtLeast(role, required)) throw new ForbiddenException(`needs the ${required} role in this project`);
    ctx.project = project;
    ctx.role = role;
  }
}
