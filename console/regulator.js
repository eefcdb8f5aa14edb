// regulator.js - the regulator's view: check one name or a list (possible
// matches to review, look-alike letters, conflicts, "not this recruiter"),
// register recruiters (a duplicate needs a reason to force), the recruiter
// list with filters and paging, a recruiter's history (flag, lift: another
// authority's flag waits for that authority), exclusions and vacancies, the
// audit log, aggregate statistics (small counts suppressed).
import { api } from './api.js';
import { t } from './i18n.js';
import { $, $$, el, clear, say, showError, verdictBadge, fmtValue, fmtDate, unavailableNote } from './ui.js';
import { checkBlock } from './employer.js';
import { conceptSpan } from './labels.js';

let current = null; // the recruiter shown
let auditCursor = null;
let listCursor = null;
let recVacCursor = { naming: null, held: null };

function parseLines(text, country) {
	// A line of only spaces and invisible characters (a zero-width space
	// pasted from a spreadsheet) is blank: the server refuses it as a name,
	// and one such query would fail the whole batch.
	return text.split('\n').map((l) => l.trim()).filter((l) => /[^\s\p{Cf}\p{Z}]/u.test(l)).map((l) => {
		const [name, licence] = l.split(/\t|\|/).map((s) => s.trim());
		const q = {};
		if (name) q.name = name;
		if (licence) q.licence = licence;
		if (country) q.country = country;
		return q;
	});
}

// "Not this recruiter": a reviewed false positive, with its reason.
function excludeControl(m, name) {
	const box = el('span', { class: 'exclude' });
	const open = el('button', { type: 'button', class: 'link' }, t('not_this_recruiter'));
	open.addEventListener('click', () => {
		const reason = el('input', { type: 'text', 'aria-label': t('exclusion_reason') + ' ' + m.id, placeholder: t('exclusion_reason') });
		const go = el('button', { type: 'button' }, t('record_exclusion'));
		const err = el('div', { class: 'error', role: 'alert' });
		go.addEventListener('click', async () => {
			if (!reason.value.trim()) { reason.focus(); return; }
			const r = await api('POST', `/v1/recruiters/${encodeURIComponent(m.id)}/exclusions`, { name, reason: reason.value.trim() });
			if (!r.ok) { showError(err, r); return; }
			box.replaceChildren(' ', el('span', { class: 'ok' }, t('excluded').replace('{name}', name).replace('{id}', m.id)));
			say(t('excluded').replace('{name}', name).replace('{id}', m.id));
		});
		box.replaceChildren(reason, go, err);
		reason.focus();
	});
	box.append(' ', open);
	return box;
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
		answers = [];
		for (const q of qs) {
			const r = await api('GET', '/v1/recruiters/check?' + new URLSearchParams(q));
			if (!r.ok) { showError(err, r); return; }
			answers.push({ q, d: r.data });
		}
	}
	for (const { q, d } of answers)
		out.append(d ? checkBlock(d, q.name || q.licence, { name: q.name, exclude: excludeControl }) : el('p', {}, q.name, ': —'));
	say(t('checked').replace('{n}', answers.length));
}

async function register(e) {
	e.preventDefault();
	const err = $('#register-error');
	const out = clear($('#register-result'));
	const body = { name: $('#reg-name').value.trim() };
	body.aliases = $('#reg-aliases').value.split(',').map((s) => s.trim()).filter(Boolean);
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
	if ($('#reg-force').checked) {
		body.force = true;
		body.reason = $('#reg-force-reason').value.trim();
		if (!body.reason) { $('#reg-force-reason').focus(); return; }
	}
	const r = await api('POST', '/v1/recruiters', body);
	if (!r.ok) {
		showError(err, r);
		// A duplicate (409): name the one registered, and offer to force.
		const dup = r.status === 409 && Array.isArray(r.problem.errors) ? r.problem.errors.find((x) => x && x.code === 'duplicate') : null;
		if (dup) {
			const open = el('button', { type: 'button', class: 'link' }, dup.existing);
			open.addEventListener('click', () => openRecruiter(dup.existing));
			err.append(el('p', {}, t('duplicate_of'), ' ', open, '. ', t('duplicate_force')));
			$('#reg-force-box').hidden = false;
		}
		return;
	}
	clear(err);
	$('#reg-force').checked = false;
	$('#reg-force-reason').value = '';
	$('#reg-force-box').hidden = true;
	const open = el('button', { type: 'button' }, t('open'), ' ', r.data.id);
	open.addEventListener('click', () => openRecruiter(r.data.id));
	out.append(el('p', { class: 'ok' }, t('registered').replace('{id}', r.data.id), ' '), open);
	say(t('registered').replace('{id}', r.data.id));
}

