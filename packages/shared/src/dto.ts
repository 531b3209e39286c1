// Request bodies and query strings of the REST API (/api/v1), shared by api, web and cli.
import { z } from 'zod';
import { httpOrigin } from './http-origin.js';
import { timeIdCursorSchema } from './cursors.js';
import { projectRoleSchema } from './roles.js';
import { apiTokenEnvironmentIdsSchema, apiTokenScopesSchema, DEFAULT_API_TOKEN_SCOPES } from './tokens.js';
import {
  commitShaSchema,
  emailSchema,
  environmentNameSchema,
  gitRefSchema,
  imageDigestSchema,
  imageReferenceSchema,
  splitImageReference,
  safeText,
  sha256Schema,
  slugSchema,
  versionSchema,
} from './validators.js';

// --- auth and users ---------------------------------------------------------
export const loginSchema = z.object({
  email: emailSchema,
  password: safeText(1024).min(1, 'password is required'),
});
export type LoginBody = z.infer<typeof loginSchema>;

export const passwordSchema = safeText(1024).min(12, 'password must be at least 12 characters');

export const createUserSchema = z.object({
  email: emailSchema,
  name: safeText(120).trim().min(1),
  password: passwordSchema,
  isAdmin: z.boolean().default(false),
});
export type CreateUserBody = z.infer<typeof createUserSchema>;

/** Changing one's own password: the current one proves it is really them. */
export const changePasswordSchema = z
  .object({
    currentPassword: safeText(1024).min(1, 'current password is required'),
    newPassword: passwordSchema,
  })
  .refine((b) => b.newPassword !== b.currentPassword, {
    path: ['newPassword'],
    message: 'new password must differ from the current one',
  });
export type ChangePasswordBody = z.infer<typeof changePasswordSchema>;

/** An administrator sets someone's password; without one, the server generates it. */
export const resetPasswordSchema = z.object({ password: passwordSchema.optional() });
export type ResetPasswordBody = z.infer<typeof resetPasswordSchema>;

// --- projects and members ---------------------------------------------------
export const createProjectSchema = z.object({
  slug: slugSchema,
  name: safeText(120).trim().min(1),
  description: safeText(2000).default(''),
});
export type CreateProjectBody = z.infer<typeof createProjectSchema>;

export const updateProjectSchema = z.object({
  name: safeText(120).trim().min(1).optional(),
  description: safeText(2000).optional(),
});
export type UpdateProjectBody = z.infer<typeof updateProjectSchema>;

export const upsertMemberSchema = z.object({ email: emailSchema, role: projectRoleSchema });
export type UpsertMemberBody = z.infer<typeof upsertMemberSchema>;

// --- environments ---------------------------------------------------------
export const createEnvironmentSchema = z.object({
  name: environmentNameSchema,
  protected: z.boolean().default(false),
  position: z.number().int().min(0).max(1000).optional(),
});
export type CreateEnvironmentBody = z.infer<typeof createEnvironmentSchema>;

export const updateEnvironmentSchema = z.object({
  name: environmentNameSchema.optional(),
  protected: z.boolean().optional(),
  position: z.number().int().min(0).max(1000).optional(),
});
export type UpdateEnvironmentBody = z.infer<typeof updateEnvironmentSchema>;

// --- credentials ------------------------------------------------------------
export const CREDENTIAL_KINDS = ['ssh_key', 'kubeconfig', 'token'] as const;
export const credentialKindSchema = z.enum(CREDENTIAL_KINDS);
export type CredentialKind = z.infer<typeof credentialKindSchema>;

export const credentialNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'name must be 1-63 letters, digits, ".", "_" or "-"');

export const CREDENTIAL_ALLOWED_ORIGINS_MAX = 16;

/** An http(s) origin, `scheme://host[:port]`, as URL.origin spells it (lower-case host, no default port). */
export const credentialOriginSchema = z
  .string()
  .max(2048)
  .transform((v, ctx) => {
    const origin = httpOrigin(v);
    if (origin === null) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be an origin such as https://consul.internal:8501 (no path, user or query)',
      });
      return z.NEVER;
    }
    return origin;
  });

