// Step lines and one-line failures, the same in every repo script.
export function step(message) {
  process.stdout.write(`==> ${message}\n`);
}

export function note(message) {
  process.stdout.write(`    ${message}\n`);
}

/** A one-line reason on stderr; the caller decides the exit. */
export function failure(prefix, err) {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${prefix}: ${message.split('\n')[0]}\n`);
}
