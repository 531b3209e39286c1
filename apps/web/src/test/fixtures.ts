import type {
  ArtifactView,
  DeploymentView,
  EnvironmentStatusView,
  EnvironmentView,
  MeView,
  ProjectView,
} from '@wharf/shared';

export const adminMe: MeView = {
  id: '00000000-0000-4000-8000-000000000001',
  email: 'admin@example.com',
  name: 'Ada Admin',
  isAdmin: true,
  createdAt: '2025-01-01T00:00:00.000Z',
  memberships: [],
};

export const viewerMe: MeView = {
  ...adminMe,
  id: '00000000-0000-4000-8000-000000000002',
  email: 'viv@example.com',
  name: 'Viv Viewer',
  isAdmin: false,
  memberships: [{ projectId: 'p1', projectSlug: 'shop', role: 'viewer' }],
};

export function project(role: ProjectView['role'], slug = 'shop'): ProjectView {
  return { id: 'p1', slug, name: 'Shop', description: 'The shop', createdAt: '2025-01-02T00:00:00.000Z', role };
}

export const DEPLOYMENT_ID = '0d9a3c1e-5b7f-4c2a-9e61-3f0b8d2a7c10';

export function deploymentView(extra: Partial<DeploymentView> = {}): DeploymentView {
  return {
    id: DEPLOYMENT_ID,
    projectSlug: 'shop',
    environmentId: 'env-production',
    environmentName: 'production',
    version: '1.3.0',
    previousVersion: '1.2.0',
    trigger: 'manual',
    state: 'running',
    actor: 'ada@example.com',
    error: null,
    retryOfId: null,
    cancelRequested: false,
    logTruncated: false,
    logsPrunedAt: null,
    createdAt: '2025-06-01T12:00:00.000Z',
    startedAt: '2025-06-01T12:00:01.000Z',
    finishedAt: null,
    targets: [
      {
        targetId: 't-web1',
        targetName: 'web1',
        batch: 1,
        state: 'succeeded',
        startedAt: '2025-06-01T12:00:02.000Z',
        finishedAt: '2025-06-01T12:00:30.000Z',
        error: null,
        detail: null,
      },
      {
        targetId: 't-web2',
        targetName: 'web2',
        batch: 2,
        state: 'running',
        startedAt: '2025-06-01T12:00:31.000Z',
        finishedAt: null,
        error: null,
        detail: null,
      },
      {
        targetId: 't-web3',
        targetName: 'web3',
        batch: 0,
        state: 'pending',
        startedAt: null,
        finishedAt: null,
        error: null,
        detail: null,
      },
    ],
    strategy: 'ssh-release',
    approval: null,
    promotionOverrideReason: null,
    freezeOverrideReason: null,
    ...extra,
  };
}

export function envStatus(name: string, extra: Partial<EnvironmentStatusView> = {}): EnvironmentStatusView {
  return {
    environmentId: `env-${name}`,
    environmentName: name,
    protected: false,
    current: null,
    active: null,
    ...extra,
  };
}

/** The rule fields of an environment with no rule set (log retention, approvals, promotion). */
export const ENV_RULE_DEFAULTS: Pick<EnvironmentView, 'logRetentionDays' | 'approvalRule' | 'promoteFromId'> = {
  logRetentionDays: null,
  approvalRule: { approvalsRequired: 0, approverUserIds: [], approvalTtlMinutes: 1440 },
  promoteFromId: null,
};

/** A tarball artifact as the API lists it; tests override what they look at. */
export function artifactView(version: string, extra: Partial<ArtifactView> = {}): ArtifactView {
  return {
    id: `a-${version}`,
    version,
    kind: 'tarball',
    sha256: 'ab'.repeat(32),
    sizeBytes: 1000,
    imageRef: null,
    imageDigest: null,
    hasNodeModules: false,
    gitRef: 'main',
    commitSha: null,
    commitMessage: null,
    commitAuthor: null,
    uploadedBy: 'ci',
    deleted: null,
    createdAt: '2025-06-01T10:00:00.000Z',
    ...extra,
  };
}
