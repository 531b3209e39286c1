// Issue 8, end to end: an admin connects a Kubernetes workload in the dashboard (kubeconfig
// credential, Kubernetes target, Test connection), releases image versions from the Release
// button, watches the workload's replicas roll over on the deployment page, and rolls back.
// The cluster is the Kubernetes API simulator from @wharf/test-hosts over https, trusted
// through the CA in the kubeconfig. Setup (project, environment, image versions) goes
// through the REST API; everything the issue is about goes through the UI in Chromium.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { request, type APIRequestContext, type APIResponse, type Page } from '@playwright/test';
import { startK8sSim, type Deployment, type K8sSim } from '@wharf/test-hosts';
import { repoRoot, serverInfo } from '../fixtures/e2e-env.js';
import { expect, test } from '../fixtures/test.js';

const ENV = 'staging';
const NAMESPACE = 'shop';
const WORKLOAD = 'web';
const TARGET = 'web';
const REPO = 'registry.example.com/shop/web';
const image = (tag: string) => `${REPO}:${tag}`;
const REPLICAS = 3;
/** Generous bound for one rollout of three pods (a wait, not a timing assertion). */
const RELEASE_DONE = 90_000;
const TERMINAL = /^(succeeded|failed|cancelled)$/;

test.describe.configure({ mode: 'serial' });

let sim: K8sSim;
let api: APIRequestContext;
let slug: string;

