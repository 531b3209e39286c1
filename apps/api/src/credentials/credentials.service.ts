// Project credentials (ssh keys, kubeconfigs, tokens). Write-only over HTTP: the secret is
// sealed with SecretBoxService before it reaches Postgres and only openCredential() (for
// the worker's plans and the Test connection preflight; never returned by a route) ever
// decrypts it. No response, error or audit event holds it.
import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { CreateCredentialBody, CredentialKind, CredentialView, RotateCredentialBody } from '@wharf/shared';
import { AuditService } from '../audit/audit.service.js';
import { isForeignKeyViolation, isUniqueViolation } from '../common/db-errors.js';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { plural, type ProjectCtx } from '../projects/projects.service.js';
import { fingerprintCredential, InvalidCredentialError } from './credential-fingerprint.js';
import { toCredentialView } from './credentials.views.js';
import { SecretBoxService } from './secret-box.service.js';

export interface OpenedCredential {
  kind: CredentialKind;
  value: string;
  passphrase?: string;
  /** Token credentials: the only origins the value may be sent to. */
  allowedOrigins: string[];
}

/** What is sealed: the secret and its passphrase travel together. */
interface SealedPayload {
  value: string;
  passphrase?: string;
}

const VIEW_FIELDS = {
  id: true,
  name: true,
  kind: true,
  fingerprint: true,
  allowedOrigins: true,
  createdAt: true,
  rotatedAt: true,
} as const;