function flagState(f) {
	if (f.status === 'lifted' || f.lift) {
		const l = f.lift || {};
		return `${t('lifted')} ${fmtDate(l.at || f.lifted_at || '')} ${l.by ? '(' + l.by + ')' : ''} ${l.reason || ''}`;
	}
	if (f.status === 'expired') return `${t('expired')} ${fmtDate(f.expires_at)}`;
	const parts = [t('in_force')];
	if (f.expires_at) parts.push(`${t('expires')} ${fmtDate(f.expires_at)}`);
	if (f.lift_request) parts.push(t('lift_waiting').replace('{by}', f.lift_request.by || '').replace('{reason}', f.lift_request.reason || ''));
	return parts.join(' · ');
}

function flagRow(f) {
	const active = (f.status || 'active') === 'active' && !f.lift;
	const row = el('tr', { 'data-flag': f.id, 'data-status': f.status || '' },
		el('td', {}, f.id),
		el('td', {}, verdictBadge(f.severity === 'blacklist' ? 'blacklisted' : 'flagged')),
		el('td', {}, t('rs_' + f.reason) !== 'rs_' + f.reason ? t('rs_' + f.reason) : (f.reason || '')),
		el('td', {}, f.evidence || ''),
		el('td', {}, fmtDate(f.created_at), f.authority ? el('div', { class: 'hint' }, t('by_authority') + ' ' + f.authority) : null),
		el('td', { class: 'flag-state' }, flagState(f)));
	const cell = el('td', {});
	if (active) {
		const input = el('input', { type: 'text', id: `lift-${f.id}`, 'aria-label': `${t('lift_reason')} ${f.id}`, placeholder: t('lift_reason') });
		const b = el('button', { type: 'button' }, f.lift_request ? t('lift_confirm') : t('lift'));
		const err = el('div', { class: 'error', role: 'alert' });
		b.addEventListener('click', async () => {
			if (!input.value.trim()) { input.focus(); return; }
			const r = await api('POST', `/v1/recruiters/${encodeURIComponent(current)}/flags/${encodeURIComponent(f.id)}/lift`, { reason: input.value.trim() });
			if (!r.ok) {
				showError(err, r);
				if ((r.status === 409 || r.status === 403) && f.lift_request) err.prepend(el('p', { class: 'error-summary' }, t('lift_same_key')));
				return;
			}
			// 202: another authority's flag; it waits for that authority.
			say(r.status === 202 ? t('lift_requested').replace('{id}', f.id) : t('flag_lifted').replace('{id}', f.id));
			await openRecruiter(current);
			if (r.status === 202) $('#recruiter-view').prepend(el('p', { class: 'warn lift-pending', role: 'status' }, t('lift_requested').replace('{id}', f.id)));
		});
		cell.append(input, b, err);
	}
	row.append(cell);
	return row;
}

