// The Kubernetes target's config fields, mirroring kubernetesTargetConfigSchema in
// packages/shared/src/targets.ts. Values stay strings until submit; the shared schema then
// refuses bad ones by path and the `invalid` keys say why in the user's language.
import { KUBERNETES_WORKLOAD_KINDS, type CredentialView } from '@wharf/shared';
import type { TargetFieldDef } from './target-fields';

export const KUBERNETES_FIELDS: TargetFieldDef[] = [
  {
    path: 'kind',
    label: 'k8sTarget.kind',
    hint: 'k8sTarget.kindHint',
    type: 'select',
    options: KUBERNETES_WORKLOAD_KINDS.map((k) => ({ value: k, label: `k8sTarget.kind.${k}` as const })),
    initial: 'Deployment',
  },
  {
    path: 'namespace',
    label: 'target.namespace',
    hint: 'k8sTarget.namespaceHint',
    placeholder: 'shop',
    initial: '',
    invalid: 'k8sTarget.namespaceInvalid',
  },
  {
    path: 'deployment',
    label: 'k8sTarget.workloadName',
    hint: 'k8sTarget.workloadNameHint',
    placeholder: 'web',
    initial: '',
    invalid: 'k8sTarget.workloadNameInvalid',
  },
  {
    path: 'container',
    label: 'target.container',
    hint: 'k8sTarget.containerHint',
    placeholder: 'app',
    initial: '',
    invalid: 'k8sTarget.containerInvalid',
  },
  {
    path: 'imageRepository',
    label: 'k8sTarget.imageRepository',
    hint: 'k8sTarget.imageRepositoryHint',
    placeholder: 'registry.example.com/shop/web',
    initial: '',
    optional: true,
    invalid: 'k8sTarget.imageRepositoryInvalid',
  },
  {
    path: 'apiUrl',
    label: 'target.apiUrl',
    hint: 'k8sTarget.apiUrlHint',
    placeholder: 'https://k8s.example.com:6443',
    initial: '',
    invalid: 'k8sTarget.apiUrlInvalid',
  },
];

/**
 * Credentials a Kubernetes target can use: kubeconfigs only (a release needs the cluster's
 * CA, which a bare token does not carry). The one already chosen stays listed so an edit
 * does not silently drop it.
 */
export function kubeconfigCredentials(credentials: CredentialView[] | undefined, selectedId: string): CredentialView[] {
  return (credentials ?? []).filter((c) => c.kind === 'kubeconfig' || c.id === selectedId);
}
