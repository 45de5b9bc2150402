// The project's jobs: their rows (keyed by job id), the list's loads (one at a time) and the actions on a job.
import { activitySoon } from './chart.js';
import { $, ago, api, bytes, confirmAction, displayName, el, firstLine, state } from './core.js';

// From a row's button: the address changes (a history entry) and the route opens the job's details; the button is
// remembered so that closing them gives focus back to it.
function showJob(id, action) {
  state.opener = { id, action };
  location.hash = '#/projects/' + state.project + '/jobs/' + id;
}

// Whether the details dialog is open on this job.
function inDetails(id) {
  return $('job-dialog').open && $('job-dialog').dataset.jobId === id;
}

function fill(tr, job) {
  const name = displayName(job);
  const percent = Math.round((job.progress || 0) * 100);
  const actions = [];
  const button = (action, label, cls, handler) => el('button', { type: 'button', class: action + ' ' + cls,
    'data-action': action, 'aria-label': label + ' ' + name, onclick: handler }, label);
  actions.push(button('details', 'Details', 'secondary', () => showJob(job.id, 'details')));
  if (job.status === 'completed') actions.push(button('docs', 'Documents', 'secondary', () => showJob(job.id, 'docs')));
  if (job.status === 'queued' || job.status === 'running') {
    actions.push(button('cancel', 'Cancel', 'secondary', () => cancel(job)));
  }
  if (job.status !== 'running') actions.push(button('delete', 'Delete', 'danger', () => remove(job)));
  const refusal = state.rowErrors.get(job.id);
  const focused = tr.contains(document.activeElement) ? document.activeElement.dataset.action : null;
  tr.dataset.status = job.status;
  tr.dataset.updated = job.updated_at || '';
  tr.replaceChildren(
    el('td', { 'data-label': 'Job' }, el('span', { class: 'job-name' }, name),
      el('div', { class: 'meta' }, [job.mime_type, bytes(job.byte_size)].filter(Boolean).join(' · '))),
    el('td', { 'data-label': 'Status' }, el('span', { class: 'status status-' + job.status }, job.status),
      job.status === 'failed' && job.error_message
        ? el('div', { class: 'error job-error', title: job.error_message }, firstLine(job.error_message)) : ''),
    el('td', { 'data-label': 'Stage', class: 'stage-cell' }, el('span', { class: 'stage' }, job.stage),
      // a failed job's message repeats its error, shown beside its status
      el('div', { class: 'meta job-message' }, job.status === 'failed' ? '' : job.message || ''),
      el('progress', { class: 'job-progress', max: '100', value: String(percent),
        'aria-label': 'Progress of ' + name }, percent + ' %'), ' ' + percent + ' %'),
    el('td', { 'data-label': 'Created' }, el('time', { class: 'created', datetime: job.created_at,
      title: new Date(job.created_at).toLocaleString() }, ago(job.created_at))),
    el('td', { 'data-label': 'Attempts', class: 'attempts' }, String(job.attempts)),
    el('td', { 'data-label': 'Actions', class: 'actions' }, actions,
      refusal ? el('p', { class: 'error row-error', role: 'alert' }, refusal) : ''));
  if (focused) {
    const again = tr.querySelector('[data-action="' + focused + '"]');
    if (again) again.focus();
  }
}

function newerFirst(a, b) {
  const d = Date.parse(b.created_at) - Date.parse(a.created_at);
  return d !== 0 ? d : (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

// Draws the rows in view, newest first, reusing each job's row (keyed by job id) so nothing is shown twice.
export function render() {
  const tbody = $('jobs');
  const jobs = [...state.jobs.values()].sort(newerFirst);
  const rows = new Map([...tbody.children].map((tr) => [tr.dataset.jobId, tr]));
  jobs.forEach((job, i) => {
    let tr = rows.get(job.id);
    rows.delete(job.id);
    if (!tr) tr = el('tr', { 'data-job-id': job.id });
    if (!tr.dataset.status || tr.dataset.updated !== (job.updated_at || '') || tr.dataset.refusal
        !== (state.rowErrors.get(job.id) || '')) {
      tr.dataset.refusal = state.rowErrors.get(job.id) || '';
      fill(tr, job);
    }
    if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] || null);
  });
  rows.forEach((tr) => tr.remove());
  const filter = $('status-filter').value;
  $('jobs-empty').hidden = jobs.length > 0;
  $('jobs-empty').textContent = filter ? 'No jobs match this filter' : 'No jobs yet: create one above';
  $('jobs-total').textContent = jobs.length ? 'Showing ' + jobs.length + ' of ' + (state.totalExact ? '' : 'about ')
    + state.total + (filter ? ' ' + filter : '') + ' job' + (state.total === 1 ? '' : 's') : '';
  $('more').hidden = !state.cursor;
}

// The relative times move as minutes pass.
setInterval(() => document.querySelectorAll('#jobs time.created').forEach((t) => {
  t.textContent = ago(t.getAttribute('datetime'));
}), 30000);

function matchesFilter(job) {
  const filter = $('status-filter').value;
  return !filter || job.status === filter;
}

