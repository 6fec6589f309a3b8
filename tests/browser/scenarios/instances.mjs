// Scenarios of the Instances page and the capacity per region, against the real
// game-instances plugin and fake agents on loopback ports (lib/fake-agent.mjs). Skipped, with
// a line saying so, when game-instances.so is not built.
import { setTimeout as sleep } from 'node:timers/promises';

import { FakeAgent } from '../lib/fake-agent.mjs';
import { assert, assertEqual } from '../lib/harness.mjs';

/**
 * Adds the scenarios to `suite`. `helpers`: { master, signIn, eventually, assertClean, shot,
 * waitForConnection, admin: [email, password], viewer: [email, password] }.
 */
export function instanceScenarios(suite, helpers) {
  const { master, signIn, eventually, assertClean, shot, waitForConnection } = helpers;
  const agents = [];

  function skipped() {
    if (master.withInstances) return false;
    console.log('     game-instances.so is not built: skipped');
    return true;
  }

  // A fake agent registered as a spawner of `region` (on loopback, which the test's
  // game-instances config allows). The plugin learns of a registration through an event, a
  // moment later: like a matchmaker honouring Retry-After, the test waits until the region's
  // capacity counts the new spawner before it allocates.
  async function agentIn(region, maxInstances) {
    const agent = new FakeAgent({ region, maxInstances });
    await agent.listen();
    agents.push(agent);
    const before = await regionOf(region);
    agent.spawnerId = await master.registerSpawner({
      region, host: '127.0.0.1', port: agent.port, max_instances: maxInstances, current_instances: 0,
    });
    await eventually(async () => ((await regionOf(region))?.spawners ?? 0) > (before?.spawners ?? 0), 5000,
      `spawner #${agent.spawnerId} in the capacity of ${region}`);
    return agent;
  }

  async function regionOf(region) {
    const answer = await master.adminCall('GET', '/api/regions');
    assertEqual(answer.status, 200, `GET /api/regions (${answer.text})`);
    return answer.json.find((entry) => entry.region === region);
  }

  async function allocate(region) {
    const answer = await master.adminCall('POST', '/api/allocations', { region });
    assertEqual(answer.status, 201, `allocation in ${region} (${answer.text})`);
    return answer.json.instance;
  }

  const row = (page, id) => page.locator(`tr[data-testid="instance-row"][data-id="${id}"]`);

  async function openInstances(page, [email, password]) {
    await signIn(page, email, password);
    await page.click('[data-nav="instances"]');
    await page.waitForURL(/\/instances$/);
    await waitForConnection(page, 'live');
  }

  suite.test('the Instances page lists allocated instances and filters by region, spawner and status', async ({ page, problems }) => {
    if (skipped()) return;
    const eu = await agentIn('inst-eu', 3);
    const us = await agentIn('inst-us', 2);
    const inEu = await allocate('inst-eu');
    const inUs = await allocate('inst-us');
    assert(eu.requests.includes('POST /spawn'), 'the eu agent was asked to spawn');
    assertEqual(inEu.address, `127.0.0.1:${inEu.port}`, 'address of the allocation');
    assert(eu.instances.has(inEu.agent_instance_id), 'the agent runs the instance');

    await openInstances(page, helpers.admin);
    await row(page, inEu.id).waitFor({ timeout: 5000 });
    await row(page, inUs.id).waitFor({ timeout: 5000 });
    const euRow = row(page, inEu.id);
    assertEqual(await euRow.locator('[data-testid="instance-address"]').textContent(), inEu.address, 'address cell');
    assertEqual(await euRow.locator('[data-testid="instance-region"]').textContent(), 'inst-eu', 'region cell');
    assertEqual(await euRow.locator('[data-testid="instance-status"]').textContent(), 'Running', 'status cell');

    await page.selectOption('[data-testid="instance-region-filter"]', 'inst-eu');
    await row(page, inUs.id).waitFor({ state: 'detached', timeout: 3000 });
    assert(await row(page, inEu.id).isVisible(), 'the eu instance stays');

    await page.selectOption('[data-testid="instance-region-filter"]', '');
    await page.fill('[data-testid="instance-spawner-filter"]', String(us.spawnerId));
    await row(page, inEu.id).waitFor({ state: 'detached', timeout: 3000 });
    assert(await row(page, inUs.id).isVisible(), 'the instance of that spawner stays');

    await page.click('#instance-filters button[type="reset"]');
    await row(page, inEu.id).waitFor({ timeout: 3000 });
    await page.selectOption('[data-testid="instance-status-filter"]', 'stopped');
    await row(page, inEu.id).waitFor({ state: 'detached', timeout: 3000 });
    await page.locator('[data-testid="instance-rows"] .empty-row').waitFor({ timeout: 3000 });
    await page.selectOption('[data-testid="instance-status-filter"]', 'running');
    await row(page, inEu.id).waitFor({ timeout: 3000 });
    await shot(page, '11-instances');
    assertClean(problems);
  });

  suite.test('instances appear and leave the page live as they start and stop', async ({ page, problems }) => {
    if (skipped()) return;
    await agentIn('inst-live', 4);
    await openInstances(page, helpers.admin);
    await sleep(300);

    const startedAt = Date.now();
    const instance = await allocate('inst-live');
    await row(page, instance.id).waitFor({ timeout: 3000 });
    const appearedMs = Date.now() - startedAt;
    assert(await row(page, instance.id).evaluate((element) => element.classList.contains('flash')), 'a new row flashes');

    const stoppedAt = Date.now();
    assertEqual((await master.adminCall('DELETE', `/api/instances/${instance.id}`)).status, 200, 'stop through the API');
    await row(page, instance.id).waitFor({ state: 'detached', timeout: 3000 });
    console.log(`     appeared after ${appearedMs} ms, left after ${Date.now() - stoppedAt} ms`);

    // With the stopped filter, the next stop arrives as a row.
    const second = await allocate('inst-live');
    await row(page, second.id).waitFor({ timeout: 3000 });
    await page.selectOption('[data-testid="instance-status-filter"]', 'stopped');
    await row(page, instance.id).waitFor({ timeout: 3000 });
    assertEqual((await master.adminCall('DELETE', `/api/instances/${second.id}`)).status, 200, 'second stop');
    await row(page, second.id).waitFor({ timeout: 3000 });
    assertEqual(await row(page, second.id).locator('[data-testid="instance-status"]').textContent(), 'Stopped', 'status of the stopped row');
    assertClean(problems);
  });

  suite.test('an instance that ends on its agent leaves the page live and is listed as gone', async ({ page, problems }) => {
    if (skipped()) return;
    const agent = await agentIn('inst-gone', 2);
    const instance = await allocate('inst-gone');
    await openInstances(page, helpers.admin);
    await row(page, instance.id).waitFor({ timeout: 5000 });
    const killedAt = Date.now();
    assert(agent.kill(instance.agent_instance_id), 'the agent had the instance');
    // The plugin polls each agent every second here (reconcile_interval).
    await row(page, instance.id).waitFor({ state: 'detached', timeout: 6000 });
    console.log(`     left ${Date.now() - killedAt} ms after it ended on its agent`);
    await page.selectOption('[data-testid="instance-status-filter"]', 'gone');
    await row(page, instance.id).waitFor({ timeout: 3000 });
    assertEqual(await row(page, instance.id).locator('[data-testid="instance-status"]').textContent(), 'Gone', 'status');
    assertEqual(await row(page, instance.id).locator('[data-testid="stop-button"]').isHidden(), true, 'no Stop on a gone instance');
    assertClean(problems);
  });

  suite.test('an operator stops an instance after a confirmation', async ({ page, problems }) => {
    if (skipped()) return;
    const agent = await agentIn('inst-stop', 2);
    const instance = await allocate('inst-stop');
    await openInstances(page, helpers.admin);
    const target = row(page, instance.id);
    await target.waitFor({ timeout: 5000 });

    // Cancelled: nothing is asked of the agent.
    await target.locator('[data-testid="stop-button"]').click();
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    const text = await dialog.textContent();
    assert(text.includes(instance.id) && text.includes(instance.address), 'the dialog names the instance and its address');
    await shot(page, '12-stop-confirmation', { fullPage: false });
    await dialog.locator('button[value="cancel"]').click();
    await sleep(300);
    assert(!agent.requests.some((request) => request.startsWith('DELETE')), 'no stop after Cancel');
    assert(await target.isVisible(), 'still listed');

    await target.locator('[data-testid="stop-button"]').click();
    await page.locator('dialog[open] [data-testid="confirm-ok"]').click();
    await page.locator('.toast[data-kind="success"]', { hasText: `Instance ${instance.id} stopped` }).waitFor({ timeout: 5000 });
    await target.waitFor({ state: 'detached', timeout: 3000 });
    assert(agent.requests.includes(`DELETE /instance/${instance.agent_instance_id}`), 'the agent was asked to stop it');
    assert(!agent.instances.has(instance.agent_instance_id), 'the agent no longer runs it');
    const after = await master.adminCall('GET', `/api/instances/${instance.id}`);
    assert(after.status === 404 || after.json?.status !== 'running', `the master no longer counts it as running (${after.text})`);
    assertClean(problems);
  });

  suite.test('the fleet overview shows capacity, used and free slots per region, live', async ({ page, problems }) => {
    if (skipped()) return;
    await agentIn('inst-cap', 3);
    await agentIn('inst-cap', 2);
    await signIn(page, ...helpers.admin);
    await waitForConnection(page, 'live');
    const region = page.locator('tr[data-testid="region-row"][data-region="inst-cap"]');
    await region.waitFor({ timeout: 5000 });
    const cell = (name) => region.locator(`[data-testid="region-${name}"]`).textContent();
    assertEqual(await cell('spawners'), '2 / 2', 'healthy / registered');
    assertEqual(await cell('capacity'), '5', 'capacity');
    assertEqual(await cell('used'), '0', 'used');
    assertEqual(await cell('free'), '5', 'free');

    await allocate('inst-cap');
    await allocate('inst-cap');
    await eventually(async () => (await cell('used')) === '2' && (await cell('free')) === '3', 5000, 'used 2, free 3');
    await shot(page, '13-capacity');
    assertClean(problems);
  });

  suite.test('allocation failures show on the Instances page and in the stats', async ({ page, problems }) => {
    if (skipped()) return;
    await openInstances(page, helpers.admin);
    await sleep(300);
    const refused = await master.adminCall('POST', '/api/allocations', { region: 'inst-nowhere' });
    assertEqual(refused.status, 503, 'no capacity in that region');
    const failure = page.locator('[data-testid="failure-row"]', { hasText: 'inst-nowhere' });
    await failure.waitFor({ timeout: 3000 });
    assert((await failure.textContent()).includes('503'), 'the status is shown');

    await page.click('[data-nav="dashboard"]');
    await page.waitForURL(/\/dashboard$/);
    const card = page.locator('.stat[data-key="allocations"] .stat-sub');
    await eventually(async () => /[1-9]\d* failed/.test(await card.textContent()), 5000, 'failures counted in the stats');
    assertClean(problems);
  });

  suite.test('a viewer sees the instances but no Stop button', async ({ page, problems }) => {
    if (skipped()) return;
    await agentIn('inst-view', 2);
    const instance = await allocate('inst-view');
    await openInstances(page, helpers.viewer);
    await row(page, instance.id).waitFor({ timeout: 5000 });
    assertEqual(await page.locator('[data-testid="stop-button"]').count(), 0, 'no Stop buttons');
    const status = await page.evaluate(async (id) => {
      const me = await (await fetch('/api/me')).json();
      return (await fetch(`/api/instances/${id}`, { method: 'DELETE', headers: { 'X-CSRF-Token': me.csrf_token } })).status;
    }, instance.id);
    assertEqual(status, 403, 'DELETE as a viewer');
    assertClean(problems);
  });

  // The agents' ports close after the suite (the master may still reconcile with them).
  return async () => {
    for (const agent of agents) await agent.close();
  };
}
