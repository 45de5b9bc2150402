// Cortex Ingest dashboard: plain JavaScript against the service's own API and project WebSocket (no framework, no CDN).
// What it shows is what the service answered: an action changes the page only after a 2xx or an event, a refusal is
// said next to what it concerns, and a list that could not be loaded keeps its last rows, marked stale.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const state = {
    project: null,
    jobs: new Map(), // the jobs in view by id: a job is shown once, whatever loads or events bring it
    rowErrors: new Map(), // a refusal of an action on a job, shown in its row until the next action on it
    cursor: null, total: 0, totalExact: true,
    list: { token: 0, abort: null }, // one list request at a time: a newer one supersedes an older
    socket: null, lastSeq: 0, retries: 0, retryTimer: null, refusedResumes: 0,
    chunkCursor: null, documentId: null,
  };

  // --- API key (CORTEX_AUTH_ENABLED): asked for when the service answers 401, kept for this tab only ------------
  const KEY = 'cortex-api-key';
  function authHeaders() {
    const key = sessionStorage.getItem(KEY);
    return key ? { Authorization: 'Bearer ' + key } : {};
  }
  function askForKey(detail) {
    $('key-form').hidden = false;
    $('key-error').textContent = detail || '';
    $('api-key').focus();
  }
  $('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY, $('api-key').value.trim());
    $('api-key').value = '';
    $('key-form').hidden = true;
    loadProjects().then(route).catch((err) => { $('project-error').textContent = err.message; });
  });

  // A refusal or an outage, with what the service said (its `detail`) as the message.
  class ApiError extends Error {
    constructor(status, detail) { super(detail); this.status = status; }
  }

  async function api(method, path, body, signal) {
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

  function el(tag, attrs, ...children) {
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
  function confirmAction(text, action) {
    const dialog = $('confirm');
    $('confirm-text').textContent = text;
    $('confirm-yes').textContent = action;
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
      dialog.showModal();
      $('confirm-no').focus();
    });
  }

  // --- projects -------------------------------------------------------------------------------------------------
  async function loadProjects(select) {
    const projects = (await api('GET', '/api/projects')).items;
    const names = new Map();
    projects.forEach((p) => names.set(p.name, (names.get(p.name) || 0) + 1));
    const list = $('project-select');
    // two projects of one name are told apart by the start of their ids
    list.replaceChildren(el('option', { value: '' }, 'Choose a project…'), ...projects.map((p) => el('option',
      { value: p.id }, names.get(p.name) > 1 ? p.name + ' (' + p.id.slice(0, 8) + ')' : p.name)));
    list.value = select || state.project || '';
  }

  $('project-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('project-error').textContent = '';
    try {
      const project = await api('POST', '/api/projects', { name: $('project-name').value });
      $('project-name').value = '';
      await loadProjects(project.id);
      location.hash = '#/projects/' + project.id;
    } catch (err) {
      $('project-error').textContent = err.message;
    }
  });

  $('project-select').addEventListener('change', (e) => {
    location.hash = e.target.value ? '#/projects/' + e.target.value : '#/';
  });

  // --- the address: #/projects/{id} and #/projects/{id}/jobs/{job_id}, so reload, back and a shared link work ----
  function route() {
    const m = location.hash.match(/^#\/projects\/([0-9a-fA-F-]{36})(?:\/jobs\/([0-9a-fA-F-]{36}))?$/);
    const project = m ? m[1].toLowerCase() : '';
    if (project !== (state.project || '')) {
      $('project-select').value = project;
      openProject(project);
    }
    if (m && m[2]) openJob(m[2].toLowerCase()); else if ($('job-dialog').open) $('job-dialog').close();
  }
  window.addEventListener('hashchange', route);

  function openProject(id) {
    state.project = id || null;
    ['upload-panel', 'jobs-panel', 'search-panel'].forEach((p) => { $(p).hidden = !id; });
    $('results').replaceChildren();
    $('search-status').textContent = '';
    $('detail-panel').hidden = true;
    resetUpload();
    state.jobs.clear();
    state.rowErrors.clear();
    state.cursor = null;
    state.total = 0;
    disconnect();
    render();
    if (!id) return;
    loadJobs(true);
    loadActivity();
    connect();
  }

  // --- jobs: what a row shows -------------------------------------------------------------------------------------
  // A job's name for people: its document_key, else its file name, else its source, else the start of its id.
  function displayName(job) {
    return job.document_key || job.original_filename || job.source_uri || job.source_path || 'job ' + job.id.slice(0, 8);
  }

  function bytes(n) {
    if (n == null) return '';
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let i = 0;
    let v = n;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
    return (i === 0 ? String(v) : v.toFixed(v < 10 ? 1 : 0)) + ' ' + units[i];
  }

  function ago(iso) {
    const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (seconds < 60) return seconds + ' s ago';
    if (seconds < 3600) return Math.floor(seconds / 60) + ' min ago';
    if (seconds < 86400) return Math.floor(seconds / 3600) + ' h ago';
    return Math.floor(seconds / 86400) + ' d ago';
  }

  function firstLine(text) {
    return text ? text.split('\n')[0] : '';
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
  function render() {
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
  function take(job, deleted) {
    if (detail.job && detail.job.id === job.id && !deleted && job.updated_at) fillJob(job);
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
  async function loadJobs(reset) {
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
    if (detail.job && detail.job.id === job.id) $('job-alert').textContent = what + ': ' + err.message;
    render();
    reloadJob(job.id);
  }

  // After a refusal the job is read again: what the row shows is what the service has now.
  async function reloadJob(id) {
    const project = state.project;
    try {
      const job = await api('GET', '/api/projects/' + project + '/ingest/jobs/' + id);
      if (project === state.project) take(job, false);
    } catch (err) {
      if (project === state.project && err.status === 404) take({ id }, true);
    }
  }

  async function cancel(job) {
    if (!(await confirmAction('Cancel the job ' + displayName(job) + '?', 'Cancel job'))) return;
    state.rowErrors.delete(job.id);
    try {
      take(await api('POST', '/api/projects/' + state.project + '/ingest/jobs/' + job.id + '/cancel'), false);
    } catch (err) { refuse(job, 'Not cancelled', err); }
  }

  async function remove(job) {
    if (!(await confirmAction('Delete the job ' + displayName(job) + '? It cannot be undone.', 'Delete job'))) return;
    state.rowErrors.delete(job.id);
    // where focus goes once the row is gone: the next row, else the one before, else the list's heading
    const order = [...state.jobs.values()].sort(newerFirst).map((j) => j.id);
    const at = order.indexOf(job.id);
    const neighbour = order[at + 1] || order[at - 1];
    try {
      await api('DELETE', '/api/projects/' + state.project + '/ingest/jobs/' + job.id);
      take(job, true);
      if (detail.job && detail.job.id === job.id) $('job-dialog').close();
      const next = neighbour && document.querySelector('tr[data-job-id="' + neighbour + '"] button');
      if (next) next.focus(); else $('jobs-heading').focus();
    } catch (err) { refuse(job, 'Not deleted', err); }
  }

  // --- live status over the project WebSocket -------------------------------------------------------------------
  // The indicator says what the socket does: Live, Reconnecting (with backoff), Offline (the browser is, or the
  // service has not answered for several tries); with no project open it says nothing.
  function connection(text) {
    $('connection').textContent = text;
    $('connection').dataset.state = text ? text.split(' ')[0].toLowerCase() : '';
  }

  function disconnect() {
    clearTimeout(state.retryTimer);
    const socket = state.socket;
    state.socket = null;
    state.lastSeq = 0;
    state.retries = 0;
    state.refusedResumes = 0;
    if (socket) socket.close();
    connection('');
  }

  function connect() {
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

  function onEvent(event) {
    if (typeof event.seq === 'number' && event.seq > state.lastSeq) state.lastSeq = event.seq;
    if (event.type === 'ingest.stream.reset') {
      // the events of the gap were purged: the list is read again instead
      loadJobs(true);
      return;
    }
    if (event.job) take(event.job, event.type === 'ingest.job.deleted');
  }

  // --- upload with progress -------------------------------------------------------------------------------------
  // Every way to create a job starts empty in a newly opened project: nothing is sent to the wrong one.
  function resetUpload() {
    document.querySelectorAll('form.create').forEach((form) => form.reset());
    document.querySelectorAll('.create-status, .create-error').forEach((p) => { p.textContent = ''; });
    $('upload-progress').value = 0;
    $('upload-status').textContent = '';
    $('upload-error').textContent = '';
  }

  // --- create from text, a source, a repository: the service's answer is said in the form that sent it -------------
  function creation(form, request) {
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const project = state.project;
      const status = form.querySelector('.create-status');
      const error = form.querySelector('.create-error');
      const button = form.querySelector('button[type=submit]');
      status.textContent = 'Creating…';
      error.textContent = '';
      button.disabled = true;
      try {
        const [path, body] = request();
        const answer = await api('POST', '/api/projects/' + project + path, body);
        if (project !== state.project) return;
        const id = answer.job_id || answer.id;
        status.textContent = 'Created job ' + id;
        form.reset();
        if (answer.id) take(answer, false); else reloadJob(id);
      } catch (err) {
        if (project !== state.project) return;
        status.textContent = '';
        error.textContent = 'Not created: ' + err.message;
      } finally {
        button.disabled = false;
      }
    });
  }

  creation($('text-form'), () => {
    const body = { source_type: 'text', content: $('text-content').value };
    if ($('text-key').value.trim()) body.document_key = $('text-key').value.trim();
    return ['/ingest', body];
  });
  // an absolute path is a source_path; anything else is given as a URI, and the service says what it refuses
  creation($('source-form'), () => {
    const source = $('source-uri').value.trim();
    return ['/ingest/jobs', source.startsWith('/') ? { source_path: source } : { source_uri: source }];
  });
  creation($('repo-form'), () => ['/ingest', { source_type: 'repository', repo_url: $('repo-url').value.trim() }]);

  $('upload-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const file = $('upload-file').files[0];
    if (!file) return;
    const project = state.project;
    const data = new FormData();
    data.append('file', file, file.name);
    const request = new XMLHttpRequest();
    request.open('POST', '/api/projects/' + project + '/ingest/upload');
    Object.entries(authHeaders()).forEach(([name, value]) => request.setRequestHeader(name, value));
    request.upload.onprogress = (p) => {
      if (p.lengthComputable && project === state.project) $('upload-progress').value = Math.round(p.loaded * 100 / p.total);
    };
    request.onload = () => {
      if (project !== state.project) return;
      let answer = {};
      try { answer = request.responseText ? JSON.parse(request.responseText) : {}; } catch (notJson) { answer = {}; }
      if (request.status === 200) {
        $('upload-progress').value = 100;
        $('upload-status').textContent = 'Uploaded ' + answer.filename + ': job ' + answer.job_id;
        if (answer.job) take(answer.job, false);
      } else {
        $('upload-progress').value = 0;
        $('upload-status').textContent = '';
        $('upload-error').textContent = 'Upload refused: ' + (answer.detail || 'the service answered ' + request.status);
      }
    };
    request.onerror = () => {
      if (project !== state.project) return;
      $('upload-progress').value = 0;
      $('upload-status').textContent = '';
      $('upload-error').textContent = 'Upload failed: the connection broke';
    };
    $('upload-progress').value = 0;
    $('upload-error').textContent = '';
    $('upload-status').textContent = 'Uploading ' + file.name + '…';
    request.send(data);
  });

  // --- documents and chunks -------------------------------------------------------------------------------------
  // --- a job's details: every field, its events (replayed from the job's stream, then live), its documents -------
  const detail = { job: null, opener: null, events: null, seqs: new Set(), docCursor: null, chunkCursor: null,
    documentId: null };

  // From a row's button: the address changes (a history entry), the route opens the dialog.
  function showJob(id, action) {
    detail.opener = { id, action };
    location.hash = '#/projects/' + state.project + '/jobs/' + id;
  }

  async function openJob(id) {
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
    const docs = detail.opener && detail.opener.id === id && detail.opener.action === 'docs';
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
    if (reset) { detail.chunkCursor = null; detail.documentId = doc.id; $('job-chunks').replaceChildren(); }
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

  $('job-close').addEventListener('click', () => $('job-dialog').close());
  // Escape closes the dialog too (the browser's own); either way the address goes back to the project and focus
  // goes back to the button that opened it
  $('job-dialog').addEventListener('close', () => {
    const job = detail.job;
    if (detail.events) { detail.events.close(); detail.events = null; }
    detail.job = null;
    if (state.project && job && location.hash.indexOf('/jobs/' + job.id) >= 0) {
      if (detail.opener && detail.opener.id === job.id) history.back();
      else history.replaceState(null, '', '#/projects/' + state.project);
    }
    const opener = detail.opener && job && detail.opener.id === job.id
      && document.querySelector('tr[data-job-id="' + job.id + '"] [data-action="' + detail.opener.action + '"]');
    if (opener) opener.focus(); else $('jobs-heading').focus();
    detail.opener = null;
  });

  async function chunks(documentId, reset) {
    if (reset) { state.chunkCursor = null; state.documentId = documentId; $('chunks').replaceChildren(); }
    const query = new URLSearchParams({ limit: '20' });
    if (state.chunkCursor) query.set('cursor', state.chunkCursor);
    try {
      const page = await api('GET', '/api/projects/' + state.project + '/documents/' + documentId + '/chunks?' + query);
      page.items.forEach((c) => $('chunks').append(el('li', { class: 'chunk' }, c.content)));
      state.chunkCursor = page.nextCursor;
      $('more-chunks').hidden = !state.chunkCursor;
      $('detail-error').textContent = '';
    } catch (err) {
      $('detail-error').textContent = 'Chunks not loaded: ' + err.message;
    }
  }
  $('more-chunks').addEventListener('click', () => chunks(state.documentId, false));

  // --- search: the project's chunks, best first, the matched words marked ----------------------------------------
  $('search-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const query = $('search-query').value;
    $('search-status').textContent = 'Searching…';
    $('results').replaceChildren();
    try {
      const answer = await api('POST', '/api/projects/' + state.project + '/search',
        { query, mode: $('search-mode').value, k: 10 });
      const words = queryWords(query);
      $('results').replaceChildren(...answer.items.map((item) => result(item, words)));
      $('search-status').textContent = (answer.items.length ? answer.items.length + ' result(s)' : 'Nothing found')
        + (answer.note ? '. ' + answer.note : '');
    } catch (err) {
      $('search-status').textContent = 'Search failed: ' + err.message;
    }
  });

  // The query's words, as the keyword index reads them (letters and digits), lowercased.
  function queryWords(query) {
    return Array.from(new Set((query.toLowerCase().match(/[\p{L}\p{N}]+/gu) || []).filter((w) => w.length > 1)));
  }

  // A word of the text matches a query word when they share its first five letters (or all of a shorter one): the
  // index stems words, so "rotation" finds "rotations" and "rotating".
  function matches(token, words) {
    const t = token.toLowerCase();
    return words.some((w) => { const n = Math.min(w.length, 5); return t.length >= n && t.slice(0, n) === w.slice(0, n); });
  }

  // Text with the matched words in <mark> elements, built as nodes: the text is shown, never parsed as HTML.
  function marked(text, words) {
    const nodes = [];
    let last = 0;
    for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
      if (!matches(m[0], words)) continue;
      if (m.index > last) nodes.push(document.createTextNode(text.slice(last, m.index)));
      nodes.push(el('mark', {}, m[0]));
      last = m.index + m[0].length;
    }
    if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
    return nodes;
  }

  // About 240 characters around the first matched word (the whole chunk when it is short).
  function snippet(text, words) {
    if (text.length <= 240) return text;
    let at = 0;
    for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
      if (matches(m[0], words)) { at = m.index; break; }
    }
    const start = Math.max(0, at - 80);
    const end = Math.min(text.length, start + 240);
    return (start > 0 ? '…' : '') + text.slice(start, end) + (end < text.length ? '…' : '');
  }

  function result(item, words) {
    const name = item.path && item.path !== '.' ? item.path : (item.document_key || item.title || item.document_id);
    const link = el('a', { class: 'chunk-link', href: '/api/projects/' + state.project + '/chunks/' + item.chunk_id,
      onclick: (e) => { e.preventDefault(); showChunk(item, words); } }, name);
    return el('li', { class: 'result', 'data-chunk-id': item.chunk_id }, link,
      el('p', { class: 'meta' }, 'chunk ' + (item.ordinal + 1) + ', characters ' + item.start_offset + '–'
        + item.end_offset + (item.document_key && item.document_key !== name ? ', ' + item.document_key : '')),
      el('p', { class: 'snippet' }, marked(snippet(item.content, words), words)));
  }

  function showChunk(item, words) {
    $('detail-panel').hidden = false;
    $('detail-heading').textContent = 'Chunk';
    $('detail-job').textContent = (item.path || item.document_key || item.document_id) + ', chunk ' + (item.ordinal + 1)
      + ' (characters ' + item.start_offset + '–' + item.end_offset + ')';
    $('documents').replaceChildren(el('li', {}, el('button', { type: 'button', class: 'secondary chunks-of',
      onclick: () => { $('detail-heading').textContent = 'Documents'; chunks(item.document_id, true); } },
      'All chunks of this document')));
    $('chunks').replaceChildren(el('li', { class: 'chunk' }, marked(item.content, words)));
    $('more-chunks').hidden = true;
    $('detail-heading').focus();
  }

  // --- chart: the project's jobs finished per minute over the last hour, as the service counts them -------------
  // Read when the project opens, each minute, and shortly after a job finishes (several finishing together cost one
  // read); a failed read keeps the last chart and says so.
  let activityTimer = null;
  function activitySoon(delay) {
    clearTimeout(activityTimer);
    activityTimer = setTimeout(loadActivity, delay);
  }

  async function loadActivity() {
    const project = state.project;
    if (!project) return;
    activitySoon(60000);
    try {
      const activity = await api('GET', '/api/projects/' + project + '/ingest/activity');
      if (project === state.project) { drawChart(activity); $('chart-error').textContent = ''; }
    } catch (err) {
      if (project === state.project) $('chart-error').textContent = 'Could not update the chart: ' + err.message;
    }
  }

  const KINDS = ['completed', 'failed', 'cancelled'];
  const clock = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

  function drawChart(activity) {
    const svg = $('chart');
    const ns = 'http://www.w3.org/2000/svg';
    const node = (tag, attrs, text) => {
      const n = document.createElementNS(ns, tag);
      Object.entries(attrs).forEach(([k, v]) => n.setAttribute(k, String(v)));
      if (text != null) n.textContent = text;
      return n;
    };
    const left = 36;
    const top = 8;
    const height = 120;
    const width = 600;
    const minutes = activity.minutes;
    const max = Math.max(1, ...minutes.map((m) => m.completed + m.failed + m.cancelled));
    const step = width / minutes.length;
    const parts = [
      node('line', { x1: left, y1: top + height, x2: left + width, y2: top + height, class: 'axis' }),
      node('line', { x1: left, y1: top, x2: left, y2: top + height, class: 'axis' }),
      node('text', { x: left - 4, y: top + 8, 'text-anchor': 'end', class: 'tick' }, String(max)),
      node('text', { x: left - 4, y: top + height, 'text-anchor': 'end', class: 'tick' }, '0'),
      node('text', { x: 10, y: top + height / 2, class: 'axis-label', transform: 'rotate(-90 10 ' + (top + height / 2) + ')',
        'text-anchor': 'middle' }, 'jobs'),
    ];
    [0, 30, 59].forEach((i) => parts.push(node('text', { x: left + i * step + step / 2, y: top + height + 14,
      'text-anchor': i === 0 ? 'start' : i === 59 ? 'end' : 'middle', class: 'tick' }, clock(minutes[i].minute))));
    minutes.forEach((m, i) => {
      let y = top + height;
      KINDS.forEach((kind) => {
        if (!m[kind]) return;
        const h = (m[kind] / max) * height;
        y -= h;
        parts.push(node('rect', { x: left + i * step + 1, y, width: Math.max(1, step - 2), height: h, class: kind },
          null));
        parts[parts.length - 1].append(node('title', {}, clock(m.minute) + ': ' + m[kind] + ' ' + kind));
      });
    });
    svg.replaceChildren(...parts);
    const busiest = minutes.reduce((a, m) => (m.completed + m.failed + m.cancelled > a.completed + a.failed + a.cancelled
      ? m : a), minutes[0]);
    const finished = activity.completed + activity.failed + activity.cancelled;
    const summary = finished === 0 ? 'No jobs finished in the last hour'
      : finished + ' job' + (finished === 1 ? '' : 's') + ' finished in the last hour: ' + activity.completed
        + ' completed, ' + activity.failed + ' failed, ' + activity.cancelled + ' cancelled; the busiest minute, '
        + clock(busiest.minute) + ', had ' + (busiest.completed + busiest.failed + busiest.cancelled);
    svg.setAttribute('aria-label', summary);
    $('chart-summary').textContent = summary;
    $('chart-minutes').replaceChildren(...minutes.filter((m) => m.completed + m.failed + m.cancelled > 0)
      .map((m) => el('tr', {}, el('th', { scope: 'row' }, clock(m.minute)), ...KINDS.map((k) => el('td', {}, String(m[k]))))));
  }

  loadProjects().then(route).catch((err) => { $('project-error').textContent = err.message; });
})();
