// Cortex Ingest dashboard: plain JavaScript modules against the service's own API and project WebSocket (no
// framework, no CDN). What it shows is what the service answered: an action changes the page only after a 2xx or an
// event, a refusal is said next to what it concerns, and a list that could not be loaded keeps its last rows, marked
// stale. This module: projects, the address (#/projects/{id}[/jobs/{job_id}]) and the start.
import { loadActivity } from './chart.js';
import { $, KEY, api, el, state } from './core.js';
import { resetUpload } from './create.js';
import { openJob } from './detail.js';
import { loadJobs, render } from './jobs.js';
import { connect, disconnect } from './live.js';
import './search.js';

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

$('key-form').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem(KEY, $('api-key').value.trim());
  $('api-key').value = '';
  $('key-form').hidden = true;
  loadProjects().then(route).catch((err) => { $('project-error').textContent = err.message; });
});


loadProjects().then(route).catch((err) => { $('project-error').textContent = err.message; });
