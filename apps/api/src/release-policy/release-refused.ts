// A gate's refusal: an HTTP 409 for people and CI, and a kind the auto-deployer can tell apart
// from other failed releases (it records the delivery as refused, or holds it for a freeze).
import { ConflictException } from '@nestjs/common';

export type RefusingGate = 'promotion' | 'freeze';

export class ReleaseRefused extends ConflictException {
  constructor(
    readonly gate: RefusingGate,
    message: string,
  ) {
    super(message);
  }
}
