// Typed failures, each with a message that is safe to show (no secrets, no key material).

export class ExecutorError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class UnreachableError extends ExecutorError {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly reason: 'refused' | 'timeout' | 'dns' | 'reset' | 'other',
    detail: string,
  ) {
    super('unreachable', `cannot reach ${host}:${port} (${reason}): ${detail}`);
  }
}

export class AuthFailedError extends ExecutorError {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly username: string,
    detail: string,
  ) {
    super('auth_failed', `authentication as ${username} on ${host}:${port} failed: ${detail}`);
  }
}

export class HostKeyMismatchError extends ExecutorError {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly expectedFingerprint: string,
    readonly actualFingerprint: string,
  ) {
    super(
      'host_key_mismatch',
      `host key of ${host}:${port} does not match the pinned key: expected ${expectedFingerprint}, server offered ${actualFingerprint}. ` +
        'Refusing to connect; if the host was rebuilt, update the pinned fingerprint.',
    );
  }
}

export class CommandTimeoutError extends ExecutorError {
  constructor(
    readonly step: string,
    readonly timeoutMs: number,
  ) {
    super('command_timeout', `${step} timed out after ${timeoutMs} ms; the remote process group was terminated`);
  }
}

export class CommandFailedError extends ExecutorError {
  constructor(
    readonly step: string,
    readonly exitCode: number | null,
    readonly signal: string | null,
  ) {
    super(
      'command_failed',
      `${step} failed with ${exitCode !== null ? `exit code ${exitCode}` : `signal ${signal ?? 'unknown'}`}`,
    );
  }
}

export class CancelledError extends ExecutorError {
  constructor(step?: string) {
    super('cancelled', step ? `cancelled during ${step}` : 'cancelled');
  }
}

export class ChecksumMismatchError extends ExecutorError {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super('checksum_mismatch', `uploaded artifact sha256 is ${actual}, expected ${expected}`);
  }
}

export class HealthCheckFailedError extends ExecutorError {
  constructor(
    readonly attempts: number,
    detail: string,
  ) {
    super('health_check_failed', `health check failed after ${attempts} attempt(s): ${detail}`);
  }
}

export class ConnectionClosedError extends ExecutorError {
  constructor(detail: string) {
    super('connection_closed', `ssh connection closed: ${detail}`);
  }
}

export class PlanValidationError extends ExecutorError {
  constructor(readonly issues: string[]) {
    super('invalid_plan', `deploy plan is invalid: ${issues.join('; ')}`);
  }
}
