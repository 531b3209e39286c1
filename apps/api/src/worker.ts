// Worker role entry point: runs deployments from the queue. No HTTP.
import 'reflect-metadata';
import { JsonLogger } from './common/json-logger.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { startWorker } from './worker-app.js';
import { lowerCpuPriority } from './worker/cpu-priority.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger(config.WHARF_LOG_LEVEL);
  const worker = await startWorker(config, logger);
  // After the boot, so every helper thread V8 and libuv started exists and gets it too.
  const priority = config.WHARF_WORKER_NICE > 0 ? lowerCpuPriority(config.WHARF_WORKER_NICE) : null;
  logger.event(
    'info',
    'wharf worker started',
    { concurrency: config.WHARF_WORKER_CONCURRENCY, nice: priority?.nice, niceAutogroup: priority?.autogroup },
    'Worker',
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.event('info', 'stopping: no new jobs; waiting for running deployments', { signal }, 'Worker');
    worker.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error(String(err), undefined, 'Worker');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
