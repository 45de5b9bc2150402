// A job's details in a dialog at its own address: every field, its events, its documents in pages, their chunks.
import { $, KEY, api, displayName, el, state } from './core.js';
import { cancel, remove } from './jobs.js';

// --- a job's details: every field, its events (replayed from the job's stream, then live), its documents -------
const detail = { job: null, events: null, seqs: new Set(), docCursor: null, chunkCursor: null };

export async function openJob(id) {
  const project = state.project;
  if (detail.job && detail.job.id === id && $('job-dialog').open) return;
  let job;
  try {
    job = await api('GET', '/api/projects/' + project + '/ingest/jobs/' + id);
  } catch (err) {
    if (project !== state.project) return;
    $('jobs-alert').textContent = 'Job ' + id + ' could not be opened: ' + err.message;
    history.replaceState(null, '', '#/projects/' + project);
    return;
  }
  if (project !== state.project || location.hash.indexOf(id) < 0) return;
  detail.job = job;
  $('job-alert').textContent = '';
  fillJob(job);
  if (!$('job-dialog').open) $('job-dialog').showModal();
  const docs = state.opener && state.opener.id === id && state.opener.action === 'docs';
  (docs ? $('job-documents-heading') : $('job-heading')).focus();
  followEvents(project, id);
  jobDocuments(true);
}

function fillJob(job) {
  detail.job = job;
  $('job-heading').textContent = 'Job ' + displayName(job);
  $('job-dialog').dataset.jobId = job.id;
  $('job-fields').replaceChildren(...Object.entries(job).flatMap(([k, v]) => [el('dt', {}, k),
    el('dd', { 'data-field': k }, v == null ? '—' : String(v))]));
  $('job-error').hidden = !job.error_message;
  $('job-error').textContent = job.error_message || '';
  const actions = [];
  const button = (action, label, cls, handler) => el('button', { type: 'button', class: action + ' ' + cls,
    'data-action': action, 'aria-label': label + ' ' + displayName(job), onclick: handler }, label);
  if (job.status === 'queued' || job.status === 'running') {
    actions.push(button('cancel', 'Cancel', 'secondary', () => cancel(job)));
  }
  if (job.status !== 'running') actions.push(button('delete', 'Delete', 'danger', () => remove(job)));
  $('job-actions').replaceChildren(...actions);
}

// The job's events from the first (the stream replays what is stored), then live until a terminal status.
function followEvents(project, id) {
  if (detail.events) detail.events.close();
  detail.seqs.clear();
  $('job-events').replaceChildren();
  $('job-events-status').textContent = 'Loading…';
  const query = new URLSearchParams({ lastEventId: '0' });
  if (sessionStorage.getItem(KEY)) query.set('access_token', sessionStorage.getItem(KEY));
  const source = new EventSource('/api/stream/projects/' + project + '/ingest/' + id + '/events?' + query);
  detail.events = source;
  const onEvent = (message) => {
    const event = JSON.parse(message.data);
    if (detail.events !== source || detail.seqs.has(event.seq)) return;
    detail.seqs.add(event.seq);
    $('job-events-status').textContent = '';
    const job = event.job || {};
    $('job-events').append(el('li', { 'data-seq': String(event.seq) },
      el('time', { datetime: event.timestamp }, new Date(event.timestamp).toLocaleTimeString()), ' ',
      event.type.replace('ingest.job.', '').replace('ingest.stream.', ''), ': ',
      [job.status, job.stage, job.progress != null ? Math.round(job.progress * 100) + ' %' : null]
        .filter((x) => x != null).join(', '), job.message ? ' — ' + job.message : '', event.detail || ''));
    if (event.job && event.job.id === (detail.job && detail.job.id)) fillJob(event.job);
  };
  ['ingest.job.created', 'ingest.job.updated', 'ingest.job.cancelled', 'ingest.job.deleted', 'ingest.job.snapshot',
    'ingest.stream.reset'].forEach((type) => source.addEventListener(type, onEvent));
  // the stream ends after a terminal status: then the browser's reconnect is answered 204 and it stops
  source.onerror = () => {
    if (detail.events !== source) return;
    if (source.readyState === EventSource.CLOSED) {
      $('job-events-status').textContent = detail.seqs.size ? '' : 'No events could be read';
      detail.events = null;
    }
  };
}

async function jobDocuments(reset) {
  const job = detail.job;
  if (reset) {
    detail.docCursor = null;
    $('job-documents').replaceChildren();
    $('job-chunks').replaceChildren();
    $('job-chunks-heading').hidden = true;
    $('job-more-chunks').hidden = true;
  }
  const query = new URLSearchParams({ limit: '50' });
  if (detail.docCursor) query.set('cursor', detail.docCursor);
  try {
    const page = await api('GET', '/api/projects/' + state.project + '/ingest/jobs/' + job.id + '/documents?' + query);
    if (!detail.job || detail.job.id !== job.id) return; // another job's details opened meanwhile
    page.items.forEach((d) => $('job-documents').append(el('li', {}, el('button', { type: 'button',
      class: 'secondary chunks-of', onclick: () => jobChunks(d, true) },
      (d.title || d.path) + ' (' + d.chunk_count + ' chunks)'))));
    detail.docCursor = page.nextCursor;
    $('job-more-documents').hidden = !page.nextCursor;
    $('job-documents-total').textContent = page.total === 0 ? 'No documents'
      : 'Showing ' + $('job-documents').children.length + ' of ' + page.total + ' document' + (page.total === 1 ? '' : 's');
  } catch (err) {
    $('job-alert').textContent = 'Documents not loaded: ' + err.message;
  }
}
$('job-more-documents').addEventListener('click', () => jobDocuments(false));

async function jobChunks(doc, reset) {
  if (reset) { detail.chunkCursor = null; $('job-chunks').replaceChildren(); }
  $('job-chunks-heading').hidden = false;
  $('job-chunks-heading').textContent = 'Chunks of ' + (doc.title || doc.path);
  const query = new URLSearchParams({ limit: '20' });
  if (detail.chunkCursor) query.set('cursor', detail.chunkCursor);
  try {
    const page = await api('GET', '/api/projects/' + state.project + '/documents/' + doc.id + '/chunks?' + query);
    page.items.forEach((c) => $('job-chunks').append(el('li', { class: 'chunk' }, c.content)));
    detail.chunkCursor = page.nextCursor;
    $('job-more-chunks').hidden = !page.nextCursor;
    $('job-more-chunks').onclick = () => jobChunks(doc, false);
  } catch (err) {
    $('job-alert').textContent = 'Chunks not loaded: ' + err.message;
  }
}

document.addEventListener('cortex:job', (e) => {
  if (detail.job && detail.job.id === e.detail.id) fillJob(e.detail);
});

$('job-close').addEventListener('click', () => $('job-dialog').close());
// Escape closes the dialog too (the browser's own); either way the address goes back to the project and focus
// goes back to the button that opened it
$('job-dialog').addEventListener('close', () => {
  const job = detail.job;
  if (detail.events) { detail.events.close(); detail.events = null; }
  detail.job = null;
  if (state.project && job && location.hash.indexOf('/jobs/' + job.id) >= 0) {
    if (state.opener && state.opener.id === job.id) history.back();
    else history.replaceState(null, '', '#/projects/' + state.project);
  }
  const opener = state.opener && job && state.opener.id === job.id
    && document.querySelector('tr[data-job-id="' + job.id + '"] [data-action="' + state.opener.action + '"]');
  if (opener) opener.focus(); else $('jobs-heading').focus();
  state.opener = null;
});
