// Who is signed in: /api/me gives the user, their role and the CSRF token for writes.
import { api, setCsrfToken } from './api.js';

const RANK = { viewer: 1, operator: 2, admin: 3 };

export class Session {
  constructor(me) {
    const user = me.user || {};
    this.email = user.email || user.name || '';
    this.role = user.role || 'viewer';
    this.id = user.id;
    this.csrfToken = me.csrf_token || '';
  }

  /** True when the user's role is at least `role`. */
  can(role) {
    return (RANK[this.role] || 0) >= (RANK[role] || Infinity);
  }
}

export async function loadSession() {
  const me = await api('/api/me');
  const session = new Session(me);
  setCsrfToken(session.csrfToken);
  return session;
}
