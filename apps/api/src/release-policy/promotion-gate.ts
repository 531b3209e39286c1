// Promotion: a version may reach an environment only after it succeeded in the environment
// named as its source (Environment.promoteFromId). An admin may override with a reason.
import { Injectable } from '@nestjs/common';
import type { GateRequest, GateResult } from './release-gates.js';

@Injectable()
export class PromotionGate {
  // TODO(issue 10, promotion): refuse when the rule is not met; admin override with a reason.
  async check(_req: GateRequest): Promise<GateResult> {
    return {};
  }
}