// Puts a job as the service last told it into the view, or takes it out when it no longer belongs there.
export function take(job, deleted) {
  // the job's details, when open, follow it (detail.js listens: the dialog depends on the list, not the reverse)
  if (!deleted && job.updated_at) document.dispatchEvent(new CustomEvent('cortex:job', { detail: job }));
  if (job.completed_at && !deleted) activitySoon(2000);
  const shown = state.jobs.get(job.id);
  if (deleted || !matchesFilter(job)) {
    if (shown) { state.jobs.delete(job.id); state.total = Math.max(0, state.total - 1); }
  } else if (shown) {
    // an event replayed after a reconnect may be older than what a load brought meanwhile
    if (!(Date.parse(job.updated_at) < Date.parse(shown.updated_at))) state.jobs.set(job.id, job);
  } else if (!olderThanLoaded(job)) {
    state.jobs.set(job.id, job);
    state.total += 1;
  }
  render();
}

// A job older than the oldest row while older pages exist belongs to a page not loaded yet: that page shows it.
function olderThanLoaded(job) {
  if (!state.cursor || state.jobs.size === 0) return false;
  const oldest = [...state.jobs.values()].sort(newerFirst).pop();
  return newerFirst(job, oldest) > 0;
}

// --- jobs: loading ----------------------------------------------------------------------------------------------
export async function loadJobs(reset) {
  if (!reset && (!state.cursor || state.list.abort)) return; // "Older jobs" waits for the load in flight
  if (state.list.abort) state.list.abort.abort();
  const token = ++state.list.token;
  const abort = new AbortController();
  state.list.abort = abort;
  const project = state.project;
  const query = new URLSearchParams({ limit: '20' });
  const filter = $('status-filter').value;
  if (filter) query.set('status', filter);
  if (!reset) query.set('cursor', state.cursor);
  $('more').disabled = true;
  try {
    const page = await api('GET', '/api/projects/' + project + '/ingest/jobs?' + query, undefined, abort.signal);
    if (token !== state.list.token) return;
    if (reset) state.jobs.clear();
    page.items.forEach((job) => { state.jobs.set(job.id, job); });
    state.cursor = page.nextCursor;
    state.total = page.total;
    state.totalExact = page.totalExact !== false;
    stale(null);
    render();
    // for measurements (the dashboard bench): the first moment a person sees the project's jobs
    if (!performance.getEntriesByName('cortex-ready').length) performance.mark('cortex-ready');
  } catch (err) {
    if (err.name === 'AbortError' || token !== state.list.token) return;
    stale(err.message);
  } finally {
    if (token === state.list.token) { state.list.abort = null; $('more').disabled = false; }
  }
}

// A list that could not be loaded keeps its rows, marked as of when they were last loaded, with the reason.
function stale(reason) {
  $('jobs-panel').classList.toggle('stale', reason != null);
  $('jobs-alert').textContent = reason == null ? '' : 'Could not load the jobs: ' + reason
    + (state.jobs.size ? '. The rows below may be out of date.' : '');
}

$('status-filter').addEventListener('change', () => { state.jobs.clear(); state.cursor = null; render(); loadJobs(true); });
$('refresh').addEventListener('click', () => loadJobs(true));
$('more').addEventListener('click', () => loadJobs(false));

// --- jobs: actions ----------------------------------------------------------------------------------------------
function refuse(job, what, err) {
  state.rowErrors.set(job.id, what + ': ' + err.message);
  if (inDetails(job.id)) $('job-alert').textContent = what + ': ' + err.message;
  render();
  reloadJob(job.id);
}

// After a refusal the job is read again: what the row shows is what the service has now.
export async function reloadJob(id) {
  const project = state.project;
  try {
    const job = await api('GET', '/api/projects/' + project + '/ingest/jobs/' + id);
    if (project === state.project) take(job, false);
  } catch (err) {
    if (project === state.project && err.status === 404) take({ id }, true);
  }
}

export async function cancel(job) {
  if (!(await confirmAction('Cancel the job ' + displayName(job) + '?', 'Cancel job'))) return;
  state.rowErrors.delete(job.id);
  try {
    take(await api('POST', '/api/projects/' + state.project + '/ingest/jobs/' + job.id + '/cancel'), false);
  } catch (err) { refuse(job, 'Not cancelled', err); }
}

export async function remove(job) {
  if (!(await confirmAction('Delete the job ' + displayName(job) + '? It cannot be undone.', 'Delete job'))) return;
  state.rowErrors.delete(job.id);
  // where focus goes once the row is gone: the next row, else the one before, else the list's heading
  const order = [...state.jobs.values()].sort(newerFirst).map((j) => j.id);
  const at = order.indexOf(job.id);
  const neighbour = order[at + 1] || order[at - 1];
  try {
    await api('DELETE', '/api/projects/' + state.project + '/ingest/jobs/' + job.id);
    take(job, true);
    if (inDetails(job.id)) $('job-dialog').close();
    const next = neighbour && document.querySelector('tr[data-job-id="' + neighbour + '"] button');
    if (next) next.focus(); else $('jobs-heading').focus();
  } catch (err) { refuse(job, 'Not deleted', err); }
}
