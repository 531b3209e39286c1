// Per-host timelines of one release, for any tool, and where its wall time went: time before
// the first host starts, idle slots in the sliding window (a host finished, the next had not
// started yet), the window's use, each host's phases, and the end after the last host.
//
// A timeline is { t0, end, hosts: [{ name, start, end, events: [[event, ms], ...] }] }, every
// time in epoch ms of this machine's clock (the hosts are loopback, so one clock for all).
// Events are the canonical names below; each tool's reader maps its own records onto them.

/** Canonical host events, in release order (a host may lack some; `probe` may repeat). */
export const EVENTS = ['start', 'copied', 'connected', 'unpack', 'install', 'switch', 'pm2', 'probe', 'healthy', 'end'];

/** Phases between consecutive canonical events a tool has for every host. */
const PHASES = [
  ['start', 'connected', 'start -> connected (wharf: tcp+ssh+auth; floor: copy connection, then the release one)'],
  ['start', 'unpack', 'connect + upload (start -> unpack)'],
  ['unpack', 'install', 'unpack'],
  ['install', 'switch', 'npm ci (+ release marker)'],
  ['switch', 'pm2', 'switch current'],
  ['pm2', 'healthy', 'pm2 startOrReload + health gate (pm2 -> healthy)'],
  ['healthy', 'end', 'after healthy (prune, bookkeeping, disconnect)'],
];

const first = (h, e) => h.events.find(([n]) => n === e)?.[1];

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

const round = (x) => (Number.isFinite(x) ? Math.round(x) : null);

/**
 * Where the wall time of one run went. `parallelism` is the window: the k-th host to start
 * (k >= parallelism, 0-based) could start once the (k - parallelism)-th host had ended, so
 * the difference is a slot left idle.
 */
export function analyzeTimeline(tl, parallelism) {
  const hosts = tl.hosts.filter((h) => Number.isFinite(h.start) && Number.isFinite(h.end));
  if (hosts.length === 0) return null;
  const starts = hosts.map((h) => h.start).sort((a, b) => a - b);
  const ends = hosts.map((h) => h.end).sort((a, b) => a - b);
  const gaps = [];
  for (let k = parallelism; k < starts.length; k++) gaps.push(starts[k] - ends[k - parallelism]);
  const span = tl.end - tl.t0;
  const busy = hosts.reduce((a, h) => a + (h.end - h.start), 0);
  const phases = {};
  for (const [from, to, name] of PHASES) {
    const xs = hosts.map((h) => first(h, to) - first(h, from)).filter(Number.isFinite);
    if (xs.length === hosts.length) phases[name] = { medianMs: round(median(xs)), maxMs: round(Math.max(...xs)) };
  }
  const probes = hosts.map((h) => h.events.filter(([n]) => n === 'probe').length);
  // The passing attempt alone: its announcement (floor: `@probe`, Wharf: "health check
  // attempt N/..") to healthy, i.e. one probe's round trip.
  const lastProbe = hosts
    .map((h) => first(h, 'healthy') - h.events.filter(([n]) => n === 'probe').pop()?.[1])
    .filter(Number.isFinite);
  return {
    spanMs: round(span),
    firstHostStartMs: round(starts[0] - tl.t0),
    /** The 10th (or parallelism-th) host's start: the window filled. */
    windowFullMs: round(starts[Math.min(parallelism, starts.length) - 1] - tl.t0),
    lastHostEndToEndMs: round(tl.end - ends[ends.length - 1]),
    slotGaps: {
      count: gaps.length,
      sumMs: round(gaps.reduce((a, b) => a + b, 0)),
      medianMs: round(median(gaps)),
      maxMs: round(gaps.length ? Math.max(...gaps) : 0),
    },
    hostMedianMs: round(median(hosts.map((h) => h.end - h.start))),
    /** Hosts in flight on average over the whole run (the window's use, at most parallelism). */
    meanInFlight: Math.round((busy / span) * 100) / 100,
    phases,
    probesPerHost: { median: median(probes), max: Math.max(...probes) },
    passingProbeMs: {
      medianMs: round(median(lastProbe)),
      maxMs: round(lastProbe.length ? Math.max(...lastProbe) : NaN),
    },
  };
}

/** The floor's FLOOR_TIMELINE file ("<address> <event> <epoch µs>" lines) as a timeline. */
export function floorTimeline(text, t0, end) {
  const byHost = new Map();
  for (const line of text.split('\n')) {
    const [address, event, us] = line.trim().split(' ');
    if (!us) continue;
    if (!byHost.has(address)) byHost.set(address, []);
    byHost.get(address).push([event, Number(us) / 1000]);
  }
  const hosts = [...byHost].map(([name, evs]) => {
    evs.sort((a, b) => a[1] - b[1]);
    // `begin`: the release connection's script started (connected again, after the copy).
    const events = evs.map(([e, at]) => [e === 'begin' ? 'connected' : e, at]);
    return { name, start: first({ events }, 'start'), end: first({ events }, 'end'), events };
  });
  return { t0, end, hosts };
}

// Wharf's system lines (executor step announcements) onto canonical events; first match wins.
const WHARF_LINES = [
  [/^connected, host key verified/, 'connected'],
  [/^unpacking into/, 'unpack'],
  [/^install:/, 'install'],
  [/^switching /, 'switch'],
  [/^pm2 (startOrReload|reload) /, 'pm2'],
  // Attempt 1 runs inside the activate script, right after pm2; its line is logged when the
  // script returns, so for attempt 1 this is when its result is known.
  [/^health check attempt \d+\//, 'probe'],
  [/ is serving /, 'healthy'],
];

/**
 * Wharf's timeline from its own records: each target's startedAt/finishedAt and the `at` of
 * its system log lines (both stamped by the worker). `lines` are { targetId, at, text }.
 */
export function wharfTimeline(targets, lines, t0, end) {
  const byTarget = new Map(targets.map((t) => [t.targetId, []]));
  for (const l of lines) {
    const evs = byTarget.get(l.targetId);
    if (!evs) continue;
    const hit = WHARF_LINES.find(([re]) => re.test(l.text));
    if (hit) evs.push([hit[1], l.at]);
  }
  const hosts = targets.map((t) => ({
    name: t.targetName,
    start: t.started,
    end: t.finished,
    events: [['start', t.started], ...byTarget.get(t.targetId), ['end', t.finished]],
  }));
  return { t0, end, hosts };
}
