// Strict patterns for every user-supplied name that may reach a file path, a shell
// command or a URL. Anything else is rejected at the edge with a clear message.
import { z } from 'zod';

/** Artifact version: letters, digits, `.`, `_`, `-`; at most 128; no leading `-` or `.`. */
export const VERSION_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
export const versionSchema = z
  .string()
  .regex(VERSION_PATTERN, 'version must be 1-128 of letters, digits, ".", "_", "-" and must not start with "-" or "."');

/** Project slug: lower-case letters, digits and `-`, starting with a letter or digit. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const slugSchema = z
  .string()
  .regex(SLUG_PATTERN, 'slug must be 1-63 lower-case letters, digits or "-", not starting with "-"');

/** Environment and target names share the slug rule: they appear in paths and commands. */
export const environmentNameSchema = slugSchema;
export const targetNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    'name must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

/** Git ref (branch or tag): the subset of git's rules that is safe anywhere. */
export const gitRefSchema = z
  .string()
  .max(255)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9._/-]*$/, 'ref may only hold letters, digits, ".", "_", "/" and "-"')
  .refine((s) => !s.includes('..') && !s.endsWith('/') && !s.endsWith('.lock'), 'ref is not a valid git ref');

export const commitShaSchema = z.string().regex(/^[0-9a-f]{7,64}$/, 'commit must be 7-64 lower-case hex characters');

export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lower-case hex characters');

/** An SSH key's OpenSSH fingerprint, as `ssh-keygen -l` prints it (host keys, approved and pinned). */
export const sshFingerprintSchema = z
  .string()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'fingerprint must look like SHA256:<43 base64 characters>');

/** A UTF-16 surrogate that is not part of a pair. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const SAFE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired surrogates';

/** The text rule without the length: true when `s` can be stored in Postgres and sent as UTF-8. */
export function isSafeText(s: string): boolean {
  return !s.includes('\0') && !LONE_SURROGATE.test(s);
}

/**
 * Free text that is stored or sent on (descriptions, commands, variable values): no NUL
 * (Postgres text refuses it, C programs cut at it), no lone surrogates (not valid UTF-8),
 * at most `max` characters.
 */
export function safeText(max: number, opts: { min?: number } = {}) {
  const base = z.string().max(max, `must be at most ${max} characters`);
  return (
    opts.min
      ? base.min(opts.min, opts.min === 1 ? 'must not be empty' : `must be at least ${opts.min} characters`)
      : base
  ).refine(isSafeText, SAFE_TEXT_MESSAGE);
}

/**
 * A maintainer's own shell command (install, pre/post, health): run as written by the SSH
 * user on the host, like a CI script, so only the text rule applies.
 */
export const shellCommandSchema = safeText(1000, { min: 1 });

/**
 * Path relative to a release directory (e.g. a pm2 ecosystem file): segments of letters,
 * digits, ".", "_", "-"; no leading "/", no "..", no ".", no empty segment, no backslash.
 */
export const relativePathSchema = z
  .string()
  .max(255)
  .regex(
    /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/,
    'path must be relative and hold only letters, digits, ".", "_", "-" separated by single "/"',
  )
  .refine(
    (p) => !p.split('/').some((seg) => seg === '.' || seg === '..'),
    'path must not contain "." or ".." segments',
  );

/** Absolute POSIX path without `..`, spaces or shell metacharacters. */
export const absolutePathSchema = z
  .string()
  .max(255)
  .regex(/^\/[A-Za-z0-9._/-]*$/, 'path must be absolute and hold only letters, digits, ".", "_", "/", "-"')
  .refine((p) => !p.split('/').includes('..'), 'path must not contain ".."');

/** Host name or IP literal (no user info, no port). */
export const hostSchema = z
  .string()
  .max(253)
  .regex(/^[A-Za-z0-9.:-]+$/, 'host must be a DNS name or an IP address');

/** Environment variable name for deploy variables. */
export const envVarNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'variable names are letters, digits and "_", not starting with a digit');

/** registry[:port]/repository, without tag or digest. */
const IMAGE_NAME = '[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*';
const IMAGE_TAG = '[A-Za-z0-9_][A-Za-z0-9._-]{0,127}';
const IMAGE_DIGEST = 'sha256:[0-9a-f]{64}';

/** Docker image reference: registry/repository:tag (tag required). */
export const imageRefSchema = z
  .string()
  .max(512)
  .regex(new RegExp(`^${IMAGE_NAME}:${IMAGE_TAG}$`), 'image must look like registry.example.com/group/app:tag');

export const imageDigestSchema = z
  .string()
  .regex(new RegExp(`^${IMAGE_DIGEST}$`), 'digest must look like sha256:<64 hex>');

/**
 * An image as a registry or CI names it: `repo:tag`, `repo@sha256:<64 hex>` or
 * `repo:tag@sha256:<64 hex>` (a bare `repo` parses too; the schemas using it ask for a tag
 * or a digest).
 */
export const imageReferenceSchema = z
  .string()
  .max(600)
  .regex(
    new RegExp(`^${IMAGE_NAME}(?::${IMAGE_TAG})?(?:@${IMAGE_DIGEST})?$`),
    'image must look like registry.example.com/group/app:tag, registry.example.com/group/app@sha256:<64 hex> or both (app:tag@sha256:<64 hex>)',
  );

export interface ImageReferenceParts {
  /** registry[:port]/repository */
  name: string;
  tag?: string;
  digest?: string;
}

/** Splits an image reference (checked by imageReferenceSchema) into name, tag and digest. */
export function splitImageReference(ref: string): ImageReferenceParts {
  const [beforeDigest, digest] = ref.split('@') as [string, string | undefined];
  const lastSlash = beforeDigest.lastIndexOf('/');
  const colon = beforeDigest.indexOf(':', lastSlash + 1);
  const name = colon === -1 ? beforeDigest : beforeDigest.slice(0, colon);
  const tag = colon === -1 ? undefined : beforeDigest.slice(colon + 1);
  return { name, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

export const emailSchema = z
  .email('email is not valid')
  .max(254)
  .transform((e) => e.toLowerCase());
