// Browser tests of the dashboard: the real spawner-master with sqlite-store, auth,
// spawner-registry, dashboard-sse and file-distribution, driven through headless Chromium.
//
//   node run.mjs --host <spawner-master> --plugins <plugin dir> --web <web root> \
//                --artifacts <folder for screenshots>
//
// Prints one line per scenario and "N passed, M failed"; exits non-zero on a failure.
import { createServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';

import { launchBrowser, openPage } from './lib/browser.mjs';
import { Suite, assert, assertEqual } from './lib/harness.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Master } from './lib/master.mjs';
import { makeZip } from './lib/zip.mjs';
import { addAlertScenarios } from './alerts-scenarios.mjs';
import { clusterScenarios } from './scenarios/cluster.mjs';
import { instanceScenarios } from './scenarios/instances.mjs';

const { values: args } = parseArgs({
  options: {
    host: { type: 'string' },
    plugins: { type: 'string' },
    web: { type: 'string' },
    artifacts: { type: 'string' },
  },
});
for (const name of ['host', 'plugins', 'web', 'artifacts']) {
  if (!args[name]) {
    console.error(`usage: node run.mjs --host <spawner-master> --plugins <dir> --web <dir> --artifacts <dir> (missing --${name})`);
    process.exit(2);
  }
}
const screenshots = resolve(args.artifacts, 'screenshots');
mkdirSync(screenshots, { recursive: true });

const VIEWER_EMAIL = 'viewer@example.com';
const VIEWER_PASSWORD = 'viewer-password-123';
const XSS_REGION = '<img src=x onerror=alert(1)>';

const master = new Master({ hostBinary: resolve(args.host), pluginDir: resolve(args.plugins), webRoot: resolve(args.web) });

// ---- helpers ---------------------------------------------------------------------------

async function shot(page, name, options = {}) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: options.fullPage ?? true });
}

async function signIn(page, email, password) {
  await page.goto(`${master.base}/dashboard`);
  await page.waitForURL(/\/login/);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL(/\/dashboard$/), page.click('button[type="submit"]')]);
  await page.waitForSelector('[data-testid="user-email"]:not(:empty)');
}

function spawnerRow(page, id) {
  return page.locator(`tr[data-testid="spawner-row"][data-id="${id}"]`);
}

async function waitForConnection(page, state, timeout = 10000) {
  await page.waitForSelector(`[data-testid="connection"][data-state="${state}"]`, { timeout });
}

