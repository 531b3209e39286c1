// Environments of a project, kept in a dense 0..n-1 order: creating or moving one shifts
// the others, so positions stay unique and the list order is stable.
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { CreateEnvironmentBody, EnvironmentView, UpdateEnvironmentBody } from '@wharf/shared';
import { AuditService } from '../audit/audit.service.js';
import { isForeignKeyViolation, isUniqueViolation } from '../common/db-errors.js';
import type { Environment, Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { plural, type ProjectCtx } from '../projects/projects.service.js';
import { toEnvironmentView } from './environments.views.js';

const ORDER = [{ position: 'asc' }, { createdAt: 'asc' }] satisfies Prisma.EnvironmentOrderByWithRelationInput[];

@Injectable()
export class EnvironmentsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  async list(ctx: ProjectCtx): Promise<EnvironmentView[]> {
    const rows = await this.prisma.environment.findMany({ where: { projectId: ctx.project.id }, orderBy: ORDER });
    return rows.map(toEnvironmentView);
  }

  /** The environment with this id in the caller's project; another project's id is a 404. */
  async find(
    ctx: ProjectCtx,
    envId: string,
    db: Prisma.TransactionClient | PrismaService = this.prisma,
  ): Promise<Environment> {
    const env = await db.environment.findFirst({ where: { id: envId, projectId: ctx.project.id } });
    if (!env) throw new NotFoundException(`environment ${envId} not found`);
    return env;
  }

  async create(ctx: ProjectCtx, body: CreateEnvironmentBody): Promise<EnvironmentView> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const order = await this.lockedOrder(tx, ctx.project.id);
        const position = Math.min(body.position ?? order.length, order.length);
        await renumber(tx, order.slice(0, position), 0);
        await renumber(tx, order.slice(position), position + 1);
        const env = await tx.environment.create({
          data: { projectId: ctx.project.id, name: body.name, protected: body.protected, position },
        });
        await this.audit.record(
          ctx,
          {
            action: 'environment.created',
            subjectType: 'environment',
            subjectId: env.id,
            projectId: ctx.project.id,
            data: { name: env.name, protected: env.protected, position: env.position },
          },
          tx,
        );
        return toEnvironmentView(env);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'Environment_projectId_name_key'))
        throw new ConflictException(`an environment named ${body.name} already exists in this project`);
      throw err;
    }
  }

  async update(ctx: ProjectCtx, envId: string, body: UpdateEnvironmentBody): Promise<EnvironmentView> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const order = await this.lockedOrder(tx, ctx.project.id);
        const before = await this.find(ctx, envId, tx);
        if (body.position !== undefined) {
          const others = order.filter((e) => e.id !== before.id);
          const position = Math.min(body.position, others.length);
          others.splice(position, 0, before);
          await renumber(tx, others, 0);
        }
        const env = await tx.environment.update({
          where: { id: before.id },
          data: {
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.protected !== undefined ? { protected: body.protected } : {}),
          },
        });
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        for (const key of ['name', 'protected', 'position'] as const) {
          if (before[key] !== env[key]) changes[key] = { from: before[key], to: env[key] };
        }
        await this.audit.record(
          ctx,
          {
            action: 'environment.updated',
            subjectType: 'environment',
            subjectId: env.id,
            projectId: ctx.project.id,
            data: { name: env.name, changes },
          },
          tx,
        );
        return toEnvironmentView(env);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'Environment_projectId_name_key'))
        throw new ConflictException(`an environment named ${body.name} already exists in this project`);
      throw err;
    }
  }

  async remove(ctx: ProjectCtx, envId: string): Promise<void> {
    try {
      await this.prisma.$transaction(async (tx) => {
        const order = await this.lockedOrder(tx, ctx.project.id);
        const env = await this.find(ctx, envId, tx);
        const targets = await tx.target.count({ where: { environmentId: env.id } });
        const deployments = await tx.deployment.count({ where: { environmentId: env.id } });
        if (targets > 0 || deployments > 0) throw new ConflictException(inUseMessage(env.name, targets, deployments));
        await tx.environment.delete({ where: { id: env.id } });
        await renumber(
          tx,
          order.filter((e) => e.id !== env.id),
          0,
        );
        await this.audit.record(
          ctx,
          {
            action: 'environment.deleted',
            subjectType: 'environment',
            subjectId: env.id,
            projectId: ctx.project.id,
            data: { name: env.name },
          },
          tx,
        );
      });
    } catch (err) {
      // A target or deployment added concurrently still holds the environment via its foreign key.
      if (isForeignKeyViolation(err))
        throw new ConflictException('environment is in use by targets or deployments and cannot be deleted');
      throw err;
    }
  }

  /** Locks the project row so concurrent reorders serialize, then reads the current order. */
  private async lockedOrder(
    tx: Prisma.TransactionClient,
    projectId: string,
  ): Promise<Pick<Environment, 'id' | 'position'>[]> {
    await tx.$queryRaw`SELECT 1 FROM "Project" WHERE "id" = ${projectId}::uuid FOR UPDATE`;
    return tx.environment.findMany({ where: { projectId }, orderBy: ORDER, select: { id: true, position: true } });
  }
}

/** Gives `envs` consecutive positions from `start`, writing only rows that change. */
async function renumber(
  tx: Prisma.TransactionClient,
  envs: Pick<Environment, 'id' | 'position'>[],
  start: number,
): Promise<void> {
  for (const [i, e] of envs.entries()) {
    if (e.position !== start + i) await tx.environment.update({ where: { id: e.id }, data: { position: start + i } });
  }
}

function inUseMessage(name: string, targets: number, deployments: number): string {
  const uses = [targets ? plural(targets, 'target') : '', deployments ? plural(deployments, 'deployment') : '']
    .filter(Boolean)
    .join(' and ');
  const hint = deployments ? 'environments with deployment history cannot be deleted' : 'delete its targets first';
  return `environment ${name} is in use by ${uses}; ${hint}`;
}
