// tools/bench/duckdb_groupby.mjs - the DuckDB baseline: the bidirectional
// GROUP BY (canonical 5-tuple: sum of bytes/packets, first/last time, record
// count) over the same default-format file flowstitch reads.
// usage: node duckdb_groupby.mjs FILE [RUNS]   (threads=2)
// prints: duckdb <records/s> <seconds> <records> <groups>, best of RUNS.
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
const runs = Number(process.argv[3] || 3);
const cols = `{'version':'INTEGER','account_id':'VARCHAR','interface_id':'VARCHAR',
 'srcaddr':'VARCHAR','dstaddr':'VARCHAR','srcport':'INTEGER','dstport':'INTEGER',
 'protocol':'INTEGER','packets':'BIGINT','bytes':'BIGINT','start':'BIGINT','end':'BIGINT',
 'action':'VARCHAR','log_status':'VARCHAR'}`;
const src = `read_csv('${file}', delim=' ', header=false, columns=${cols}, nullstr='-', auto_detect=false)`;
const sql = `SELECT count(*) AS groups, sum(n) AS records FROM (
  SELECT protocol,
         least(srcaddr, dstaddr) AS a, greatest(srcaddr, dstaddr) AS b,
         CASE WHEN srcaddr <= dstaddr THEN srcport ELSE dstport END AS ap,
         CASE WHEN srcaddr <= dstaddr THEN dstport ELSE srcport END AS bp,
         sum(bytes) AS bytes, sum(packets) AS packets, min(start) AS first, max("end") AS last,
         count(*) AS n
  FROM ${src} WHERE log_status = 'OK'
  GROUP BY ALL)`;

const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const conn = await instance.connect();
let best = Infinity, groups = 0, records = 0;
for (let i = 0; i < runs; i++) {
  const t0 = process.hrtime.bigint();
  const reader = await conn.runAndReadAll(sql);
  const dt = Number(process.hrtime.bigint() - t0) / 1e9;
  const row = reader.getRows()[0];
  groups = Number(row[0]);
  records = Number(row[1]);
  if (dt < best) best = dt;
}
console.log(`duckdb ${(records / best).toFixed(0)} ${best.toFixed(3)} ${records} ${groups}`);
