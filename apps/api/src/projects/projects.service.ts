// Projects and their memberships. Admins see every project as maintainer; everyone else
// sees only the projects they are a member of, with their role.
import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type { CreateProjectBody, MemberView, ProjectView, UpdateProjectBody, UpsertMemberBody } from '@wharf/shared';
import { AuditService } from '../audit/audit.service.js';
import { AccessEvents } from '../auth/access-events.js';
import { userActor, type RequestContext, type UserActor } from '../common/request-context.js';
import { isForeignKeyViolation, isUniqueViolation } from '../common/db-errors.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { toMemberView, toProjectView } from './projects.views.js';

/** A project route's context: the guard has resolved the project and the caller's role. */
export type ProjectCtx = RequestContext & Required<Pick<RequestContext, 'project' | 'role'>>;

export function projectCtx(ctx: RequestContext): ProjectCtx {
  if (!ctx.project || !ctx.role) throw new Error('project context missing: route is not a project route');
  return ctx as ProjectCtx;
}

@Injectable()
export class ProjectsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly accessEvents: AccessEvents,
  ) {}

  async listVisible(actor: UserActor): Promise<ProjectView[]> {
    if (actor.isAdmin) {
      const all = await this.prisma.project.findMany({ orderBy: { slug: 'asc' } });
      return all.map((p) => toProjectView(p, 'maintainer'));
    }
    const memberships = await this.prisma.membership.findMany({
      where: { userId: actor.id },
      include: { project: true },
      orderBy: { project: { slug: 'asc' } },
    });
    return memberships.map((m) => toProjectView(m.project, m.role));
  }

  async create(ctx: RequestContext, body: CreateProjectBody): Promise<ProjectView> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const p = await tx.project.create({
          data: { slug: body.slug, name: body.name, description: body.description },
        });
        await this.audit.record(
          ctx,
          {
            action: 'project.created',
            subjectType: 'project',
            subjectId: p.id,
            projectId: p.id,
            data: { slug: p.slug, name: p.name },
          },
          tx,
        );
        // Only admins create projects, and admins are maintainers everywhere.
        return toProjectView(p, 'maintainer');
      });
    } catch (err) {
      if (isUniqueViolation(err, 'Project_slug_key'))
        throw new ConflictException(`a project with slug ${body.slug} already exists`);
      throw err;
    }
  }

  async get(ctx: ProjectCtx): Promise<ProjectView> {
    const p = await this.prisma.project.findUniqueOrThrow({ where: { id: ctx.project.id } });
    return toProjectView(p, ctx.role);
  }

  async update(ctx: ProjectCtx, body: UpdateProjectBody): Promise<ProjectView> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.project.findUniqueOrThrow({ where: { id: ctx.project.id } });
      const p = await tx.project.update({
        where: { id: before.id },
        data: {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
        },
      });
      const changes: Record<string, { from: string; to: string }> = {};
      if (before.name !== p.name) changes.name = { from: before.name, to: p.name };
      if (before.description !== p.description) changes.description = { from: before.description, to: p.description };
      await this.audit.record(
        ctx,
        {
          action: 'project.updated',
          subjectType: 'project',
          subjectId: p.id,
          projectId: p.id,
          data: { slug: p.slug, changes },
        },
        tx,
      );
      return toProjectView(p, ctx.role);
    });
  }

  async remove(ctx: ProjectCtx): Promise<void> {
    if (!userActor(ctx).isAdmin) throw new ForbiddenException('only administrators can delete projects');
    const { id, slug } = ctx.project;
    try {
      await this.prisma.$transaction(async (tx) => {
        const deployments = await tx.deployment.count({ where: { projectId: id } });
        if (deployments > 0) {
          throw new ConflictException(
            `project ${slug} has ${plural(deployments, 'deployment')}; projects with deployment history cannot be deleted`,
          );
        }
        // Targets restrict deleting their environment and credential, so remove them first
        // rather than relying on the order Postgres applies the project's cascades in.
        await tx.target.deleteMany({ where: { projectId: id } });
        await tx.project.delete({ where: { id } });
        await this.audit.record(
          ctx,
          { action: 'project.deleted', subjectType: 'project', subjectId: id, projectId: id, data: { slug } },
          tx,
        );
      });
    } catch (err) {
      // A deployment created concurrently still blocks the delete through its foreign key.
      if (isForeignKeyViolation(err))
        throw new ConflictException(`project ${slug} is in use by deployments and cannot be deleted`);
      throw err;
    }
  }

  async listMembers(ctx: ProjectCtx): Promise<MemberView[]> {
    const rows = await this.prisma.membership.findMany({
      where: { projectId: ctx.project.id },
      include: { user: { select: { id: true, email: true, name: true } } },
      orderBy: { user: { email: 'asc' } },
    });
    return rows.map(toMemberView);
  }

  async upsertMember(ctx: ProjectCtx, body: UpsertMemberBody): Promise<MemberView> {
    const user = await this.prisma.user.findUnique({ where: { email: body.email } });
    if (!user)
      throw new BadRequestException(`no user with email ${body.email}; an administrator must create the account first`);
    if (user.disabledAt) throw new BadRequestException(`user ${body.email} is disabled`);
    return this.prisma.$transaction(async (tx) => {
      const key = { userId_projectId: { userId: user.id, projectId: ctx.project.id } };
      const before = await tx.membership.findUnique({ where: key });
      const m = await tx.membership.upsert({
        where: key,
        create: { userId: user.id, projectId: ctx.project.id, role: body.role },
        update: { role: body.role },
        include: { user: { select: { id: true, email: true, name: true } } },
      });
      await this.audit.record(
        ctx,
        {
          action: 'member.upserted',
          subjectType: 'user',
          subjectId: user.id,
          projectId: ctx.project.id,
          data: { email: user.email, role: m.role, previousRole: before?.role ?? null },
        },
        tx,
      );
      return toMemberView(m);
    });
  }

  async removeMember(ctx: ProjectCtx, userId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const key = { userId_projectId: { userId, projectId: ctx.project.id } };
      const m = await tx.membership.findUnique({ where: key, include: { user: { select: { email: true } } } });
      if (!m) throw new NotFoundException(`user ${userId} is not a member of this project`);
      // No last-maintainer rule: administrators are maintainers of every project, so a
      // project never becomes unmanageable.
      await tx.membership.delete({ where: key });
      await this.audit.record(
        ctx,
        {
          action: 'member.removed',
          subjectType: 'user',
          subjectId: userId,
          projectId: ctx.project.id,
          data: { email: m.user.email, role: m.role },
        },
        tx,
      );
    });
    // Committed: the user's live-log sockets on this project end now.
    await this.accessEvents.revoked(userId);
  }
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
