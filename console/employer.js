// employer.js - the employer's view: post, edit and close vacancies, with
// the recruiter check's answer shown before and after; candidate cards.
import { api } from './api.js';
import { t } from './i18n.js';
import { $, el, clear, say, showError, verdictBadge, fmtValue, conceptLabel, Combo, LangRows, unavailableNote } from './ui.js';

let occ, skills, langs;

function vacancyFromForm() {
	const v = { title: $('#v-title').value.trim() };
	const d = $('#v-description').value.trim();
	if (d) v.description = d;
	const o = occ.wire();
	if (o.length) v.occupation = o[0];
	v.skills = { essential: skills.wire(), optional: [] };
	v.languages = langs.wire();
	const c = $('#v-country').value.trim().toUpperCase();
	if (c) v.country = c;
	const city = $('#v-city').value.trim();
	if (city) v.city = city;
	const pos = $('#v-positions').value;
	if (pos !== '') v.positions = Number(pos);
	const until = $('#v-valid-until').value;
	if (until) v.valid_until = until;
	const min = $('#v-sal-min').value, max = $('#v-sal-max').value, cur = $('#v-sal-cur').value.trim().toUpperCase();
	if (min !== '' || max !== '' || cur) {
		v.salary = { period: $('#v-sal-period').value };
		if (min !== '') v.salary.min = Number(min);
		if (max !== '') v.salary.max = Number(max);
		if (cur) v.salary.currency = cur;
	}
	const rec = recruiterFromForm();
	if (rec) v.recruiter = rec;
	const q = $('#v-quota').value.trim();
	if (q) v.quota_id = q;
	v.worker_fees = 0;
	return v;
}

function recruiterFromForm() {
	const name = $('#v-rec-name').value.trim();
	if (!name) return null;
	const r = { name };
	const lic = $('#v-rec-licence').value.trim();
	if (lic) r.licence = lic;
	const c = $('#v-rec-country').value.trim().toUpperCase();
	if (c) r.country = c;
	return r;
}

function flagItems(fl) {
	return el('ul', { class: 'flags' }, fl.map((f) => el('li', {}, verdictBadge(f.severity === 'blacklist' ? 'blacklisted' : 'flagged'), ' ',
		t('rs_' + f.reason) !== 'rs_' + f.reason ? t('rs_' + f.reason) : (f.reason || ''), f.id ? ` (${f.id})` : '')));
}

// Why a name matched, in words: the licence, or the name's parts.
function matchWhy(m) {
	const x = m.explanation || {};
	const bits = [];
	if (x.licence) bits.push(t('why_licence'));
	const n = x.name;
	if (n && typeof n === 'object') {
		if (n.exact_key === 'name') bits.push(t('why_exact_name'));
		else if (n.exact_key === 'core') bits.push(t('why_core_name'));
		const np = n.name_parts || {};
		if (Array.isArray(np.matched) && np.matched.length)
			bits.push(t('why_parts') + ' ' + np.matched.map((p) => (p.query === p.registered ? p.query : `${p.query} ≈ ${p.registered}`)).join(', '));
		if (Array.isArray(np.query_only) && np.query_only.length) bits.push(t('why_query_only') + ' ' + np.query_only.join(', '));
		if (Array.isArray(np.registered_only) && np.registered_only.length) bits.push(t('why_registered_only') + ' ' + np.registered_only.join(', '));
		if (n.confusable_form) bits.push(t('why_confusable'));
	}
	return bits.join('; ');
}