async function ok<T>(res: APIResponse, what: string): Promise<T> {
  if (![200, 201].includes(res.status())) throw new Error(`${what}: HTTP ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The image the simulator's Deployment runs now (what Wharf patched, not what the page says). */
function clusterImage(): string | undefined {
  return sim.get<Deployment>('deployments', NAMESPACE, WORKLOAD)?.spec.template.spec.containers[0]?.image;
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const worker = join(repoRoot, 'apps/api/dist/worker.js');
  if (!existsSync(worker)) throw new Error(`releases need the worker: ${worker} is missing (run 'pnpm build')`);
  // Pods take ~1.4 s to become ready and one is replaced at a time, so a release of three
  // replicas lasts long enough for the page to show the counts moving.
  sim = await startK8sSim({ namespaces: [NAMESPACE], timing: { podStartMs: 700, podReadyMs: 700 } });
  sim.createDeployment({
    namespace: NAMESPACE,
    name: WORKLOAD,
    image: image('0.9.0'),
    replicas: REPLICAS,
    spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } },
  });
  await sim.waitForRollout('deployments', NAMESPACE, WORKLOAD, 30_000);

  const wharf = serverInfo();
  slug = `k8s-${randomBytes(3).toString('hex')}`;
  api = await request.newContext({ baseURL: wharf.url });
  await ok(
    await api.post('/api/v1/auth/login', { data: { email: wharf.adminEmail, password: wharf.adminPassword } }),
    'sign in',
  );
  await ok(await api.post('/api/v1/projects', { data: { slug, name: 'Kubernetes demo' } }), 'create project');
  await ok(await api.post(`/api/v1/projects/${slug}/environments`, { data: { name: ENV } }), 'create environment');
  // What CI does with `wharf artifact register-image`: one image per version, nothing uploaded.
  // 3.0.0's image cannot be pulled: its pods wait in ErrImagePull / ImagePullBackOff forever.
  sim.setImageBehavior(image('3.0.0'), { kind: 'pull-error' });
  for (const version of ['1.0.0', '2.0.0', '3.0.0']) {
    await ok(
      await api.post(`/api/v1/projects/${slug}/artifacts/image`, { data: { version, image: image(version) } }),
      `register ${version}`,
    );
  }
});

test.afterAll(async () => {
  await api?.dispose();
  await sim?.stop();
});

async function releaseFromVersionsTab(page: Page, version: string): Promise<void> {
  await page.getByTestId('tab-versions').click();
  await page.getByTestId(`release-button-${version}`).click();
  const dialog = page.getByTestId('release-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('release-environment').selectOption({ label: ENV });
  await dialog.getByTestId('release-submit').click();
  await expect(page).toHaveURL(new RegExp(`/projects/${slug}/deployments/[0-9a-f-]{36}$`));
  await expect(page.getByTestId('deployment-page')).toBeVisible();
}

interface Observation {
  state: string;
  updated: number | null;
  ready: number | null;
  image: string;
}

/** The state badge and the workload's counts in one task, so both describe the same moment. */
function observe(page: Page): Promise<Observation> {
  return page.evaluate((target) => {
    const box = document.querySelector(`[data-testid="workload-${target}"]`);
    const count = (key: string) => {
      const v = box?.querySelector(`[data-testid="workload-${key}"]`)?.getAttribute('data-value');
      return v == null ? null : Number(v);
    };
    return {
      state: document.querySelector('[data-testid="deployment-state"]')?.textContent?.trim() ?? '',
      updated: count('updated'),
      ready: count('ready'),
      image: box?.querySelector('[data-testid="workload-image"]')?.textContent?.trim() ?? '',
    };
  }, TARGET);
}

test('admin connects a Kubernetes workload, releases images, watches the rollout and rolls back', async ({
  page,
  wharf,
  saveScreenshot,
}) => {
  test.setTimeout(300_000);
  const workload = page.getByTestId(`workload-${TARGET}`);

  await test.step('sign in as the administrator', async () => {
    await page.goto('/');
    await page.getByTestId('login-email').fill(wharf.adminEmail);
    await page.getByTestId('login-password').fill(wharf.adminPassword);
    await page.getByTestId('login-submit').click();
    await expect(page).toHaveURL(/\/projects$/);
  });

  await test.step('add the cluster kubeconfig as a credential', async () => {
    await page.goto(`/projects/${slug}/credentials`);
    await page.getByTestId('credential-create-button').click();
    await page.getByTestId('credential-name').fill('cluster');
    await page.getByTestId('credential-kind').selectOption('kubeconfig');
    // Server, the simulator's CA and a bearer token: TLS is verified, never skipped.
    await page.getByTestId('credential-value').fill(sim.kubeconfig({ namespace: NAMESPACE }));
    await page.getByTestId('credential-submit').click();
    await expect(page.getByTestId('credential-form')).toHaveCount(0);
    await expect(page.getByText('cluster', { exact: true })).toBeVisible();
  });

  await test.step('create the Kubernetes target; the form refuses a bad namespace first', async () => {
    await page.goto(`/projects/${slug}/targets`);
    await page.getByTestId(`target-env-${ENV}`).click();
    await page.getByTestId('target-create-button').click();
    const form = page.getByTestId('target-form');
    await form.getByTestId('target-kind').selectOption('kubernetes');
    await form.getByTestId('target-name').fill(TARGET);
    await form.getByTestId('target-config-kind').selectOption('Deployment');
    await form.getByTestId('target-config-namespace').fill('Shop');
    await form.getByTestId('target-config-deployment').fill(WORKLOAD);
    await form.getByTestId('target-config-container').fill('app');
    await form.getByTestId('target-config-imageRepository').fill(REPO);
    await form.getByTestId('target-config-apiUrl').fill(sim.url);
    await form.getByTestId('target-credential').selectOption({ label: 'cluster (kubeconfig)' });
    await form.getByTestId('target-submit').click();
    await expect(form.getByTestId('field-error-config.namespace')).toContainText('DNS label');

    await form.getByTestId('target-config-namespace').fill(NAMESPACE);
    await form.getByTestId('target-submit').click();
    await expect(page.getByTestId(`target-row-${TARGET}`)).toContainText(`${NAMESPACE}/${WORKLOAD}`);
  });

  await test.step('Test connection: every check passes and shows the running image', async () => {
    await page.getByTestId(`test-connection-${TARGET}`).click();
    const probe = page.getByTestId(`k8s-preflight-${TARGET}`);
    await expect(probe).toHaveAttribute('data-ok', 'true');
    for (const check of ['reachable', 'authenticated', 'workload', 'patch', 'observe']) {
      await expect(probe.getByTestId(`k8s-check-${check}`)).toHaveAttribute('data-status', 'passed');
    }
    await expect(probe.getByTestId('k8s-workload')).toContainText(WORKLOAD);
    await expect(probe.getByTestId('k8s-current-image')).toHaveText(image('0.9.0'));
    await expect(probe.getByTestId('k8s-replicas')).toContainText(`${REPLICAS}/${REPLICAS} ready`);
    await saveScreenshot(page, 'kubernetes-test-connection');
  });

  await test.step('release 1.0.0 from the Versions tab', async () => {
    await releaseFromVersionsTab(page, '1.0.0');
    await expect(page.getByTestId('deployment-state')).toHaveText('succeeded', { timeout: RELEASE_DONE });
    await expect(workload.getByTestId('workload-image')).toHaveText(image('1.0.0'));
    await expect(workload.getByTestId('workload-previous-image')).toHaveText(image('0.9.0'));
    await expect(workload).toHaveAttribute('data-rolled-out', 'true');
    expect(clusterImage()).toBe(image('1.0.0'));
  });

  await test.step('release 2.0.0 and watch the replicas roll over while it runs', async () => {
    await releaseFromVersionsTab(page, '2.0.0');
    const seen: Observation[] = [];
    let midRollout: string | null = null;
    await expect
      .poll(
        async () => {
          const o = await observe(page);
          seen.push(o);
          // One picture of the page part-way through the rollout (for the README).
          if (!midRollout && o.state === 'running' && o.updated === 1)
            midRollout = await saveScreenshot(page, 'kubernetes-rollout-progress');
          return o.state;
        },
        { timeout: RELEASE_DONE, intervals: [100] },
      )
      .toMatch(TERMINAL);
    await test.info().attach('workload-observations.json', {
      body: JSON.stringify(seen, null, 1),
      contentType: 'application/json',
    });
    const summary = `observations: ${JSON.stringify(seen.filter((_, i) => i % 5 === 0 || i === seen.length - 1))}`;
    const whileRunning = seen.filter((o) => o.state === 'running' && o.updated !== null);
    // The page showed the rollout part-way (not only its end) ...
    expect(
      whileRunning.some((o) => o.updated! < REPLICAS),
      summary,
    ).toBe(true);
    // ... and the counts moved while it ran, pushed live to the page.
    expect(new Set(whileRunning.map((o) => `${o.updated}/${o.ready}`)).size, summary).toBeGreaterThan(1);

    await expect(page.getByTestId('deployment-state')).toHaveText('succeeded');
    await expect(workload).toHaveAttribute('data-rolled-out', 'true');
    for (const key of ['updated', 'ready', 'available']) {
      await expect(workload.getByTestId(`workload-${key}`)).toHaveAttribute('data-value', String(REPLICAS));
    }
    await expect(workload.getByTestId('workload-previous-image')).toHaveText(image('1.0.0'));
    await expect(workload.getByTestId('workload-image')).toHaveText(image('2.0.0'));
    expect(clusterImage()).toBe(image('2.0.0'));
    await saveScreenshot(page, 'kubernetes-release');
  });

  await test.step('roll back from the Overview: the previous image is back', async () => {
    await page.getByTestId('tab-overview').click();
    await expect(page.getByTestId(`env-current-${ENV}`)).toHaveText('2.0.0');
    await page.getByTestId(`rollback-${ENV}`).click();
    const dialog = page.getByTestId('rollback-dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByTestId('rollback-submit').click();
    await expect(page).toHaveURL(new RegExp(`/projects/${slug}/deployments/[0-9a-f-]{36}$`));
    await expect(page.getByTestId('deployment-state')).toHaveText('succeeded', { timeout: RELEASE_DONE });
    await expect(page.getByTestId('deployment-trigger')).toHaveText('rollback');
    await expect(workload.getByTestId('workload-previous-image')).toHaveText(image('2.0.0'));
    await expect(workload.getByTestId('workload-image')).toHaveText(image('1.0.0'));
    await expect(workload).toHaveAttribute('data-rolled-out', 'true');
    expect(clusterImage()).toBe(image('1.0.0'));
    await page.getByTestId('tab-overview').click();
    await expect(page.getByTestId(`env-current-${ENV}`)).toHaveText('1.0.0');
  });
});

test('an image that cannot be pulled fails at the rollout deadline set in the dashboard, and the previous image is put back', async ({
  page,
  wharf,
  saveScreenshot,
}) => {
  test.setTimeout(180_000);
  const workload = page.getByTestId(`workload-${TARGET}`);
  // The first test rolled staging back to 1.0.0.
  expect(clusterImage()).toBe(image('1.0.0'));

  await test.step('sign in and set a 5 s rollout deadline in the Kubernetes settings', async () => {
    await page.goto('/');
    await page.getByTestId('login-email').fill(wharf.adminEmail);
    await page.getByTestId('login-password').fill(wharf.adminPassword);
    await page.getByTestId('login-submit').click();
    await expect(page).toHaveURL(/\/projects$/);
    await page.goto(`/projects/${slug}/environments`);
    await page.getByTestId('environment-settings').click();
    const section = page.getByTestId('settings-kubernetes');
    await expect(section.getByTestId('settings-k8s-mode')).toHaveValue('image');
    await section.getByTestId('settings-k8s-rollout-timeout').fill('5');
    await page.getByTestId('settings-submit').click();
    await expect(page.getByTestId('settings-saved')).toBeVisible();
  });

  await test.step('release 3.0.0: its pod cannot pull the image, the release fails and restores 1.0.0', async () => {
    await releaseFromVersionsTab(page, '3.0.0');
    const reasons = new Set<string>();
    await expect
      .poll(
        async () => {
          for (const r of await workload.getByTestId('pod-reason').allTextContents()) reasons.add(r.trim());
          return (await page.getByTestId('deployment-state').textContent())?.trim();
        },
        { timeout: RELEASE_DONE, intervals: [100] },
      )
      .toMatch(TERMINAL);
    // The waiting reason was on the page while the pod waited.
    expect(
      [...reasons].some((r) => r === 'ErrImagePull' || r === 'ImagePullBackOff'),
      [...reasons].join(', '),
    ).toBe(true);
    await expect(page.getByTestId('deployment-state')).toHaveText('failed');
    const restore = workload.getByTestId('workload-restore');
    await expect(restore).toHaveAttribute('data-state', 'succeeded');
    await expect(restore).toContainText('Previous image put back and rolled out');
    await expect(workload.getByTestId('workload-previous-image')).toHaveText(image('1.0.0'));
    await expect(workload.getByTestId('workload-image')).toHaveText(image('3.0.0'));
    await expect(workload).toHaveAttribute('data-rolled-out', 'true');
    await sim.waitForRollout('deployments', NAMESPACE, WORKLOAD, 30_000);
    expect(clusterImage()).toBe(image('1.0.0'));
    await saveScreenshot(page, 'kubernetes-restore');
  });
});
