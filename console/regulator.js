// regulator.js - the regulator's view: check one name or a list, register
// recruiters, a recruiter's history (flag, lift, with evidence) and
// vacancies, the audit log, aggregate statistics. Routes a server does not
// have yet answer "not available on this server".
import { api } from './api.js';
import { t } from './i18n.js';
import { $, $$, el, clear, say, showError, verdictBadge, fmtValue, fmtDate, unavailableNote } from './ui.js';
import { checkBlock } from './employer.js';

let current = null; // the recruiter shown
let auditCursor = null;

function parseLines(text, country) {
	return text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
		const [name, licence] = l.split(/\t|\|/).map((s) => s.trim());
		const q = {};
		if (name) q.name = name;
		if (licence) q.licence = licence;
		if (country) q.country = country;
		return q;
	});
}

async function checkNames(e) {
	e.preventDefault();
	const out = clear($('#check-results'));
	const err = $('#check-error');
	clear(err);
	const country = $('#check-country').value.trim().toUpperCase();
	const qs = parseLines($('#check-names').value, country);
	if (!qs.length) { $('#check-names').focus(); return; }
	let answers = null;
	if (qs.length > 1) {
		const queries = {};
		qs.forEach((q, i) => { queries[String(i + 1)] = q; });
		const r = await api('POST', '/v1/recruiters/check', { queries });
		if (r.ok) answers = qs.map((q, i) => ({ q, d: (r.data.results || {})[String(i + 1)] }));
		else if (!r.unavailable) { showError(err, r); return; }
	}
	if (!answers) {
		// One name, or a server without the batch check: one call each.
		answers = [];
		for (const q of qs) {
			const r = await api('GET', '/v1/recruiters/check?' + new URLSearchParams(q));
			if (!r.ok) { showError(err, r); return; }
			answers.push({ q, d: r.data });
		}
	}
	for (const { q, d } of answers) out.append(d ? checkBlock(d, q.name || q.licence) : el('p', {}, q.name, ': —'));
	say(t('checked').replace('{n}', answers.length));
}

async function register(e) {
	e.preventDefault();
	const err = $('#register-error');
	const out = clear($('#register-result'));
	const body = { name: $('#reg-name').value.trim() };
	const aliases = $('#reg-aliases').value.split(',').map((s) => s.trim()).filter(Boolean);
	body.aliases = aliases;
	const c = $('#reg-country').value.trim().toUpperCase();
	if (c) body.country = c;
	const number = $('#reg-licence').value.trim();
	if (number) {
		body.licence = { number };
		const a = $('#reg-authority').value.trim();
		if (a) body.licence.authority = a;
		const v = $('#reg-valid').value;
		if (v) body.licence.valid_until = v;
	}
	const r = await api('POST', '/v1/recruiters', body);
	if (!r.ok) { showError(err, r); return; }
	clear(err);
	const open = el('button', { type: 'button' }, t('open'), ' ', r.data.id);
	open.addEventListener('click', () => openRecruiter(r.data.id));
	out.append(el('p', { class: 'ok' }, t('registered').replace('{id}', r.data.id), ' '), open);
	say(t('registered').replace('{id}', r.data.id));
}

function flagRow(f) {
	const lifted = f.lifted_at || f.lifted || (f.lift && f.lift.at);
	const active = !lifted && f.active !== false;
	const row = el('tr', { 'data-flag': f.id },
		el('td', {}, f.id),
		el('td', {}, verdictBadge(f.severity === 'blacklist' ? 'blacklisted' : 'flagged')),
		el('td', {}, t('rs_' + f.reason) !== 'rs_' + f.reason ? t('rs_' + f.reason) : (f.reason || '')),
		el('td', {}, f.evidence || ''),
		el('td', {}, fmtDate(f.created_at || f.at)),
		el('td', {}, lifted ? `${t('lifted')} ${fmtDate(f.lifted_at || (f.lift && f.lift.at) || '')} ${f.lift_reason || (f.lift && f.lift.reason) || ''}` : (f.expires_at ? `${t('expires')} ${fmtDate(f.expires_at)}` : t('in_force'))));
	const cell = el('td', {});
	if (active) {
		const id = `lift-${f.id}`;
		const input = el('input', { type: 'text', id, 'aria-label': `${t('lift_reason')} ${f.id}`, placeholder: t('lift_reason') });
		const b = el('button', { type: 'button' }, t('lift'));
		const err = el('div', { class: 'error', role: 'alert' });
		b.addEventListener('click', async () => {
			if (!input.value.trim()) { input.focus(); return; }
			const r = await api('POST', `/v1/recruiters/${encodeURIComponent(current)}/flags/${encodeURIComponent(f.id)}/lift`, { reason: input.value.trim() });
			if (!r.ok) { showError(err, r); return; }
			say(t('flag_lifted').replace('{id}', f.id));
			openRecruiter(current);
		});
		cell.append(input, b, err);
	}
	row.append(cell);
	return row;
}