// The recruiter check's answer (verdict, matches and why, possible matches
// for a person to review, flags, a mixed-script name, a conflict) as a
// block. opts.exclude(m, name) adds "not this recruiter" (regulators).
export function checkBlock(d, title, opts = {}) {
	const box = el('div', { class: 'check-answer', 'data-verdict': d.verdict || 'unknown' });
	box.append(el('p', {}, title ? el('strong', {}, title + ' ') : null, t('verdict'), ' ', verdictBadge(d.verdict)));
	if (d.conflict && typeof d.conflict === 'object')
		box.append(el('p', { class: 'warn conflict' }, d.conflict.name
			? t('conflict_two').replace('{l}', d.conflict.licence).replace('{n}', d.conflict.name)
			: t('conflict_nobody').replace('{l}', d.conflict.licence)));
	if (Array.isArray(d.suspicious) && d.suspicious.includes('mixed_script'))
		box.append(el('p', { class: 'warn suspicious' }, t('suspicious_mixed_script')));
	if (typeof d.name_part === 'string')
		box.append(el('p', { class: 'warn name-part' }, t('name_part_decided'), ' ', el('strong', {}, d.name_part)));
	if (d.normalised) box.append(el('p', { class: 'hint' }, t('compared_as'), ' ', el('code', {}, d.normalised)));
	const item = (m, possible) => el('li', { 'data-recruiter': m.id },
		el('strong', {}, m.name || ''), ` (${m.id}) — `,
		m.matched_on ? `${t('matched_on')} ${t('on_' + m.matched_on) !== 'on_' + m.matched_on ? t('on_' + m.matched_on) : m.matched_on}, ` : '',
		`${t('similarity')} ${typeof m.score === 'number' ? Math.round(m.score * 100) + ' %' : '—'}`,
		matchWhy(m) ? el('span', { class: 'hint' }, ' · ' + matchWhy(m)) : null,
		possible && Array.isArray(m.flags) && m.flags.length ? flagItems(m.flags) : null,
		opts.exclude && opts.name && m.matched_on !== 'licence' ? opts.exclude(m, opts.name) : null);
	const ms = Array.isArray(d.matches) ? d.matches : [];
	if (ms.length) box.append(el('ul', { class: 'matches' }, ms.map((m) => item(m, false))));
	const pm = Array.isArray(d.possible_matches) ? d.possible_matches : [];
	if (pm.length) {
		box.append(el('p', { class: 'possible-h' }, t('possible_matches')));
		box.append(el('ul', { class: 'possible' }, pm.map((m) => item(m, true))));
	}
	const fl = Array.isArray(d.flags) ? d.flags : [];
	if (fl.length) box.append(flagItems(fl));
	const held = heldNote(d);
	if (held) box.append(held);
	return box;
}

// A vacancy's verdict that holds it for review (docs/api.md): why
// counsellors do not see it yet.
function heldNote(verdict) {
	const h = verdict && verdict.held_for_review;
	if (!h || typeof h !== 'object') return null;
	return el('p', { class: 'warn held' }, t('held_note').replace('{id}', h.recruiter || '')
		.replace('{score}', typeof h.score === 'number' ? Math.round(h.score * 100) + ' %' : '—'));
}

function setEditing(v) {
	$('#v-id').value = v ? v.id : '';
	$('#v-editing').hidden = !v;
	$('#v-editing').textContent = v ? t('editing').replace('{id}', v.id) : '';
	$('#v-submit').textContent = v ? t('save_vacancy') : t('post_vacancy');
	$('#v-submit').dataset.i18n = v ? 'save_vacancy' : 'post_vacancy';
	$('#v-new').hidden = !v;
}

function fillForm(v) {
	$('#v-title').value = v.title || '';
	$('#v-description').value = v.description || '';
	// Labels from the answer's `concepts` (in the interface language).
	const cc = v.concepts || {};
	const o = v.occupation;
	occ.set(o ? [{ uri: o, label: (cc.occupation && cc.occupation.label) || conceptLabel(o) }] : []);
	const ess = (v.skills && v.skills.essential) || [];
	const essC = (cc.skills && Array.isArray(cc.skills.essential)) ? cc.skills.essential : [];
	skills.set(ess.map((s, i) => (String(s).startsWith('http') ? { uri: s, label: (essC[i] && essC[i].label) || conceptLabel(s) } : { text: s, label: s })));
	langs.set(v.languages || []);
	$('#v-country').value = v.country || '';
	$('#v-city').value = v.city || '';
	$('#v-positions').value = v.positions ?? 1;
	$('#v-valid-until').value = v.valid_until || '';
	const s = v.salary || {};
	$('#v-sal-min').value = s.min ?? '';
	$('#v-sal-max').value = s.max ?? '';
	$('#v-sal-cur').value = s.currency || '';
	$('#v-sal-period').value = s.period || 'month';
	const r = v.recruiter || {};
	$('#v-rec-name').value = r.name || '';
	$('#v-rec-licence').value = r.licence || '';
	$('#v-rec-country').value = r.country || '';
	$('#v-quota').value = v.quota_id || '';
	setEditing(v);
}

