// Scenarios of the fleet overview's master name and "Cluster" section. The browser suite runs
// one master on sqlite-store, which serves no /api/cluster (404: no section); what
// postgres-store answers to GET /api/cluster in a cluster is played by page.route, the way the
// polling scenario blocks /events.
import { assert, assertEqual } from '../lib/harness.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../lib/master.mjs';

const XSS_NAME = '<img src=x onerror=alert(1)>:8081';

function clusterAnswer(databaseHealthy) {
  const now = Date.now();
  return {
    this_host: 'master-a:8081',
    database: databaseHealthy ? { healthy: true, error: '' }
      : { healthy: false, error: 'connection to server at "127.0.0.1", port 5432 failed: Connection refused' },
    hosts: [
      { name: XSS_NAME, address: '10.0.0.2:8081', version: '1.0.0', started_at: new Date(now - 3600e3).toISOString(),
        last_seen: new Date(now - 30e3).toISOString(), healthy: false, this_host: false, leases: [] },
      { name: 'master-a:8081', address: '127.0.0.1:8081', version: '1.0.0', started_at: new Date(now - 600e3).toISOString(),
        last_seen: new Date(now).toISOString(), healthy: true, this_host: true,
        leases: ['spawner-sweeper', 'postgres-store-purge'] },
    ],
  };
}

/** Adds the scenarios to `suite`. `helpers`: { master, signIn, eventually, assertClean, shot }. */
export function clusterScenarios(suite, { master, signIn, eventually, assertClean, shot }) {
  suite.test('a master alone says which master it is and shows no cluster section', async ({ page, problems }) => {
    const probed = page.waitForResponse((response) => response.url().endsWith('/api/cluster'), { timeout: 10000 });
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    assertEqual((await probed).status(), 404, 'GET /api/cluster without postgres-store');
    const label = page.locator('[data-testid="master-host"]');
    await eventually(async () => (await label.textContent()).includes(`:${master.port})`), 5000, 'the master name');
    assert((await label.textContent()).startsWith('On master '), 'named from /api/stats');
    assert((await label.textContent()).includes(`127.0.0.1:${master.port}`), 'with the address it listens on');
    assertEqual(await page.locator('[data-testid="cluster"]').isHidden(), true, 'no cluster section');
    assertClean(problems);
  });

  suite.test('in a cluster the section lists the masters and the database, and names this one', async ({ page, problems }) => {
    let databaseHealthy = true;
    await page.route('**/api/cluster', (route) => route.fulfill({
      status: 200,
      contentType: 'application/json',
      headers: { 'Cache-Control': 'no-store' },
      body: JSON.stringify(clusterAnswer(databaseHealthy)),
    }));
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    const section = page.locator('[data-testid="cluster"]');
    await section.waitFor({ state: 'visible', timeout: 5000 });
    const rows = page.locator('tr[data-testid="cluster-row"]');
    assertEqual(await rows.count(), 2, 'one row per master');
    const first = await rows.nth(0).textContent();
    assert(first.includes('master-a:8081') && first.includes('this master'), 'this master first, marked');
    assert(first.includes('spawner-sweeper, postgres-store-purge'), 'its leases');
    assert(first.includes('healthy'), 'its health');
    const second = await rows.nth(1).textContent();
    assert(second.includes(XSS_NAME), 'a name is shown as text');
    assert(second.includes('not seen') && second.includes('30 s ago'), 'a silent master and when it was last seen');
    assertEqual(await page.textContent('[data-testid="cluster-headline"]'), '1 of 2 masters healthy', 'headline');
    assertEqual(await page.textContent('[data-testid="cluster-database"]'), 'Database healthy', 'database');
    await eventually(async () => (await page.textContent('[data-testid="master-host"]')) === 'On master master-a:8081',
      5000, 'the cluster name of this master in the header');
    await shot(page, '14-cluster');

    // The section polls every 5 s: the next answer shows the database down.
    databaseHealthy = false;
    await eventually(async () => (await page.textContent('[data-testid="cluster-database"]')) === 'Database unreachable',
      8000, 'the database to be shown unreachable');
    assert((await page.textContent('[data-testid="cluster-note"]')).includes('Connection refused'), 'with the error');
    await shot(page, '15-cluster-database-down');
    assertClean(problems);
  });
}