export async function openRecruiter(id) {
	const view = clear($('#recruiter-view'));
	const err = $('#recruiter-error');
	clear(err);
	$$('.tab').forEach((s) => { s.hidden = s.id !== 'r-recruiter'; });
	$$('.tabs [data-tab]').forEach((b) => b.setAttribute('aria-pressed', b.dataset.tab === 'r-recruiter' ? 'true' : 'false'));
	$('#rec-id').value = id;
	const r = await api('GET', `/v1/recruiters/${encodeURIComponent(id)}`);
	if (!r.ok) { showError(err, r); $('#flag-form').hidden = true; return; }
	current = id;
	const d = r.data;
	const lic = d.licence || {};
	view.append(el('h4', { tabindex: '-1', id: 'rec-title' }, `${d.name} (${d.id})`),
		el('p', {}, `${t('country')}: ${d.country || '—'} · ${t('licence')}: ${lic.number || '—'} ${lic.authority || ''} ${lic.valid_until ? '→ ' + lic.valid_until : ''} · `,
			d.licensed ? t('licensed') : t('unlicensed')),
		el('p', { hidden: !(Array.isArray(d.aliases) && d.aliases.length) }, `${t('aliases')}: ${(d.aliases || []).join(', ')}`));
	const flags = Array.isArray(d.flags) ? d.flags : [];
	view.append(el('h5', {}, t('flag_history')));
	if (!flags.length) view.append(el('p', { class: 'hint' }, t('no_flags')));
	else view.append(el('div', { class: 'table-wrap' }, el('table', { class: 'flags-table' },
		el('thead', {}, el('tr', {}, ['id', 'severity', 'reason', 'evidence', 'when', 'state', 'action'].map((k) => el('th', { scope: 'col' }, t('col_' + k))))),
		el('tbody', {}, flags.map(flagRow)))));
	const vbox = el('div', { class: 'rec-vacancies' }, el('h5', {}, t('rec_vacancies')));
	view.append(vbox);
	$('#flag-form').hidden = false;
	$('#rec-title').focus();
	const rv = await api('GET', `/v1/recruiters/${encodeURIComponent(id)}/vacancies`);
	if (rv.unavailable) vbox.append(unavailableNote());
	else if (!rv.ok) { const e = el('div', { class: 'error' }); showError(e, rv); vbox.append(e); }
	else {
		const items = Array.isArray(rv.data.items) ? rv.data.items : [];
		vbox.append(items.length ? el('ul', {}, items.map((v) => el('li', {}, `${v.title || ''} (${v.id}) · ${v.country || ''} · ${v.status || ''}`)))
			: el('p', { class: 'hint' }, t('no_vacancies')));
	}
}

async function flag(e) {
	e.preventDefault();
	const err = $('#flag-error');
	if (!current) return;
	const body = { severity: $('#flag-severity').value, reason: $('#flag-reason').value, evidence: $('#flag-evidence').value.trim(), expires_at: null };
	const exp = $('#flag-expires').value;
	if (exp) body.expires_at = exp + 'T00:00:00Z';
	const r = await api('POST', `/v1/recruiters/${encodeURIComponent(current)}/flags`, body);
	if (!r.ok) { showError(err, r); return; }
	clear(err);
	$('#flag-evidence').value = '';
	say(t('flagged_as').replace('{id}', r.data.id || ''));
	openRecruiter(current);
}

