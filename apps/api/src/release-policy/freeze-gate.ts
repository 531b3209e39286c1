// Freeze windows: a release during a window of the environment or its project is refused,
// naming the window; a maintainer may override with a reason.
import { Injectable } from '@nestjs/common';
import type { GateRequest, GateResult } from './release-gates.js';

@Injectable()
export class FreezeGate {
  // TODO(issue 10, freeze windows): refuse inside a window; maintainer override with a reason.
  async check(_req: GateRequest): Promise<GateResult> {
    return {};
  }
}
