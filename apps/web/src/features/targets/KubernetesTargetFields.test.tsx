import type { CredentialView, KubernetesPreflightView, TargetView } from '@wharf/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { installFakeApi, json } from '../../test/fake-api';
import { renderWithProviders } from '../../test/render';
import { KubernetesPreflight } from './KubernetesPreflight';
import { TargetForm } from './TargetForm';

const KUBECONFIG_ID = '6f1c2a7e-0b4d-4e8a-9c3f-2d5e7a9b1c04';
const credential = (id: string, name: string, kind: CredentialView['kind']): CredentialView => ({
  id,
  name,
  kind,
  fingerprint: 'SHA256:x',
  allowedOrigins: [],
  createdAt: '2025-01-01T00:00:00.000Z',
  rotatedAt: null,
});
const credentials = [
  credential('0a7d8f1e-2c3b-4d5e-8f90-1a2b3c4d5e6f', 'deploy-key', 'ssh_key'),
  credential(KUBECONFIG_ID, 'cluster-a', 'kubeconfig'),
  credential('9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e', 'consul-acl', 'token'),
];
const createPath = '/api/v1/projects/shop/environments/env-1/targets';

function renderForm(creds: CredentialView[] | undefined = credentials) {
  const onDone = vi.fn();
  renderWithProviders(<TargetForm slug="shop" environmentId="env-1" credentials={creds} onDone={onDone} />);
  return onDone;
}

async function chooseKubernetes() {
  await userEvent.selectOptions(screen.getByTestId('target-kind'), 'kubernetes');
}

async function fill(testId: string, value: string) {
  const input = screen.getByTestId(testId);
  await userEvent.clear(input);
  if (value) await userEvent.type(input, value);
}

describe('Kubernetes target form', () => {
  it('refuses names Kubernetes would refuse, with a reason per field, and sends nothing', async () => {
    const { calls } = installFakeApi({});
    renderForm();
    await chooseKubernetes();
    await fill('target-name', 'web');
    await fill('target-config-namespace', 'Shop_NS');
    await fill('target-config-deployment', 'web..api');
    await fill('target-config-container', 'App');
    await fill('target-config-imageRepository', 'registry.example.com/shop/web:1.0');
    await fill('target-config-apiUrl', 'k8s.example.com');
    await userEvent.click(screen.getByTestId('target-submit'));

    expect(await screen.findByTestId('field-error-config.namespace')).toHaveTextContent(/DNS label/);
    expect(screen.getByTestId('field-error-config.deployment')).toHaveTextContent(/DNS name/);
    expect(screen.getByTestId('field-error-config.container')).toHaveTextContent(/container name/);
    expect(screen.getByTestId('field-error-config.imageRepository')).toHaveTextContent(/without tag or digest/);
    expect(screen.getByTestId('field-error-config.apiUrl')).toHaveTextContent(/URL/);
    expect(screen.getByTestId('target-config-namespace')).toHaveAttribute('aria-invalid', 'true');
    expect(calls).toHaveLength(0);
  });

  it('requires namespace, workload name and container but not the image repository', async () => {
    const { calls } = installFakeApi({});
    renderForm();
    await chooseKubernetes();
    await fill('target-name', 'web');
    await fill('target-config-apiUrl', 'https://127.0.0.1:6443');
    await userEvent.click(screen.getByTestId('target-submit'));
    expect(await screen.findByTestId('field-error-config.namespace')).toBeInTheDocument();
    expect(screen.getByTestId('field-error-config.deployment')).toBeInTheDocument();
    expect(screen.getByTestId('field-error-config.container')).toBeInTheDocument();
    expect(screen.queryByTestId('field-error-config.imageRepository')).not.toBeInTheDocument();
    expect(screen.queryByTestId('field-error-config.apiUrl')).not.toBeInTheDocument();
    expect(calls).toHaveLength(0);
  });

  it('creates the target with the workload kind, a blank image repository left out, and the kubeconfig', async () => {
    const { calls } = installFakeApi({ [`POST ${createPath}`]: () => json({ id: 't1' }, 201) });
    const onDone = renderForm();
    await chooseKubernetes();
    // Only kubeconfigs are offered: a release needs the cluster's CA, which a bare token lacks.
    const options = within(screen.getByTestId('target-credential'))
      .getAllByRole('option')
      .map((o) => o.textContent);
    expect(options).toEqual(['— none —', 'cluster-a (kubeconfig)']);
    expect(screen.queryByTestId('k8s-no-kubeconfig')).not.toBeInTheDocument();

    await fill('target-name', 'db');
    await userEvent.selectOptions(screen.getByTestId('target-config-kind'), 'StatefulSet');
    await fill('target-config-namespace', 'shop');
    await fill('target-config-deployment', 'db.primary');
    await fill('target-config-container', 'postgres');
    await fill('target-config-apiUrl', 'https://127.0.0.1:6443');
    await userEvent.selectOptions(screen.getByTestId('target-credential'), KUBECONFIG_ID);
    await userEvent.click(screen.getByTestId('target-submit'));

    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([`POST ${createPath}`]);
    expect(calls[0]?.body).toEqual({
      kind: 'kubernetes',
      name: 'db',
      credentialId: KUBECONFIG_ID,
      config: {
        kind: 'StatefulSet',
        namespace: 'shop',
        deployment: 'db.primary',
        container: 'postgres',
        apiUrl: 'https://127.0.0.1:6443',
      },
    });
  });

  it('edits an existing target: its config is filled in and the change is sent with the kind kept', async () => {
    const target: TargetView = {
      id: 't-db',
      environmentId: 'env-1',
      name: 'db',
      kind: 'kubernetes',
      config: {
        apiUrl: 'https://127.0.0.1:6443',
        namespace: 'shop',
        deployment: 'db',
        container: 'postgres',
        kind: 'StatefulSet',
        imageRepository: 'registry.example.com/shop/db',
      },
      credentialId: KUBECONFIG_ID,
      createdAt: '2025-01-01T00:00:00.000Z',
    };
    const { calls } = installFakeApi({ 'PATCH /api/v1/projects/shop/targets/t-db': () => json(target) });
    const onDone = vi.fn();
    renderWithProviders(
      <TargetForm slug="shop" environmentId="env-1" target={target} credentials={credentials} onDone={onDone} />,
    );
    expect(screen.getByTestId('target-kind')).toBeDisabled();
    expect(screen.getByTestId('target-config-kind')).toHaveValue('StatefulSet');
    expect(screen.getByTestId('target-config-imageRepository')).toHaveValue('registry.example.com/shop/db');
    expect(screen.getByTestId('target-credential')).toHaveValue(KUBECONFIG_ID);
    // Clearing the optional repository removes the restriction instead of sending "".
    await fill('target-config-imageRepository', '');
    await fill('target-config-container', 'pg');
    await userEvent.click(screen.getByTestId('target-submit'));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(calls[0]?.body).toEqual({
      name: 'db',
      credentialId: KUBECONFIG_ID,
      config: {
        kind: 'StatefulSet',
        namespace: 'shop',
        deployment: 'db',
        container: 'pg',
        apiUrl: 'https://127.0.0.1:6443',
      },
    });
  });

  it('says when the project has no kubeconfig credential yet', async () => {
    installFakeApi({});
    renderForm([credentials[0]!]);
    await chooseKubernetes();
    expect(screen.getByTestId('k8s-no-kubeconfig')).toHaveTextContent('no kubeconfig credential yet');
    expect(within(screen.getByTestId('target-credential')).getAllByRole('option')).toHaveLength(1);
  });

  it('shows the checks in Chinese too', async () => {
    installFakeApi({});
    renderWithProviders(<TargetForm slug="shop" environmentId="env-1" credentials={[]} onDone={vi.fn()} />, {
      locale: 'zh-CN',
    });
    await chooseKubernetes();
    await fill('target-name', 'web');
    await fill('target-config-namespace', 'Bad');
    await userEvent.click(screen.getByTestId('target-submit'));
    expect(await screen.findByTestId('field-error-config.namespace')).toHaveTextContent('DNS 标签');
  });
});

