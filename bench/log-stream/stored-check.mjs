// What a side stored, read back from Postgres: the same queries for Wharf's "DeploymentLog"
// and for the peer's scratch table of the same shape, so both are held to the same checks.
import { parseProducerLine } from './producer.mjs';

const TABLES = new Set(['"DeploymentLog"', '"PeerDeploymentLog"']);
const PRODUCER_LINE = `stream = 'stdout' and text ~ '^[0-9]+ [0-9]{13}$'`;

/**
 * Rows, seq range, the producer's lines (count, order against seq), the first and last print
 * times, and the stage latency: the time the line was taken in (`at`: Wharf's sink write(),
 * the peer's read of ssh's stdout) minus the time printed in it.
 */
export async function storedFigures(db, table, deploymentId) {
  if (!TABLES.has(table)) throw new Error(`unexpected table ${table}`);
  const stored = (
    await db.query(
      `select count(*)::int as n, coalesce(min(seq), 0)::int as min, coalesce(max(seq), 0)::int as max
         from ${table} where "deploymentId" = $1`,
      [deploymentId],
    )
  ).rows[0];
  const producer = (
    await db.query(
      `select count(*)::int as n, count(*) filter (where i <> r)::int as misordered, count(distinct i)::int as distinct_n,
              min(i)::int as min_i, max(i)::int as max_i, min(seq)::int as first_seq, max(seq)::int as last_seq
       from (select seq, split_part(text, ' ', 1)::int as i, row_number() over (order by seq) as r
             from ${table} where "deploymentId" = $1 and ${PRODUCER_LINE}) x`,
      [deploymentId],
    )
  ).rows[0];
  const edge = (
    await db.query(`select seq, text from ${table} where "deploymentId" = $1 and seq in ($2, $3)`, [
      deploymentId,
      producer.first_seq ?? 0,
      producer.last_seq ?? 0,
    ])
  ).rows;
  const toTakenIn = (
    await db.query(
      `with l as (select (extract(epoch from at) * 1000)::bigint - split_part(text, ' ', 2)::bigint as ms,
                         split_part(text, ' ', 2)::bigint as printed
                    from ${table}
                   where "deploymentId" = $1 and ${PRODUCER_LINE}),
            s as (select (printed - min(printed) over ()) / 1000 as sec, ms from l)
       select (select percentile_disc(0.5) within group (order by ms) from l)::int as p50,
              (select percentile_disc(0.95) within group (order by ms) from l)::int as p95,
              (select max(ms) from l)::int as max,
              (select json_agg(json_build_array(sec, p95) order by sec)
                 from (select sec, percentile_disc(0.95) within group (order by ms)::int as p95
                         from s group by sec) b) as "p95BySecond"`,
      [deploymentId],
    )
  ).rows[0];
  const firstPrint = parseProducerLine(edge.find((r) => r.seq === producer.first_seq)?.text ?? '')?.ts ?? null;
  const lastPrint = parseProducerLine(edge.find((r) => r.seq === producer.last_seq)?.text ?? '')?.ts ?? null;
  return { stored, producer, toTakenIn, firstPrint, lastPrint };
}

/** seq 1..max with no hole. */
export const storedDense = (stored) => stored.n === stored.max && stored.min === 1;

/** Every producer line 1..lines once, in print order along seq. */
export const everyProducerLineOnceInOrder = (producer, lines) =>
  producer.n === lines &&
  producer.distinct_n === lines &&
  producer.misordered === 0 &&
  producer.min_i === 1 &&
  producer.max_i === lines;
