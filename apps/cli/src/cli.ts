// Dispatch: parse, run one command, map every failure to an exit code and ONE stderr line.
import { COMMAND_NAMES, parseInvocation, type HelpTopic } from './args.js';
import { artifactList } from './commands/artifact-list.js';
import { artifactPush } from './commands/artifact-push.js';
import { artifactRegisterImage } from './commands/artifact-register-image.js';
import type { CommandContext } from './commands/context.js';
import { release } from './commands/release.js';
import { status } from './commands/status.js';
import { CliError, EXIT, oneLine, redact, UsageError, type ExitCode } from './errors.js';
import { helpHint, helpText } from './help.js';
import { CLI_VERSION } from './version.js';

/** Best guess at which command a broken command line meant, for the help pointer. */
function topicOf(argv: readonly string[]): HelpTopic {
  const words = argv.filter((a) => !a.startsWith('-'));
  if (words[0] === 'release' || words[0] === 'status') return words[0];
  const i = words.indexOf('artifact');
  if (i === -1) return 'global';
  const name = `artifact ${words[i + 1] ?? ''}`;
  return (COMMAND_NAMES as string[]).includes(name) ? (name as HelpTopic) : 'artifact';
}

export async function run(argv: readonly string[], ctx: CommandContext): Promise<ExitCode> {
  try {
    const invocation = parseInvocation(argv);
    switch (invocation.kind) {
      case 'help':
        ctx.stdout.write(helpText(invocation.topic));
        return EXIT.ok;
      case 'version':
        ctx.stdout.write(`wharf ${CLI_VERSION}\n`);
        return EXIT.ok;
      case 'artifact push':
        await artifactPush(invocation.options, ctx);
        return EXIT.ok;
      case 'artifact register-image':
        await artifactRegisterImage(invocation.options, ctx);
        return EXIT.ok;
      case 'artifact list':
        await artifactList(invocation.options, ctx);
        return EXIT.ok;
      case 'release':
        await release(invocation.options, ctx);
        return EXIT.ok;
      case 'status':
        await status(invocation.options, ctx);
        return EXIT.ok;
    }
  } catch (err) {
    const secrets = [ctx.env.token?.trim()];
    if (err instanceof CliError) {
      const hint = err instanceof UsageError ? ` (see ${helpHint(topicOf(argv))})` : '';
      ctx.stderr.write(`wharf: ${redact(oneLine(err.message, 1000), secrets)}${hint}\n`);
      return err.exitCode;
    }
    const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    ctx.stderr.write(`wharf: internal error: ${redact(oneLine(detail, 1000), secrets)}\n`);
    return EXIT.internal;
  }
}
