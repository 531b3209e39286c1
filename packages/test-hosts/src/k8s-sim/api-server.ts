// The HTTP face of the simulator: the Kubernetes REST API as a client sees it (discovery,
// get/list/watch/create/update/patch/delete, status/scale/log subresources,
// SelfSubjectAccessReview), bearer-token authentication, per-namespace authorization with
// real 401/403/404/409/410/422 Status answers, and the faults a test can script.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimController } from './controller.js';
import type { Json, JsonObject, KubeObject, Pod, StatusObject } from './k8s-types.js';
import { jsonPatch, mergePatch, PatchError, strategicMergePatch } from './patches.js';
import { decodeSelfSubjectAccessReview } from './protobuf.js';
import {
  apiVersionOf,
  coreVersions,
  findResource,
  groupDoc,
  groupList,
  resourceList,
  type ResourceDef,
} from './resources.js';
import { parseFieldSelector, parseLabelSelector, SelectorError, selectorToString } from './selectors.js';
import type { ObjectStore, StoredEvent } from './store.js';
import { toTable, wantsTable } from './tables.js';
import { applyWorkloadDefaults, validateObject } from './validation.js';

/** Who a bearer token is and what it may touch. */
export interface SimToken {
  token: string;
  user: string;
  /** Namespaces this token may use; '*' = all, cluster-scoped reads included. */
  namespaces: string[] | '*';
  /** Verbs it may use (get, list, watch, create, update, patch, delete); default all. */
  verbs?: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  user: string | null;
  contentType: string | null;
  status: number;
  /** When it arrived (ms since the epoch). */
  receivedAt: number;
  /** Which TCP (TLS) connection carried it: requests of one connection share the number. */
  connectionId: number;
}

interface FaultRule {
  status: number;
  remaining: number;
  match: (method: string, path: string) => boolean;
}

interface OpenWatch {
  res: ServerResponse;
  close: () => void;
}

function status(code: number, reason: string, message: string, details?: StatusObject['details']): StatusObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

class HttpError extends Error {
  constructor(readonly body: StatusObject) {
    super(body.message);
  }
}

const qualified = (r: ResourceDef) => (r.group ? `${r.name}.${r.group}` : r.name);

function notFound(r: ResourceDef, name: string): HttpError {
  return new HttpError(
    status(404, 'NotFound', `${qualified(r)} "${name}" not found`, { name, group: r.group, kind: r.name }),
  );
}

function stripTypeMeta(o: KubeObject): Omit<KubeObject, 'apiVersion' | 'kind'> {
  const { apiVersion: _a, kind: _k, ...rest } = o;
  void _a;
  void _k;
  return rest;
}

