// POST /api/v1/hooks/gitlab/:slug — where GitLab sends a project's webhook deliveries.
// Order matters: the token is checked (in constant time) before a byte of the body is read;
// then the body is read with a cap, parsed, and recorded. Unauthenticated requests never
// write anything; every authenticated one leaves a delivery record, accepted or not.
import {
  BadRequestException,
  Controller,
  HttpCode,
  Inject,
  Param,
  PayloadTooLargeException,
  Post,
  Req,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { WebhookAckView, WebhookEventKind } from '@wharf/shared';
import type { Request, Response } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import { Public } from '../common/access.decorators.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { StreamBody } from '../security/body-policy.js';
import { closeIfBodyUnread } from '../security/close-after-refusal.js';
import { BodyInterruptedError, BodyTooLargeError, readCappedBody } from './capped-body.js';
import { clean, GITLAB_EVENT_KINDS, PayloadError, readGitlabEvent } from './gitlab-payloads.js';
import { type DeliveryMeta, WebhookIngest } from './webhook-ingest.service.js';

/** Seconds GitLab (or anyone) should wait before retrying after a 503. */
const RETRY_AFTER_SECONDS = 10;
/** Delivery ids GitLab sends are UUIDs; anything printable up to this length is accepted. */
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

@ApiTags('webhooks')
@Controller('hooks/gitlab')
export class GitlabHookController {
  constructor(
    private readonly ingest: WebhookIngest,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post(':slug')
  @Public()
  @StreamBody('application/json')
  @HttpCode(202)
  @ApiOperation({
    summary: 'GitLab webhook endpoint of a project (Settings → Webhooks in GitLab)',
    description:
      "Authenticated by X-Gitlab-Token (the project's webhook secret). 202: recorded and queued; 200: a copy of a " +
      'delivery already recorded (same Idempotency-Key), nothing new happens; 401: wrong or missing token, or no ' +
      'such project (one answer for all); 400: not JSON, or not the event X-Gitlab-Event names; 413: body over ' +
      'WHARF_WEBHOOK_MAX_BODY_KB; 415: not application/json; 503: database or Redis unavailable, retry later.',
  })
  @ApiHeader({ name: 'X-Gitlab-Token', required: true, description: "the project's webhook secret token" })
  @ApiHeader({ name: 'X-Gitlab-Event', required: true, description: 'Push Hook, Tag Push Hook, Pipeline Hook, ...' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: "GitLab's retries of a delivery repeat it" })
  @ApiConsumes('application/json')
  @ApiBody({ description: "GitLab's event payload", schema: { type: 'object' } })
  @ApiResponse({ status: 202, description: 'recorded and queued' })
  @ApiResponse({ status: 200, description: 'duplicate of a recorded delivery' })
  async receive(
    @Param('slug') slug: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<WebhookAckView> {
    try {
      const { projectId } = await this.ingest.authenticate(slug, firstHeader(req, 'x-gitlab-token'));
      const meta = deliveryMeta(req);
      const kind: WebhookEventKind = GITLAB_EVENT_KINDS[meta.event] ?? 'other';
      const maxBytes = this.config.WHARF_WEBHOOK_MAX_BODY_KB * 1024;
      let raw: Buffer;
      try {
        raw = await readCappedBody(req, maxBytes);
      } catch (err) {
        if (!(err instanceof BodyTooLargeError)) throw new BadRequestException((err as BodyInterruptedError).message);
        const reason = `body is larger than ${this.config.WHARF_WEBHOOK_MAX_BODY_KB} KB (WHARF_WEBHOOK_MAX_BODY_KB)`;
        await this.ingest.reject(projectId, withKey(meta, null), kind, reason);
        throw new PayloadTooLargeException(reason);
      }
      const withBodyKey = withKey(meta, raw);
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
      } catch {
        // The parser's message would quote the body.
        await this.ingest.reject(projectId, withBodyKey, kind, 'body is not valid JSON');
        throw new BadRequestException('request body is not valid JSON');
      }
      let event;
      try {
        event = readGitlabEvent(kind, body);
      } catch (err) {
        if (!(err instanceof PayloadError)) throw err;
        await this.ingest.reject(projectId, withBodyKey, kind, err.message);
        throw new BadRequestException(err.message);
      }
      const ack = await this.ingest.accept(projectId, withBodyKey, event);
      if (ack.status === 'duplicate') res.status(200);
      return ack;
    } catch (err) {
      closeIfBodyUnread(req, res);
      if (err instanceof ServiceUnavailableException) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      throw err;
    }
  }
}

function firstHeader(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function printable(v: string | undefined): string | null {
  return v !== undefined && KEY_PATTERN.test(v) ? v : null;
}

type PartialMeta = Omit<DeliveryMeta, 'idempotencyKey'> & { idempotencyKey: string | null };

function deliveryMeta(req: Request): PartialMeta {
  const eventUuid = printable(firstHeader(req, 'x-gitlab-event-uuid'));
  return {
    event: clean(firstHeader(req, 'x-gitlab-event') ?? '', 100),
    // Idempotency-Key stays the same when GitLab retries; older GitLab versions do not send it.
    idempotencyKey: printable(firstHeader(req, 'idempotency-key')),
    eventUuid,
  };
}

/** Falls back to the event UUID, then to a hash of the body (a retry repeats the same body). */
function withKey(meta: PartialMeta, body: Buffer | null): DeliveryMeta {
  const key =
    meta.idempotencyKey ??
    (meta.eventUuid ? `event-uuid:${meta.eventUuid}` : null) ??
    (body ? `body-sha256:${createHash('sha256').update(body).digest('hex')}` : `unkeyed:${randomUUID()}`);
  return { ...meta, idempotencyKey: key };
}
