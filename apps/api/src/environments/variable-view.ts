// One view for environment variables and target overrides: secret values are write-only.
import type { VariableView } from '@wharf/shared';
import type { SecretBoxService } from '../credentials/secret-box.service.js';

export interface SealedVariableRow {
  id: string;
  name: string;
  secret: boolean;
  value: Uint8Array;
  updatedAt: Date;
}

export function toVariableView(v: SealedVariableRow, box: SecretBoxService): VariableView {
  return {
    id: v.id,
    name: v.name,
    secret: v.secret,
    value: v.secret ? null : box.open(v.value),
    updatedAt: v.updatedAt.toISOString(),
  };
}
