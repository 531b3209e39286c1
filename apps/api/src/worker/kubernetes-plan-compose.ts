// The pure half of building a Kubernetes release plan: from the stored target configs, the
// opened credentials and the version's image to the executor's plan.
import {
  clusterAccessFromKubeconfig,
  KubeconfigError,
  type ClusterAccess,
  type KubernetesReleasePlan,
} from '@wharf/executors';
import type { CredentialKind, DeploySettings, KubernetesReleaseSettings, KubernetesTargetConfig } from '@wharf/shared';

export interface KubernetesTargetSource {
  id: string;
  name: string;
  config: KubernetesTargetConfig;
  /** The opened credential, or null when the target has none. */
  credential: { kind: CredentialKind; value: string } | null;
}

export interface KubernetesReleaseSources {
  deploymentId: string;
  version: string;
  /** The version's image (Artifact.imageRef / imageDigest); null for a tarball version. */
  image: { ref: string; digest: string | null } | null;
  settings: Pick<DeploySettings, 'batchSize' | 'onFailure'> & { kubernetes?: Partial<KubernetesReleaseSettings> };
  targets: KubernetesTargetSource[];
}

export interface ComposedKubernetesPlan {
  plan: KubernetesReleasePlan;
  /** Every secret value in the plan, for masking log lines. */
  secrets: string[];
  /** Targets that cannot run, with a reason a person can act on (never a secret). */
  refused: { targetId: string; reason: string }[];
}

function sameServer(a: string, b: string): boolean {
  const norm = (u: string) => {
    const x = new URL(u);
    return `${x.protocol}//${x.host}${x.pathname.replace(/\/+$/, '')}`;
  };
  try {
    return norm(a) === norm(b);
  } catch {
    return false;
  }
}

/** The cluster access of one target, or why there is none. */
function accessOf(t: KubernetesTargetSource): { access: ClusterAccess } | { reason: string } {
  if (!t.credential) return { reason: `${t.name} has no kubeconfig credential` };
  if (t.credential.kind !== 'kubeconfig') {
    return {
      reason: `${t.name} uses a ${t.credential.kind} credential, which has no CA to verify the API server with: use a kubeconfig credential (with certificate-authority-data)`,
    };
  }
  let access: ClusterAccess;
  try {
    access = clusterAccessFromKubeconfig(t.credential.value);
  } catch (err) {
    if (err instanceof KubeconfigError) return { reason: `kubeconfig of ${t.name} cannot be used: ${err.message}` };
    throw err;
  }
  // The credential goes only where its kubeconfig says; a target pointing elsewhere is a mistake to fix, not to guess.
  if (!sameServer(access.server, t.config.apiUrl)) {
    return {
      reason: `${t.name}'s API URL ${t.config.apiUrl} is not the server of its kubeconfig (${access.server}); make them the same`,
    };
  }
  return { access };
}

export function composeKubernetesPlan(src: KubernetesReleaseSources): ComposedKubernetesPlan {
  const refused: ComposedKubernetesPlan['refused'] = [];
  const secrets: string[] = [];
  const targets: KubernetesReleasePlan['targets'] = [];
  const mode = src.settings.kubernetes?.mode ?? 'image';
  for (const t of src.targets) {
    if (mode === 'image' && !src.image) {
      refused.push({
        targetId: t.id,
        reason: `version ${src.version} is not an image; register one with wharf artifact register-image`,
      });
      continue;
    }
    const a = accessOf(t);
    if ('reason' in a) {
      refused.push({ targetId: t.id, reason: a.reason });
      continue;
    }
    secrets.push('token' in a.access.auth ? a.access.auth.token : a.access.auth.clientKeyPem);
    targets.push({
      id: t.id,
      name: t.name,
      workload: {
        namespace: t.config.namespace,
        kind: t.config.kind,
        name: t.config.deployment,
        container: t.config.container,
        ...(t.config.imageRepository ? { imageRepository: t.config.imageRepository } : {}),
      },
      cluster: a.access,
    });
  }
  return {
    plan: {
      deploymentId: src.deploymentId,
      version: src.version,
      ...(src.image
        ? { image: { ref: src.image.ref, ...(src.image.digest ? { digest: src.image.digest } : {}) } }
        : {}),
      targets,
      settings: {
        batchSize: src.settings.batchSize,
        onFailure: src.settings.onFailure,
        kubernetes: src.settings.kubernetes ?? {},
      },
    },
    secrets,
    refused,
  };
}
