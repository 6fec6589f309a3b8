// Polls the route of a plugin the master may not run (alerts, postgres-store's cluster): a
// 404 means the plugin is not enabled, so polling stops there and the section stays hidden.
import { ApiError, api } from './api.js';

/**
 * Calls `onAnswer(json)` with each answer of GET `path`, now and every `intervalMs`;
 * `onAbsent()` once on a 404 (and stops); `onError(error)` on any other failure (and goes on).
 */
export function pollOptional(path, intervalMs, { onAnswer, onAbsent, onError }) {
  let timer = null;
  async function refresh() {
    try {
      onAnswer(await api(path));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        clearInterval(timer);
        onAbsent();
        return;
      }
      onError(error);
    }
  }
  refresh();
  timer = setInterval(refresh, intervalMs);
}
