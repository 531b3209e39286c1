// Command-line parsing (node:util parseArgs) and local validation with @wharf/shared's
// schemas. Everything here runs before any network call, so a hostile value never leaves
// the machine.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  environmentNameSchema,
  registerImageSchema,
  slugSchema,
  tarballUploadQuerySchema,
  versionSchema,
  type RegisterImageBody,
} from '@wharf/shared';
import type { z } from 'zod';
import { UsageError } from './errors.js';

type OptionConfig = NonNullable<ParseArgsConfig['options']>;

/** Flags every command accepts. Note: there is deliberately no --token flag. */
const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionConfig;

const METADATA_OPTIONS = {
  project: { type: 'string' },
  version: { type: 'string' },
  ref: { type: 'string' },
  commit: { type: 'string' },
  message: { type: 'string' },
  author: { type: 'string' },
} as const satisfies OptionConfig;

export const COMMANDS = {
  'artifact push': {
    ...GLOBAL_OPTIONS,
    ...METADATA_OPTIONS,
    quiet: { type: 'boolean', short: 'q' },
    json: { type: 'boolean' },
  },
  'artifact register-image': {
    ...GLOBAL_OPTIONS,
    ...METADATA_OPTIONS,
    image: { type: 'string' },
    digest: { type: 'string' },
    json: { type: 'boolean' },
  },
  'artifact list': {
    ...GLOBAL_OPTIONS,
    project: { type: 'string' },
    limit: { type: 'string' },
    cursor: { type: 'string' },
    json: { type: 'boolean' },
  },
  release: {
    ...GLOBAL_OPTIONS,
    project: { type: 'string' },
    env: { type: 'string' },
    version: { type: 'string' },
    wait: { type: 'boolean' },
  },
  status: {
    ...GLOBAL_OPTIONS,
    project: { type: 'string' },
    json: { type: 'boolean' },
  },
} as const satisfies Record<string, OptionConfig>;

export type CommandName = keyof typeof COMMANDS;
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

export const DEFAULT_TIMEOUT_SECONDS = 300;
export const DEFAULT_LIST_LIMIT = 20;
/** How long `release --wait` waits for the deployment to finish unless --timeout says otherwise. */
export const DEFAULT_WAIT_SECONDS = 1800;

export interface GlobalOptions {
  url: string | undefined;
  timeoutMs: number;
}

export interface PushOptions extends GlobalOptions {
  file: string;
  project: string;
  version: string;
  ref?: string;
  commit?: string;
  message?: string;
  author?: string;
  quiet: boolean;
  json: boolean;
}

export interface RegisterImageOptions extends GlobalOptions {
  project: string;
  body: RegisterImageBody;
  json: boolean;
}

export interface ListOptions extends GlobalOptions {
  project: string;
  limit: number;
  cursor?: string;
  json: boolean;
}

export interface ReleaseOptions extends GlobalOptions {
  project: string;
  env: string;
  version: string;
  /** null: request the release and return; else follow it for at most this long. */
  waitMs: number | null;
}

export interface StatusOptions extends GlobalOptions {
  project: string;
  json: boolean;
}

export type HelpTopic = 'global' | 'artifact' | CommandName;

export type Invocation =
  | { kind: 'help'; topic: HelpTopic }
  | { kind: 'version' }
  | { kind: 'artifact push'; options: PushOptions }
  | { kind: 'artifact register-image'; options: RegisterImageOptions }
  | { kind: 'artifact list'; options: ListOptions }
  | { kind: 'release'; options: ReleaseOptions }
  | { kind: 'status'; options: StatusOptions };

const ALL_OPTIONS: OptionConfig = Object.assign({}, ...Object.values(COMMANDS)) as OptionConfig;

/**
 * Rewrites `--flag value` into `--flag=value` for string flags, so a value that starts with
 * "-" (a commit title like "- fix login") is taken as the value, as getopt would.
 */
