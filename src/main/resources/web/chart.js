// The chart: the project's jobs finished per minute over the last hour, as the service counts them.
import { $, api, el, state } from './core.js';

// --- chart: the project's jobs finished per minute over the last hour, as the service counts them -------------
// Read when the project opens, each minute, and shortly after a job finishes (several finishing together cost one
// read); a failed read keeps the last chart and says so.
let activityTimer = null;
export function activitySoon(delay) {
  clearTimeout(activityTimer);
  activityTimer = setTimeout(loadActivity, delay);
}

export async function loadActivity() {
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