const preflight = (extra: Partial<KubernetesPreflightView> = {}): KubernetesPreflightView => ({
  ok: true,
  checks: [
    { name: 'reachable', status: 'passed', message: 'https://127.0.0.1:6443 answered' },
    { name: 'authenticated', status: 'passed', message: 'token accepted' },
    { name: 'workload', status: 'passed', message: 'Deployment web in shop' },
    { name: 'patch', status: 'passed', message: 'may patch deployments/web' },
    { name: 'observe', status: 'passed', message: 'may watch pods and events' },
  ],
  currentImage: 'registry.example.com/shop/web:1.0.0',
  replicas: { desired: 3, ready: 3, updated: 3, available: 3 },
  serverVersion: 'v1.32.0',
  ...extra,
});

describe('Kubernetes Test connection output', () => {
  it('lists every check with the API server answer, the current image and replicas', () => {
    renderWithProviders(
      <KubernetesPreflight targetName="web" probe={{ ...preflight(), workload: 'Deployment/web in shop' }} />,
    );
    expect(screen.getByTestId('k8s-workload')).toHaveTextContent('Deployment/web in shop');
    const box = screen.getByTestId('k8s-preflight-web');
    expect(box).toHaveAttribute('data-ok', 'true');
    expect(screen.getByTestId('k8s-preflight-summary')).toHaveTextContent('Every check passed');
    for (const name of ['reachable', 'authenticated', 'workload', 'patch', 'observe']) {
      expect(screen.getByTestId(`k8s-check-${name}`)).toHaveAttribute('data-status', 'passed');
    }
    expect(screen.getByTestId('k8s-check-patch')).toHaveTextContent('may patch deployments/web');
    expect(screen.getByTestId('k8s-current-image')).toHaveTextContent('registry.example.com/shop/web:1.0.0');
    expect(screen.getByTestId('k8s-replicas')).toHaveTextContent('3/3 ready, 3 updated, 3 available');
  });

  it('names the first failed check and says what could not be read', () => {
    const probe = preflight({
      ok: false,
      checks: [
        { name: 'reachable', status: 'passed', message: 'answered' },
        { name: 'authenticated', status: 'passed', message: 'token accepted' },
        { name: 'workload', status: 'failed', message: 'forbidden: cannot get deployments in namespace "payments"' },
        { name: 'patch', status: 'skipped', message: 'not tried' },
        { name: 'observe', status: 'skipped', message: 'not tried' },
      ],
      currentImage: null,
      replicas: null,
    });
    renderWithProviders(<KubernetesPreflight targetName="web" probe={probe} />);
    expect(screen.getByTestId('k8s-preflight-web')).toHaveAttribute('data-ok', 'false');
    expect(screen.queryByTestId('k8s-workload')).not.toBeInTheDocument();
    expect(screen.getByTestId('k8s-preflight-summary')).toHaveTextContent(
      'A release to this workload would fail at: Workload readable.',
    );
    expect(screen.getByTestId('k8s-check-workload')).toHaveTextContent('cannot get deployments');
    expect(screen.getByTestId('k8s-check-patch')).toHaveTextContent('not tried');
    expect(screen.getByTestId('k8s-current-image')).toHaveTextContent('could not be read');
    expect(screen.getByTestId('k8s-replicas')).toHaveTextContent('could not be read');
  });
});
