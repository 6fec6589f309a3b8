// A spawner agent on a loopback port that speaks the original agent's API exactly:
//   POST /spawn            200 {"id", "port", "pid", "status", "region", "start_time"}; 500 {"error"} when full
//   GET /instances         200 {"instances": [instance...]}
//   DELETE /instance/{id}  200 {"message": "instance stopped", "id"}; 500 {"error"} when unknown
//   GET /health            200 {"status": "online", "region", "uptime"}
// The test can end an instance agent-side (`kill`), as a crashed game server would.
import { createServer } from 'node:http';

export class FakeAgent {
  constructor({ region, maxInstances = 4, firstGamePort = 27000 }) {
    this.region = region;
    this.maxInstances = maxInstances;
    this.nextGamePort = firstGamePort;
    this.nextId = 1;
    this.instances = new Map();
    this.requests = [];  // "METHOD /path" of every call, in order
    this.startedAt = Date.now();
    this.server = createServer((request, response) => this.handle(request, response));
  }

  /** Starts listening on 127.0.0.1; resolves to the port. */
  listen() {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve(this.port)));
  }

  get port() {
    return this.server.address().port;
  }

  close() {
    this.server.closeAllConnections?.();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Ends an instance without the master asking (it leaves GET /instances). */
  kill(agentInstanceId) {
    return this.instances.delete(agentInstanceId);
  }

  reply(response, status, body) {
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  handle(request, response) {
    this.requests.push(`${request.method} ${request.url}`);
    // Bodies are read and ignored: the agent decides the port itself.
    request.resume();
    request.on('end', () => {
      const deleteMatch = /^\/instance\/([^/?]+)$/.exec(request.url);
      if (request.method === 'POST' && request.url === '/spawn') {
        if (this.instances.size >= this.maxInstances) {
          this.reply(response, 500, { error: 'maximum number of instances reached' });
          return;
        }
        const instance = {
          id: `agent-${this.port}-${this.nextId++}`,
          port: this.nextGamePort++,
          pid: 40000 + this.nextId,
          status: 'running',
          region: this.region,
          start_time: new Date().toISOString(),
        };
        this.instances.set(instance.id, instance);
        this.reply(response, 200, instance);
      } else if (request.method === 'GET' && request.url === '/instances') {
        this.reply(response, 200, { instances: Array.from(this.instances.values()) });
      } else if (request.method === 'DELETE' && deleteMatch) {
        const id = decodeURIComponent(deleteMatch[1]);
        if (!this.instances.delete(id)) {
          this.reply(response, 500, { error: `instance ${id} not found` });
          return;
        }
        this.reply(response, 200, { message: 'instance stopped', id });
      } else if (request.method === 'GET' && request.url === '/health') {
        this.reply(response, 200, { status: 'online', region: this.region, uptime: `${Math.floor((Date.now() - this.startedAt) / 1000)}s` });
      } else {
        this.reply(response, 404, { error: 'not found' });
      }
    });
  }
}
