// Browser scenarios of the alerts section on the fleet overview (the alerts plugin, loaded by
// lib/master.mjs with a capacity threshold for the region "alerts-test" and no webhooks).
import { assert, assertEqual } from './lib/harness.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './lib/master.mjs';

export function addAlertScenarios(suite, { master, signIn, eventually, assertClean, shot }) {
  suite.test('the fleet overview lists alerts as they fire and resolve', async ({ page, problems }) => {
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.locator('[data-testid="alerts"]').waitFor({ state: 'visible', timeout: 5000 });

    // A full region: 0 free slots, below its threshold of 2.
    const id = await master.registerSpawner({ region: 'alerts-test', port: 7101, max_instances: 4, current_instances: 4 });
    const row = (state) => page.locator(
      `tr[data-testid="alert-row"][data-alert="region_capacity_low"]:has-text("${state}")`).first();
    // The section polls every 10 s; a reload asks at once.
    await eventually(async () => {
      await page.reload();
      await page.locator('[data-testid="alerts"]').waitFor({ state: 'visible', timeout: 5000 });
      return (await row('firing').count()) > 0;
    }, 10000, 'the capacity alert to be listed');
    assert((await row('firing').textContent()).includes('Region alerts-test has 0 free instance slots'), 'summary shown');
    assert((await row('firing').textContent()).includes('not sent (no webhooks)'), 'delivery shown');
    assertEqual(await page.textContent('[data-testid="alerts-headline"]'), '1 firing', 'headline');
    await shot(page, '11-alerts-firing');

    const beat = await master.apiKeyCall('POST', `/api/spawners/${id}/heartbeat`, { current_instances: 1 });
    assertEqual(beat.status, 200, 'heartbeat');
    await eventually(async () => {
      await page.reload();
      await page.locator('[data-testid="alerts"]').waitFor({ state: 'visible', timeout: 5000 });
      return (await row('resolved').count()) > 0;
    }, 10000, 'the capacity alert to resolve');
    assertEqual(await page.textContent('[data-testid="alerts-headline"]'), 'All clear', 'headline');
    assertClean(problems);
  });
}
