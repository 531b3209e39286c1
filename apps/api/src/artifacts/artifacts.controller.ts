import { Body, Controller, Delete, Get, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  type ArtifactView,
  type Page,
  type PageQuery,
  pageQuerySchema,
  type RegisterImageBody,
  registerImageSchema,
  tarballUploadQuerySchema,
  versionSchema,
} from '@wharf/shared';
import type { Request, Response } from 'express';
import { Ctx, ProjectAccess, ProjectOrTokenAccess } from '../common/access.decorators.js';
import type { RequestContext } from '../common/request-context.js';
import { ApiZodBody, ApiZodQuery } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { StreamBody } from '../security/body-policy.js';
import { projectCtx } from '../projects/projects.service.js';
import { ArtifactDeletion } from './artifact-deletion.service.js';
import { ArtifactsService } from './artifacts.service.js';

const UPLOAD_TYPES = ['application/gzip', 'application/x-gzip', 'application/octet-stream'];

@ApiTags('artifacts')
@Controller('projects/:slug/artifacts')
export class ArtifactsController {
  constructor(
    private readonly artifacts: ArtifactsService,
    private readonly deletion: ArtifactDeletion,
  ) {}

  @Get()
  @ProjectOrTokenAccess('viewer')
  @ApiOperation({ summary: 'List artifacts, newest first' })
  @ApiZodQuery(pageQuerySchema)
  list(@Ctx() ctx: RequestContext, @Query(new ZodPipe(pageQuerySchema)) q: PageQuery): Promise<Page<ArtifactView>> {
    return this.artifacts.list(projectId(ctx), q.limit, q.cursor);
  }

  @Post('tarball')
  @ProjectOrTokenAccess('deployer', 'artifacts:push')
  @ApiOperation({
    summary: 'Push a .tar.gz (streamed request body)',
    description:
      '409 if the version exists, 413 over WHARF_MAX_ARTIFACT_MB, 422 if the tarball is unreadable or holds an ' +
      'unsafe entry (absolute path, "..", escaping symlink, hard link, device, FIFO), 400 on a sha256 mismatch. ' +
      'The sha256 may be sent as the `sha256` query or, with a chunked body, as the X-Checksum-Sha256 trailer ' +
      '(declare the size in X-Content-Length then).',
  })
  @ApiZodQuery(tarballUploadQuerySchema)
  @ApiConsumes('application/gzip')
  @StreamBody(...UPLOAD_TYPES)
  @ApiBody({
    description: 'The raw .tar.gz; Content-Length (or X-Content-Length when chunked) optional.',
    schema: { type: 'string', format: 'binary' },
  })
  async pushTarball(@Ctx() ctx: RequestContext, @Query() query: unknown, @Req() req: Request): Promise<ArtifactView> {
    // A refusal before the body is read in full closes the connection (HttpExceptionFilter).
    const q = new ZodPipe(tarballUploadQuerySchema).transform(query);
    return await this.artifacts.pushTarball(ctx, q, req, declaredLength(req));
  }

  @Post('image')
  @ProjectOrTokenAccess('deployer', 'artifacts:push')
  @ApiOperation({ summary: 'Register a container image as a version (nothing is uploaded)' })
  @ApiZodBody(registerImageSchema)
  registerImage(
    @Ctx() ctx: RequestContext,
    @Body(new ZodPipe(registerImageSchema)) body: RegisterImageBody,
  ): Promise<ArtifactView> {
    return this.artifacts.registerImage(ctx, body);
  }

  @Get(':version')
  @ProjectOrTokenAccess('viewer')
  @ApiOperation({ summary: 'One artifact version' })
  get(
    @Ctx() ctx: RequestContext,
    @Param('version', new ZodPipe(versionSchema)) version: string,
  ): Promise<ArtifactView> {
    return this.artifacts.get(projectId(ctx), version);
  }

  @Delete(':version')
  @ProjectAccess('maintainer')
  @ApiOperation({
    summary: 'Delete a version: its file is removed, its record stays (history and audit name it)',
    description:
      '409 naming the reason while an environment runs it, is deploying it or would roll back to it; 410 if it ' +
      'is already deleted. The version name stays taken: pushing it again is refused.',
  })
  async remove(
    @Ctx() ctx: RequestContext,
    @Param('version', new ZodPipe(versionSchema)) version: string,
  ): Promise<ArtifactView> {
    const pctx = projectCtx(ctx);
    await this.deletion.deleteByHand(pctx, version);
    return this.artifacts.get(pctx.project.id, version);
  }

  @Get(':version/download')
  @ProjectOrTokenAccess('viewer')
  @ApiOperation({ summary: 'Download a tarball (X-Checksum-Sha256 carries its sha256)' })
  @ApiProduces('application/gzip')
  async download(
    @Ctx() ctx: RequestContext,
    @Param('version', new ZodPipe(versionSchema)) version: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const file = await this.artifacts.openDownload(projectId(ctx), version);
    res.setHeader('X-Checksum-Sha256', file.sha256);
    // Slug and version are restricted to [A-Za-z0-9._-], safe inside the quoted filename.
    return new StreamableFile(file.stream, {
      type: 'application/gzip',
      length: file.sizeBytes,
      disposition: `attachment; filename="${ctx.project?.slug ?? 'artifact'}-${version}.tar.gz"`,
    });
  }
}

function projectId(ctx: RequestContext): string {
  if (!ctx.project) throw new Error('artifact routes need a project context');
  return ctx.project.id;
}

/**
 * Content-Length, or X-Content-Length for a chunked upload with a checksum trailer (the two
 * can't be combined): used for the early 413 and checked against the bytes received.
 */
function declaredLength(req: Request): number | null {
  const header = req.headers['content-length'] ?? req.headers['x-content-length'];
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || !/^\d+$/.test(raw)) return null;
  return Number(raw);
}
