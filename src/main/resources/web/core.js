// The dashboard's shared pieces: its state, the API client (with the key asked for on a 401), DOM helpers, names.

export const $ = (id) => document.getElementById(id);
export const state = {
  project: null,
  jobs: new Map(), // the jobs in view by id: a job is shown once, whatever loads or events bring it
  rowErrors: new Map(), // a refusal of an action on a job, shown in its row until the next action on it
  cursor: null, total: 0, totalExact: true,
  list: { token: 0, abort: null }, // one list request at a time: a newer one supersedes an older
  socket: null, lastSeq: 0, retries: 0, retryTimer: null, refusedResumes: 0,
  chunkCursor: null, documentId: null,
  opener: null, // the row button that opened a job's details: focus goes back to it when they close
};

// --- API key (CORTEX_AUTH_ENABLED): asked for when the service answers 401, kept for this tab only ------------
export const KEY = 'cortex-api-key';
export function authHeaders() {
  const key = sessionStorage.getItem(KEY);
  return key ? { Authorization: 'Bearer ' + key } : {};
}
function askForKey(detail) {
  $('key-form').hidden = false;
  $('key-error').textContent = detail || '';
  $('api-key').focus();
}
// A refusal or an outage, with what the service said (its `detail`) as the message.
class ApiError extends Error {
  constructor(status, detail) { super(detail); this.status = status; }
}

export async function api(method, path, body, signal) {
  const options = { method, headers: authHeaders(), signal };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, 'The service did not answer: ' + err.message);
  }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (notJson) { json = null; }
  if (response.status === 401) askForKey(json && json.detail);
  if (!response.ok) {
    throw new ApiError(response.status, (json && json.detail) || ('The service answered ' + response.status
      + (response.statusText ? ' ' + response.statusText : '')));
  }
  return json;
}

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (v == null) return;
    if (k === 'class') node.className = v; else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  });
  children.flat().forEach((c) => node.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : c)));
  return node;
}

// The dialog's confirm button names the action ("Delete job"), so a person reads what they agree to.
export function confirmAction(text, action) {
  const dialog = $('confirm');
  $('confirm-text').textContent = text;
  $('confirm-yes').textContent = action;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
    $('confirm-no').focus();
  });
}


// --- jobs: what a row shows -------------------------------------------------------------------------------------
// A job's name for people: its document_key, else its file name, else its source, else the start of its id.
export function displayName(job) {
  return job.document_key || job.original_filename || job.source_uri || job.source_path || 'job ' + job.id.slice(0, 8);
}

export function bytes(n) {
  if (n == null) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return (i === 0 ? String(v) : v.toFixed(v < 10 ? 1 : 0)) + ' ' + units[i];
}

export function ago(iso) {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 60) return seconds + ' s ago';
  if (seconds < 3600) return Math.floor(seconds / 60) + ' min ago';
  if (seconds < 86400) return Math.floor(seconds / 3600) + ' h ago';
  return Math.floor(seconds / 86400) + ' d ago';
}

export function firstLine(text) {
  return text ? text.split('\n')[0] : '';
}
