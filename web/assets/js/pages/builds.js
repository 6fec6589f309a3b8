// Builds (operator): upload a new game server build in resumable chunks with a progress bar,
// list the kept builds, and (admin) make one current again.
//
// The upload follows the file-distribution protocol: declare {version, size, sha256}, PUT
// each chunk at the offset the server expects, then commit. The SHA-256 is computed in the
// browser first (see sha256.js for its limits).
import { $, h, setText } from '../lib/dom.js';
import { ApiError, api, describeError } from '../lib/api.js';
import { confirmAction } from '../lib/dialog.js';
import { formatBytes, formatDateTime } from '../lib/format.js';
import { initShell, showPageError } from '../lib/shell.js';
import { sha256OfFile } from '../lib/sha256.js';
import { toast } from '../lib/toast.js';

const session = await initShell('builds');

const form = $('#upload-form');
const progressRow = $('#upload-progress');
const bar = $('#upload-bar');
const status = $('#upload-status');
const note = $('#upload-note');
const rows = $('#build-rows');
const currentLabel = $('#current-build');
const submit = form.querySelector('button[type="submit"]');

const MAX_RETRIES = 3;

function showProgress(fraction, text) {
  progressRow.hidden = false;
  bar.value = Number.isFinite(fraction) ? fraction : 0;
  setText(status, text);
}

/** PUT one chunk with byte-level progress (fetch has no upload progress). */
function putChunk(uploadId, offset, blob, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', `/api/builds/uploads/${encodeURIComponent(uploadId)}?offset=${offset}`);
    request.setRequestHeader('Content-Type', 'application/octet-stream');
    request.setRequestHeader('Accept', 'application/json');
    request.setRequestHeader('X-CSRF-Token', session.csrfToken);
    request.upload.addEventListener('progress', (event) => onProgress(event.loaded));
    request.addEventListener('load', () => {
      let body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = null;
      }
      if (request.status >= 200 && request.status < 300) {
        resolve(body);
      } else {
        reject(new ApiError(request.status, body?.error || `${request.status} ${request.statusText}`, body));
      }
    });
    request.addEventListener('error', () => reject(new TypeError('network error')));
    request.send(blob);
  });
}

async function upload(file, version) {
  showProgress(0, 'Computing SHA-256…');
  const sha256 = await sha256OfFile(file, (fraction) => showProgress(fraction * 0.1, 'Computing SHA-256…'));
  const started = await api('/api/builds/uploads', { method: 'POST', json: { version, size: file.size, sha256 } });
  const uploadId = started.upload_id;
  const chunkSize = started.chunk_size;
  let offset = started.received || 0;
  let retries = 0;
  while (offset < file.size) {
    const end = Math.min(offset + chunkSize, file.size);
    try {
      const answer = await putChunk(uploadId, offset, file.slice(offset, end), (sent) => {
        const done = (offset + sent) / file.size;
        showProgress(0.1 + done * 0.85, `${formatBytes(offset + sent)} of ${formatBytes(file.size)}`);
      });
      offset = answer.received;
      retries = 0;
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && Number.isFinite(error.body?.received)) {
        offset = error.body.received;  // the server says where it stands
        continue;
      }
      if (retries >= MAX_RETRIES || (error instanceof ApiError && error.status !== 503)) throw error;
      retries += 1;
      await new Promise((resolve) => setTimeout(resolve, 1000 * retries));
      const state = await api(`/api/builds/uploads/${encodeURIComponent(uploadId)}`);
      offset = state.received;
    }
  }
  showProgress(0.97, 'Checking the build…');
  const build = await api(`/api/builds/uploads/${encodeURIComponent(uploadId)}/commit`, { method: 'POST' });
  // An operator's commit keeps the build without making it current (the answer says why).
  showProgress(1, build.current ? `Version ${build.version} is now current`
    : `Version ${build.version} is stored; an admin makes it current`);
  return build;
}

async function activate(build) {
  const confirmed = await confirmAction({
    title: `Make ${build.version} current?`,
    message: 'Spawners that download the build from now on get this version.',
    confirmLabel: 'Make current',
  });
  if (!confirmed) return;
  try {
    await api(`/api/builds/${encodeURIComponent(build.version)}/activate`, { method: 'POST' });
    toast('success', `${build.version} is now current`);
  } catch (error) {
    toast('error', `Could not activate ${build.version}`, describeError(error));
  }
  await refresh();
}

function rowFor(build) {
  const actions = h('div', { className: 'actions' });
  if (build.current) {
    actions.append(h('span', { className: 'badge badge-ok', text: 'Current' }));
  } else if (session.can('admin')) {
    actions.append(h('button', {
      className: 'btn btn-sm', type: 'button', text: 'Make current',
      attrs: { 'data-testid': 'activate-build' },
      on: { click: () => activate(build) },
    }));
  }
  return h('tr', { attrs: { 'data-testid': 'build-row' } },
    h('td', { className: 'mono', text: build.version, attrs: { 'data-testid': 'build-version' } }),
    h('td', { className: 'num', text: formatBytes(build.size) }),
    h('td', { className: 'mono', text: `${String(build.sha256).slice(0, 12)}…`, title: build.sha256 }),
    h('td', { className: 'muted', text: formatDateTime(build.uploaded_at) }),
    h('td', { text: build.uploaded_by || '—' }),
    h('td', {}, actions));
}

let available = true;
async function refresh() {
  try {
    const answer = await api('/api/builds');
    const builds = answer.builds || [];
    rows.replaceChildren(...(builds.length > 0 ? builds.map(rowFor)
      : [h('tr', { className: 'empty-row' }, h('td', { attrs: { colspan: 6 }, text: 'No build uploaded yet.' }))]));
    setText(currentLabel, answer.current ? `Current: ${answer.current}` : 'No current build');
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      available = false;
      submit.disabled = true;
      showPageError('File distribution is not enabled on this master (enable the file-distribution plugin).');
      return;
    }
    toast('error', 'Cannot load builds', describeError(error));
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!available) return;
  const file = form.elements.file.files[0];
  const version = form.elements.version.value.trim();
  if (!file || !version) return;
  submit.disabled = true;
  try {
    const build = await upload(file, version);
    toast('success', `Build ${build.version} uploaded`,
      build.current ? 'It is now the build spawners download.' : build.message);
    form.reset();
    await refresh();
  } catch (error) {
    showProgress(0, 'Upload failed');
    toast('error', 'Upload failed', describeError(error));
  } finally {
    submit.disabled = false;
  }
});

setText(note, globalThis.crypto?.subtle
  ? 'The file is checked (SHA-256) in this browser before it is sent, in chunks that resume after a network error.'
  : 'This page is not served over HTTPS: the SHA-256 is computed by a slower script, fine for builds of a few hundred megabytes.');

await refresh();
