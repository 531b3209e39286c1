// JSON shapes of the Consul HTTP API the simulator speaks, field names as Consul sends them
// (api-docs: agent/service, catalog, health). Only what Wharf and the service kit use.

export type CheckStatus = 'passing' | 'warning' | 'critical';

export interface ConsulNode {
  ID: string;
  Node: string;
  Address: string;
  Datacenter: string;
  TaggedAddresses: { lan: string; wan: string; lan_ipv4: string; wan_ipv4: string };
  Meta: Record<string, string>;
  CreateIndex: number;
  ModifyIndex: number;
}

export interface ConsulService {
  ID: string;
  Service: string;
  Tags: string[];
  Address: string;
  Meta: Record<string, string>;
  Port: number;
  Weights: { Passing: number; Warning: number };
  EnableTagOverride: boolean;
  CreateIndex: number;
  ModifyIndex: number;
}

export interface ConsulCheck {
  Node: string;
  CheckID: string;
  Name: string;
  Status: CheckStatus;
  Notes: string;
  Output: string;
  ServiceID: string;
  ServiceName: string;
  ServiceTags: string[];
  Type: string;
  Interval: string;
  Timeout: string;
  ExposedPort: number;
  Definition: { HTTP?: string; Interval?: string; Timeout?: string; DeregisterCriticalServiceAfter?: string };
  CreateIndex: number;
  ModifyIndex: number;
}

/** One element of GET /v1/health/service/:service. */
export interface ServiceEntry {
  Node: ConsulNode;
  Service: ConsulService;
  Checks: ConsulCheck[];
}

/** One element of GET /v1/catalog/service/:service. */
export interface CatalogServiceNode {
  ID: string;
  Node: string;
  Address: string;
  Datacenter: string;
  TaggedAddresses: ConsulNode['TaggedAddresses'];
  NodeMeta: Record<string, string>;
  ServiceKind: string;
  ServiceID: string;
  ServiceName: string;
  ServiceTags: string[];
  ServiceAddress: string;
  ServiceWeights: { Passing: number; Warning: number };
  ServiceMeta: Record<string, string>;
  ServicePort: number;
  ServiceEnableTagOverride: boolean;
  CreateIndex: number;
  ModifyIndex: number;
}
