// How an environment deploys: its settings (install command, reload, health gate, batches)
// and its variables. Variable values are sealed at rest; secret ones are write-only.
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import {
  applyDeploySettingsPatch,
  readDeploySettings,
  type DeploySettings,
  type SetVariableBody,
  type UpdateDeploySettingsBody,
  type VariableView,
} from '@wharf/shared';
import { AuditService } from '../audit/audit.service.js';
import { SecretBoxService } from '../credentials/secret-box.service.js';
import type { EnvironmentVariable, Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ProjectCtx } from '../projects/projects.service.js';
import { EnvironmentsService } from './environments.service.js';
import {
  assertMayChangeRollingRestartSwitch,
  assertValidRestartSecretVariable,
  rollingRestartSwitchAudit,
} from './rolling-restart-switch.js';
import { toVariableView } from './variable-view.js';

@Injectable()
export class DeployConfigService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly environments: EnvironmentsService,
    private readonly box: SecretBoxService,
  ) {}

  async settings(ctx: ProjectCtx, envId: string): Promise<DeploySettings> {
    const env = await this.environments.find(ctx, envId);
    return readDeploySettings(env.settings);
  }

  /** Applies a deep partial: only the fields named change (see applyDeploySettingsPatch). */
  async updateSettings(ctx: ProjectCtx, envId: string, patch: UpdateDeploySettingsBody): Promise<DeploySettings> {
    return this.prisma.$transaction(async (tx) => {
      const env = await this.environments.find(ctx, envId, tx);
      // Row lock, then read: two concurrent PATCHes of different fields must both land.
      const [locked] = await tx.$queryRaw<{ settings: unknown }[]>`
        SELECT "settings" FROM "Environment" WHERE "id" = ${env.id}::uuid FOR UPDATE`;
      const current = readDeploySettings(locked?.settings);
      const r = applyDeploySettingsPatch(current, patch);
      if (!r.success) {
        throw new BadRequestException({ message: `${r.issues[0]!.path}: ${r.issues[0]!.message}`, issues: r.issues });
      }
      assertMayChangeRollingRestartSwitch(ctx.actor, r.changed);
      await tx.environment.update({ where: { id: env.id }, data: { settings: r.data as Prisma.InputJsonValue } });
      await this.audit.record(
        ctx,
        {
          action: 'environment.settings_updated',
          subjectType: 'environment',
          subjectId: env.id,
          projectId: ctx.project.id,
          data: { environment: env.name, changed: r.changed },
        },
        tx,
      );
      const switchAudit = rollingRestartSwitchAudit(env, ctx.project.id, r.changed, r.data);
      if (switchAudit) await this.audit.record(ctx, switchAudit, tx);
      return r.data;
    });
  }

  async variables(ctx: ProjectCtx, envId: string): Promise<VariableView[]> {
    const env = await this.environments.find(ctx, envId);
    const rows = await this.prisma.environmentVariable.findMany({
      where: { environmentId: env.id },
      orderBy: { name: 'asc' },
    });
    return rows.map((v) => this.toView(v));
  }

  async setVariable(ctx: ProjectCtx, envId: string, body: SetVariableBody): Promise<VariableView> {
    assertValidRestartSecretVariable(body);
    return this.prisma.$transaction(async (tx) => {
      const env = await this.environments.find(ctx, envId, tx);
      const sealed = new Uint8Array(this.box.seal(body.value));
      const row = await tx.environmentVariable.upsert({
        where: { environmentId_name: { environmentId: env.id, name: body.name } },
        create: { environmentId: env.id, name: body.name, secret: body.secret, value: sealed },
        update: { secret: body.secret, value: sealed },
      });
      await this.audit.record(
        ctx,
        // The value never goes into the audit trail, secret or not.
        {
          action: 'variable.set',
          subjectType: 'environment',
          subjectId: env.id,
          projectId: ctx.project.id,
          data: { environment: env.name, name: body.name, secret: body.secret },
        },
        tx,
      );
      return this.toView(row);
    });
  }

  async deleteVariable(ctx: ProjectCtx, envId: string, name: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const env = await this.environments.find(ctx, envId, tx);
      const removed = await tx.environmentVariable.deleteMany({ where: { environmentId: env.id, name } });
      if (removed.count === 0) throw new NotFoundException(`variable ${name} not found`);
      await this.audit.record(
        ctx,
        {
          action: 'variable.deleted',
          subjectType: 'environment',
          subjectId: env.id,
          projectId: ctx.project.id,
          data: { environment: env.name, name },
        },
        tx,
      );
    });
  }

  private toView(v: EnvironmentVariable): VariableView {
    return toVariableView(v, this.box);
  }
}
