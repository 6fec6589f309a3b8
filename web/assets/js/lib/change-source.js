// The listeners of a page's copy of server data (the spawner and instance stores): views
// subscribe and render again after each change.
export class ChangeSource {
  constructor() {
    this.listeners = new Set();
  }

  /** Calls `listener(change)` after every change; returns the unsubscribe function. */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(change) {
    for (const listener of this.listeners) listener(change);
  }
}