export const createCredentialSchema = z.object({
  name: credentialNameSchema,
  kind: credentialKindSchema,
  /** The secret itself (private key PEM, kubeconfig YAML, token). Write-only. */
  value: safeText(64 * 1024).min(1, 'value is required'),
  /** Optional passphrase for an encrypted private key. Write-only. */
  passphrase: safeText(1024).optional(),
  /**
   * Token credentials: where the token may be sent (a Consul target's addresses must all be
   * here). Changed only together with the value, so whoever points a target elsewhere without
   * knowing the token cannot have it sent there. SSH keys and kubeconfigs carry their own
   * binding (a pinned host key, the kubeconfig's server) and take none.
   */
  allowedOrigins: z.array(credentialOriginSchema).max(CREDENTIAL_ALLOWED_ORIGINS_MAX).optional(),
});
export type CreateCredentialBody = z.infer<typeof createCredentialSchema>;

/** Replaces the secret; `allowedOrigins` left out keeps the credential's current ones. */
export const rotateCredentialSchema = createCredentialSchema.pick({
  value: true,
  passphrase: true,
  allowedOrigins: true,
});
export type RotateCredentialBody = z.infer<typeof rotateCredentialSchema>;

// --- API tokens -------------------------------------------------------------
export const createApiTokenSchema = z.object({
  name: safeText(80).trim().min(1),
  /** Left out: push + release, what every token could do before scopes existed. */
  scopes: apiTokenScopesSchema.default([...DEFAULT_API_TOKEN_SCOPES]),
  /** Environments the token may release to; empty or left out: all non-protected ones. */
  environmentIds: apiTokenEnvironmentIdsSchema.default([]),
});
export type CreateApiTokenBody = z.infer<typeof createApiTokenSchema>;

// --- artifacts ----------------------------------------------------------------
/** Metadata sent as query parameters with a streamed tarball upload. */
export const tarballUploadQuerySchema = z.object({
  version: versionSchema,
  sha256: sha256Schema.optional(),
  ref: gitRefSchema.optional(),
  commit: commitShaSchema.optional(),
  message: safeText(4096).optional(),
  author: safeText(256).optional(),
});
export type TarballUploadQuery = z.infer<typeof tarballUploadQuerySchema>;

/**
 * `image` may carry its digest (`repo@sha256:…`, `repo:tag@sha256:…`) or name it in `digest`;
 * either way the artifact stores `repo[:tag]` and the digest apart (a release then patches
 * by digest). A digest given both ways must be the same one.
 */
export const registerImageSchema = z
  .object({
    version: versionSchema,
    image: imageReferenceSchema,
    digest: imageDigestSchema.optional(),
    ref: gitRefSchema.optional(),
    commit: commitShaSchema.optional(),
    message: safeText(4096).optional(),
    author: safeText(256).optional(),
  })
  .superRefine((b, ctx) => {
    const parts = splitImageReference(b.image);
    if (parts.digest && b.digest && parts.digest !== b.digest) {
      ctx.addIssue({ code: 'custom', path: ['digest'], message: 'digest differs from the one in image' });
    }
    if (!parts.tag && !parts.digest && !b.digest) {
      ctx.addIssue({
        code: 'custom',
        path: ['image'],
        message: 'image needs a tag (app:1.2.3) or a digest (app@sha256:…)',
      });
    }
  })
  .transform(({ image, digest, ...rest }) => {
    const parts = splitImageReference(image);
    const pinned = parts.digest ?? digest;
    return {
      ...rest,
      image: parts.tag ? `${parts.name}:${parts.tag}` : parts.name,
      ...(pinned ? { digest: pinned } : {}),
    };
  });
export type RegisterImageBody = z.infer<typeof registerImageSchema>;

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Opaque cursor returned as `nextCursor` by the previous page. */
  cursor: timeIdCursorSchema.optional(),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;
