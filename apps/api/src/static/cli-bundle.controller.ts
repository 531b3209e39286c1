// Serves the bundled CLI so a CI job can `curl .../cli/wharf.mjs` and run it with node.
import { Controller, Get, Inject, NotFoundException, Res } from '@nestjs/common';
import type { Response } from 'express';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Public } from '../common/access.decorators.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { defaultCliBundlePath } from './paths.js';

@Controller('cli')
export class CliBundleController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get('wharf.mjs')
  @Public()
  async bundle(@Res() res: Response): Promise<void> {
    const file = this.config.WHARF_CLI_BUNDLE ?? defaultCliBundlePath();
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new NotFoundException('the CLI bundle is not built; run the build first');
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Content-Length', String(info.size));
    res.setHeader('Content-Disposition', 'attachment; filename="wharf.mjs"');
    createReadStream(file).pipe(res);
  }
}
