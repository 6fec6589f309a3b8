// User management (admin): list, add, change role, disable or enable, reset password, delete.
import { $, h, setText } from '../lib/dom.js';
import { api, describeError } from '../lib/api.js';
import { confirmAction, promptForm } from '../lib/dialog.js';
import { formatDateTime } from '../lib/format.js';
import { initShell } from '../lib/shell.js';
import { toast } from '../lib/toast.js';

const session = await initShell('users');

const ROLES = ['viewer', 'operator', 'admin'];
const rows = $('#user-rows');
const userCount = $('#user-count');
const addForm = $('#add-user');

async function refresh() {
  try {
    const answer = await api('/api/users');
    render(answer.users || []);
  } catch (error) {
    toast('error', 'Cannot load users', describeError(error));
  }
}

async function change(user, patch, successText) {
  try {
    await api(`/api/users/${user.id}`, { method: 'PATCH', json: patch });
    toast('success', successText);
  } catch (error) {
    toast('error', `Could not update ${user.email}`, describeError(error));
  }
  await refresh();
}

async function resetPassword(user) {
  const values = await promptForm({
    title: 'Reset password',
    message: `Sets a new password for ${user.email} and signs them out everywhere.`,
    fields: [{ name: 'password', label: 'New password', type: 'password', required: true, minLength: 12, autocomplete: 'new-password' }],
    submitLabel: 'Reset password',
  });
  if (!values) return;
  try {
    await api(`/api/users/${user.id}/password`, { method: 'POST', json: { password: values.password } });
    toast('success', `Password of ${user.email} reset`);
  } catch (error) {
    toast('error', 'Could not reset the password', describeError(error));
  }
}

async function remove(user) {
  const confirmed = await confirmAction({
    title: 'Delete this user?',
    message: `${user.email} loses access at once. This cannot be undone.`,
    confirmLabel: 'Delete user',
    danger: true,
  });
  if (!confirmed) return;
  try {
    await api(`/api/users/${user.id}`, { method: 'DELETE' });
    toast('success', `${user.email} deleted`);
  } catch (error) {
    toast('error', `Could not delete ${user.email}`, describeError(error));
  }
  await refresh();
}

function rowFor(user) {
  const self = user.email === session.email;
  const role = h('select', {
    attrs: { 'aria-label': `Role of ${user.email}`, 'data-testid': 'user-role-select' },
    on: {
      change: () => change(user, { role: role.value }, `${user.email} is now ${role.value}`),
    },
  }, ROLES.map((name) => h('option', { value: name, text: name, selected: name === user.role })));
  const status = user.disabled
    ? h('span', { className: 'badge badge-bad', text: 'Disabled' })
    : h('span', { className: 'badge badge-ok', text: 'Active' });
  const toggle = h('button', {
    className: 'btn btn-sm',
    type: 'button',
    text: user.disabled ? 'Enable' : 'Disable',
    disabled: self,
    title: self ? 'You cannot disable yourself' : '',
    on: {
      click: () => change(user, { disabled: !user.disabled },
        `${user.email} ${user.disabled ? 'enabled' : 'disabled'}`),
    },
  });
  return h('tr', { dataset: { id: user.id }, attrs: { 'data-testid': 'user-row' } },
    h('td', {}, h('span', { text: user.email, attrs: { 'data-testid': 'user-email-cell' } }),
      self ? h('span', { className: 'badge badge-info plain', text: 'you' }) : null),
    h('td', {}, role),
    h('td', {}, status),
    h('td', { className: 'muted', text: user.created ? formatDateTime(user.created) : '—' }),
    h('td', {}, h('div', { className: 'actions' },
      toggle,
      h('button', { className: 'btn btn-sm', type: 'button', text: 'Reset password', on: { click: () => resetPassword(user) } }),
      h('button', {
        className: 'btn btn-sm btn-danger', type: 'button', text: 'Delete', disabled: self,
        on: { click: () => remove(user) },
      }))));
}

function render(users) {
  users.sort((a, b) => a.email.localeCompare(b.email));
  rows.replaceChildren(...(users.length > 0 ? users.map(rowFor)
    : [h('tr', { className: 'empty-row' }, h('td', { attrs: { colspan: 5 }, text: 'No users.' }))]));
  setText(userCount, `${users.length} account${users.length === 1 ? '' : 's'}`);
}

addForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const values = Object.fromEntries(new FormData(addForm).entries());
  const submit = addForm.querySelector('button[type="submit"]');
  submit.disabled = true;
  try {
    await api('/api/users', { method: 'POST', json: values });
    toast('success', `${values.email} added as ${values.role}`);
    addForm.reset();
    await refresh();
  } catch (error) {
    toast('error', 'Could not add the user', describeError(error));
  } finally {
    submit.disabled = false;
  }
});

await refresh();
