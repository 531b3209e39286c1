// Structured logs: one JSON object per line on stdout, easy to ship and grep.
import type { LoggerService } from '@nestjs/common';

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof levels;

/**
 * Nest's own boot chatter ("Mapped {/api/v1/..., GET} route" for every route, "XModule
 * dependencies initialized", ...): some 60 lines at every start that bury the URL and the
 * sign-in details. Their info lines are debug here; their warnings and errors stay.
 */
export const NEST_BOOT_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'WebSocketsController',
  'NestApplication',
]);

export class JsonLogger implements LoggerService {
  constructor(private readonly minLevel: Level = 'info') {}

  private write(level: Level, message: unknown, context?: string, extra?: Record<string, unknown>): void {
    if (levels[level] < levels[this.minLevel]) return;
    const line = {
      time: new Date().toISOString(),
      level,
      context,
      msg: message instanceof Error ? message.message : message,
      ...extra,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }

  log(message: unknown, context?: string): void {
    this.write(context !== undefined && NEST_BOOT_CONTEXTS.has(context) ? 'debug' : 'info', message, context);
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.write('error', message, context, trace ? { trace } : undefined);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  /** Structured event with fields, for code that wants more than a message. */
  event(level: Level, msg: string, fields: Record<string, unknown>, context?: string): void {
    this.write(level, msg, context, fields);
  }
}