// The vacancies naming the recruiter, or (held) those held for review as
// possibly it: each of these offers its recruiter's name to the exclusion
// form, so the regulator records the decision with a reason.
async function recruiterVacancies(box, more, held) {
	const q = new URLSearchParams({ limit: '20' });
	if (held) q.set('held', 'true');
	const cursorKey = held ? 'held' : 'naming';
	if (more && recVacCursor[cursorKey]) q.set('cursor', recVacCursor[cursorKey]);
	const rv = await api('GET', `/v1/recruiters/${encodeURIComponent(current)}/vacancies?` + q);
	$$('.more-vac', box).forEach((b) => b.remove());
	if (rv.unavailable) { box.append(unavailableNote()); return; }
	if (!rv.ok) { const e = el('div', { class: 'error' }); showError(e, rv); box.append(e); return; }
	const items = Array.isArray(rv.data.items) ? rv.data.items : [];
	let ul = $('ul', box);
	if (!ul) { ul = el('ul', {}); box.append(ul); }
	for (const v of items) {
		const li = el('li', { 'data-vacancy': v.id }, `${v.title || ''} (${v.id}) · ${v.country || ''} · ${t('status_' + v.status) !== 'status_' + v.status ? t('status_' + v.status) : (v.status || '')} · ${v.org || ''} · ${(v.recruiter && v.recruiter.name) || ''}`);
		if (held && v.recruiter && v.recruiter.name) {
			const b = el('button', { type: 'button', class: 'review-name' }, t('review_name'));
			b.addEventListener('click', () => { $('#excl-name').value = v.recruiter.name; $('#excl-reason').focus(); });
			li.append(' ', b);
		}
		ul.append(li);
	}
	if (!ul.children.length) box.append(el('p', { class: 'hint' }, t('no_vacancies')));
	recVacCursor[cursorKey] = rv.data.next_cursor || null;
	if (recVacCursor[cursorKey]) {
		const b = el('button', { type: 'button', class: 'more-vac' }, t('more'));
		b.addEventListener('click', () => recruiterVacancies(box, true, held));
		box.append(b);
	}
}

function exclusionsBlock(list) {
	const box = el('div', { class: 'exclusions' }, el('h5', {}, t('exclusions')));
	const xs = Array.isArray(list) ? list : [];
	box.append(xs.length ? el('ul', {}, xs.map((x) => el('li', { 'data-exclusion': x.id },
		`${x.name || x.other_recruiter || ''} — ${x.reason || ''} (${x.by || ''}, ${fmtDate(x.created_at)})`)))
		: el('p', { class: 'hint' }, t('no_exclusions')));
	const f = el('form', { class: 'row exclusion-form', novalidate: true });
	const name = el('input', { type: 'text', id: 'excl-name', autocomplete: 'off' });
	const reason = el('input', { type: 'text', id: 'excl-reason', autocomplete: 'off' });
	const err = el('div', { class: 'error', role: 'alert' });
	f.append(el('div', { class: 'field' }, el('label', { for: 'excl-name' }, t('excl_name')), name),
		el('div', { class: 'field' }, el('label', { for: 'excl-reason' }, t('exclusion_reason')), reason),
		el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('record_exclusion'))), err);
	f.addEventListener('submit', async (e) => {
		e.preventDefault();
		const n = name.value.trim(), why = reason.value.trim();
		if (!n) { name.focus(); return; }
		if (!why) { reason.focus(); return; }
		const body = /^r_[0-9a-z]+$/.test(n) ? { recruiter: n, reason: why } : { name: n, reason: why };
		const r = await api('POST', `/v1/recruiters/${encodeURIComponent(current)}/exclusions`, body);
		if (!r.ok) { showError(err, r); return; }
		say(t('excluded').replace('{name}', n).replace('{id}', current));
		openRecruiter(current);
	});
	box.append(el('p', { class: 'hint' }, t('exclusion_help')), f);
	return box;
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
		el('p', {}, `${t('lbl_country')}: ${d.country || '—'} · ${t('licence')}: ${lic.number || '—'} ${lic.authority || ''} ${lic.valid_until ? '→ ' + lic.valid_until : ''} · `,
			d.licensed ? t('licensed') : t('unlicensed')),
		el('p', { hidden: !(Array.isArray(d.aliases) && d.aliases.length) }, `${t('lbl_aliases')}: ${(d.aliases || []).join(', ')}`));
	const flags = Array.isArray(d.flags) ? d.flags : [];
	view.append(el('h5', {}, t('flag_history')));
	if (!flags.length) view.append(el('p', { class: 'hint' }, t('no_flags')));
	else view.append(el('div', { class: 'table-wrap' }, el('table', { class: 'flags-table' },
		el('thead', {}, el('tr', {}, ['id', 'severity', 'reason', 'evidence', 'when', 'state', 'action'].map((k) => el('th', { scope: 'col' }, t('col_' + k))))),
		el('tbody', {}, flags.map(flagRow)))));
	view.append(exclusionsBlock(d.exclusions));
	const vbox = el('div', { class: 'rec-vacancies' }, el('h5', {}, t('rec_vacancies')));
	view.append(vbox);
	const blacklisted = flags.some((f) => f.severity === 'blacklist' && (f.status || 'active') === 'active');
	const hbox = el('div', { class: 'rec-held', hidden: !blacklisted }, el('h5', {}, t('rec_held')), el('p', { class: 'hint' }, t('held_help')));
	view.append(hbox);
	$('#flag-form').hidden = false;
	$('#rec-title').focus();
	recVacCursor = { naming: null, held: null };
	await recruiterVacancies(vbox, false, false);
	if (blacklisted) await recruiterVacancies(hbox, false, true);
}

