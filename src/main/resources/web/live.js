// Live status over the project WebSocket: every event updates the views; a reconnect resumes after the last event.
import { $, KEY, api, state } from './core.js';
import { loadJobs, take } from './jobs.js';

// --- live status over the project WebSocket -------------------------------------------------------------------
// The indicator says what the socket does: Live, Reconnecting (with backoff), Offline (the browser is, or the
// service has not answered for several tries); with no project open it says nothing.
function connection(text) {
  $('connection').textContent = text;
  $('connection').dataset.state = text ? text.split(' ')[0].toLowerCase() : '';
}

export function disconnect() {
  clearTimeout(state.retryTimer);
  const socket = state.socket;
  state.socket = null;
  state.lastSeq = 0;
  state.retries = 0;
  state.refusedResumes = 0;
  if (socket) socket.close();
  connection('');
}

export function connect() {
  clearTimeout(state.retryTimer);
  const project = state.project;
  const query = new URLSearchParams();
  // a reconnect resumes after the last event seen: the stream replays what happened in the gap
  const resumed = state.lastSeq > 0;
  if (resumed) query.set('after', String(state.lastSeq));
  if (sessionStorage.getItem(KEY)) query.set('access_token', sessionStorage.getItem(KEY));
  const socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host
    + '/api/stream/projects/' + project + '/ingest' + (query.toString() ? '?' + query : ''));
  state.socket = socket;
  let opened = false;
  socket.onopen = () => {
    if (state.socket !== socket) return;
    opened = true;
    const again = state.retries > 0;
    state.retries = 0;
    state.refusedResumes = 0;
    connection('Live');
    // without a resume point, what happened before this socket opened is only in the list: read it again
    if (again && !resumed) loadJobs(true);
  };
  socket.onmessage = (message) => {
    if (state.socket === socket) onEvent(JSON.parse(message.data));
  };
  socket.onclose = () => {
    if (state.socket !== socket || state.project !== project) return;
    state.socket = null;
    if (!opened && resumed) checkResumePoint(project);
    state.retries += 1;
    const delay = Math.min(30000, 1000 * 2 ** Math.min(5, state.retries - 1));
    connection((navigator.onLine === false || state.retries > 3 ? 'Offline' : 'Reconnecting')
      + ': trying again in ' + Math.round(delay / 1000) + ' s');
    state.retryTimer = setTimeout(() => { if (state.project === project && !state.socket) connect(); }, delay);
  };
}

// A socket with a resume point that does not open while the service answers requests: the service refuses the
// point (a database restored to before it); after two such tries the page resumes without it and reloads the list.
// When requests fail too, the network is down and the point is kept.
async function checkResumePoint(project) {
  try {
    await api('GET', '/api/projects/' + project);
  } catch (err) {
    return;
  }
  if (state.project === project && !state.socket && ++state.refusedResumes >= 2) state.lastSeq = 0;
}

window.addEventListener('online', () => { if (state.project && !state.socket) connect(); });

export function onEvent(event) {
  if (typeof event.seq === 'number' && event.seq > state.lastSeq) state.lastSeq = event.seq;
  if (event.type === 'ingest.stream.reset') {
    // the events of the gap were purged: the list is read again instead
    loadJobs(true);
    return;
  }
  if (event.job) take(event.job, event.type === 'ingest.job.deleted');
}