@Injectable()
export class CredentialsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly box: SecretBoxService,
  ) {}

  async list(ctx: ProjectCtx): Promise<CredentialView[]> {
    const rows = await this.prisma.credential.findMany({
      where: { projectId: ctx.project.id },
      select: VIEW_FIELDS,
      orderBy: { name: 'asc' },
    });
    return rows.map(toCredentialView);
  }

  async create(ctx: ProjectCtx, body: CreateCredentialBody): Promise<CredentialView> {
    refuseOriginsUnlessToken(body.kind, body.allowedOrigins);
    const fingerprint = await fingerprintOrBadRequest(body.kind, body.value, body.passphrase);
    const secret = this.seal(body);
    try {
      return await this.prisma.$transaction(async (tx) => {
        const c = await tx.credential.create({
          data: {
            projectId: ctx.project.id,
            name: body.name,
            kind: body.kind,
            secret,
            fingerprint,
            allowedOrigins: body.allowedOrigins ?? [],
            createdById: ctx.actor.type === 'user' ? ctx.actor.id : null,
          },
          select: VIEW_FIELDS,
        });
        await this.audit.record(
          ctx,
          {
            action: 'credential.created',
            subjectType: 'credential',
            subjectId: c.id,
            projectId: ctx.project.id,
            data: { name: c.name, kind: c.kind, fingerprint, allowedOrigins: c.allowedOrigins },
          },
          tx,
        );
        return toCredentialView(c);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'Credential_projectId_name_key'))
        throw new ConflictException(`a credential named ${body.name} already exists in this project`);
      throw err;
    }
  }

  /** Replaces the secret (same kind), keeping the id so targets using it pick it up. */
  async rotate(ctx: ProjectCtx, credentialId: string, body: RotateCredentialBody): Promise<CredentialView> {
    const { kind } = await this.find(this.prisma, ctx.project.id, credentialId);
    refuseOriginsUnlessToken(kind, body.allowedOrigins);
    // Parsing an encrypted key can take seconds: do it before opening the transaction.
    const fingerprint = await fingerprintOrBadRequest(kind, body.value, body.passphrase);
    return this.prisma.$transaction(async (tx) => {
      const before = await this.find(tx, ctx.project.id, credentialId);
      const c = await tx.credential.update({
        where: { id: before.id },
        data: {
          secret: this.seal(body),
          fingerprint,
          rotatedAt: new Date(),
          ...(body.allowedOrigins ? { allowedOrigins: body.allowedOrigins } : {}),
        },
        select: VIEW_FIELDS,
      });
      await this.audit.record(
        ctx,
        {
          action: 'credential.rotated',
          subjectType: 'credential',
          subjectId: c.id,
          projectId: ctx.project.id,
          data: {
            name: c.name,
            kind: c.kind,
            fingerprint,
            previousFingerprint: before.fingerprint,
            allowedOrigins: c.allowedOrigins,
            previousAllowedOrigins: before.allowedOrigins,
          },
        },
        tx,
      );
      return toCredentialView(c);
    });
  }

  async remove(ctx: ProjectCtx, credentialId: string): Promise<void> {
    try {
      await this.prisma.$transaction(async (tx) => {
        const c = await this.find(tx, ctx.project.id, credentialId);
        const users = await tx.target.findMany({
          where: { credentialId: c.id },
          select: { name: true },
          orderBy: { name: 'asc' },
          take: 6,
        });
        if (users.length > 0) {
          const total = await tx.target.count({ where: { credentialId: c.id } });
          const names =
            users
              .slice(0, 5)
              .map((t) => t.name)
              .join(', ') + (total > 5 ? ', ...' : '');
          throw new ConflictException(
            `credential ${c.name} is used by ${plural(total, 'target')} (${names}); detach it from them first`,
          );
        }
        await tx.credential.delete({ where: { id: c.id } });
        await this.audit.record(
          ctx,
          {
            action: 'credential.deleted',
            subjectType: 'credential',
            subjectId: c.id,
            projectId: ctx.project.id,
            data: { name: c.name, kind: c.kind, fingerprint: c.fingerprint },
          },
          tx,
        );
      });
    } catch (err) {
      // A target that started using it concurrently still holds it via its foreign key.
      if (isForeignKeyViolation(err, 'Target_credentialId_fkey'))
        throw new ConflictException('credential is used by a target; detach it first');
      throw err;
    }
  }

  /** For the worker: the decrypted secret of a credential of this project. Not an HTTP route. */
  async openCredential(projectId: string, credentialId: string): Promise<OpenedCredential> {
    const c = await this.prisma.credential.findFirst({
      where: { id: credentialId, projectId },
      select: { kind: true, secret: true, allowedOrigins: true },
    });
    if (!c) throw new NotFoundException(`credential ${credentialId} not found`);
    const payload = JSON.parse(this.box.open(c.secret)) as SealedPayload;
    return {
      kind: c.kind,
      value: payload.value,
      ...(payload.passphrase ? { passphrase: payload.passphrase } : {}),
      allowedOrigins: c.allowedOrigins,
    };
  }

  private seal(body: Pick<RotateCredentialBody, 'value' | 'passphrase'>): Uint8Array<ArrayBuffer> {
    const payload: SealedPayload = { value: body.value, ...(body.passphrase ? { passphrase: body.passphrase } : {}) };
    return new Uint8Array(this.box.seal(JSON.stringify(payload)));
  }

  private async find(tx: Prisma.TransactionClient | PrismaService, projectId: string, credentialId: string) {
    const c = await tx.credential.findFirst({
      where: { id: credentialId, projectId },
      select: { ...VIEW_FIELDS },
    });
    if (!c) throw new NotFoundException(`credential ${credentialId} not found`);
    return c;
  }
}

async function fingerprintOrBadRequest(kind: CredentialKind, value: string, passphrase?: string): Promise<string> {
  try {
    return await fingerprintCredential(kind, value, passphrase);
  } catch (err) {
    if (err instanceof InvalidCredentialError) {
      throw new BadRequestException({ message: err.message, issues: [{ path: 'value', message: err.message }] });
    }
    throw err;
  }
}

/** SSH keys and kubeconfigs are bound by a pinned host key and their server: no origins. */
function refuseOriginsUnlessToken(kind: CredentialKind, origins: string[] | undefined): void {
  if (kind !== 'token' && origins && origins.length > 0)
    throw new BadRequestException({
      message: `allowedOrigins is for token credentials; a ${kind} credential is bound by its own contents`,
      issues: [{ path: 'allowedOrigins', message: 'only token credentials take allowed origins' }],
    });
}
