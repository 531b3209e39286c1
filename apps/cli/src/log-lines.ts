// How `release --wait` prints stored log lines: the text as stored, with a target prefix when
// the deployment has several targets. Colour codes survive (CI logs render them); every other
// control character is dropped, so a log line cannot move the cursor or rewrite the terminal.
import type { LogLineView } from '@wharf/shared';

// SGR ("colour") sequences only: ESC [ digits/semicolons m.
// eslint-disable-next-line no-control-regex
const SGR_OR_CONTROL = /(\u001b\[[0-9;]*m)|[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;

export function sanitizeLogText(text: string): string {
  return text.replace(SGR_OR_CONTROL, (_match, sgr: string | undefined) => sgr ?? '');
}

/** `[web-1] text` for a target's line when there are several targets; deployment-wide lines as they are. */
export function formatLogLine(
  line: Pick<LogLineView, 'targetId' | 'text'>,
  targetNames: ReadonlyMap<string, string>,
  prefixTargets: boolean,
): string {
  const text = sanitizeLogText(line.text);
  if (!prefixTargets || line.targetId === null) return text;
  const name = targetNames.get(line.targetId) ?? line.targetId.slice(0, 8);
  return `[${sanitizeLogText(name)}] ${text}`;
}
