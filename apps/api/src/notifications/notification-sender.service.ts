// Sends one message to one subscription: opens its sealed URL and secret, checks the address
// again (the DNS answer may have changed since the subscription was saved), builds the
// channel's signed request and POSTs it to the checked address, with a timeout. Errors say
// what went wrong without the URL (its path and query are the chat service's token).
import http from 'node:http';
import https from 'node:https';
import { Inject, Injectable } from '@nestjs/common';
import type { NotificationChannel } from '@wharf/shared';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { SecretBoxService } from '../credentials/secret-box.service.js';
import { buildRequest, responseProblem, type ReleaseMessage } from './notification-channels.js';
import { checkOutboundUrl, OutboundAddressError, pinnedLookup } from './outbound-address.js';

/** Most of a receiver's answer that is read (chat services answer a few bytes of JSON). */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface SendableSubscription {
  channel: NotificationChannel;
  urlSealed: Uint8Array;
  secretSealed: Uint8Array | null;
  allowPrivateNetwork: boolean;
}

export class NotificationSendError extends Error {
  /** True when trying again cannot help (address refused). */
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
  }
}

export interface SendResult {
  status: number;
}

@Injectable()
export class NotificationSender {
  constructor(
    private readonly box: SecretBoxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async send(sub: SendableSubscription, message: ReleaseMessage): Promise<SendResult> {
    const url = this.box.open(sub.urlSealed);
    const secret = sub.secretSealed ? this.box.open(sub.secretSealed) : null;
    const request = buildRequest(sub.channel, message, url, secret, new Date());
    let checked;
    try {
      checked = await checkOutboundUrl(request.url, sub.allowPrivateNetwork);
    } catch (err) {
      if (err instanceof OutboundAddressError) throw new NotificationSendError(err.message, true);
      throw err;
    }
    const { status, text } = await this.post(checked, request.headers, request.body);
    const problem = responseProblem(sub.channel, status, text);
    if (problem) throw new NotificationSendError(problem);
    return { status };
  }

  private post(
    checked: Awaited<ReturnType<typeof checkOutboundUrl>>,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; text: string }> {
    const timeoutMs = this.config.WHARF_NOTIFICATION_TIMEOUT_MS;
    const client = checked.url.protocol === 'https:' ? https : http;
    const where = checked.url.host;
    return new Promise((resolve, reject) => {
      const req = client.request(checked.url, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Wharf-Notifications' },
        // Connect to the address that was checked, not to whatever DNS says a moment later.
        lookup: pinnedLookup(checked) as never,
        timeout: timeoutMs,
      });
      const deadline = setTimeout(
        () => req.destroy(new Error(`${where} did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      req.on('timeout', () => req.destroy(new Error(`${where} did not answer within ${timeoutMs} ms`)));
      req.on('error', (err) => {
        clearTimeout(deadline);
        reject(new NotificationSendError(`could not reach ${where}: ${err.message}`));
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < MAX_RESPONSE_BYTES) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => {
          clearTimeout(deadline);
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8').slice(0, MAX_RESPONSE_BYTES),
          });
        });
        res.on('error', (err) => {
          clearTimeout(deadline);
          reject(new NotificationSendError(`${where} broke off its answer: ${err.message}`));
        });
      });
      req.end(body);
    });
  }
}