export function joinStringValues(argv: readonly string[], options: OptionConfig = ALL_OPTIONS): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    const spec = name !== undefined ? options[name] : undefined;
    if (spec?.type === 'string' && i + 1 < argv.length) {
      out.push(`${arg}=${argv[i + 1] as string}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function rejectTokenFlag(argv: readonly string[]): void {
  for (const arg of argv) {
    if (arg === '--') return;
    if (arg === '--token' || arg.startsWith('--token=')) {
      throw new UsageError(
        '--token is not accepted: set WHARF_TOKEN in the environment so the token never appears in argv or CI logs',
      );
    }
  }
}

/** parseArgs' own messages span lines and suggest odd fixes; make them one short line. */
function describeParseError(err: unknown): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  const flag = /'(-[^' ]+)/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${flag ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('does not take an argument')
        ? `${flag ?? 'option'} does not take a value`
        : `${flag ?? 'option'} needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? ''}`.trim();
    default:
      return message.split('\n')[0] ?? 'invalid arguments';
  }
}

function strictParse(argv: string[], options: OptionConfig) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true, tokens: true });
  } catch (err) {
    throw new UsageError(describeParseError(err));
  }
}

/** Parses argv (without `node wharf.mjs`) into a validated invocation. Throws UsageError. */
export function parseInvocation(rawArgv: readonly string[]): Invocation {
  rejectTokenFlag(rawArgv);
  const argv = joinStringValues(rawArgv);

  // First pass, lenient, only to find the command words wherever flags were put.
  const loose = parseArgs({ args: argv, options: ALL_OPTIONS, strict: false, allowPositionals: true });
  const [first, second, ...rest] = loose.positionals;
  const wantsHelp = loose.values.help === true;

  if (first === undefined) {
    if (argv.includes('--version') || argv.includes('-V')) return { kind: 'version' };
    return { kind: 'help', topic: 'global' };
  }
  if (first === 'version') return { kind: 'version' };
  if (first === 'help') return { kind: 'help', topic: helpTopic([second, ...rest]) };
  if (first === 'release' || first === 'status') {
    if (wantsHelp) return { kind: 'help', topic: first };
    const parsed = strictParse(argv, COMMANDS[first]);
    rejectRepeats(parsed.tokens);
    const values = parsed.values as Record<string, string | boolean | undefined>;
    noPositionals(parsed.positionals.slice(1));
    const global = parseGlobal(values);
    return first === 'release'
      ? { kind: first, options: { ...global, ...parseRelease(values) } }
      : { kind: first, options: { ...global, project: parseProject(values), json: values.json === true } };
  }
  if (first !== 'artifact') throw new UsageError(`unknown command "${printable(first)}"`);
  if (second === undefined) return { kind: 'help', topic: 'artifact' };

  const name = `artifact ${second}`;
  if (!isArtifactCommand(name)) throw new UsageError(`unknown command "artifact ${printable(second)}"`);
  if (wantsHelp) return { kind: 'help', topic: name };

  const parsed = strictParse(argv, COMMANDS[name]);
  rejectRepeats(parsed.tokens);
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const args = parsed.positionals.slice(2);
  const global = parseGlobal(values);

  switch (name) {
    case 'artifact push':
      return { kind: name, options: { ...global, ...parsePush(values, args) } };
    case 'artifact register-image':
      noPositionals(args);
      return { kind: name, options: { ...global, ...parseRegisterImage(values) } };
    case 'artifact list':
      noPositionals(args);
      return { kind: name, options: { ...global, ...parseList(values) } };
  }
}

function helpTopic(words: (string | undefined)[]): HelpTopic {
  const [a, b] = words;
  if (a === undefined) return 'global';
  if (a === 'release' || a === 'status') return a;
  if (a !== 'artifact') throw new UsageError(`no help for "${printable(a)}"`);
  if (b === undefined) return 'artifact';
  const name = `artifact ${b}`;
  if (!isCommandName(name)) throw new UsageError(`no help for "artifact ${printable(b)}"`);
  return name;
}

function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

function isArtifactCommand(name: string): name is Extract<CommandName, `artifact ${string}`> {
  return name.startsWith('artifact ') && isCommandName(name);
}

function printable(word: string): string {
  return word.replace(/[^\x20-\x7e]/g, '?').slice(0, 40);
}

function rejectRepeats(tokens: { kind: string; name?: string }[] | undefined): void {
  const seen = new Set<string>();
  for (const token of tokens ?? []) {
    if (token.kind !== 'option' || !token.name) continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} given more than once`);
    seen.add(token.name);
  }
}

function noPositionals(args: string[]): void {
  if (args.length > 0) throw new UsageError(`unexpected argument "${printable(args[0] as string)}"`);
}

