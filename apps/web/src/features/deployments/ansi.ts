// ANSI terminal output -> styled text segments. Output is plain text plus class names only:
// the caller renders segments as text nodes (React escapes them), so a log line can never
// inject markup. SGR colours map to CSS classes (no inline styles); every other escape
// sequence (cursor moves, OSC 8 hyperlinks, titles) is dropped, so URLs stay inert text.

export interface AnsiSegment {
  text: string;
  /** Space-separated `ansi-*` classes; '' for unstyled text. */
  className: string;
}

const NAMES = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const;

/** xterm's 16 colours, to map 256-colour and truecolor codes onto the nearest class. */
const PALETTE: [number, number, number][] = [
  [0, 0, 0],
  [205, 0, 0],
  [0, 205, 0],
  [205, 205, 0],
  [0, 0, 238],
  [205, 0, 205],
  [0, 205, 205],
  [229, 229, 229],
  [127, 127, 127],
  [255, 0, 0],
  [0, 255, 0],
  [255, 255, 0],
  [92, 92, 255],
  [255, 0, 255],
  [0, 255, 255],
  [255, 255, 255],
];

const colourName = (index: number) => (index < 8 ? NAMES[index]! : `bright-${NAMES[index - 8]!}`);

function nearest(r: number, g: number, b: number): number {
  let best = 0;
  let bestDist = Infinity;
  PALETTE.forEach(([pr, pg, pb], i) => {
    const d = (r - pr) ** 2 + (g - pg) ** 2 + (b - pb) ** 2;
    if (d < bestDist) {
      bestDist = d;
      best = i;
    }
  });
  return best;
}

function from256(n: number): number | null {
  if (!Number.isInteger(n) || n < 0 || n > 255) return null;
  if (n < 16) return n;
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return nearest(v, v, v);
  }
  const levels = [0, 95, 135, 175, 215, 255];
  const c = n - 16;
  return nearest(levels[Math.floor(c / 36)]!, levels[Math.floor(c / 6) % 6]!, levels[c % 6]!);
}

interface Style {
  fg: number | null;
  bg: number | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  strike: boolean;
}

const plainStyle = (): Style => ({
  fg: null,
  bg: null,
  bold: false,
  dim: false,
  italic: false,
  underline: false,
  strike: false,
});

function classesOf(s: Style): string {
  const out: string[] = [];
  if (s.fg !== null) out.push(`ansi-fg-${colourName(s.fg)}`);
  if (s.bg !== null) out.push(`ansi-bg-${colourName(s.bg)}`);
  if (s.bold) out.push('ansi-bold');
  if (s.dim) out.push('ansi-dim');
  if (s.italic) out.push('ansi-italic');
  if (s.underline) out.push('ansi-underline');
  if (s.strike) out.push('ansi-strike');
  return out.join(' ');
}

/** Extended colour after 38/48: returns the palette index and how many params it used. */
function extendedColour(params: number[], i: number): { colour: number | null; used: number } {
  const mode = params[i + 1];
  if (mode === 5) return { colour: from256(params[i + 2] ?? -1), used: 2 };
  if (mode === 2) {
    const [r, g, b] = [params[i + 2], params[i + 3], params[i + 4]];
    const ok = [r, g, b].every((v) => v !== undefined && v >= 0 && v <= 255);
    return { colour: ok ? nearest(r!, g!, b!) : null, used: 4 };
  }
  return { colour: null, used: 0 };
}

function applySgr(style: Style, raw: string): Style {
  const params = raw === '' ? [0] : raw.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  const s = { ...style };
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    if (p === 0) Object.assign(s, plainStyle());
    else if (p === 1) s.bold = true;
    else if (p === 2) s.dim = true;
    else if (p === 3) s.italic = true;
    else if (p === 4) s.underline = true;
    else if (p === 9) s.strike = true;
    else if (p === 22) s.bold = s.dim = false;
    else if (p === 23) s.italic = false;
    else if (p === 24) s.underline = false;
    else if (p === 29) s.strike = false;
    else if (p >= 30 && p <= 37) s.fg = p - 30;
    else if (p === 39) s.fg = null;
    else if (p >= 40 && p <= 47) s.bg = p - 40;
    else if (p === 49) s.bg = null;
    else if (p >= 90 && p <= 97) s.fg = p - 90 + 8;
    else if (p >= 100 && p <= 107) s.bg = p - 100 + 8;
    else if (p === 38 || p === 48) {
      const { colour, used } = extendedColour(params, i);
      if (colour !== null) {
        if (p === 38) s.fg = colour;
        else s.bg = colour;
      }
      i += used;
    }
    // Anything else (blink, inverse, fonts, ...) is ignored.
  }
  return s;
}

// One alternation, in priority order: CSI (7-bit and 8-bit), OSC (to BEL or ST, or the end
// of the line), DCS/SOS/PM/APC strings, any other escape (ESC, intermediates, final byte)
// or a lone ESC, a carriage return, and the remaining C0/C1 control characters (tab kept).
const ESCAPES =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /(?:\x1b\[|\x9b)([0-?]*)[ -/]*([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[PX^_][\s\S]*?(?:\x1b\\|$)|\x1b(?:[ -/]*[0-~])?|(\r)|[\x00-\x08\x0a-\x0c\x0e-\x1f\x7f-\x9f]/g;

/** Splits one line of terminal output into styled segments. */
export function parseAnsi(input: string): AnsiSegment[] {
  const segments: AnsiSegment[] = [];
  let style = plainStyle();
  let className = '';
  // A carriage return means "back to column 0": what follows replaces what came before
  // (progress bars). We keep the newest text rather than emulate partial overwrites.
  let overwrite = false;

  const push = (text: string) => {
    if (text === '') return;
    if (overwrite) {
      segments.length = 0;
      overwrite = false;
    }
    const last = segments[segments.length - 1];
    if (last && last.className === className) last.text += text;
    else segments.push({ text, className });
  };

  let at = 0;
  ESCAPES.lastIndex = 0;
  for (let m = ESCAPES.exec(input); m !== null; m = ESCAPES.exec(input)) {
    push(input.slice(at, m.index));
    at = m.index + m[0].length;
    if (m[2] === 'm') {
      style = applySgr(style, m[1] ?? '');
      className = classesOf(style);
    } else if (m[3] === '\r') {
      overwrite = true;
    }
  }
  push(input.slice(at));
  return segments;
}

/** The visible text of a line, without escape sequences. */
export function stripAnsi(input: string): string {
  // Without a carriage return, dropping the sequences is enough (and much cheaper than
  // building segments: search strips every line of a 100k-line log).
  if (!input.includes('\r')) return input.replace(ESCAPES, '');
  return parseAnsi(input)
    .map((s) => s.text)
    .join('');
}
