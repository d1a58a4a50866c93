// The load client of the debuginfod benchmark, in its own process so it
// measures both servers alike: `node load.mjs URL PATH N CONCURRENCY`
// makes N GET requests over keep-alive connections and prints
// `{"rps":…,"errors":…}`.
import { Agent, request } from 'node:http';

const [url, path, n, concurrency] = process.argv.slice(2);
const u = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: Number(concurrency) });
const total = Number(n);
let next = 0;
let errors = 0;
const one = () =>
  new Promise((resolve) => {
    const req = request({ host: u.hostname, port: u.port, path, agent }, (res) => {
      if (res.statusCode !== 200) errors++;
      res.on('data', () => {});
      res.on('end', resolve);
      res.on('error', () => (errors++, resolve()));
    });
    req.on('error', () => (errors++, resolve()));
    req.end();
  });
const t0 = process.hrtime.bigint();
await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (next < total) {
      next++;
      await one();
    }
  }),
);
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
agent.destroy();
process.stdout.write(JSON.stringify({ rps: total / secs, errors }) + '\n');
