// A small sequential test runner: named scenarios, timings, failures with their stack, and
// the closing line "N passed, M failed".
export class Suite {
  constructor() {
    this.tests = [];
  }

  test(name, fn) {
    this.tests.push({ name, fn });
  }

  async run({ beforeEach, afterEach } = {}) {
    let passed = 0;
    let failed = 0;
    const failures = [];
    for (const { name, fn } of this.tests) {
      const started = Date.now();
      let context;
      try {
        context = beforeEach ? await beforeEach(name) : undefined;
        await fn(context);
        passed += 1;
        console.log(`ok   ${name} (${Date.now() - started} ms)`);
      } catch (error) {
        failed += 1;
        failures.push({ name, error });
        console.log(`FAIL ${name} (${Date.now() - started} ms)\n     ${error?.stack || error}`);
      } finally {
        if (afterEach) {
          try {
            await afterEach(name, context);
          } catch (error) {
            console.log(`     cleanup of ${name} failed: ${error?.message || error}`);
          }
        }
      }
    }
    return { passed, failed, failures };
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

export function assertEqual(actual, expected, message) {
  if (actual !== expected) {
    throw new Error(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}