/** An empty optional value counts as absent, so an unset CI variable does not break a job. */
function optional(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function required(values: Record<string, unknown>, name: string, example: string): string {
  const v = optional(values, name);
  if (v === undefined) throw new UsageError(`missing --${name} (e.g. --${name} ${example})`);
  return v;
}

function parseGlobal(values: Record<string, unknown>): GlobalOptions {
  const timeout = optional(values, 'timeout');
  let timeoutMs = DEFAULT_TIMEOUT_SECONDS * 1000;
  if (timeout !== undefined) {
    if (!/^[1-9][0-9]{0,5}$/.test(timeout))
      throw new UsageError('--timeout must be a whole number of seconds (1-999999)');
    timeoutMs = Number(timeout) * 1000;
  }
  return { url: optional(values, 'url'), timeoutMs };
}

function parseProject(values: Record<string, unknown>): string {
  const project = required(values, 'project', 'shop');
  const result = slugSchema.safeParse(project);
  if (!result.success) throw new UsageError(`invalid --project: ${result.error.issues[0]?.message ?? 'not a slug'}`);
  return project;
}

/** Turns the first zod issue into "invalid --flag: reason" (the value itself is not echoed). */
function firstIssue(error: z.ZodError): UsageError {
  const issue = error.issues[0];
  const field = issue?.path[0];
  return new UsageError(
    `invalid ${typeof field === 'string' ? `--${field}` : 'arguments'}: ${issue?.message ?? 'invalid value'}`,
  );
}

function parsePush(values: Record<string, unknown>, args: string[]) {
  if (args.length === 0) throw new UsageError('missing the file to push (e.g. wharf artifact push build.tgz ...)');
  if (args.length > 1) throw new UsageError(`push takes one file, got ${args.length}`);
  const project = parseProject(values);
  const query = tarballUploadQuerySchema.safeParse({
    version: required(values, 'version', '1.2.3'),
    ref: optional(values, 'ref'),
    commit: optional(values, 'commit'),
    message: optional(values, 'message'),
    author: optional(values, 'author'),
  });
  if (!query.success) throw firstIssue(query.error);
  const { version, ref, commit, message, author } = query.data;
  return {
    file: args[0] as string,
    project,
    version,
    ...(ref !== undefined && { ref }),
    ...(commit !== undefined && { commit }),
    ...(message !== undefined && { message }),
    ...(author !== undefined && { author }),
    quiet: values.quiet === true,
    json: values.json === true,
  };
}

function parseRegisterImage(values: Record<string, unknown>) {
  const project = parseProject(values);
  const body = registerImageSchema.safeParse({
    version: required(values, 'version', '1.2.3'),
    image: required(values, 'image', 'registry.example.com/shop/web:1.2.3'),
    digest: optional(values, 'digest'),
    ref: optional(values, 'ref'),
    commit: optional(values, 'commit'),
    message: optional(values, 'message'),
    author: optional(values, 'author'),
  });
  if (!body.success) throw firstIssue(body.error);
  return { project, body: body.data, json: values.json === true };
}

function parseList(values: Record<string, unknown>) {
  const project = parseProject(values);
  const rawLimit = optional(values, 'limit');
  let limit = DEFAULT_LIST_LIMIT;
  if (rawLimit !== undefined) {
    if (!/^[0-9]{1,3}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > 200) {
      throw new UsageError('--limit must be a whole number from 1 to 200');
    }
    limit = Number(rawLimit);
  }
  const cursor = optional(values, 'cursor');
  if (cursor !== undefined && (cursor.length > 200 || !/^[\x21-\x7e]+$/.test(cursor))) {
    throw new UsageError('--cursor must be the nextCursor value printed by a previous list');
  }
  return { project, limit, ...(cursor !== undefined && { cursor }), json: values.json === true };
}

function parseRelease(values: Record<string, unknown>) {
  const project = parseProject(values);
  const env = required(values, 'env', 'dev');
  const envResult = environmentNameSchema.safeParse(env);
  if (!envResult.success) {
    throw new UsageError(`invalid --env: ${envResult.error.issues[0]?.message ?? 'not an environment name'}`);
  }
  const version = versionSchema.safeParse(required(values, 'version', '1.2.3'));
  if (!version.success) throw new UsageError(`invalid --version: ${version.error.issues[0]?.message ?? 'invalid'}`);
  const wait = values.wait === true;
  // With --wait, --timeout bounds the whole wait; without it, each request (as elsewhere).
  const timeout = optional(values, 'timeout');
  const waitMs = wait ? (timeout === undefined ? DEFAULT_WAIT_SECONDS : Number(timeout)) * 1000 : null;
  return { project, env, version: version.data, waitMs };
}