function candidatesBlock(d) {
	const items = Array.isArray(d.items) ? d.items : [];
	if (!items.length) return el('p', { class: 'hint' }, t('no_candidates'));
	return el('ul', { class: 'cards' }, items.map((c) => el('li', { class: 'card candidate' },
		el('p', {}, el('strong', {}, c.profile || ''), ` · ${t('score')} ${fmtValue(c.score)}`),
		el('p', {}, t('x_matched'), ' ', (c.matched_skills || []).map(conceptLabel).join(', ') || t('none')),
		el('p', {}, t('x_missing'), ' ', (c.missing_essential || []).map(conceptLabel).join(', ') || t('none')),
		el('p', {}, t('languages'), ' ', (c.languages || []).map((l) => `${l.code} ${l.level}`).join(', ')))));
}

function vacancyItem(v) {
	const err = el('div', { class: 'error', role: 'alert' });
	const extra = el('div', { 'aria-live': 'polite' });
	const verdict = v.recruiter_verdict;
	const li = el('li', { class: 'card vacancy', 'data-vacancy': v.id },
		el('h4', {}, v.title || v.id),
		v.concepts && v.concepts.occupation ? el('p', { class: 'meta' }, v.concepts.occupation.label || v.occupation, v.concepts.occupation.isco ? ` (${t('isco')} ${v.concepts.occupation.isco})` : '') : null,
		el('p', { class: 'meta' }, [v.city, v.country].filter(Boolean).join(', '), ` · ${v.id} · `, t('status_' + v.status) !== 'status_' + v.status ? t('status_' + v.status) : (v.status || '')),
		v.recruiter ? el('p', {}, t('recruiter'), ' ', v.recruiter.name, ' ', verdict ? verdictBadge(verdict.verdict) : null) : el('p', {}, t('direct_hire')),
		heldNote(verdict));
	const edit = el('button', { type: 'button' }, t('edit'));
	edit.addEventListener('click', async () => {
		const r = await api('GET', `/v1/vacancies/${encodeURIComponent(v.id)}`);
		if (!r.ok) { showError(err, r); return; }
		fillForm(r.data);
		$('#v-title').focus();
	});
	const close = el('button', { type: 'button', class: 'danger' }, t('close_vacancy'));
	close.addEventListener('click', async () => {
		if (!window.confirm(t('close_confirm').replace('{id}', v.id))) return;
		const r = await api('DELETE', `/v1/vacancies/${encodeURIComponent(v.id)}`);
		if (!r.ok) { showError(err, r); return; }
		say(t('closed').replace('{id}', v.id));
		refresh();
	});
	const cands = el('button', { type: 'button' }, t('candidates'));
	cands.addEventListener('click', async () => {
		const r = await api('GET', `/v1/vacancies/${encodeURIComponent(v.id)}/candidates?limit=20`);
		clear(extra);
		if (!r.ok) { showError(err, r); return; }
		clear(err);
		extra.append(el('h5', {}, t('candidates')), candidatesBlock(r.data));
	});
	li.append(el('div', { class: 'actions' }, v.status === 'closed' ? null : edit, v.status === 'closed' ? null : close, cands), err, extra);
	return li;
}

// The organisation's open vacancies (the search without q), in the order
// chosen, 20 at a time with "More" (the signed cursor).
let listCursor = null;
async function refresh(more) {
	const list = $('#vacancy-list');
	if (more !== true) { clear(list); listCursor = null; }
	const q = new URLSearchParams({ limit: '20', sort: $('#v-sort').value });
	if (more === true && listCursor) q.set('cursor', listCursor);
	const r = await api('GET', '/v1/vacancies?' + q);
	if (!r.ok) {
		if (r.status === 403) return; // a role that cannot list (never an employer)
		showError($('#vacancy-list-error'), r);
		return;
	}
	clear($('#vacancy-list-error'));
	const items = Array.isArray(r.data.items) ? r.data.items : [];
	items.forEach((v) => list.append(vacancyItem(v)));
	if (!list.children.length) list.append(el('li', { class: 'hint' }, t('no_vacancies')));
	listCursor = items.length ? r.data.next_cursor || null : null;
	$('#v-more').hidden = !listCursor;
}

