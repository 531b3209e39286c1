// A Consul target's form fields, mirroring consulTargetConfigSchema (packages/shared
// targets.ts). The generic helpers in target-fields.ts build and read the config from these;
// ConsulTargetFields renders them.
import type { TargetFieldDef } from './target-fields';

export const CONSUL_FIELDS: TargetFieldDef[] = [
  {
    path: 'consulUrl',
    label: 'target.consulUrl',
    hint: 'consulTarget.consulUrlHint',
    placeholder: 'http://consul.internal:8500',
    initial: '',
    invalid: 'consulTarget.urlInvalid',
  },
  {
    path: 'agents',
    label: 'consulTarget.agents',
    hint: 'consulTarget.agentsHint',
    type: 'lines',
    placeholder: 'http://consul-2.internal:8500',
    initial: '',
    optional: true,
    invalid: 'consulTarget.agentsInvalid',
  },
  {
    path: 'service',
    label: 'target.service',
    hint: 'consulTarget.serviceHint',
    placeholder: 'my-app',
    initial: '',
    invalid: 'consulTarget.serviceInvalid',
  },
  {
    path: 'tag',
    label: 'consulTarget.tag',
    hint: 'consulTarget.tagHint',
    placeholder: 'canary',
    initial: '',
    optional: true,
    invalid: 'consulTarget.tagInvalid',
  },
  {
    path: 'datacenter',
    label: 'consulTarget.datacenter',
    hint: 'consulTarget.datacenterHint',
    placeholder: 'dc1',
    initial: '',
    optional: true,
    invalid: 'consulTarget.datacenterInvalid',
  },
  {
    path: 'restartPath',
    label: 'target.restartPath',
    hint: 'target.restartPathHint',
    initial: '/-/restart',
    optional: true,
    invalid: 'consulTarget.pathInvalid',
  },
  {
    path: 'healthPath',
    label: 'target.healthPath',
    hint: 'consulTarget.healthPathHint',
    initial: '/health',
    optional: true,
    invalid: 'consulTarget.pathInvalid',
  },
  {
    path: 'minHealthy',
    label: 'consulTarget.minHealthy',
    hint: 'consulTarget.minHealthyHint',
    type: 'number',
    placeholder: '—',
    initial: '',
    optional: true,
    invalid: 'consulTarget.minHealthyInvalid',
  },
  {
    path: 'pollIntervalMs',
    label: 'consulTarget.pollIntervalMs',
    hint: 'consulTarget.pollIntervalMsHint',
    type: 'number',
    initial: '10000',
    optional: true,
    invalid: 'consulTarget.pollIntervalMsInvalid',
  },
  {
    path: 'maxPolls',
    label: 'consulTarget.maxPolls',
    hint: 'consulTarget.maxPollsHint',
    type: 'number',
    initial: '12',
    optional: true,
    invalid: 'consulTarget.maxPollsInvalid',
  },
  {
    path: 'readinessDelaySeconds',
    label: 'consulTarget.readinessDelaySeconds',
    hint: 'consulTarget.readinessDelaySecondsHint',
    type: 'number',
    initial: '10',
    optional: true,
    invalid: 'consulTarget.readinessDelayInvalid',
  },
];

/** Zod reports a bad agent by index (`agents.<n>` in the config): true when any line was refused. */
export function hasAgentLineError(error: (configPath: string) => string | undefined, lines: string): boolean {
  return lines.split('\n').some((_, i) => error(`agents.${i}`) !== undefined);
}
