import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiCookieAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  createProjectSchema,
  updateProjectSchema,
  upsertMemberSchema,
  type CreateProjectBody,
  type MemberView,
  type ProjectView,
  type UpdateProjectBody,
  type UpsertMemberBody,
} from '@wharf/shared';
import { AdminOnly, Ctx, ProjectAccess, SignedIn } from '../common/access.decorators.js';
import { userActor, type RequestContext } from '../common/request-context.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { uuidParam } from '../common/id-param.js';
import { projectCtx, ProjectsService } from './projects.service.js';

@ApiTags('projects')
@ApiCookieAuth()
@Controller('projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Get()
  @SignedIn()
  list(@Ctx() ctx: RequestContext): Promise<ProjectView[]> {
    return this.projects.listVisible(userActor(ctx));
  }

  @Post()
  @AdminOnly()
  @ApiZodBody(createProjectSchema)
  create(
    @Ctx() ctx: RequestContext,
    @Body(new ZodPipe(createProjectSchema)) body: CreateProjectBody,
  ): Promise<ProjectView> {
    return this.projects.create(ctx, body);
  }

  @Get(':slug')
  @ApiParam({ name: 'slug', description: 'project slug' })
  @ProjectAccess('viewer')
  get(@Ctx() ctx: RequestContext): Promise<ProjectView> {
    return this.projects.get(projectCtx(ctx));
  }

  @Patch(':slug')
  @ApiParam({ name: 'slug', description: 'project slug' })
  @ProjectAccess('maintainer')
  @ApiZodBody(updateProjectSchema)
  update(
    @Ctx() ctx: RequestContext,
    @Body(new ZodPipe(updateProjectSchema)) body: UpdateProjectBody,
  ): Promise<ProjectView> {
    return this.projects.update(projectCtx(ctx), body);
  }

  /** Admins only; resolved as a project route so non-members still get 404. */
  @Delete(':slug')
  @ApiParam({ name: 'slug', description: 'project slug' })
  @ProjectAccess('maintainer')
  @HttpCode(204)
  remove(@Ctx() ctx: RequestContext): Promise<void> {
    return this.projects.remove(projectCtx(ctx));
  }

  @Get(':slug/members')
  @ApiParam({ name: 'slug', description: 'project slug' })
  @ProjectAccess('viewer')
  members(@Ctx() ctx: RequestContext): Promise<MemberView[]> {
    return this.projects.listMembers(projectCtx(ctx));
  }

  @Put(':slug/members')
  @ApiParam({ name: 'slug', description: 'project slug' })
  @ProjectAccess('maintainer')
  @ApiZodBody(upsertMemberSchema)
  upsertMember(
    @Ctx() ctx: RequestContext,
    @Body(new ZodPipe(upsertMemberSchema)) body: UpsertMemberBody,
  ): Promise<MemberView> {
    return this.projects.upsertMember(projectCtx(ctx), body);
  }

  @Delete(':slug/members/:userId')
  @ApiParam({ name: 'slug', description: 'project slug' })
  @ProjectAccess('maintainer')
  @HttpCode(204)
  removeMember(@Ctx() ctx: RequestContext, @Param('userId', uuidParam('userId')) userId: string): Promise<void> {
    return this.projects.removeMember(projectCtx(ctx), userId);
  }
}
