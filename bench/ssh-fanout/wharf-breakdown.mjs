// Where a Wharf deployment's time goes, read back from its own log: every executor step
// announces itself as a `system` line with a millisecond timestamp, so the gap between one
// target's consecutive system lines is the time of the step that line opened.
import { wharfTimeline } from './timeline.mjs';

// First matching rule names the phase a system line opens.
const PHASES = [
  [/^connecting to /, 'connect (tcp+ssh+auth)'],
  [/^connected, host key verified/, 'prepare dirs + release check'],
  [/^preparing /, 'prepare dirs + release check'],
  [/^(uploading artifact|upload \d+%)/, 'upload'],
  [/^verifying sha256/, 'sha256 verify'],
  [/^unpacking into/, 'unpack'],
  [/^install:/, 'install (npm ci)'],
  [/^release .* (prepared|is already complete)/, 'marker + read current'],
  [/^switching /, 'switch current'],
  [/^pm2 (startOrReload|reload) /, 'pm2 startOrReload'],
  [/^checking pm2 status/, 'pm2 jlist (online check)'],
  [/^pm2 reports .* online/, 'health gate'],
  [/^health check/, 'health gate'],
  [/ is serving /, 'post-command + prune'],
  [/^(post-command|prune)/, 'post-command + prune'],
];

export const PHASE_ORDER = [...new Set(PHASES.map(([, p]) => p))];

function phaseOf(text, previous) {
  for (const [re, phase] of PHASES) if (re.test(text)) return phase;
  return previous ?? 'other';
}

const ms = (col) => `(extract(epoch from ${col}) * 1000)::float8`;

/**
 * Reads one deployment's timeline from Postgres. `requestedAt` is Date.now() when the POST was
 * sent (timestamps in the database are UTC, as Date.now() is).
 */
export async function wharfBreakdown(db, deploymentId, requestedAt, observedAt, followerAt) {
  const d = (
    await db.query(
      `select ${ms('"createdAt"')} as created, ${ms('"startedAt"')} as started, ${ms('"finishedAt"')} as finished
       from "Deployment" where id = $1`,
      [deploymentId],
    )
  ).rows[0];
  const targets = (
    await db.query(
      `select "targetId", "targetName", batch, ${ms('"startedAt"')} as started, ${ms('"finishedAt"')} as finished
       from "DeploymentTarget" where "deploymentId" = $1`,
      [deploymentId],
    )
  ).rows;
  const lines = (
    await db.query(
      `select "targetId", seq, ${ms('at')} as at, text from "DeploymentLog"
       where "deploymentId" = $1 and stream = 'system' and "targetId" is not null order by seq`,
      [deploymentId],
    )
  ).rows;
  // The runner's first line ("Releasing ...") comes after the plan, the log sink and the
  // `deployment.started` audit row; the executor's first ("deploying ...") right after it.
  const openers = (
    await db.query(
      `select ${ms('at')} as at from "DeploymentLog"
       where "deploymentId" = $1 and stream = 'system' and "targetId" is null order by seq limit 2`,
      [deploymentId],
    )
  ).rows;
  const counts = (
    await db.query(
      `select count(*)::int as n, coalesce(max(seq), 0)::int as max from "DeploymentLog" where "deploymentId" = $1`,
      [deploymentId],
    )
  ).rows[0];

  const perTarget = new Map(targets.map((t) => [t.targetId, { ...t, phases: {} }]));
  const byTarget = new Map();
  for (const l of lines) {
    if (!byTarget.has(l.targetId)) byTarget.set(l.targetId, []);
    byTarget.get(l.targetId).push(l);
  }
  for (const [targetId, tl] of byTarget) {
    const t = perTarget.get(targetId);
    if (!t) continue;
    let phase = null;
    for (let i = 0; i < tl.length; i++) {
      phase = phaseOf(tl[i].text, phase);
      const end = i + 1 < tl.length ? tl[i + 1].at : t.finished;
      t.phases[phase] = (t.phases[phase] ?? 0) + Math.max(0, end - tl[i].at);
    }
    t.healthAttempts = Math.max(0, ...tl.map((l) => Number(/^health check attempt (\d+)\//.exec(l.text)?.[1] ?? 0)));
    const firstAt = tl[0]?.at;
    if (firstAt !== undefined) t.phases['target start -> first line'] = Math.max(0, firstAt - t.started);
  }

  const phaseStats = {};
  for (const phase of ['target start -> first line', ...PHASE_ORDER]) {
    const values = [...perTarget.values()].map((t) => t.phases[phase]).filter((v) => v !== undefined);
    if (values.length) phaseStats[phase] = { medianMs: median(values), maxMs: Math.max(...values) };
  }
  const batches = new Map();
  for (const t of perTarget.values()) {
    const b = batches.get(t.batch) ?? { batch: t.batch, targets: 0, start: Infinity, end: 0, slowestTargetMs: 0 };
    b.targets++;
    b.start = Math.min(b.start, t.started);
    b.end = Math.max(b.end, t.finished);
    b.slowestTargetMs = Math.max(b.slowestTargetMs, t.finished - t.started);
    batches.set(t.batch, b);
  }
  const targetMs = [...perTarget.values()].map((t) => t.finished - t.started);
  const firstTargetStart = Math.min(...targets.map((t) => t.started));
  const lastTargetEnd = Math.max(...targets.map((t) => t.finished));
  return {
    requestToRowMs: Math.round(d.created - requestedAt),
    queueMs: Math.round(d.started - d.created),
    /** Claimed -> the first host's start: plan (DB reads), log sink, audit row, executor setup. */
    claimToFirstTargetMs: Math.round(firstTargetStart - d.started),
    /** Of which: claim -> the runner's first line (plan, log sink, audit row). */
    claimToFirstLineMs: openers[0] ? Math.round(openers[0].at - d.started) : null,
    /** Of which: the executor's first line -> the first host's start. */
    executorToFirstTargetMs: openers[1] ? Math.round(firstTargetStart - openers[1].at) : null,
    runMs: Math.round(d.finished - d.started),
    /** The last host's end -> the deployment's finishedAt: settle, last log flush, finish. */
    lastTargetToFinishedMs: Math.round(d.finished - lastTargetEnd),
    finishToObservedMs: Math.round(observedAt - d.finished),
    ...(followerAt === undefined ? {} : { finishToFollowerMs: Math.round(followerAt - d.finished) }),
    /** Epoch ms (this machine's clock) of the deployment's own finishedAt. */
    finishedAt: d.finished,
    timeline: wharfTimeline(targets, lines, requestedAt, observedAt),
    batches: [...batches.values()]
      .sort((a, b) => a.batch - b.batch)
      .map((b) => ({
        batch: b.batch,
        targets: b.targets,
        spanMs: Math.round(b.end - b.start),
        slowestTargetMs: Math.round(b.slowestTargetMs),
      })),
    targetMedianMs: Math.round(median(targetMs)),
    targetMaxMs: Math.round(Math.max(...targetMs)),
    phases: Object.fromEntries(
      Object.entries(phaseStats).map(([k, v]) => [k, { medianMs: Math.round(v.medianMs), maxMs: Math.round(v.maxMs) }]),
    ),
    healthAttempts: {
      median: median([...perTarget.values()].map((t) => t.healthAttempts ?? 0)),
      max: Math.max(...[...perTarget.values()].map((t) => t.healthAttempts ?? 0)),
    },
    logLines: counts.n,
    logMaxSeq: counts.max,
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