// POST /v1/vacancies/import: the report of every item (stored, valid in a
// dry run, rejected with the reason and the fields at fault).
async function importVacancies(e) {
	e.preventDefault();
	const err = $('#import-error');
	const out = clear($('#import-result'));
	clear(err);
	let body;
	try {
		body = JSON.parse($('#import-body').value);
	} catch (x) {
		err.append(el('p', { class: 'error-summary' }, t('import_not_json')), el('p', {}, String(x.message || x)));
		$('#import-body').focus();
		return;
	}
	const q = new URLSearchParams();
	const dry = $('#import-dry').checked;
	if (dry) q.set('dry_run', 'true');
	q.set('hiring_organization', $('#import-hiring').value);
	const c = $('#import-country').value.trim().toUpperCase();
	if (c) q.set('country', c);
	const r = await api('POST', '/v1/vacancies/import?' + q, body);
	if (!r.ok) { showError(err, r); return; }
	const d = r.data;
	out.append(el('p', { class: d.rejected ? 'warn' : 'ok', id: 'import-summary' },
		(d.dry_run ? t('import_dry_summary') : t('import_summary')).replace('{r}', d.received).replace('{s}', d.stored).replace('{x}', d.rejected)));
	const items = Array.isArray(d.items) ? d.items : [];
	out.append(el('ol', { class: 'import-items', start: '0' }, items.map((it) => el('li', { 'data-status': it.status },
		el('strong', {}, t('is_' + it.status) !== 'is_' + it.status ? t('is_' + it.status) : it.status), it.id ? ` ${it.id}` : '',
		it.status === 'rejected' ? [t('colon'), it.problem === 'rule' ? t('err_422') : t('err_400'),
			it.detail && !(Array.isArray(it.errors) && it.errors.length) ? ` ${it.detail}` : '',
			Array.isArray(it.errors) && it.errors.length ? el('ul', {}, it.errors.map((x) => el('li', {}, (x.field ? x.field + ': ' : '') + (x.message || x.code || '')))) : null] : null))));
	say((d.dry_run ? t('import_dry_summary') : t('import_summary')).replace('{r}', d.received).replace('{s}', d.stored).replace('{x}', d.rejected));
	if (!dry && d.stored) refresh();
}

export function initEmployer() {
	occ = new Combo($('#employer .combo[data-kind=occupations]'), $('#v-typing-lang'));
	skills = new Combo($('#employer .combo[data-kind=skills]'), $('#v-typing-lang'));
	langs = new LangRows($('#v-langs'));
	// One empty row: a vacancy asks for a language only when the employer
	// types it (a pre-filled "en B1" was required of every candidate).
	langs.add();
	$('#v-check').addEventListener('click', async () => {
		const rec = recruiterFromForm();
		const out = clear($('#v-check-result'));
		if (!rec) { out.append(el('p', { class: 'hint' }, t('direct_hire'))); return; }
		const q = new URLSearchParams(rec);
		const r = await api('GET', '/v1/recruiters/check?' + q);
		if (!r.ok) { showError(out, r); return; }
		out.append(checkBlock(r.data));
	});
	$('#vacancy-form').addEventListener('submit', async (e) => {
		e.preventDefault();
		const box = $('#vacancy-error');
		const id = $('#v-id').value;
		const body = vacancyFromForm();
		// PATCH is a JSON merge patch: a field emptied in the form is sent
		// as null, so it is removed rather than kept.
		if (id)
			for (const k of ['description', 'city', 'salary', 'recruiter', 'quota_id'])
				if (!(k in body)) body[k] = null;
		const r = id ? await api('PATCH', `/v1/vacancies/${encodeURIComponent(id)}`, body)
			: await api('POST', '/v1/vacancies', body);
		if (!r.ok) { showError(box, r); $('#vacancy-error').focus?.(); say(t('vacancy_refused')); return; }
		clear(box);
		const out = clear($('#v-check-result'));
		if (r.data.recruiter_verdict) out.append(checkBlock(r.data.recruiter_verdict, t('recruiter_check_answer')));
		say((id ? t('vacancy_saved') : t('vacancy_posted')).replace('{id}', r.data.id || id));
		setEditing(null);
		refresh();
	});
	$('#v-new').addEventListener('click', () => { setEditing(null); $('#vacancy-form').reset(); occ.reset(); skills.reset(); langs.set([]); langs.add(); });
	$('#v-refresh').addEventListener('click', () => refresh(false));
	$('#v-sort').addEventListener('change', () => refresh(false));
	$('#v-more').addEventListener('click', () => refresh(true));
	$('#import-form').addEventListener('submit', importVacancies);
}

export function showEmployer() {
	refresh();
}

export { unavailableNote };