export class SimApiServer {
  readonly requests: RecordedRequest[] = [];
  private readonly faults: FaultRule[] = [];
  private readonly watches = new Set<OpenWatch>();
  private readonly connectionIds = new WeakMap<object, number>();
  private connections = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly controller: SimController,
    private readonly tokens: SimToken[],
    /** Streaming lists (watch with sendInitialEvents, the WatchList feature): on in 1.32, off in 1.33. */
    private readonly watchList = true,
  ) {}

  /** The next `count` requests that match answer `statusCode` (500, 503, 504...) instead. */
  failRequests(count: number, statusCode = 503, match: (method: string, path: string) => boolean = () => true): void {
    this.faults.push({ status: statusCode, remaining: count, match });
  }

  /** Ends every open watch, as a load balancer or an API server restart does. */
  dropWatches(): number {
    const n = this.watches.size;
    for (const w of [...this.watches]) w.close();
    return n;
  }

  /** Compacts history and tells every open watch 410 Gone (`Expired`), as etcd compaction does. */
  expireWatches(): number {
    this.store.compact();
    const n = this.watches.size;
    for (const w of [...this.watches]) {
      const rv = this.store.resourceVersion;
      w.res.write(
        `${JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${rv} (${Number(rv) + 1})`) })}\n`,
      );
      w.close();
    }
    return n;
  }

  get openWatches(): number {
    return this.watches.size;
  }

  closeAll(): void {
    for (const w of [...this.watches]) w.close();
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://sim.invalid');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      user: null,
      contentType: req.headers['content-type'] ?? null,
      status: 0,
      receivedAt: Date.now(),
      connectionId: this.connectionIdOf(req.socket),
    };
    this.requests.push(rec);
    this.route(req, res, url, rec).catch((err: unknown) => {
      const body =
        err instanceof HttpError ? err.body : status(500, 'InternalError', `Internal error occurred: ${String(err)}`);
      this.send(res, rec, body.code, body);
    });
  }

  private connectionIdOf(socket: object): number {
    let id = this.connectionIds.get(socket);
    if (id === undefined) {
      id = ++this.connections;
      this.connectionIds.set(socket, id);
    }
    return id;
  }

  private send(res: ServerResponse, rec: RecordedRequest, code: number, body: unknown): void {
    rec.status = code;
    if (res.headersSent) {
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(code, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-cache, private',
    });
    res.end(text);
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL, rec: RecordedRequest): Promise<void> {
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const fault = this.faults.find((f) => f.remaining > 0 && f.match(method, path));
    if (fault) {
      fault.remaining--;
      req.resume();
      const reason = fault.status === 503 ? 'ServiceUnavailable' : fault.status === 504 ? 'Timeout' : 'InternalError';
      throw new HttpError(
        status(
          fault.status,
          reason,
          `the server is currently unable to handle the request (simulated ${fault.status})`,
        ),
      );
    }
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const token = auth ? this.tokens.find((t) => t.token === auth[1]) : undefined;
    if (!token) {
      req.resume();
      throw new HttpError(status(401, 'Unauthorized', 'Unauthorized'));
    }
    rec.user = token.user;

    if (method === 'GET') {
      const doc = this.discovery(path);
      if (doc !== undefined) return this.send(res, rec, 200, doc);
      if (path.startsWith('/openapi/')) {
        throw new HttpError(status(404, 'NotFound', 'the server could not find the requested resource'));
      }
    }

    const m =
      /^\/(?:api\/v1|apis\/([a-z0-9.]+)\/v1)(?:\/namespaces\/([^/]+)(?=\/[^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(
        path,
      );
    if (!m) throw new HttpError(status(404, 'NotFound', 'the server could not find the requested resource'));
    const [, groupRaw, namespace, resourceName, name, sub] = m as unknown as [
      string,
      string | undefined,
      string | undefined,
      string,
      string | undefined,
      string | undefined,
    ];
    const r = findResource(groupRaw ?? '', resourceName);
    if (!r || (sub !== undefined && !(sub in r.subresources)) || (namespace !== undefined && !r.namespaced)) {
      throw new HttpError(status(404, 'NotFound', 'the server could not find the requested resource'));
    }
    const watching = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
    const verb = this.verbOf(method, name, watching);
    this.authorize(token, verb, r, namespace, name, sub);
    const writes = method === 'POST' || method === 'PUT' || method === 'PATCH';
    const protobuf = /protobuf/.test(req.headers['content-type'] ?? '');
    if (writes && protobuf && r.name !== 'selfsubjectaccessreviews') {
      req.resume();
      throw new HttpError(
        status(
          415,
          'UnsupportedMediaType',
          'the body of the request was in an unknown format - accepted media types include: application/json, application/merge-patch+json, application/strategic-merge-patch+json, application/json-patch+json',
        ),
      );
    }
    const body = !writes
      ? (req.resume(), undefined)
      : protobuf
        ? decodeProtobuf(await readBody(req))
        : parseJson(await readBody(req));

    if (r.name === 'selfsubjectaccessreviews') return this.send(res, rec, 201, this.accessReview(token, body));
    if (!name) {
      if (method === 'GET' && watching) return this.watch(req, res, rec, r, namespace, url);
      if (method === 'GET') return this.send(res, rec, 200, this.list(r, namespace, url, req));
      if (method === 'POST') return this.send(res, rec, 201, this.createObject(r, namespace, body));
      throw new HttpError(
        status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`),
      );
    }
    const ns = r.namespaced ? namespace : undefined;
    if (r.namespaced && ns === undefined)
      throw new HttpError(status(404, 'NotFound', 'the server could not find the requested resource'));
    const current = this.store.get<KubeObject>(r.name, ns, name);
    if (!current) throw notFound(r, name);
    if (sub === 'log') return this.podLog(res, rec, current as Pod, url);
    if (sub === 'scale')
      return this.send(res, rec, 200, this.scale(r, current, method, body, req.headers['content-type']));
    switch (method) {
      case 'GET':
        return this.send(
          res,
          rec,
          200,
          wantsTable(req) ? toTable(r, [current], this.store.resourceVersion, url) : current,
        );
      case 'PUT':
        return this.send(res, rec, 200, this.write(r, current, body, sub));
      case 'PATCH': {
        const patched = applyPatch(current as unknown as Json, body ?? null, req.headers['content-type']);
        return this.send(res, rec, 200, this.write(r, current, patched, sub));
      }
      case 'DELETE':
        return this.send(res, rec, 200, this.remove(r, current));
      default:
        throw new HttpError(
          status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`),
        );
    }
  }

  private discovery(path: string): object | undefined {
    if (path === '/version') {
      return {
        major: '1',
        minor: '32',
        gitVersion: 'v1.32.0-wharf-sim',
        gitCommit: '0',
        gitTreeState: 'clean',
        buildDate: '2026-01-01T00:00:00Z',
        goVersion: 'go1.23',
        compiler: 'gc',
        platform: 'linux/amd64',
      };
    }
    if (path === '/api') return coreVersions();
    if (path === '/apis') return groupList();
    if (path === '/api/v1') return resourceList('');
    const g = /^\/apis\/([^/]+)(\/v1)?$/.exec(path);
    if (g) return g[2] ? (groupDoc(g[1]!) ? resourceList(g[1]!) : undefined) : groupDoc(g[1]!);
    if (path === '/healthz' || path === '/livez' || path === '/readyz') return { status: 'ok' };
    return undefined;
  }

  private verbOf(method: string, name: string | undefined, watching: boolean): string {
    switch (method) {
      case 'GET':
        return name ? 'get' : watching ? 'watch' : 'list';
      case 'POST':
        return 'create';
      case 'PUT':
        return 'update';
      case 'PATCH':
        return 'patch';
      case 'DELETE':
        return name ? 'delete' : 'deletecollection';
      default:
        return method.toLowerCase();
    }
  }

  private allowed(token: SimToken, verb: string, namespace: string | undefined): boolean {
    if (token.verbs && !token.verbs.includes(verb)) return false;
    if (token.namespaces === '*') return true;
    return namespace !== undefined && token.namespaces.includes(namespace);
  }

  private authorize(
    token: SimToken,
    verb: string,
    r: ResourceDef,
    namespace: string | undefined,
    name: string | undefined,
    sub: string | undefined,
  ): void {
    if (r.name === 'selfsubjectaccessreviews') return;
    if (this.allowed(token, verb, r.namespaced ? namespace : undefined)) return;
    const resource = sub ? `${r.name}/${sub}` : r.name;
    const what = name ? `${qualified(r)} "${name}" is forbidden` : `${qualified(r)} is forbidden`;
    const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
    throw new HttpError(
      status(
        403,
        'Forbidden',
        `${what}: User "${token.user}" cannot ${verb} resource "${resource}" in API group "${r.group}" ${scope}`,
        {
          ...(name ? { name } : {}),
          group: r.group,
          kind: r.name,
        },
      ),
    );
  }

  private accessReview(token: SimToken, body: Json | undefined): object {
    const spec = (
      body as
        | { spec?: { resourceAttributes?: { namespace?: string; verb?: string; resource?: string; group?: string } } }
        | undefined
    )?.spec;
    const a = spec?.resourceAttributes;
    if (!a?.verb || !a.resource)
      throw new HttpError(
        status(
          422,
          'Invalid',
          'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Required value',
        ),
      );
    const allowed = this.allowed(token, a.verb, a.namespace || undefined);
    return {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec,
      status: allowed
        ? { allowed: true, reason: `RBAC: allowed by simulator token "${token.user}"` }
        : { allowed: false },
    };
  }

  private filtered(r: ResourceDef, namespace: string | undefined, url: URL): KubeObject[] {
    let labels;
    let fields;
    try {
      labels = parseLabelSelector(url.searchParams.get('labelSelector'));
      fields = parseFieldSelector(url.searchParams.get('fieldSelector'));
    } catch (err) {
      throw new HttpError(status(400, 'BadRequest', (err as SelectorError).message));
    }
    return this.store.list(r.name, namespace).filter((o) => labels(o.metadata.labels) && fields(o));
  }

  private list(r: ResourceDef, namespace: string | undefined, url: URL, req: IncomingMessage): object {
    const items = this.filtered(r, namespace, url);
    if (wantsTable(req)) return toTable(r, items, this.store.resourceVersion, url);
    return {
      kind: `${r.kind}List`,
      apiVersion: apiVersionOf(r),
      metadata: { resourceVersion: this.store.resourceVersion },
      items: items.map(stripTypeMeta),
    };
  }

  private watch(
    req: IncomingMessage,
    res: ServerResponse,
    rec: RecordedRequest,
    r: ResourceDef,
    namespace: string | undefined,
    url: URL,
  ): void {
    const labels = parseLabelSelector(url.searchParams.get('labelSelector'));
    const fields = parseFieldSelector(url.searchParams.get('fieldSelector'));
    const initialEvents = url.searchParams.get('sendInitialEvents');
    if (initialEvents !== null) this.checkStreamingList(url);
    const matches = (o: KubeObject) =>
      (namespace === undefined || o.metadata.namespace === namespace) && labels(o.metadata.labels) && fields(o);
    const table = wantsTable(req);
    rec.status = 200;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    res.flushHeaders();
    const write = (type: string, object: KubeObject) => {
      const payload = table ? toTable(r, [object], object.metadata.resourceVersion, url) : object;
      res.write(`${JSON.stringify({ type, object: payload })}\n`);
    };
    const rvParam = url.searchParams.get('resourceVersion');
    let backlog: StoredEvent[] = [];
    if (initialEvents === 'true') {
      // A streaming list: the current objects, then a bookmark marking their end (at the
      // store's version, which is "not older than" any the request could have named).
      for (const o of this.store.list(r.name, namespace).filter(matches)) write('ADDED', o);
      const rv = this.store.resourceVersion;
      res.write(
        `${JSON.stringify({
          type: 'BOOKMARK',
          object: {
            kind: r.kind,
            apiVersion: apiVersionOf(r),
            metadata: { resourceVersion: rv, annotations: { 'k8s.io/initial-events-end': 'true' } },
          },
        })}\n`,
      );
    } else if (!rvParam || rvParam === '0') {
      for (const o of this.store.list(r.name, namespace).filter(matches)) write('ADDED', o);
    } else {
      const since = this.store.since(r.name, Number(rvParam));
      if (since === 'expired') {
        res.end(
          `${JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${rvParam} (${this.store.oldestWatchableRv})`) })}\n`,
        );
        return;
      }
      backlog = since;
    }
    for (const ev of backlog) if (matches(ev.object)) write(ev.type, ev.object);
    const unsubscribe = this.store.subscribe((ev) => {
      if (ev.resource === r.name && matches(ev.object)) write(ev.type, ev.object);
    });
    const timeout = Number(url.searchParams.get('timeoutSeconds') ?? '0');
    const timer = timeout > 0 ? setTimeout(() => close(), timeout * 1000) : undefined;
    const entry: OpenWatch = { res, close: () => close() };
    const close = () => {
      if (!this.watches.delete(entry)) return;
      unsubscribe();
      if (timer) clearTimeout(timer);
      res.end();
    };
    this.watches.add(entry);
    res.on('close', close);
  }

  /** The API server's validation of sendInitialEvents (ValidateListOptions), and the feature gate. */
  private checkStreamingList(url: URL): void {
    const q = url.searchParams;
    if (!this.watchList) {
      throw new HttpError(
        status(
          422,
          'Invalid',
          'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
        ),
      );
    }
    const problems: string[] = [];
    if (q.get('resourceVersionMatch') !== 'NotOlderThan')
      problems.push(
        `resourceVersionMatch: Unsupported value: "${q.get('resourceVersionMatch') ?? ''}": supported values: "NotOlderThan"`,
      );
    if (!['true', '1'].includes(q.get('allowWatchBookmarks') ?? ''))
      problems.push(
        'allowWatchBookmarks: Required value: allowWatchBookmarks must be set to true when sendInitialEvents is set',
      );
    if (problems.length) {
      throw new HttpError(status(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: ${problems.join(', ')}`));
    }
  }

  /** POST: defaults, validation, then the store (also how the simulator's own helpers create workloads). */
  createObject(r: ResourceDef, namespace: string | undefined, body: Json | undefined): KubeObject {
    if (!['deployments', 'statefulsets', 'daemonsets', 'pods', 'events', 'replicasets'].includes(r.name)) {
      throw new HttpError(
        status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`),
      );
    }
    const obj = body as unknown as KubeObject | undefined;
    if (!obj || typeof obj !== 'object' || typeof obj.metadata?.name !== 'string') {
      throw new HttpError(
        status(
          422,
          'Invalid',
          `${r.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
        ),
      );
    }
    if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== namespace) {
      throw new HttpError(
        status(
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        ),
      );
    }
    if (this.store.get(r.name, namespace, obj.metadata.name)) {
      throw new HttpError(
        status(409, 'AlreadyExists', `${qualified(r)} "${obj.metadata.name}" already exists`, {
          name: obj.metadata.name,
          group: r.group,
          kind: r.name,
        }),
      );
    }
    const fresh: KubeObject = {
      ...structuredClone(obj),
      apiVersion: apiVersionOf(r),
      kind: r.kind,
      metadata: {
        ...structuredClone(obj.metadata),
        namespace,
        uid: '',
        resourceVersion: '',
        creationTimestamp: '',
      },
    };
    delete fresh.status;
    applyWorkloadDefaults(r.name, fresh);
    this.check(r, fresh);
    return this.store.create(r.name, fresh);
  }

  private check(r: ResourceDef, o: KubeObject): void {
    const problems = validateObject(r.name, o);
    if (problems.length > 0) {
      throw new HttpError(
        status(
          422,
          'Invalid',
          `${r.kind}.${r.group || 'core'} "${o.metadata.name}" is invalid: ${problems.join(', ')}`,
          { name: o.metadata.name, group: r.group, kind: r.kind },
        ),
      );
    }
  }

  /** PUT or PATCH result: the main resource ignores status, /status changes only status. */
  private write(r: ResourceDef, current: KubeObject, next: Json | undefined, sub: string | undefined): KubeObject {
    const obj = next as unknown as KubeObject | undefined;
    if (!obj || typeof obj !== 'object' || typeof obj.metadata !== 'object' || obj.metadata === null) {
      throw new HttpError(status(400, 'BadRequest', 'the object has no metadata'));
    }
    if (obj.metadata.name !== undefined && obj.metadata.name !== current.metadata.name) {
      throw new HttpError(status(400, 'BadRequest', 'the name of the object does not match the name on the URL'));
    }
    const sentRv = obj.metadata.resourceVersion;
    if (sentRv && sentRv !== current.metadata.resourceVersion) {
      throw new HttpError(
        status(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${qualified(r)} "${current.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
          { name: current.metadata.name, group: r.group, kind: r.name },
        ),
      );
    }
    let merged: KubeObject;
    if (sub === 'status') {
      merged = { ...structuredClone(current), status: obj.status };
    } else {
      merged = {
        ...structuredClone(obj),
        apiVersion: current.apiVersion,
        kind: current.kind,
        metadata: {
          ...structuredClone(obj.metadata),
          name: current.metadata.name,
          namespace: current.metadata.namespace,
          uid: current.metadata.uid,
          resourceVersion: current.metadata.resourceVersion,
          creationTimestamp: current.metadata.creationTimestamp,
          ...(current.metadata.generation !== undefined ? { generation: current.metadata.generation } : {}),
        },
      };
      if ('status' in current) merged.status = structuredClone(current.status);
      else delete merged.status;
      applyWorkloadDefaults(r.name, merged);
      this.check(r, merged);
      const sel = (o: KubeObject) => JSON.stringify((o.spec as { selector?: unknown } | undefined)?.selector ?? null);
      if (['deployments', 'statefulsets', 'daemonsets'].includes(r.name) && sel(merged) !== sel(current)) {
        throw new HttpError(
          status(
            422,
            'Invalid',
            `${r.kind}.apps "${current.metadata.name}" is invalid: spec.selector: Invalid value: field is immutable`,
          ),
        );
      }
    }
    return this.store.update(r.name, merged);
  }

  private remove(r: ResourceDef, current: KubeObject): object {
    if (r.name === 'pods') return this.controller.deletePod(current.metadata.namespace!, current.metadata.name) ?? {};
    this.store.delete(r.name, current.metadata.namespace, current.metadata.name);
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: current.metadata.name, group: r.group, kind: r.name, uid: current.metadata.uid },
    };
  }

  private scale(
    r: ResourceDef,
    current: KubeObject,
    method: string,
    body: Json | undefined,
    contentType: string | undefined,
  ): object {
    const spec = current.spec as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
    const st = current.status as { replicas?: number } | undefined;
    const toScale = (o: KubeObject) => ({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: o.metadata.name,
        namespace: o.metadata.namespace,
        uid: o.metadata.uid,
        resourceVersion: o.metadata.resourceVersion,
        creationTimestamp: o.metadata.creationTimestamp,
      },
      spec: { replicas: (o.spec as { replicas?: number }).replicas ?? 1 },
      status: {
        replicas: (o.status as { replicas?: number } | undefined)?.replicas ?? 0,
        selector: selectorToString(spec.selector ?? {}),
      },
    });
    void st;
    if (method === 'GET') return toScale(current);
    const before = toScale(current) as unknown as Json;
    const next = method === 'PATCH' ? applyPatch(before, body ?? null, contentType) : (body ?? null);
    const replicas = (next as { spec?: { replicas?: unknown } } | null)?.spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new HttpError(
        status(
          422,
          'Invalid',
          `Scale.autoscaling "${current.metadata.name}" is invalid: spec.replicas: Invalid value: must be greater than or equal to 0`,
        ),
      );
    }
    const updated = structuredClone(current);
    (updated.spec as { replicas?: number }).replicas = replicas;
    return toScale(this.store.update(r.name, updated));
  }

  private podLog(res: ServerResponse, rec: RecordedRequest, pod: Pod, url: URL): void {
    const names = pod.spec.containers.map((c) => c.name);
    const container = url.searchParams.get('container') ?? (names.length === 1 ? names[0]! : '');
    if (!names.includes(container)) {
      throw new HttpError(
        status(
          400,
          'BadRequest',
          container
            ? `container ${container} is not valid for pod ${pod.metadata.name}`
            : `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`,
        ),
      );
    }
    const previous = url.searchParams.get('previous') === 'true';
    const lines = this.controller.podLog(pod, container, previous);
    if (!lines) {
      throw new HttpError(
        status(
          400,
          'BadRequest',
          previous
            ? `previous terminated container "${container}" in pod "${pod.metadata.name}" not found`
            : `container "${container}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`,
        ),
      );
    }
    const tail = Number(url.searchParams.get('tailLines') ?? '-1');
    const shown = tail >= 0 ? lines.slice(Math.max(0, lines.length - tail)) : lines;
    const text = shown.map((l) => `${l}\n`).join('');
    rec.status = 200;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }
}

