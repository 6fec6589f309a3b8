// Runs a refresh on demand, at most once per `minGapMs`: requests that come while one runs
// or too soon after the last are folded into one run at the end of the gap. For figures
// fetched again when the stream says something changed (at fleet scale, that is every tick).
export class CoalescedRefresh {
  /**
   * `run`: async function doing the refresh. `now` and `schedule(fn, ms)` are injectable for
   * tests (Date.now and setTimeout by default).
   */
  constructor(run, { minGapMs = 2000, now = () => Date.now(), schedule = (fn, ms) => setTimeout(fn, ms) } = {}) {
    this.run = run;
    this.minGapMs = minGapMs;
    this.now = now;
    this.schedule = schedule;
    this.running = false;
    this.wanted = false;
    this.timerSet = false;
    this.lastStart = -Infinity;
  }

  /** Asks for a refresh: now if allowed, otherwise once at the end of the gap. */
  request() {
    this.wanted = true;
    this.pump();
  }

  pump() {
    if (!this.wanted || this.running || this.timerSet) return;
    const wait = this.lastStart + this.minGapMs - this.now();
    if (wait > 0) {
      this.timerSet = true;
      this.schedule(() => {
        this.timerSet = false;
        this.pump();
      }, wait);
      return;
    }
    this.wanted = false;
    this.running = true;
    this.lastStart = this.now();
    Promise.resolve()
      .then(() => this.run())
      .catch(() => {})
      .finally(() => {
        this.running = false;
        this.pump();
      });
  }
}
