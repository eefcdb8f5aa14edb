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

// The recruiter check's answer (verdict, matches, flags) as a block.
export function checkBlock(d, title) {
	const box = el('div', { class: 'check-answer', 'data-verdict': d.verdict || 'unknown' });
	box.append(el('p', {}, title ? el('strong', {}, title + ' ') : null, t('verdict'), ' ', verdictBadge(d.verdict)));
	const ms = Array.isArray(d.matches) ? d.matches : [];
	if (ms.length)
		box.append(el('ul', {}, ms.map((m) => el('li', {}, `${m.name} (${m.id}) — ${t('matched_on')} ${m.matched_on || ''}, ${fmtValue(m.score)}`))));
	const pm = Array.isArray(d.possible_matches) ? d.possible_matches : [];
	if (pm.length) {
		box.append(el('p', {}, t('possible_matches')));
		box.append(el('ul', {}, pm.map((m) => el('li', {}, `${m.name} (${m.id}) — ${fmtValue(m.score)}`))));
	}
	const fl = Array.isArray(d.flags) ? d.flags : [];
	if (fl.length)
		box.append(el('ul', { class: 'flags' }, fl.map((f) => el('li', {}, verdictBadge(f.severity === 'blacklist' ? 'blacklisted' : 'flagged'), ' ',
			t('rs_' + f.reason) !== 'rs_' + f.reason ? t('rs_' + f.reason) : (f.reason || ''), f.id ? ` (${f.id})` : ''))));
	return box;
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
	const o = v.occupation;
	occ.set(o ? [typeof o === 'object' ? { uri: o.uri || o.isco, label: o.label } : { uri: o, label: v.occupation_label || conceptLabel(o) }] : []);
	const ess = (v.skills && v.skills.essential) || [];
	skills.set(ess.map((s) => (typeof s === 'object' ? { uri: s.uri, label: s.label } : { uri: s, label: conceptLabel(s) })));
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
		el('p', { class: 'meta' }, [v.city, v.country].filter(Boolean).join(', '), ` · ${v.id} · `, t('status_' + v.status) !== 'status_' + v.status ? t('status_' + v.status) : (v.status || '')),
		v.recruiter ? el('p', {}, t('recruiter'), ' ', v.recruiter.name, ' ', verdict ? verdictBadge(verdict.verdict) : null) : el('p', {}, t('direct_hire')));
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

async function refresh() {
	const list = clear($('#vacancy-list'));
	const r = await api('GET', '/v1/vacancies?limit=50');
	if (!r.ok) {
		if (r.status === 403) return; // a role that cannot list (never an employer)
		showError($('#vacancy-list-error'), r);
		return;
	}
	clear($('#vacancy-list-error'));
	const items = Array.isArray(r.data.items) ? r.data.items : [];
	if (!items.length) list.append(el('li', { class: 'hint' }, t('no_vacancies')));
	items.forEach((v) => list.append(vacancyItem(v)));
}

export function initEmployer() {
	occ = new Combo($('#employer .combo[data-kind=occupations]'), $('#v-typing-lang'));
	skills = new Combo($('#employer .combo[data-kind=skills]'), $('#v-typing-lang'));
	langs = new LangRows($('#v-langs'));
	langs.add('en', 'B1');
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
	$('#v-new').addEventListener('click', () => { setEditing(null); $('#vacancy-form').reset(); occ.reset(); skills.reset(); langs.set([{ code: 'en', level: 'B1' }]); });
	$('#v-refresh').addEventListener('click', refresh);
}

export function showEmployer() {
	refresh();
}

export { unavailableNote };
