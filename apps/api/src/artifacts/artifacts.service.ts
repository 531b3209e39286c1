// Artifact store: immutable versions per project. Tarballs are streamed, inspected and
// stored content-addressed; images are only registered (the registry holds them).
import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  PayloadTooLargeException,
  UnprocessableEntityException,
} from '@nestjs/common';
import {
  encodeTimeIdCursor,
  type ArtifactView,
  type Page,
  type RegisterImageBody,
  type TarballUploadQuery,
  type TimeIdCursor,
} from '@wharf/shared';
import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { AuditService } from '../audit/audit.service.js';
import type { RequestContext } from '../common/request-context.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { lockStorageKey, versionGone } from './artifact-locks.js';
import { ArtifactCommits } from '../webhooks/artifact-commits.service.js';
import { ArtifactStorage } from './artifact-storage.js';
import { type ArtifactRow, toArtifactView } from './artifacts.views.js';
import { TarballRejectedError } from './tarball-inspector.js';
import { receiveTarball, UploadAbortedError, UploadTooLargeError } from './tarball-receiver.js';

const MB = 1024 * 1024;
/** Gzip-bomb bound: a tarball may unpack to at most this many times the upload cap. */
const MAX_UNPACK_RATIO = 32;
const WITH_TOKEN = { uploadedByToken: { select: { prefix: true } } } as const;

export interface ArtifactFile {
  path: string;
  sha256: string;
  sizeBytes: number;
}

type ProjectRef = NonNullable<RequestContext['project']>;