// Polls `probe` until it returns a truthy value; returns it or throws after `timeoutMs`.
async function eventually(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

function assertClean(problems) {
  assertEqual(problems.pageErrors.length, 0, `page errors ${problems.pageErrors.join(' | ')}`);
  assertEqual(problems.cspViolations.length, 0, `CSP violations ${problems.cspViolations.join(' | ')}`);
  assertEqual(problems.dialogs.length, 0, `dialogs ${problems.dialogs.join(' | ')}`);
}

// A spawner's own HTTP endpoint, for the spawn action.
function startFakeSpawner() {
  const server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/spawn') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('{"status":"spawned","instance_port":27015}');
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  return new Promise((resolvePort) => server.listen(0, '127.0.0.1', () => resolvePort(server)));
}

// ---- scenarios -------------------------------------------------------------------------

const suite = new Suite();
let browser;

suite.test('a wrong password shows an error and stays on the sign-in page', async ({ page, problems }) => {
  await page.goto(`${master.base}/dashboard`);
  await page.waitForURL(/\/login\?next=/);
  await page.fill('input[name="email"]', ADMIN_EMAIL);
  await page.fill('input[name="password"]', 'not-the-password');
  await page.click('button[type="submit"]');
  const error = page.locator('[role="alert"]');
  await error.waitFor({ timeout: 5000 });
  assert((await error.textContent()).toLowerCase().includes('invalid'), 'the error says the credentials are invalid');
  assert(page.url().includes('/login'), 'still on /login');
  await shot(page, '01-login-wrong-password');
  assertClean(problems);
});

suite.test('signing in lands on the live dashboard', async ({ page, problems }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  assertEqual(await page.textContent('h1'), 'Fleet overview', 'page title');
  await waitForConnection(page, 'live');
  assertEqual(await page.textContent('[data-testid="user-role"]'), 'admin', 'role badge');
  for (const nav of ['dashboard', 'instances', 'errors', 'builds', 'users', 'audit']) {
    assertEqual(await page.locator(`[data-nav="${nav}"]`).count(), 1, `nav link ${nav}`);
  }
  assertClean(problems);
});

suite.test('stats tick without a reload', async ({ page, problems }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await waitForConnection(page, 'live');
  const uptime = page.locator('[data-testid="stat-uptime"]');
  await eventually(async () => (await uptime.textContent()) !== '—', 5000, 'first stats');
  const first = await uptime.textContent();
  const firstUpdate = await page.textContent('[data-testid="updated"]');
  await eventually(async () => (await uptime.textContent()) !== first, 4000, 'uptime to change');
  // The update time shows wall-clock seconds and the uptime counts from start-up: a late tick
  // followed by a punctual one can cross an uptime second within one wall-clock second, so
  // the update time may move one tick later.
  await eventually(
    async () => (await page.textContent('[data-testid="updated"]')) !== firstUpdate,
    4000,
    'the update time to move',
  );
  // The charts are drawn (uPlot canvases exist) with the history.
  assertEqual(await page.locator('.chart canvas').count(), 6, 'six charts');
  await sleep(1500);
  await shot(page, '02-dashboard');
  await page.setViewportSize({ width: 390, height: 844 });
  await sleep(500);
  await shot(page, '03-dashboard-narrow', { fullPage: false });
  assertClean(problems);
});

suite.test('a spawner registered through the API appears within 3 s and disappears when deleted', async ({ page, problems }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await waitForConnection(page, 'live');
  await sleep(500);
  const registeredAt = Date.now();
  const id = await master.registerSpawner({ region: 'ap-south', host: '10.9.8.7', port: 7001 });
  await spawnerRow(page, id).waitFor({ timeout: 3000 });
  const appearedMs = Date.now() - registeredAt;
  assert(appearedMs <= 3000, `appeared after ${appearedMs} ms`);
  assertEqual(await spawnerRow(page, id).locator('[data-testid="spawner-region"]').textContent(), 'ap-south', 'region cell');

  const deletedAt = Date.now();
  assertEqual((await master.apiKeyCall('DELETE', `/api/spawners/${id}`)).status, 200, 'delete through the API');
  await spawnerRow(page, id).waitFor({ state: 'detached', timeout: 3000 });
  console.log(`     appeared after ${appearedMs} ms, disappeared after ${Date.now() - deletedAt} ms`);
  assertClean(problems);
});

suite.test('an operator spawns an instance and deletes a spawner, with confirmation and a visible result', async ({ page, problems }) => {
  const fakeSpawner = await startFakeSpawner();
  try {
    const id = await master.registerSpawner({ region: 'us-west', host: '127.0.0.1', port: fakeSpawner.address().port });
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    const row = spawnerRow(page, id);
    await row.waitFor({ timeout: 5000 });

    await row.locator('[data-testid="spawn-button"]').click();
    await page.locator('dialog[open] [data-testid="confirm-ok"]').click();
    const spawned = page.locator('.toast[data-kind="success"]', { hasText: `Spawn requested on #${id}` });
    await spawned.waitFor({ timeout: 8000 });
    assert((await spawned.textContent()).includes('spawned'), 'the spawner answer is shown');

    await row.locator('[data-testid="delete-button"]').click();
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    assert((await dialog.textContent()).includes(`#${id}`), 'the dialog names the spawner');
    await shot(page, '04-delete-confirmation', { fullPage: false });
    await dialog.locator('[data-testid="confirm-ok"]').click();
    await page.locator('.toast[data-kind="success"]', { hasText: `Spawner #${id} deleted` }).waitFor({ timeout: 5000 });
    await row.waitFor({ state: 'detached', timeout: 3000 });
    assertEqual((await master.apiKeyCall('GET', `/api/spawners/${id}`)).status, 404, 'gone from the registry');
    assertClean(problems);
  } finally {
    fakeSpawner.close();
  }
});

suite.test('markup in a region is shown as text and runs nothing', async ({ page, problems }) => {
  const id = await master.registerSpawner({ region: XSS_REGION, host: 'evil.example', port: 6666 });
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  const row = spawnerRow(page, id);
  await row.waitFor({ timeout: 5000 });
  assertEqual(await row.locator('[data-testid="spawner-region"]').textContent(), XSS_REGION, 'region shown verbatim');
  assertEqual(await page.locator('img[src="x"]').count(), 0, 'no injected image element');
  // The region filter lists it as text too.
  const option = page.locator('[data-testid="region-filter"] option', { hasText: XSS_REGION });
  assertEqual(await option.count(), 1, 'region filter option');
  await row.locator('[data-testid="delete-button"]').click();
  const dialog = page.locator('dialog[open]');
  assert((await dialog.textContent()).includes(XSS_REGION), 'the confirmation shows the region as text');
  await dialog.locator('button[value="cancel"]').click();
  await sleep(500);
  assertEqual(problems.dialogs.length, 0, 'no alert dialog opened');
  assertClean(problems);
  await master.apiKeyCall('DELETE', `/api/spawners/${id}`);
});

suite.test('an API error shows up on the errors page, live', async ({ page, problems }) => {
  const missing = await master.apiKeyCall('GET', '/api/spawners/987654321');
  assertEqual(missing.status, 404, 'unknown spawner');
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.click('[data-nav="errors"]');
  await page.waitForURL(/\/errors$/);
  const row = page.locator('[data-testid="error-row"]', { hasText: '/api/spawners/987654321' });
  await row.waitFor({ timeout: 5000 });
  assert((await row.textContent()).includes('404'), 'status shown');
  assert((await row.textContent()).includes('127.0.0.1'), 'client IP shown');

  await waitForConnection(page, 'live');
  const live = await master.apiKeyCall('GET', '/api/spawners/123123123');
  assertEqual(live.status, 404, 'second unknown spawner');
  await page.locator('[data-testid="error-row"]', { hasText: '/api/spawners/123123123' }).waitFor({ timeout: 3000 });

  await page.fill('[data-testid="path-filter"]', '987654321');
  await eventually(async () => (await page.locator('[data-testid="error-row"]').count()) === 1, 3000, 'the path filter');
  await page.selectOption('[data-testid="status-filter"]', '5xx');
  await eventually(async () => (await page.locator('[data-testid="error-row"]').count()) === 0, 3000, 'the status filter');
  await page.click('button[type="reset"]');
  await eventually(async () => (await page.locator('[data-testid="error-row"]').count()) >= 2, 3000, 'cleared filters');
  await shot(page, '05-errors');
  assertClean(problems);
});

suite.test('the errors page loads older errors through the Link header', async ({ page, problems }) => {
  // More than one page (100) of errors that only this scenario makes.
  for (let i = 0; i < 105; i += 1) {
    const answer = await master.apiKeyCall('GET', `/no/such/older-${i}`);
    assertEqual(answer.status, 404, 'unknown path');
  }
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.click('[data-nav="errors"]');
  await page.waitForURL(/\/errors$/);
  const filtered = page.waitForResponse((response) => response.url().includes('/api/errors?') &&
    response.url().includes('older-') && !response.url().includes('before='));
  await page.fill('[data-testid="path-filter"]', '/no/such/older-');
  const first = await filtered;
  assert(first.headers().link?.includes('rel="next"'), 'the first page links to the next');
  const rows = page.locator('[data-testid="error-row"]');
  await eventually(async () => (await rows.count()) === 100, 3000, 'the first page');
  const older = page.locator('#load-older');
  assert(await older.isVisible(), '"Load older" is offered');

  const next = page.waitForResponse((response) => response.url().includes('/api/errors?before='));
  await older.click();
  const second = await next;
  assert(second.url().includes('path=%2Fno%2Fsuch%2Folder-'), 'the link keeps the path filter');
  await eventually(async () => (await rows.count()) === 105, 3000, 'the older page');
  assert((await rows.last().textContent()).includes('/no/such/older-0'), 'the oldest comes last');
  assert(await older.isHidden(), 'nothing older after the last page');
  assertClean(problems);
});

suite.test('an admin adds a viewer on the users page', async ({ page, problems }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.click('[data-nav="users"]');
  await page.waitForURL(/\/users$/);
  await page.fill('[data-testid="new-user-email"]', VIEWER_EMAIL);
  await page.fill('[data-testid="new-user-password"]', VIEWER_PASSWORD);
  await page.selectOption('[data-testid="new-user-role"]', 'viewer');
  await page.click('[data-testid="add-user-submit"]');
  await page.locator('.toast[data-kind="success"]', { hasText: `${VIEWER_EMAIL} added` }).waitFor({ timeout: 5000 });
  const row = page.locator('[data-testid="user-row"]', { hasText: VIEWER_EMAIL });
  await row.waitFor();
  assertEqual(await row.locator('[data-testid="user-role-select"]').inputValue(), 'viewer', 'role shown');
  await shot(page, '06-users');
  assertClean(problems);
});

suite.test('a viewer sees no actions and the API refuses a deletion', async ({ page, problems }) => {
  const id = await master.registerSpawner({ region: 'eu-north', host: '10.1.1.1', port: 7100 });
  await signIn(page, VIEWER_EMAIL, VIEWER_PASSWORD);
  assertEqual(await page.textContent('[data-testid="user-role"]'), 'viewer', 'role badge');
  await spawnerRow(page, id).waitFor({ timeout: 5000 });
  assertEqual(await page.locator('[data-testid="delete-button"]').count(), 0, 'no delete buttons');
  assertEqual(await page.locator('[data-testid="spawn-button"]').count(), 0, 'no spawn buttons');
  for (const nav of ['users', 'builds', 'audit']) {
    assertEqual(await page.locator(`[data-nav="${nav}"]`).count(), 0, `no ${nav} link`);
  }
  // The same call the button would make, from the viewer's session with a valid CSRF token.
  const status = await page.evaluate(async (spawnerId) => {
    const me = await (await fetch('/api/me')).json();
    const response = await fetch(`/api/spawners/${spawnerId}`, {
      method: 'DELETE',
      headers: { 'X-CSRF-Token': me.csrf_token },
    });
    return response.status;
  }, id);
  assertEqual(status, 403, 'DELETE as a viewer');
  assertEqual((await master.apiKeyCall('GET', `/api/spawners/${id}`)).status, 200, 'the spawner is still there');
  await shot(page, '07-dashboard-viewer');
  assertClean(problems);
  await master.apiKeyCall('DELETE', `/api/spawners/${id}`);
});

const closeAgents = instanceScenarios(suite, {
  master, signIn, eventually, assertClean, shot, waitForConnection,
  admin: [ADMIN_EMAIL, ADMIN_PASSWORD],
  viewer: [VIEWER_EMAIL, VIEWER_PASSWORD],
});

suite.test('with /events blocked the page polls, still updates, and goes live again', async ({ page, problems }) => {
  await page.route('**/events', (route) => route.abort());
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await waitForConnection(page, 'polling', 10000);
  const id = await master.registerSpawner({ region: 'sa-east', host: '10.2.2.2', port: 7200 });
  await spawnerRow(page, id).waitFor({ timeout: 5000 });
  const uptime = page.locator('[data-testid="stat-uptime"]');
  const before = await uptime.textContent();
  await eventually(async () => (await uptime.textContent()) !== before, 5000, 'stats while polling');
  await shot(page, '08-dashboard-polling', { fullPage: false });
  await page.unroute('**/events');
  await waitForConnection(page, 'live', 15000);
  assertClean(problems);
  await master.apiKeyCall('DELETE', `/api/spawners/${id}`);
});

suite.test('an operator uploads a build with a progress bar and it becomes current', async ({ page, problems }) => {
  if (!master.withFiles) {
    console.log('     file-distribution.so is not built: skipped');
    return;
  }
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.click('[data-nav="builds"]');
  await page.waitForURL(/\/builds$/);
  // Larger than one chunk (64 KiB in this configuration), so several PUTs are made.
  const zip = makeZip([
    { name: 'game_server/server.bin', content: Buffer.alloc(200 * 1024, 7) },
    { name: 'game_server/README.txt', content: 'browser test build' },
  ]);
  await page.setInputFiles('[data-testid="upload-file"]', { name: 'game_server.zip', mimeType: 'application/zip', buffer: zip });
  await page.fill('[data-testid="upload-version"]', '1.0.0-browser');
  await page.click('[data-testid="upload-submit"]');
  await page.locator('.toast[data-kind="success"]', { hasText: 'Build 1.0.0-browser uploaded' }).waitFor({ timeout: 15000 });
  assertEqual(await page.locator('[data-testid="upload-progress"]').evaluate((bar) => bar.value), 1, 'progress complete');
  const row = page.locator('[data-testid="build-row"]', { hasText: '1.0.0-browser' });
  await row.waitFor();
  assert((await row.textContent()).includes('Current'), 'the new build is current');
  const manifest = await master.apiKeyCall('GET', '/api/spawners/download/manifest');
  assertEqual(manifest.json?.version, '1.0.0-browser', 'the manifest serves it');
  await shot(page, '09-builds');
  assertClean(problems);
});

suite.test('the audit log lists what happened, page by page', async ({ page, problems }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.click('[data-nav="audit"]');
  await page.waitForURL(/\/audit$/);
  await page.locator('[data-testid="audit-row"]').first().waitFor({ timeout: 5000 });
  const text = await page.textContent('[data-testid="audit-table"]');
  for (const action of ['login.success', 'login.failure', 'user.create', 'spawner.delete']) {
    assert(text.includes(action), `audit shows ${action}`);
  }
  await shot(page, '10-audit');
  assertClean(problems);
});

suite.test('signing out ends the session', async ({ page, problems }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await Promise.all([page.waitForURL(/\/login/), page.click('[data-testid="logout"]')]);
  await page.goto(`${master.base}/dashboard`);
  await page.waitForURL(/\/login\?next=/);
  const status = await page.evaluate(async () => (await fetch('/api/stats')).status);
  assertEqual(status, 401, '/api/stats after sign-out');
  assertClean(problems);
});

addAlertScenarios(suite, { master, signIn, eventually, assertClean, shot });
clusterScenarios(suite, { master, signIn, eventually, assertClean, shot });

// ---- run -------------------------------------------------------------------------------

const started = Date.now();
let result = { passed: 0, failed: 1 };
try {
  await master.start();
  browser = await launchBrowser();
  result = await suite.run({
    beforeEach: async () => openPage(browser),
    afterEach: async (_name, context) => context?.context.close(),
  });
} catch (error) {
  console.log(`FAIL setup: ${error?.stack || error}`);
} finally {
  if (browser) await browser.close();
  const code = await master.stop();
  await closeAgents();
  if (result.failed > 0 || code !== 0) {
    console.log(`--- spawner-master output (exit ${code}) ---\n${master.output.slice(-6000)}`);
  }
  if (code !== 0) result.failed += 1;
  master.cleanup();
}
console.log(`screenshots: ${screenshots}`);
console.log(`browser suite took ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${result.passed} passed, ${result.failed} failed`);
process.exit(result.failed > 0 ? 1 : 0);
