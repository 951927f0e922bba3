/** Calibration: the least a Node proxy can do (node:http in, node:http out, keep-alive), to compare machines. */
import { Agent, createServer, request } from 'node:http';

const [port, upstreamPort] = process.argv.slice(2).map(Number);
const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
createServer((req, res) => {
  const up = request(
    {
      host: '127.0.0.1',
      port: upstreamPort,
      path: req.url,
      method: req.method,
      headers: req.headers,
      agent,
    },
    (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    },
  );
  up.on('error', () => res.writeHead(502).end());
  req.pipe(up);
}).listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
