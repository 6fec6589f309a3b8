// Starts the real spawner-master with the plugins the dashboard runs with, on a free port, in
// a temporary folder, and stops it (SIGTERM, then SIGKILL after a grace period).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'browser-test-admin-password';
export const API_KEY = 'browser-test-master-key-0123456789';
// An admin key, for the calls a matchmaker or an operator's script makes (allocations).
export const ADMIN_KEY = 'browser-test-admin-key-0123456789';

function pluginsYaml({ pluginDir, webRoot, withFiles, withInstances }) {
  return `server:
  bind: 127.0.0.1
  port: 0
  plugin_dir: ${pluginDir}
  log_level: info
plugins:
  - id: sqlite-store
    config:
      path: store.db
      synchronous: normal
  - id: auth
    config:
      argon2_opslimit: 1
      argon2_memlimit: 8MiB
  - id: spawner-registry
    config:
      ttl: 10m
  - id: dashboard-sse
    config:
      web_root: ${webRoot}
  - id: alerts
    config: {check_interval: 200ms, capacity: {regions: {alerts-test: 2}}}
${withFiles ? `  - id: file-distribution
    config:
      dir: files
      chunk_size: 64KiB
` : ''}${withInstances ? `  - id: game-instances
    config:
      reconcile_interval: 1s
      spawn_targets:
        allow: [127.0.0.0/8]
` : ''}`;
}

export class Master {
  constructor({ hostBinary, pluginDir, webRoot }) {
    this.hostBinary = hostBinary;
    this.pluginDir = pluginDir;
    this.webRoot = webRoot;
    this.withFiles = existsSync(join(pluginDir, 'file-distribution.so'));
    this.withInstances = existsSync(join(pluginDir, 'game-instances.so'));
    this.dir = mkdtempSync(join(tmpdir(), 'sr-browser-'));
    this.output = '';
    this.process = null;
    this.port = 0;
  }

  get base() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    writeFileSync(join(this.dir, 'plugins.yaml'), pluginsYaml(this));
    const ready = join(this.dir, 'ready.json');
    this.process = spawn(this.hostBinary, ['--config', 'plugins.yaml', '--ready-file', ready], {
      cwd: this.dir,
      env: {
        ...process.env,
        ADMIN_EMAIL,
        ADMIN_PASSWORD,
        MASTER_API_KEY: API_KEY,
        ADMIN_API_KEY: ADMIN_KEY,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk) => { this.output += chunk.toString(); };
    this.process.stdout.on('data', collect);
    this.process.stderr.on('data', collect);
    let exited = false;
    this.process.on('exit', () => { exited = true; });
    for (let i = 0; i < 300; i += 1) {
      if (existsSync(ready)) {
        const text = readFileSync(ready, 'utf8');
        if (text.includes('"port"')) {
          this.port = JSON.parse(text).port;
          return;
        }
      }
      if (exited) break;
      await sleep(50);
    }
    throw new Error(`spawner-master did not start:\n${this.output}`);
  }

  async stop() {
    if (!this.process || this.process.exitCode !== null) return this.process?.exitCode;
    const exited = new Promise((resolve) => this.process.on('exit', (code) => resolve(code)));
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 15000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }

  cleanup() {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A call with the master API key (what spawners use). */
  apiKeyCall(method, path, body) {
    return this.keyCall(API_KEY, method, path, body);
  }

  /** A call with the admin key (what a matchmaker or an operator's script uses). */
  adminCall(method, path, body) {
    return this.keyCall(ADMIN_KEY, method, path, body);
  }

  async keyCall(key, method, path, body) {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: { 'X-API-Key': key, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: response.status, json, text };
  }

  async registerSpawner(fields = {}) {
    const answer = await this.apiKeyCall('POST', '/api/spawners', {
      region: 'eu-west', host: '10.20.30.40', port: 7777, max_instances: 10, current_instances: 2, ...fields,
    });
    if (answer.status !== 201) throw new Error(`registration failed: ${answer.status} ${answer.text}`);
    return answer.json.id;
  }
}
