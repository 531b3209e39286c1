// The API calls a release makes, for one workload of one cluster: read and patch the
// workload, list pods and events, read a container's previous log, and ask the API server
// what the credential may do. Every call goes through kubeCall (timeout, 5xx backoff).
import {
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  VersionApi,
  type KubeConfig,
} from '@kubernetes/client-node';
import { kubeCall, type RetryOptions } from './kube-retry.js';
import {
  PLURAL,
  refLabel,
  type EventObject,
  type ListOf,
  type PodObject,
  type WorkloadObject,
  type WorkloadRef,
} from './workload-types.js';

export type PatchKind = 'json' | 'strategic';

/** Only Warning events are reported; the API server filters them (a supported event field). */
export const WARNINGS = 'type=Warning';

export class WorkloadClient {
  private readonly apps: AppsV1Api;
  private readonly core: CoreV1Api;
  private readonly authz: AuthorizationV1Api;
  private readonly version: VersionApi;

  constructor(
    readonly kc: KubeConfig,
    readonly ref: WorkloadRef,
    private readonly retry: RetryOptions = {},
  ) {
    this.apps = kc.makeApiClient(AppsV1Api);
    this.core = kc.makeApiClient(CoreV1Api);
    this.authz = kc.makeApiClient(AuthorizationV1Api);
    this.version = kc.makeApiClient(VersionApi);
  }

  get label(): string {
    return `${refLabel(this.ref)} in namespace ${this.ref.namespace}`;
  }

  /** Path of the workload's collection, for watches. */
  get collectionPath(): string {
    return `/apis/apps/v1/namespaces/${this.ref.namespace}/${PLURAL[this.ref.kind]}`;
  }

  get podsPath(): string {
    return `/api/v1/namespaces/${this.ref.namespace}/pods`;
  }

  get eventsPath(): string {
    return `/api/v1/namespaces/${this.ref.namespace}/events`;
  }

  private call<T>(what: string, fn: () => Promise<T>, retry: RetryOptions = this.retry): Promise<T> {
    return kubeCall(what, fn, retry);
  }

  serverVersion(): Promise<string> {
    return this.call('reading the server version', async () => (await this.version.getCode()).gitVersion);
  }

  read(retry?: RetryOptions): Promise<WorkloadObject> {
    const p = { name: this.ref.name, namespace: this.ref.namespace };
    return this.call(
      `reading ${this.label}`,
      async (): Promise<WorkloadObject> => {
        switch (this.ref.kind) {
          case 'Deployment':
            return await this.apps.readNamespacedDeployment(p);
          case 'StatefulSet':
            return await this.apps.readNamespacedStatefulSet(p);
          case 'DaemonSet':
            return (await this.apps.readNamespacedDaemonSet(p)) as WorkloadObject;
        }
      },
      retry,
    );
  }

  /** The workload as a one-item list, with the list's resourceVersion to watch from. */
  async list(): Promise<ListOf<WorkloadObject>> {
    const p = { namespace: this.ref.namespace, fieldSelector: `metadata.name=${this.ref.name}` };
    return this.call(`listing ${this.label}`, async () => {
      const l =
        this.ref.kind === 'Deployment'
          ? await this.apps.listNamespacedDeployment(p)
          : this.ref.kind === 'StatefulSet'
            ? await this.apps.listNamespacedStatefulSet(p)
            : await this.apps.listNamespacedDaemonSet(p);
      return { items: l.items as WorkloadObject[], resourceVersion: l.metadata?.resourceVersion ?? '' };
    });
  }

  /** Every workload of this kind in the namespace (a shared watch's relist after 410 Gone). */
  async listAll(): Promise<ListOf<WorkloadObject>> {
    const p = { namespace: this.ref.namespace };
    return this.call(`listing ${this.ref.kind.toLowerCase()}s in namespace ${this.ref.namespace}`, async () => {
      const l =
        this.ref.kind === 'Deployment'
          ? await this.apps.listNamespacedDeployment(p)
          : this.ref.kind === 'StatefulSet'
            ? await this.apps.listNamespacedStatefulSet(p)
            : await this.apps.listNamespacedDaemonSet(p);
      return { items: l.items as WorkloadObject[], resourceVersion: l.metadata?.resourceVersion ?? '' };
    });
  }

  patch(body: unknown, kind: PatchKind, what: string): Promise<WorkloadObject> {
    const p = { name: this.ref.name, namespace: this.ref.namespace, body, fieldManager: 'wharf' };
    const opts = setHeaderOptions(
      'Content-Type',
      kind === 'json' ? PatchStrategy.JsonPatch : PatchStrategy.StrategicMergePatch,
    );
    return this.call(`${what} (${this.label})`, async (): Promise<WorkloadObject> => {
      switch (this.ref.kind) {
        case 'Deployment':
          return await this.apps.patchNamespacedDeployment(p, opts);
        case 'StatefulSet':
          return await this.apps.patchNamespacedStatefulSet(p, opts);
        case 'DaemonSet':
          return (await this.apps.patchNamespacedDaemonSet(p, opts)) as WorkloadObject;
      }
    });
  }

  /** Pods of the namespace, or those a label selector picks. */
  async listPods(labelSelector?: string): Promise<ListOf<PodObject>> {
    const what = labelSelector ? `pods of ${this.label}` : `pods in namespace ${this.ref.namespace}`;
    return this.call(`listing ${what}`, async () => {
      const l = await this.core.listNamespacedPod({
        namespace: this.ref.namespace,
        ...(labelSelector ? { labelSelector } : {}),
      });
      return { items: l.items, resourceVersion: l.metadata?.resourceVersion ?? '' };
    });
  }

  /** Warning events of the namespace. */
  async listEvents(): Promise<ListOf<EventObject>> {
    return this.call(`listing events in namespace ${this.ref.namespace}`, async () => {
      const l = await this.core.listNamespacedEvent({ namespace: this.ref.namespace, fieldSelector: WARNINGS });
      return { items: l.items, resourceVersion: l.metadata?.resourceVersion ?? '' };
    });
  }

  /** The last `tailLines` lines a container printed before its last restart. */
  previousLog(pod: string, container: string, tailLines: number): Promise<string> {
    return this.call(`reading the previous log of pod ${pod}`, () =>
      this.core.readNamespacedPodLog({
        name: pod,
        namespace: this.ref.namespace,
        container,
        previous: true,
        tailLines,
      }),
    );
  }

  /** SelfSubjectAccessReview: may this credential `verb` the resource in the workload's namespace? */
  async canI(
    verb: string,
    group: string,
    resource: string,
    opts: { name?: string; subresource?: string } = {},
  ): Promise<boolean> {
    const review = await this.call(`asking whether the credential may ${verb} ${resource}`, () =>
      this.authz.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {
            resourceAttributes: {
              namespace: this.ref.namespace,
              verb,
              group,
              resource,
              ...(opts.subresource ? { subresource: opts.subresource } : {}),
              ...(opts.name ? { name: opts.name } : {}),
            },
          },
        },
      }),
    );
    return review.status?.allowed === true;
  }
}
