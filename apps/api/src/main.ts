// HTTP role entry point: serves the API and dashboard.
import 'reflect-metadata';
import { AdminBootstrapService } from './auth/admin-bootstrap.service.js';
import { JsonLogger } from './common/json-logger.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { createHttpApp } from './http-app.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger(config.WHARF_LOG_LEVEL);
  const app = await createHttpApp(config, logger);
  const admin = await app.get(AdminBootstrapService).ensureAdmin();
  // Uploads of large artifacts may take longer than Node's default 5-minute request limit;
  // the upload itself enforces size and the socket's idle timeout still applies.
  const server = app.getHttpServer() as import('node:http').Server;
  server.requestTimeout = 0;
  await app.listen(config.WHARF_PORT, config.WHARF_HOST);
  const listening = `http://${config.WHARF_HOST.includes(':') ? `[${config.WHARF_HOST}]` : config.WHARF_HOST}:${config.WHARF_PORT}`;
  // The public address is the one browsers must use: other origins cannot change anything.
  const url = config.WHARF_PUBLIC_URL;
  logger.event('info', 'wharf api listening', { listening, publicUrl: url }, 'Main');
  if (['0.0.0.0', '::'].includes(config.WHARF_HOST) && /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):/.test(url)) {
    logger.event(
      'warn',
      `listening on every interface, but browsers may only use ${url}: set WHARF_PUBLIC_URL to the address people open`,
      {},
      'Main',
    );
  }
  if (admin?.generatedPassword) {
    // Printed once, plainly, so the person starting Wharf can sign in.
    process.stdout.write(
      `\nWharf is ready at ${url}\n  admin login: ${admin.email}\n  password:    ${admin.generatedPassword}\n  (also in ${config.WHARF_DATA_DIR}/initial-admin-password; change it after signing in)\n\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
