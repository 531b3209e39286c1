// The strategy rules live in packages/shared so the API can refuse a release early with the
// same rules the worker applies as the last line of defence.
export {
  RELEASE_STRATEGIES,
  isRollingRestart,
  primaryKind,
  rollingRestartRefusal,
  strategyFor,
  type ReleaseStrategy,
} from '@wharf/shared';
