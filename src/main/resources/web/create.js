// Creating jobs: upload with progress, text, a source URI or path, a repository; each form says its refusal.
import { $, api, authHeaders, state } from './core.js';
import { reloadJob, take } from './jobs.js';

// --- upload with progress -------------------------------------------------------------------------------------
// Every way to create a job starts empty in a newly opened project: nothing is sent to the wrong one.
export function resetUpload() {
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