async function listRecruiters() {
	const out = clear($('#recruiter-index'));
	const r = await api('GET', '/v1/recruiters?limit=50');
	if (r.unavailable) { out.append(el('li', {}, unavailableNote())); return; }
	if (!r.ok) { showError($('#recruiter-error'), r); return; }
	const items = Array.isArray(r.data.items) ? r.data.items : [];
	for (const x of items) {
		const b = el('button', { type: 'button', class: 'link' }, `${x.name} (${x.id})`);
		b.addEventListener('click', () => openRecruiter(x.id));
		out.append(el('li', {}, b, x.country ? ` · ${x.country}` : ''));
	}
	if (!items.length) out.append(el('li', { class: 'hint' }, t('none')));
}

async function audit(more) {
	const err = $('#audit-error');
	const table = $('#audit-table');
	const body = $('tbody', table);
	if (!more) { clear(body); auditCursor = null; }
	const q = new URLSearchParams({ limit: '50' });
	const obj = $('#audit-object').value.trim(), act = $('#audit-action').value.trim();
	if (obj) q.set('object', obj);
	if (act) q.set('action', act);
	if (more && auditCursor) q.set('cursor', auditCursor);
	const r = await api('GET', '/v1/audit?' + q);
	if (!r.ok) { showError(err, r); return; }
	clear(err);
	const items = Array.isArray(r.data.items) ? r.data.items : [];
	for (const a of items)
		body.append(el('tr', {}, el('td', {}, fmtDate(a.at)), el('td', {}, `${a.role || ''} ${a.org || ''}`), el('td', {}, a.action || ''),
			el('td', {}, a.object || ''), el('td', {}, a.detail ? fmtValue(a.detail) : '')));
	table.hidden = false;
	auditCursor = r.data.next_cursor || null;
	$('#audit-more').hidden = !auditCursor;
	say(t('audit_rows').replace('{n}', body.children.length));
}

// Statistics of any shape: nested objects as nested lists; a suppressed
// cell (null with "suppressed": true) says so.
function statsNode(v, key) {
	if (v && typeof v === 'object' && !Array.isArray(v)) {
		if (v.suppressed === true && (v.value === null || v.count === null || Object.keys(v).length <= 2))
			return el('span', { class: 'suppressed' }, t('suppressed'));
		return el('dl', { class: 'stats' }, Object.entries(v).filter(([k]) => k !== 'suppressed').flatMap(([k, x]) => [el('dt', {}, k), el('dd', {}, statsNode(x, k))]));
	}
	if (Array.isArray(v)) return el('ul', {}, v.map((x) => el('li', {}, statsNode(x, key))));
	if (v === null) return el('span', { class: 'suppressed' }, t('suppressed'));
	return el('span', {}, fmtValue(v));
}

async function stats() {
	const out = clear($('#stats-view'));
	const r = await api('GET', '/v1/stats');
	if (r.unavailable) { out.append(unavailableNote()); return; }
	if (!r.ok) { showError($('#stats-error'), r); return; }
	clear($('#stats-error'));
	out.append(statsNode(r.data));
}

export function initRegulator() {
	$$('.tabs [data-tab]').forEach((b) => b.addEventListener('click', () => {
		$$('.tabs [data-tab]').forEach((x) => x.setAttribute('aria-pressed', x === b ? 'true' : 'false'));
		$$('.tab').forEach((s) => { s.hidden = s.id !== b.dataset.tab; });
	}));
	$('#check-form').addEventListener('submit', checkNames);
	$('#register-form').addEventListener('submit', register);
	$('#recruiter-form').addEventListener('submit', (e) => {
		e.preventDefault();
		const id = $('#rec-id').value.trim();
		if (id) openRecruiter(id); else $('#rec-id').focus();
	});
	$('#rec-list').addEventListener('click', listRecruiters);
	$('#flag-form').addEventListener('submit', flag);
	$('#audit-form').addEventListener('submit', (e) => { e.preventDefault(); audit(false); });
	$('#audit-more').addEventListener('click', () => audit(true));
	$('#stats-load').addEventListener('click', stats);
}