@Injectable()
export class ArtifactsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly storage: ArtifactStorage,
    private readonly commits: ArtifactCommits,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get maxUploadBytes(): number {
    return this.config.WHARF_MAX_ARTIFACT_MB * MB;
  }

  /**
   * Receives a tarball upload. Checks the cheap things (declared size, version free) before
   * reading a byte; then streams the body to a temp file while hashing and inspecting it.
   * The temp file is always removed: on success it has been renamed into place first.
   */
  async pushTarball(
    ctx: RequestContext,
    q: TarballUploadQuery,
    body: Readable,
    contentLength: number | null,
  ): Promise<ArtifactView> {
    const project = projectOf(ctx);
    if (contentLength !== null && contentLength > this.maxUploadBytes) throw this.tooLarge();
    await this.assertVersionFree(project, q.version);

    const tempPath = await this.storage.newTempPath();
    try {
      const received = await receiveTarball(body, tempPath, {
        maxBytes: this.maxUploadBytes,
        maxUnpackedBytes: this.maxUploadBytes * MAX_UNPACK_RATIO,
      }).catch((err: unknown) => {
        throw this.uploadError(err);
      });
      // Declared size (Content-Length, or X-Content-Length on a chunked upload): must match.
      if (contentLength !== null && contentLength !== received.sizeBytes) {
        throw new BadRequestException(
          `size mismatch: the upload is ${received.sizeBytes} bytes, the request declared ${contentLength}`,
        );
      }
      // The sha256 may come as a query parameter and/or, from a one-pass client, as the
      // X-Checksum-Sha256 trailer (parsed only now that the body has fully ended).
      for (const [claimed, from] of [
        [q.sha256, 'the request'],
        [checksumTrailer(body), 'the X-Checksum-Sha256 trailer'],
      ] as const) {
        if (claimed && claimed !== received.sha256) {
          throw new BadRequestException(
            `sha256 mismatch: the upload hashes to ${received.sha256}, ${from} said ${claimed}`,
          );
        }
      }

      const storageKey = this.storage.storageKey(project.id, received.sha256);
      const row = await this.prisma
        .$transaction(async (tx) => {
          // The unique (projectId, version) index decides concurrent pushes of one version:
          // the loser fails here, before touching storage.
          const created = await tx.artifact.create({
            data: {
              projectId: project.id,
              version: q.version,
              kind: 'tarball',
              sha256: received.sha256,
              sizeBytes: BigInt(received.sizeBytes),
              storageKey,
              hasNodeModules: received.hasNodeModules,
              ...this.commitInfo(q),
              ...uploader(ctx),
            },
            include: WITH_TOKEN,
          });
          await this.audit.record(
            ctx,
            {
              action: 'artifact.pushed',
              subjectType: 'artifact',
              subjectId: created.id,
              projectId: project.id,
              data: {
                version: q.version,
                kind: 'tarball',
                sha256: received.sha256,
                sizeBytes: received.sizeBytes,
                entries: received.entries,
                hasNodeModules: received.hasNodeModules,
              },
            },
            tx,
          );
          await this.commits.record(tx, project.id, q);
          // Last step before commit: if the rename fails, the row rolls back. (A failed
          // commit after it leaves a content-addressed file that a re-push reuses.) The
          // key's lock keeps a deletion of a version with the same content from removing
          // the file between this rename and the commit.
          await lockStorageKey(tx, storageKey);
          await this.storage.moveIntoPlace(tempPath, storageKey);
          return created;
        })
        .catch((err: unknown) => {
          throw isUniqueViolation(err, 'Artifact_projectId_version_key') ? this.versionExists(project, q.version) : err;
        });
      // Auto-deploys waiting for an artifact built from this commit can go now.
      void this.commits.arrived(project.id, row.id, row.commitSha);
      return this.toView(row);
    } finally {
      await this.storage.removeQuietly(tempPath);
    }
  }

  async registerImage(ctx: RequestContext, body: RegisterImageBody): Promise<ArtifactView> {
    const project = projectOf(ctx);
    const row = await this.prisma
      .$transaction(async (tx) => {
        const created = await tx.artifact.create({
          data: {
            projectId: project.id,
            version: body.version,
            kind: 'image',
            imageRef: body.image,
            imageDigest: body.digest ?? null,
            ...this.commitInfo(body),
            ...uploader(ctx),
          },
          include: WITH_TOKEN,
        });
        await this.audit.record(
          ctx,
          {
            action: 'artifact.pushed',
            subjectType: 'artifact',
            subjectId: created.id,
            projectId: project.id,
            data: { version: body.version, kind: 'image', image: body.image, digest: body.digest ?? null },
          },
          tx,
        );
        await this.commits.record(tx, project.id, body);
        return created;
      })
      .catch((err: unknown) => {
        throw isUniqueViolation(err, 'Artifact_projectId_version_key')
          ? this.versionExists(project, body.version)
          : err;
      });
    void this.commits.arrived(project.id, row.id, row.commitSha);
    return this.toView(row);
  }

  /** Newest first; the cursor is the (createdAt, id) of the previous page's last item. */
  async list(projectId: string, limit: number, after?: TimeIdCursor): Promise<Page<ArtifactView>> {
    const rows = await this.prisma.artifact.findMany({
      where: {
        projectId,
        ...(after
          ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
          : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
      include: WITH_TOKEN,
    });
    const page = rows.slice(0, limit);
    const emails = await this.userEmails(page);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => toArtifactView(row, emails)),
      nextCursor: rows.length > limit && last ? encodeTimeIdCursor(last) : null,
    };
  }

  async get(projectId: string, version: string): Promise<ArtifactView> {
    return this.toView(await this.findRow(projectId, version));
  }

  /** Where a tarball version is on disk. Throws if it is unknown, an image, or deleted (410). */
  async resolveArtifactFile(projectId: string, version: string): Promise<ArtifactFile> {
    const row = await this.findRow(projectId, version);
    if (row.deletedAt) throw versionGone(version, row);
    if (row.kind !== 'tarball' || !row.storageKey || !row.sha256 || row.sizeBytes === null) {
      throw new NotFoundException(`artifact ${version} is an image; it has no file`);
    }
    return { path: this.storage.pathOf(row.storageKey), sha256: row.sha256, sizeBytes: Number(row.sizeBytes) };
  }

  /** Opens a tarball for download after checking the file is really there, whole. */
  async openDownload(projectId: string, version: string): Promise<ArtifactFile & { stream: ReadStream }> {
    const file = await this.resolveArtifactFile(projectId, version);
    const info = await stat(file.path).catch(() => null);
    if (!info || info.size !== file.sizeBytes) {
      // Storage lost or damaged the file: an operator problem, reported as a 500 and logged.
      throw new Error(`artifact file ${file.path} is missing or has the wrong size`);
    }
    return { ...file, stream: createReadStream(file.path) };
  }

  private async assertVersionFree(project: ProjectRef, version: string): Promise<void> {
    const existing = await this.prisma.artifact.findUnique({
      where: { projectId_version: { projectId: project.id, version } },
      select: { deletedAt: true },
    });
    if (existing) throw this.versionExists(project, version, existing.deletedAt !== null);
  }

  private async findRow(projectId: string, version: string): Promise<ArtifactRow> {
    const row = await this.prisma.artifact.findUnique({
      where: { projectId_version: { projectId, version } },
      include: WITH_TOKEN,
    });
    if (!row) throw new NotFoundException(`artifact ${version} not found`);
    return row;
  }

  private async toView(row: ArtifactRow): Promise<ArtifactView> {
    return toArtifactView(row, await this.userEmails([row]));
  }

  private async userEmails(rows: ArtifactRow[]): Promise<Map<string, string>> {
    const ids = [
      ...new Set(rows.flatMap((r) => [r.uploadedByUserId, r.deletedById]).filter((id): id is string => id !== null)),
    ];
    if (ids.length === 0) return new Map();
    const users = await this.prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } });
    return new Map(users.map((u) => [u.id, u.email]));
  }

  private commitInfo(q: Pick<TarballUploadQuery, 'ref' | 'commit' | 'message' | 'author'>) {
    return {
      gitRef: q.ref ?? null,
      commitSha: q.commit ?? null,
      commitMessage: q.message ?? null,
      commitAuthor: q.author ?? null,
    } satisfies Partial<Prisma.ArtifactUncheckedCreateInput>;
  }

  private versionExists(project: ProjectRef, version: string, deleted = false): ConflictException {
    return new ConflictException(
      deleted
        ? `version ${version} of ${project.slug} was deleted, and a version name is never reused; push a new one`
        : `version ${version} already exists in ${project.slug}; versions are immutable, push a new one`,
    );
  }

  private tooLarge(): PayloadTooLargeException {
    return new PayloadTooLargeException(
      `the artifact is larger than the ${this.config.WHARF_MAX_ARTIFACT_MB} MB limit (WHARF_MAX_ARTIFACT_MB)`,
    );
  }

  private uploadError(err: unknown): unknown {
    if (err instanceof UploadTooLargeError) return this.tooLarge();
    if (err instanceof TarballRejectedError) return new UnprocessableEntityException(err.message);
    if (err instanceof UploadAbortedError) return new BadRequestException(err.message);
    return err;
  }
}

function projectOf(ctx: RequestContext): ProjectRef {
  if (!ctx.project) throw new Error('artifact routes need a project context');
  return ctx.project;
}

function uploader(ctx: RequestContext): { uploadedByTokenId: string | null; uploadedByUserId: string | null } {
  return {
    uploadedByTokenId: ctx.actor.type === 'token' ? ctx.actor.id : null,
    uploadedByUserId: ctx.actor.type === 'user' ? ctx.actor.id : null,
  };
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The X-Checksum-Sha256 trailer of a fully read request body, if sent; malformed → 400. */
function checksumTrailer(body: Readable): string | undefined {
  const value = (body as Partial<Pick<IncomingMessage, 'trailers'>>).trailers?.['x-checksum-sha256'];
  if (value === undefined) return undefined;
  if (!SHA256_HEX.test(value)) {
    throw new BadRequestException('the X-Checksum-Sha256 trailer must be 64 lower-case hex characters');
  }
  return value;
}
