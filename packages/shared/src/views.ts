// Response shapes of the REST API. Dates are ISO strings; sizes are numbers of bytes.
import type { ProjectRole } from './roles.js';
import type { TargetKind } from './targets.js';
import type { CredentialKind } from './dto.js';
import type { ArtifactDeletionView } from './retention.js';
import type { ApiTokenScope } from './tokens.js';
import type { ApprovalRuleView } from './approvals.js';

export interface UserView {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  createdAt: string;
}

export interface MeView extends UserView {
  /** Project id → role; admins can act as maintainer everywhere. */
  memberships: { projectId: string; projectSlug: string; role: ProjectRole }[];
}

/** Answer to an administrator's password reset. */
export interface PasswordResetView {
  /** The generated password, shown once; null when the administrator chose it. */
  generatedPassword: string | null;
  /** Sessions of that user that were signed out. */
  sessionsRevoked: number;
}

export interface ProjectView {
  id: string;
  slug: string;
  name: string;
  description: string;
  createdAt: string;
  /** The caller's effective role in this project. */
  role: ProjectRole;
}

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: ProjectRole;
}

export interface EnvironmentView {
  id: string;
  name: string;
  position: number;
  protected: boolean;
  createdAt: string;
  /** Days a finished release's log stays: null = default (protected: forever, else 90), 0 = forever. */
  logRetentionDays: number | null;
  /** Approvals: approvalsRequired 0 means releases here need none. */
  approvalRule: ApprovalRuleView;
  /** Promotion: a version must have succeeded in this environment first (null: no rule). */
  promoteFromId: string | null;
}

export interface TargetView {
  id: string;
  environmentId: string;
  name: string;
  kind: TargetKind;
  config: Record<string, unknown>;
  credentialId: string | null;
  /** SSH targets: the approved (pinned) host key, or null until an admin approves one. */
  hostKey?: { fingerprint: string; approvedAt: string } | null;
  createdAt: string;
}

/** Credentials are write-only: only metadata and a fingerprint ever leave the API. */
export interface CredentialView {
  id: string;
  name: string;
  kind: CredentialKind;
  fingerprint: string;
  /** Token credentials: the origins the token may be sent to (empty: nowhere yet). */
  allowedOrigins: string[];
  createdAt: string;
  rotatedAt: string | null;
}

export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiTokenScope[];
  /** Environments it may release to; empty: every non-protected one. */
  environmentIds: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Returned once, at creation: the only time the token's value is visible. */
export interface CreatedApiTokenView extends ApiTokenView {
  token: string;
}

export interface ArtifactView {
  id: string;
  version: string;
  kind: 'tarball' | 'image';
  sha256: string | null;
  sizeBytes: number | null;
  imageRef: string | null;
  imageDigest: string | null;
  hasNodeModules: boolean;
  gitRef: string | null;
  commitSha: string | null;
  commitMessage: string | null;
  commitAuthor: string | null;
  uploadedBy: string | null;
  createdAt: string;
  /** Set once the version is deleted: its file is gone, the record and name stay. */
  deleted: ArtifactDeletionView | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AuditEventView {
  id: string;
  at: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  projectId: string | null;
  ip: string | null;
  data: Record<string, unknown>;
  /** One readable sentence (describeAuditEvent). */
  summary: string;
}

/** GET /audit/verify: the tamper-evident chain walked end to end. */
export interface AuditVerifyView {
  ok: boolean;
  /** Events whose hash was checked. */
  checked: number;
  /** Events in the chain according to its head. */
  chainLength: string;
  /** Events written before the chain existed (not covered by it). */
  legacyEvents: number;
  /** The first break, or null. */
  problem: {
    kind: 'altered' | 'removed' | 'inserted';
    eventId: string | null;
    seq: string | null;
    message: string;
  } | null;
}

export interface HealthView {
  status: 'ok' | 'degraded';
  database: 'up' | 'down';
  redis: 'up' | 'down';
  version: string;
}

/** Every error response has this shape. */
export interface ErrorView {
  statusCode: number;
  error: string;
  message: string;
  /** Field-level problems for 400s: path → message. */
  issues?: { path: string; message: string }[];
}
