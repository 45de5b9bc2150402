// Cortex Ingest dashboard: plain JavaScript against the service's own API and project WebSocket (no framework, no CDN).
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const state = { project: null, cursor: null, socket: null, finished: new Map(), chunkCursor: null, documentId: null };

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
    loadProjects().catch((err) => { $('project-error').textContent = err.message; });
  });

  async function api(method, path, body) {
    const options = { method, headers: authHeaders() };
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (response.status === 401) askForKey(json && json.detail);
    if (!response.ok) {
      throw new Error((json && json.detail) || (response.status + ' ' + response.statusText));
    }
    return json;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === 'class') node.className = v; else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    });
    children.flat().forEach((c) => node.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : c)));
    return node;
  }

  function confirmAction(text) {
    const dialog = $('confirm');
    $('confirm-text').textContent = text;
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
      dialog.showModal();
      $('confirm-no').focus();
    });
  }

  // --- projects -------------------------------------------------------------------------------------------------
  async function loadProjects(select) {
    const projects = (await api('GET', '/api/projects')).items;
    const list = $('project-select');
    list.replaceChildren(el('option', { value: '' }, 'Choose a project…'),
      ...projects.map((p) => el('option', { value: p.id }, p.name)));
    if (select) list.value = select;
  }

  $('project-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('project-error').textContent = '';
    try {
      const project = await api('POST', '/api/projects', { name: $('project-name').value });
      $('project-name').value = '';
      await loadProjects(project.id);
      openProject(project.id);
    } catch (err) {
      $('project-error').textContent = err.message;
    }
  });

  $('project-select').addEventListener('change', (e) => openProject(e.target.value));

  function openProject(id) {
    state.project = id || null;
    ['upload-panel', 'jobs-panel', 'search-panel'].forEach((p) => { $(p).hidden = !id; });
    $('results').replaceChildren();
    $('search-status').textContent = '';
    $('detail-panel').hidden = true;
    state.finished.clear();
    if (state.socket) state.socket.close();
    if (!id) return;
    loadJobs(true);
    connect();
  }

  // --- jobs -----------------------------------------------------------------------------------------------------
  async function loadJobs(reset) {
    if (reset) {
      state.cursor = null;
      $('jobs').replaceChildren();
    }
    const filter = $('status-filter').value;
    const query = new URLSearchParams({ limit: '20' });
    if (filter) query.set('status', filter);
    if (state.cursor) query.set('cursor', state.cursor);
    const page = await api('GET', '/api/projects/' + state.project + '/ingest/jobs?' + query);
    page.items.forEach((job) => { $('jobs').append(row(job)); remember(job); });
    state.cursor = page.nextCursor;
    $('more').hidden = !state.cursor;
    drawChart();
  }

  function row(job) {
    const tr = el('tr', { 'data-job-id': job.id });
    fill(tr, job);
    return tr;
  }

  function fill(tr, job) {
    const percent = Math.round((job.progress || 0) * 100);
    const actions = [];
    if (job.status === 'queued' || job.status === 'running') {
      actions.push(el('button', { type: 'button', class: 'cancel secondary', onclick: () => cancel(job) }, 'Cancel'));
    }
    if (job.status !== 'running') {
      actions.push(el('button', { type: 'button', class: 'delete danger', onclick: () => remove(job) }, 'Delete'));
    }
    if (job.status === 'completed') {
      actions.push(el('button', { type: 'button', class: 'docs secondary', onclick: () => documents(job) }, 'Documents'));
    }
    tr.dataset.status = job.status;
    tr.replaceChildren(
      el('td', { 'data-label': 'File' }, job.original_filename || job.source_uri || job.id),
      el('td', { 'data-label': 'Status' }, el('span', { class: 'status status-' + job.status }, job.status),
        job.error_message ? el('div', { class: 'error job-error' }, job.error_message) : ''),
      el('td', { 'data-label': 'Stage', class: 'stage' }, job.stage),
      el('td', { 'data-label': 'Progress' }, el('progress', { class: 'job-progress', max: '100', value: String(percent),
        'aria-label': 'Progress of ' + (job.original_filename || job.id) }, percent + ' %'), ' ' + percent + ' %'),
      el('td', { 'data-label': 'Actions', class: 'actions' }, actions));
  }

  function remember(job) {
    if ((job.status === 'completed' || job.status === 'failed') && job.completed_at) {
      state.finished.set(job.id, { status: job.status, at: Date.parse(job.completed_at) });
    }
  }

  async function cancel(job) {
    if (!(await confirmAction('Cancel the job for ' + (job.original_filename || job.id) + '?'))) return;
    try { await api('POST', '/api/projects/' + state.project + '/ingest/jobs/' + job.id + '/cancel'); }
    catch (err) { alertError(err); }
  }

  async function remove(job) {
    if (!(await confirmAction('Delete the job for ' + (job.original_filename || job.id) + '? It cannot be undone.'))) return;
    try {
      await fetch('/api/projects/' + state.project + '/ingest/jobs/' + job.id, { method: 'DELETE', headers: authHeaders() });
      const tr = document.querySelector('tr[data-job-id="' + job.id + '"]');
      if (tr) tr.remove();
    } catch (err) { alertError(err); }
  }

  function alertError(err) {
    $('upload-status').textContent = err.message;
  }

  $('status-filter').addEventListener('change', () => loadJobs(true));
  $('refresh').addEventListener('click', () => loadJobs(true));
  $('more').addEventListener('click', () => loadJobs(false));

  // --- live status over the project WebSocket -------------------------------------------------------------------
  function connect() {
    const project = state.project;
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host
      + '/api/stream/projects/' + project + '/ingest'
      + (sessionStorage.getItem(KEY) ? '?access_token=' + encodeURIComponent(sessionStorage.getItem(KEY)) : '');
    const socket = new WebSocket(url);
    state.socket = socket;
    socket.onopen = () => { $('connection').textContent = 'Live'; };
    socket.onclose = () => {
      $('connection').textContent = 'Disconnected';
      if (state.socket === socket && state.project === project) setTimeout(() => { if (state.project === project) connect(); }, 2000);
    };
    socket.onmessage = (message) => {
      const event = JSON.parse(message.data);
      if (!event.job) return;
      const job = event.job;
      remember(job);
      const existing = document.querySelector('tr[data-job-id="' + job.id + '"]');
      const filter = $('status-filter').value;
      if (event.type === 'ingest.job.deleted') {
        if (existing) existing.remove();
      } else if (existing) {
        if (filter && job.status !== filter) existing.remove(); else fill(existing, job);
      } else if (event.type === 'ingest.job.created' && (!filter || job.status === filter)) {
        $('jobs').prepend(row(job));
      }
      drawChart();
    };
  }

  // --- upload with progress -------------------------------------------------------------------------------------
  $('upload-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const file = $('upload-file').files[0];
    if (!file) return;
    const data = new FormData();
    data.append('file', file, file.name);
    const request = new XMLHttpRequest();
    request.open('POST', '/api/projects/' + state.project + '/ingest/upload');
    Object.entries(authHeaders()).forEach(([name, value]) => request.setRequestHeader(name, value));
    request.upload.onprogress = (p) => {
      if (p.lengthComputable) $('upload-progress').value = Math.round(p.loaded * 100 / p.total);
    };
    request.onload = () => {
      const answer = request.responseText ? JSON.parse(request.responseText) : {};
      if (request.status === 200) {
        $('upload-progress').value = 100;
        $('upload-status').textContent = 'Uploaded ' + answer.filename + ': job ' + answer.job_id;
      } else {
        $('upload-status').textContent = 'Upload refused: ' + (answer.detail || request.status);
      }
    };
    request.onerror = () => { $('upload-status').textContent = 'Upload failed: the connection broke'; };
    $('upload-progress').value = 0;
    $('upload-status').textContent = 'Uploading ' + file.name + '…';
    request.send(data);
  });

  // --- documents and chunks -------------------------------------------------------------------------------------
  async function documents(job) {
    const docs = (await api('GET', '/api/projects/' + state.project + '/ingest/jobs/' + job.id + '/documents')).items;
    $('detail-panel').hidden = false;
    $('detail-heading').textContent = 'Documents';
    $('detail-job').textContent = 'Job for ' + (job.original_filename || job.id) + ': ' + docs.length + ' document(s)';
    $('chunks').replaceChildren();
    $('more-chunks').hidden = true;
    $('documents').replaceChildren(...docs.map((d) => el('li', {},
      el('button', { type: 'button', class: 'secondary chunks-of', onclick: () => chunks(d.id, true) },
        (d.title || d.path) + ' (' + d.chunk_count + ' chunks)'))));
    $('detail-heading').focus();
  }

  async function chunks(documentId, reset) {
    if (reset) { state.chunkCursor = null; state.documentId = documentId; $('chunks').replaceChildren(); }
    const query = new URLSearchParams({ limit: '20' });
    if (state.chunkCursor) query.set('cursor', state.chunkCursor);
    const page = await api('GET', '/api/projects/' + state.project + '/documents/' + documentId + '/chunks?' + query);
    page.items.forEach((c) => $('chunks').append(el('li', { class: 'chunk' }, c.content)));
    state.chunkCursor = page.nextCursor;
    $('more-chunks').hidden = !state.chunkCursor;
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

  // --- chart: jobs finished per minute over the last hour ------------------------------------------------------
  function drawChart() {
    const svg = $('chart');
    const now = Date.now();
    const bins = Array.from({ length: 60 }, () => ({ completed: 0, failed: 0 }));
    state.finished.forEach((f) => {
      const minute = Math.floor((now - f.at) / 60000);
      if (minute >= 0 && minute < 60) bins[59 - minute][f.status] += 1;
    });
    const max = Math.max(1, ...bins.map((b) => b.completed + b.failed));
    const ns = 'http://www.w3.org/2000/svg';
    svg.replaceChildren();
    let total = 0;
    bins.forEach((b, i) => {
      let y = 120;
      ['completed', 'failed'].forEach((kind) => {
        if (!b[kind]) return;
        total += b[kind];
        const h = (b[kind] / max) * 110;
        y -= h;
        const rect = document.createElementNS(ns, 'rect');
        rect.setAttribute('x', String(i * 10 + 1));
        rect.setAttribute('y', String(y));
        rect.setAttribute('width', '8');
        rect.setAttribute('height', String(h));
        rect.setAttribute('class', kind);
        svg.append(rect);
      });
    });
    svg.setAttribute('aria-label', total + ' jobs finished in the last hour');
  }

  loadProjects().catch((err) => { $('project-error').textContent = err.message; });
})();
