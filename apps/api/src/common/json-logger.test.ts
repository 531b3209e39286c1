import { afterEach, describe, expect, it, vi } from 'vitest';
import { JsonLogger, NEST_BOOT_CONTEXTS } from './json-logger.js';

function capture(run: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

afterEach(() => vi.restoreAllMocks());

describe('JsonLogger', () => {
  it("keeps Nest's boot chatter out of info and shows it at debug", () => {
    const chatter = (logger: JsonLogger) => {
      logger.log('Mapped {/api/v1/projects, GET} route', 'RouterExplorer');
      logger.log('ProjectsController {/api/v1/projects}:', 'RoutesResolver');
      logger.log('AppModule dependencies initialized', 'InstanceLoader');
      logger.log('Starting Nest application...', 'NestFactory');
      logger.log('Nest application successfully started', 'NestApplication');
      logger.log('LiveGateway subscribed to the "deployment:subscribe" message', 'WebSocketsController');
    };
    expect(capture(() => chatter(new JsonLogger('info')))).toEqual([]);
    const debug = capture(() => chatter(new JsonLogger('debug')));
    expect(debug).toHaveLength(6);
    expect(debug.every((l) => l.level === 'debug')).toBe(true);
    expect(new Set(debug.map((l) => l.context))).toEqual(NEST_BOOT_CONTEXTS);
  });

  it("keeps the same contexts' warnings and errors, and everyone else's info", () => {
    const lines = capture(() => {
      const logger = new JsonLogger('info');
      logger.warn('Unsupported host', 'RouterExplorer');
      logger.error('listen failed', 'trace', 'NestApplication');
      logger.log('wharf api listening', 'Main');
      logger.log('no context');
    });
    expect(lines.map((l) => [l.level, l.context, l.msg])).toEqual([
      ['warn', 'RouterExplorer', 'Unsupported host'],
      ['error', 'NestApplication', 'listen failed'],
      ['info', 'Main', 'wharf api listening'],
      ['info', undefined, 'no context'],
    ]);
  });
});