async function flag(e) {
	e.preventDefault();
	const err = $('#flag-error');
	if (!current) return;
	const body = { severity: $('#flag-severity').value, reason: $('#flag-reason').value, evidence: $('#flag-evidence').value.trim(), expires_at: null };
	if (!body.evidence) { $('#flag-evidence').focus(); return; }
	const exp = $('#flag-expires').value;
	if (exp) body.expires_at = exp + 'T00:00:00Z';
	const r = await api('POST', `/v1/recruiters/${encodeURIComponent(current)}/flags`, body);
	if (!r.ok) { showError(err, r); return; }
	clear(err);
	$('#flag-evidence').value = '';
	say(t('flagged_as').replace('{id}', r.data.id || ''));
	openRecruiter(current);
}

// The recruiter list: filters (name or licence, country, flag state,
// licence state) and "More" with the cursor.
async function listRecruiters(more) {
	const out = $('#recruiter-index');
	if (!more) { clear(out); listCursor = null; }
	const q = new URLSearchParams({ limit: '25' });
	const text = $('#rl-q').value.trim(), c = $('#rl-country').value.trim().toUpperCase();
	if (text) q.set('q', text);
	if (c) q.set('country', c);
	if ($('#rl-flag').value) q.set('flag', $('#rl-flag').value);
	if ($('#rl-licence').value) q.set('licence', $('#rl-licence').value);
	if (more && listCursor) q.set('cursor', listCursor);
	const r = await api('GET', '/v1/recruiters?' + q);
	if (r.unavailable) { out.append(el('li', {}, unavailableNote())); return; }
	if (!r.ok) { showError($('#recruiter-error'), r); return; }
	clear($('#recruiter-error'));
	const items = Array.isArray(r.data.items) ? r.data.items : [];
	for (const x of items) {
		const b = el('button', { type: 'button', class: 'link' }, `${x.name} (${x.id})`);
		b.addEventListener('click', () => openRecruiter(x.id));
		const fs = x.flag_state || 'none';
		out.append(el('li', { class: 'card recruiter-item', 'data-recruiter': x.id }, b,
			x.country ? ` · ${x.country}` : '', ` · ${x.licensed ? t('licensed') : t('unlicensed')}`,
			x.licence && x.licence.number ? ` (${x.licence.number})` : '', ' ',
			fs === 'none' ? el('span', { class: 'hint' }, t('no_active_flag'))
				: [verdictBadge(fs === 'blacklist' ? 'blacklisted' : 'flagged'), ` ${t('active_flags').replace('{n}', x.active_flags ?? '?')}`]));
	}
	if (!out.children.length) out.append(el('li', { class: 'hint' }, t('none')));
	listCursor = r.data.next_cursor || null;
	$('#rl-more').hidden = !listCursor;
	say(t('recruiters_shown').replace('{n}', out.querySelectorAll('.recruiter-item').length));
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

// One statistics table ({total, cells, multi_valued}): a suppressed count
// reads "fewer than k" (docs/privacy.md: small cells are never shown).
function statsTable(name, tb, k) {
	const count = (c) => (c && c.suppressed
		? el('span', { class: 'suppressed' }, t('fewer_than').replace('{k}', k))
		: el('span', {}, c && c.count !== null && c.count !== undefined ? String(c.count) : '—'));
	// ISCO-08 major groups by their labels (the taxonomy lookup).
	const keyText = (key) => (/isco_major$/.test(name) && /^\d$/.test(key) ? [key, ' · ', conceptSpan(key, null, 'occupations')]
		: t('sk_' + key) !== 'sk_' + key ? t('sk_' + key) : String(key));
	const cells = Array.isArray(tb.cells) ? tb.cells : [];
	return el('div', { class: 'table-wrap stats-table', 'data-table': name }, el('table', {},
		el('caption', {}, t('st_' + name) !== 'st_' + name ? t('st_' + name) : name, tb.multi_valued ? el('span', { class: 'hint' }, ' ' + t('multi_valued')) : null),
		el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('key')), el('th', { scope: 'col' }, t('count')))),
		el('tbody', {}, cells.length ? cells.map((c) => el('tr', { 'data-suppressed': c.suppressed ? '1' : undefined },
			el('th', { scope: 'row' }, keyText(c.key), c.slots !== undefined ? el('span', { class: 'hint' }, ` (${t('slots')} ${c.slots}${c.closed ? ', ' + t('closed_word') : ''})`) : null),
			el('td', { class: 'num' }, count(c)))) : el('tr', {}, el('td', { colspan: '2', class: 'hint' },
			// A small table keyed by the values present lists none (their keys would tell).
			tb.total && tb.total.suppressed ? t('cells_hidden').replace('{k}', k) : t('none')))),
		tb.total ? el('tfoot', {}, el('tr', {}, el('th', { scope: 'row' }, t('total')), el('td', { class: 'num' }, count(tb.total)))) : null));
}

