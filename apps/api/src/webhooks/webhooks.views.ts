// Rows → API views for webhook settings, deliveries and auto-deploy rules.
import {
  gitlabHookPath,
  type AutoDeployRuleView,
  type WebhookDeliveryView,
  type WebhookSettingsView,
} from '@wharf/shared';
import type { Prisma } from '../generated/prisma/client.js';

const iso = (d: Date | null | undefined): string | null => d?.toISOString() ?? null;

export function toSettingsView(
  publicUrl: string,
  slug: string,
  hook: { tokenPrefix: string; createdAt: Date; rotatedAt: Date | null } | null,
  lastDeliveryAt: Date | null,
): WebhookSettingsView {
  return {
    configured: hook !== null,
    path: gitlabHookPath(slug),
    url: `${publicUrl}${gitlabHookPath(slug)}`,
    tokenPrefix: hook?.tokenPrefix ?? null,
    createdAt: iso(hook?.createdAt),
    rotatedAt: iso(hook?.rotatedAt),
    lastDeliveryAt: iso(lastDeliveryAt),
  };
}

export const deliveryViewInclude = {
  autoDeploys: { include: { environment: { select: { name: true } } }, orderBy: { createdAt: 'asc' } },
} satisfies Prisma.WebhookDeliveryInclude;

export type DeliveryRow = Prisma.WebhookDeliveryGetPayload<{ include: typeof deliveryViewInclude }>;

export function toDeliveryView(d: DeliveryRow): WebhookDeliveryView {
  const environments = d.autoDeploys
    .map((a) => ({
      environmentId: a.environmentId,
      environmentName: a.environment.name,
      state: a.state,
      reason: a.reason,
      sha: a.sha,
      deploymentId: a.deploymentId,
      expiresAt: a.state === 'waiting' ? iso(a.expiresAt) : null,
    }))
    .sort((a, b) => a.environmentName.localeCompare(b.environmentName));
  return {
    id: d.id,
    receivedAt: d.receivedAt.toISOString(),
    processedAt: iso(d.processedAt),
    event: d.event,
    kind: d.kind,
    ref: d.ref,
    sha: d.sha,
    actor: d.actor,
    idempotencyKey: d.idempotencyKey,
    eventUuid: d.eventUuid,
    outcome: d.outcome,
    reason: d.reason,
    deploymentId: environments.find((e) => e.deploymentId !== null)?.deploymentId ?? null,
    environments,
  };
}

export const ruleViewInclude = {
  environment: { select: { name: true, protected: true } },
} satisfies Prisma.AutoDeployRuleInclude;

export type RuleRowWithEnv = Prisma.AutoDeployRuleGetPayload<{ include: typeof ruleViewInclude }>;

export function toRuleView(r: RuleRowWithEnv): AutoDeployRuleView {
  return {
    id: r.id,
    environmentId: r.environmentId,
    environmentName: r.environment.name,
    environmentProtected: r.environment.protected,
    refType: r.refType,
    pattern: r.pattern,
    event: r.event,
    waitForArtifactSeconds: r.waitForArtifactSeconds,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
