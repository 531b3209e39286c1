// The only module that reads the process environment. The token comes from WHARF_TOKEN only,
// never from argv, so it cannot leak through `ps` or a CI job's printed command line.
import { CliError, EXIT } from './errors.js';

export interface CliEnvironment {
  url: string | undefined;
  token: string | undefined;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  return { url: env.WHARF_URL, token: env.WHARF_TOKEN };
}

export interface ServerConfig {
  /** Base address, e.g. https://wharf.example.com or https://example.com/wharf (path kept). */
  baseUrl: URL;
  token: string;
}

/** Parses the server address; `--url` wins over WHARF_URL. Never echoes credentials. */
export function resolveBaseUrl(urlFlag: string | undefined, env: CliEnvironment): URL {
  const raw = (urlFlag ?? env.url ?? '').trim();
  const source = urlFlag !== undefined ? '--url' : 'WHARF_URL';
  if (!raw) {
    throw new CliError(EXIT.config, 'WHARF_URL is not set (e.g. export WHARF_URL=https://wharf.example.com)');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(EXIT.config, `${source} is not a valid URL (expected e.g. https://wharf.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(EXIT.config, `${source} must start with http:// or https://`);
  }
  if (url.username || url.password) {
    throw new CliError(EXIT.config, `${source} must not contain a user name or password; use WHARF_TOKEN`);
  }
  if (url.search || url.hash) {
    throw new CliError(EXIT.config, `${source} must not contain a query string or fragment`);
  }
  return url;
}

/** The API token, trimmed (CI variables often end with a newline). */
export function resolveToken(env: CliEnvironment): string {
  const token = (env.token ?? '').trim();
  if (!token) {
    throw new CliError(
      EXIT.config,
      'WHARF_TOKEN is not set: create a project API token in Wharf and store it as a masked CI variable named WHARF_TOKEN',
    );
  }
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new CliError(EXIT.config, 'WHARF_TOKEN contains spaces or non-ASCII characters; copy the token again');
  }
  return token;
}

export function resolveServer(urlFlag: string | undefined, env: CliEnvironment): ServerConfig {
  return { baseUrl: resolveBaseUrl(urlFlag, env), token: resolveToken(env) };
}

/** True for loopback hosts, where plain http does not expose the token on a network. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