async function stats() {
	const out = clear($('#stats-view'));
	const q = new URLSearchParams();
	const m = $('#stats-months').value;
	if (m) q.set('months', m);
	const r = await api('GET', '/v1/stats?' + q);
	if (r.unavailable) { out.append(unavailableNote()); return; }
	if (!r.ok) { showError($('#stats-error'), r); return; }
	clear($('#stats-error'));
	const d = r.data;
	const k = d.min_cell ?? '?';
	out.append(el('p', { class: 'hint' }, t('stats_period').replace('{from}', d.from || '').replace('{to}', d.to || ''), ' ', t('stats_rule').replace('{k}', k)));
	for (const [group, tables] of Object.entries(d)) {
		if (!tables || typeof tables !== 'object' || Array.isArray(tables)) continue;
		const sec = el('section', { class: 'stats-group' }, el('h4', {}, t('sg_' + group) !== 'sg_' + group ? t('sg_' + group) : group));
		for (const [name, tb] of Object.entries(tables))
			if (tb && typeof tb === 'object' && 'cells' in tb) sec.append(statsTable(`${group}.${name}`, tb, k));
		if (sec.children.length > 1) out.append(sec);
	}
	say(t('stats_shown'));
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
	$('#rec-list-form').addEventListener('submit', (e) => { e.preventDefault(); listRecruiters(false); });
	$('#rl-more').addEventListener('click', () => listRecruiters(true));
	$('#flag-form').addEventListener('submit', flag);
	$('#audit-form').addEventListener('submit', (e) => { e.preventDefault(); audit(false); });
	$('#audit-more').addEventListener('click', () => audit(true));
	$('#stats-form').addEventListener('submit', (e) => { e.preventDefault(); stats(); });
}
