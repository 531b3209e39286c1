// Entry point of the bundle (dist/wharf.mjs).
import { run } from './cli.js';
import { readEnvironment } from './config.js';

const code = await run(process.argv.slice(2), {
  env: readEnvironment(),
  stdout: process.stdout,
  stderr: process.stderr,
});
// exitCode rather than exit(): lets stdout drain when it is a pipe. Every socket and file
// stream has been closed by now, so the process ends right away.
process.exitCode = code;
