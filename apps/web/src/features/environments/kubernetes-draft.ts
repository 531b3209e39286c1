// The Kubernetes part of deploy settings <-> the strings the form edits. The deadline stays a
// string until submit; updateDeploySettingsSchema then refuses a bad one by path
// (kubernetes.rolloutTimeoutSeconds), exactly as the API would.
import type { DeploySettings, KubernetesReleaseSettings } from '@wharf/shared';

export interface KubernetesDraft {
  mode: KubernetesReleaseSettings['mode'];
  rolloutTimeoutSeconds: string;
}

export function toKubernetesDraft(s: DeploySettings): KubernetesDraft {
  return { mode: s.kubernetes.mode, rolloutTimeoutSeconds: String(s.kubernetes.rolloutTimeoutSeconds) };
}

/** A whole number as a number; anything else as typed, for the schema to refuse. */
function wholeSeconds(v: string): number | string {
  const s = v.trim();
  if (s === '') return Number.NaN;
  return /^\d+$/.test(s) ? Number(s) : s;
}

/** This section's part of the PATCH body, before schema validation. */
export function fromKubernetesDraft(d: KubernetesDraft): Record<string, unknown> {
  return { kubernetes: { mode: d.mode, rolloutTimeoutSeconds: wholeSeconds(d.rolloutTimeoutSeconds) } };
}

/** Issue paths this section shows (for the form's "other errors" notice). */
export const KUBERNETES_SETTINGS_FIELDS = ['kubernetes', 'kubernetes.mode', 'kubernetes.rolloutTimeoutSeconds'];