function applyPatch(current: Json, patch: Json, contentType: string | undefined): Json {
  const type = (contentType ?? '').split(';')[0]!.trim();
  try {
    switch (type) {
      case 'application/json-patch+json':
        return jsonPatch(current, patch);
      case 'application/merge-patch+json':
        return mergePatch(current, patch);
      case 'application/strategic-merge-patch+json':
        return strategicMergePatch(current, patch);
      default:
        throw new HttpError(
          status(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
          ),
        );
    }
  } catch (err) {
    if (err instanceof PatchError) throw new HttpError(status(422, 'Invalid', err.message));
    throw err;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    const b = c as Buffer;
    size += b.length;
    if (size > 3 * 1024 * 1024)
      throw new HttpError(status(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'));
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

function parseJson(buf: Buffer): Json {
  const text = buf.toString('utf8');
  if (!text.trim()) return null;
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw new HttpError(status(400, 'BadRequest', 'the body of the request could not be decoded as JSON'));
  }
}

function decodeProtobuf(buf: Buffer): Json {
  try {
    return decodeSelfSubjectAccessReview(buf);
  } catch (err) {
    throw new HttpError(
      status(400, 'BadRequest', `the body of the request could not be decoded: ${(err as Error).message}`),
    );
  }
}

export type { JsonObject };
