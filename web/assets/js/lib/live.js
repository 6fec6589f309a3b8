// The page's live feed: one EventSource on /events (events multiplexed by name), and, when
// the stream fails or stalls, polling every 3 s until the stream comes back.
//
// States: 'connecting' (first attempt), 'live' (events flowing), 'polling' (stream down, polls
// succeed), 'offline' (polls fail too).
import { setConnectionState } from './shell.js';

const EVENT_NAMES = ['hello', 'stats', 'spawners', 'spawner', 'http_error', 'instances', 'allocation_failed'];

export class LiveConnection {
  /**
   * handlers: { hello, stats, spawners, spawner, http_error, instances, allocation_failed }, each
   * receiving the parsed data.
   * poll: async function fetching what the page needs while the stream is down; it should
   * throw when the server cannot be reached.
   */
  constructor({ url = '/events', handlers = {}, poll, pollIntervalMs = 3000, reopenMs = 5000 }) {
    this.url = url;
    this.handlers = handlers;
    this.poll = poll;
    this.pollIntervalMs = pollIntervalMs;
    this.reopenMs = reopenMs;
    this.staleAfterMs = 10000;
    this.state = 'connecting';
    this.source = null;
    this.lastMessageAt = 0;
    this.pollTimer = null;
    this.reopenTimer = null;
    this.watchdog = null;
    this.listeners = new Set();
  }

  start() {
    this.open();
    this.watchdog = setInterval(() => this.checkStalled(), 1000);
  }

  stop() {
    clearInterval(this.watchdog);
    clearTimeout(this.reopenTimer);
    this.stopPolling();
    if (this.source) this.source.close();
    this.source = null;
  }

  /** Calls `listener(state)` on every state change. */
  onStateChange(listener) {
    this.listeners.add(listener);
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    setConnectionState(state);
    for (const listener of this.listeners) listener(state);
  }

  open() {
    clearTimeout(this.reopenTimer);
    this.reopenTimer = null;
    const source = new EventSource(this.url);
    this.source = source;
    source.addEventListener('open', () => {
      if (this.source !== source) return;
      this.lastMessageAt = Date.now();
      this.stopPolling();
      this.setState('live');
    });
    // Connection failures. A server-sent event is never named "error" here, so every error
    // event on the source is about the connection.
    source.addEventListener('error', () => {
      if (this.source !== source) return;
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (e.g. the server answered with an error status): try again later.
        this.source = null;
        this.scheduleReopen(this.reopenMs);
      }
      this.startPolling();
    });
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (event) => {
        if (this.source !== source) return;
        this.lastMessageAt = Date.now();
        if (name === 'hello') this.learnIntervals(event.data);
        const handler = this.handlers[name];
        if (!handler) return;
        let data;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        handler(data);
      });
    }
  }

  learnIntervals(text) {
    try {
      const hello = JSON.parse(text);
      const tick = Math.max(hello.stats_interval_ms || 1000, hello.spawners_interval_ms || 2000);
      this.staleAfterMs = Math.max(5000, tick * 4);
    } catch {
      // Keep the default.
    }
  }

  // A stream that stays open but carries nothing (a proxy buffering it, a stuck connection)
  // is treated as down: stats arrive every second when it is healthy.
  checkStalled() {
    if (this.state !== 'live' || !this.source) return;
    if (Date.now() - this.lastMessageAt <= this.staleAfterMs) return;
    this.source.close();
    this.source = null;
    this.startPolling();
    this.scheduleReopen(1000);
  }

  scheduleReopen(delayMs) {
    if (this.reopenTimer) return;
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = null;
      if (!this.source) this.open();
    }, delayMs);
  }

  startPolling() {
    if (this.pollTimer !== null) return;
    const run = async () => {
      try {
        await this.poll();
        if (this.pollTimer !== null) this.setState('polling');
      } catch {
        if (this.pollTimer !== null) this.setState('offline');
      }
      if (this.pollTimer === null) return;
      // While polling, keep offering the stream a way back.
      if (!this.source) this.scheduleReopen(this.reopenMs);
      this.pollTimer = setTimeout(run, this.pollIntervalMs);
    };
    this.pollTimer = setTimeout(run, 0);
  }

  stopPolling() {
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }
}
