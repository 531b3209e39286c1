import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { changelogQuerySchema, type ChangelogQuery, type ChangelogView } from '@wharf/shared';
import { Ctx, ProjectOrTokenAccess } from '../common/access.decorators.js';
import type { RequestContext } from '../common/request-context.js';
import { ApiZodQuery } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { projectCtx } from '../projects/projects.service.js';
import { ChangelogService } from './changelog.service.js';

@ApiTags('webhooks')
@ApiParam({ name: 'slug', description: 'project slug' })
@Controller('projects/:slug/changelog')
export class ChangelogController {
  constructor(private readonly changelog: ChangelogService) {}

  @Get()
  @ProjectOrTokenAccess('viewer')
  @ApiOperation({
    summary: 'Commits between the version an environment runs and `version`, and whether releasing it is a rollback',
  })
  @ApiZodQuery(changelogQuerySchema)
  get(@Ctx() ctx: RequestContext, @Query(new ZodPipe(changelogQuerySchema)) q: ChangelogQuery): Promise<ChangelogView> {
    return this.changelog.changelog(projectCtx(ctx).project.id, q);
  }
}
