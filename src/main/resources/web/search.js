// Search: the project's chunks, best first, the matched words marked, a chunk shown in the panel below.
import { $, api, el, state } from './core.js';

export async function chunks(documentId, reset) {
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
