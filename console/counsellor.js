// counsellor.js - the counsellor's view: a person's profile typed with
// typeahead, a walk-in match (stores nothing) or a stored profile (with
// consent), the explained results, placement on a quota, erasure.
import { api, unknownField } from './api.js';
import { t, getLang } from './i18n.js';
import { $, el, clear, say, showError, verdictBadge, fmtValue, conceptLabel, Combo, LangRows, countries, unavailableNote } from './ui.js';
import { conceptSpan, kindOf } from './labels.js';

let occ, skills, langs;
let profileId = null;

function profileFromForm() {
	const p = {};
	const o = occ.wire();
	if (o.length) p.occupations = o;
	const s = skills.wire();
	if (s.length) p.skills = s;
	const l = langs.wire();
	if (l.length) p.languages = l;
	const cit = $('#p-citizenship').value.trim().toUpperCase();
	if (cit) p.citizenship = cit;
	const dc = countries($('#p-countries').value);
	if (dc.length) p.desired_countries = dc;
	const xp = $('#p-experience').value;
	if (xp !== '') p.experience_years = Number(xp);
	const av = $('#p-available').value;
	if (av) p.available_from = av;
	return p;
}

function consentFromForm() {
	return { matching: $('#p-consent-matching').checked, show_to_employers: $('#p-consent-employers').checked };
}

// POST /v1/match, with the interface language for labels (an older server
// that does not know "lang" in the body gets the request again without it).
async function match(body) {
	const box = body.profile_id ? $('#stored-error') : $('#profile-error');
	const results = $('#results');
	results.setAttribute('aria-busy', 'true');
	body.limit = 20;
	body.include_flagged = $('#p-include-flagged').checked;
	if ($('#p-explore').checked) body.explore = true;
	let r = await api('POST', '/v1/match', { ...body, lang: getLang() });
	if (unknownField(r, 'lang')) r = await api('POST', '/v1/match', body);
	results.setAttribute('aria-busy', 'false');
	if (!r.ok) {
		showError(box, r);
		// A stored profile without consent to matching (409): say so first.
		if (r.status === 409 && body.profile_id) box.prepend(el('p', { class: 'error-summary' }, t('no_match_consent')));
		say(t('match_failed'));
		return;
	}
	clear(box);
	renderResults(r.data);
	$('#results-h').focus();
}

function renderNormalised(list) {
	const box = clear($('#normalised'));
	if (!Array.isArray(list) || !list.length) return;
	box.append(el('h4', {}, t('normalised')));
	box.append(el('ul', { class: 'normalised' }, list.map((n) => {
		const kind = n.concept ? kindOf(n.concept) : null;
		return el('li', { 'data-input': n.input },
			`“${n.input}” → `, el('strong', {}, n.concept ? conceptSpan(n.concept, n.label, kind) : t(n.searched === false ? 'not_searched' : 'kept_as_text')),
			kind ? ` (${t(kind === 'occupations' ? 'kind_occupation' : 'kind_skill')}` + (typeof n.score === 'number' ? `, ${t('confidence')} ${Math.round(n.score * 100)} %)` : ')') : '',
			typeof n.experience_years === 'number' ? ` · ${t('years_counted').replace('{n}', n.experience_years)}` : '');
	})));
}

const PARTS = ['occupation', 'essential_skills', 'optional_skills', 'skills_used', 'experience', 'country', 'availability', 'languages'];
const pct = (v) => (typeof v === 'number' ? Math.round(v * 100) + '\u00a0%' : '—');
const num = (v) => (typeof v === 'number' ? v.toFixed(3) : '—');

// What a part counted, in words (the fields beside value and contribution).
function partDetail(part, x) {
	if (part === 'experience' && typeof x.years === 'number') return t('years_counted').replace('{n}', x.years);
	if (part === 'country' && x.country) return `${x.country}: ${x.desired ? t('country_desired') : t('country_not_desired')}`;
	return Object.entries(x).filter(([k]) => !['value', 'contribution'].includes(k)).map(([k, v]) => `${k}: ${fmtValue(v)}`).join('; ');
}

// The explanation's breakdown (docs/api.md "Matching"): each part's value
// and contribution, the tier's base, and their sum, the score.
function breakdownTable(b, score, open) {
	if (!b || typeof b !== 'object') return null;
	const keys = [...PARTS.filter((k) => b[k]), ...Object.keys(b).filter((k) => !PARTS.includes(k) && k !== 'base')];
	const rows = keys.map((k) => {
		const x = b[k] && typeof b[k] === 'object' ? b[k] : { contribution: b[k] };
		return el('tr', { 'data-part': k },
			el('th', { scope: 'row' }, t('part_' + k) !== 'part_' + k ? t('part_' + k) : k),
			el('td', { class: 'num' }, pct(x.value)), el('td', { class: 'num' }, num(x.contribution)),
			el('td', {}, partDetail(k, x)));
	});
	if (b.base) rows.push(el('tr', { 'data-part': 'base' }, el('th', { scope: 'row' }, t('part_base')), el('td', {}, ''),
		el('td', { class: 'num' }, num(b.base.contribution)), el('td', {}, t('tier_' + b.base.tier) !== 'tier_' + b.base.tier ? t('tier_' + b.base.tier) : String(b.base.tier || ''))));
	if (!rows.length) return null;
	// Open on the first results; folded further down, so twenty results
	// stay readable (a summary opens it, from the keyboard too).
	return el('details', { class: 'breakdown-box', open: open ? true : undefined }, el('summary', {}, t('breakdown')), el('div', { class: 'table-wrap' }, el('table', { class: 'breakdown' },
		el('thead', {}, el('tr', {}, ['part', 'value', 'contribution', 'detail'].map((k) => el('th', { scope: 'col' }, t(k))))),
		el('tbody', {}, rows),
		typeof score === 'number' ? el('tfoot', {}, el('tr', {}, el('th', { scope: 'row' }, t('score')), el('td', {}, ''), el('td', { class: 'num' }, score.toFixed(4)), el('td', {}, ''))) : null)));
}

// The occupation relation in words: "the same minor group as the
// occupation stated: welder (ISCO 7212)".
function relationText(r, fallback) {
	if (!r || typeof r !== 'object') return t('occ_' + (fallback || 'none'));
	const grade = r.grade || 'none';
	const parts = [t('rel_' + grade) !== 'rel_' + grade ? t('rel_' + grade) : grade];
	if (grade !== 'none') {
		parts.push(' ', r.basis === 'inferred' ? t('basis_inferred') : t('basis_stated'));
		if (r.basis === 'inferred' && typeof r.likelihood === 'number') parts.push(` (${t('likelihood')} ${Math.round(r.likelihood * 100)} %)`);
	}
	const o = r.occupation;
	if (o && (o.uri || o.isco)) parts.push(t('colon'), conceptSpan(o.uri || o.isco, o.label, 'occupations'), o.isco ? ` (${t('isco')} ${o.isco})` : '');
	return el('span', { class: 'relation', 'data-grade': grade }, ...parts);
}

function flagList(flags) {
	if (!Array.isArray(flags) || !flags.length) return null;
	return el('ul', { class: 'flags' }, flags.map((f) => el('li', {},
		verdictBadge(f.severity === 'blacklist' ? 'blacklisted' : 'flagged'), ' ',
		t('rs_' + f.reason) !== 'rs_' + f.reason ? t('rs_' + f.reason) : (f.reason || ''),
		f.id ? ` (${f.id})` : '')));
}

function vacancyCard(item, i) {
	const v = item.vacancy || {};
	const x = item.explanation || {};
	const where = [v.city, v.country].filter(Boolean).join(', ');
	const dl = el('dl', { class: 'explain' });
	const add = (key, ...dd) => dl.append(el('dt', {}, t(key)), el('dd', {}, ...dd));
	add('x_occupation', relationText(x.occupation_relation, x.occupation));
	const ms = Array.isArray(x.matched_skills) ? x.matched_skills : [];
	add('x_matched', ms.length ? el('ul', {}, ms.map((s) => el('li', {}, s.uri ? conceptSpan(s.uri, s.label, 'skills') : (s.label || ''), s.essential ? el('span', { class: 'tag' }, ' ' + t('essential')) : null))) : t('none'));
	const me = Array.isArray(x.missing_essential) ? x.missing_essential : [];
	add('x_missing', me.length ? el('ul', {}, me.map((s) => el('li', {}, s.uri ? conceptSpan(s.uri, s.label, 'skills') : (s.label || '')))) : t('none'));
	const lg = x.languages || {};
	add('x_languages', lg.met === false
		? el('span', { class: 'warn' }, t('lang_gaps'), ' ', (Array.isArray(lg.gaps) ? lg.gaps : []).map((g) => (typeof g === 'object' && g
			? `${g.code || ''} (${t('required')} ${g.required || g.level || '?'}, ${g.have ? t('have') + ' ' + g.have : t('lang_none')})`
			: String(g))).join('; '))
		: t('lang_met'));
	const rec = item.recruiter;
	add('x_recruiter', rec ? [rec.name || '', ' ', verdictBadge(rec.verdict), flagList(rec.flags || item.flags)] : t('direct_hire'));
	const bd = x.breakdown ? breakdownTable(x.breakdown, item.score, i < 3) : null;
	const explore = item.explore === true;
	return el('li', { class: 'card result' + (explore ? ' explore' : ''), 'data-vacancy': v.id || '', 'data-explore': explore ? '1' : undefined },
		el('h4', {}, `${i + 1}. ${v.title || v.id || ''}`),
		explore ? el('p', { class: 'badge explore-badge' }, t('explore_mark')) : null,
		// the answer's own label (in the language asked), not the URI's tail while a lookup runs
		el('p', { class: 'meta' }, where, v.occupation ? [' · ', conceptSpan(v.occupation, (v.concepts && v.concepts.occupation && v.concepts.occupation.label) || null, 'occupations')] : null, v.id ? el('span', { class: 'id' }, ` · ${v.id}`) : null),
		el('p', { class: 'score' }, t('score'), ' ', el('strong', {}, typeof item.score === 'number' ? item.score.toFixed(2) : '—'),
			typeof item.score === 'number' ? el('meter', { min: 0, max: 1, value: item.score, 'aria-hidden': 'true' }) : null),
		dl, bd);
}

// An eligibility reason: a code (or {code, message}) in the interface's words.
function reasonText(r) {
	const code = typeof r === 'object' && r ? r.code : String(r);
	if (t('why_' + code) !== 'why_' + code) return t('why_' + code);
	return typeof r === 'object' && r ? (r.message || r.code || fmtValue(r)) : String(r);
}

function quotaCard(q) {
	const quota = q.quota || {};
	const li = el('li', { class: 'card quota', 'data-quota': quota.id || '' },
		el('h5', {}, quota.agreement || quota.id || ''),
		el('p', { class: 'meta' }, `${quota.destination_country || ''} · `, quota.occupation ? conceptSpan(quota.occupation, null, 'occupations') : '', ` · ${quota.id || ''}`),
		el('p', {}, q.eligible ? el('span', { class: 'badge ok' }, t('eligible')) : el('span', { class: 'badge no' }, t('not_eligible')),
			' ', t('slots_left'), ' ', el('strong', { class: 'slots' }, fmtValue(q.slots_remaining))),
		Array.isArray(q.reasons) && q.reasons.length
			? el('ul', {}, q.reasons.map((r) => el('li', {}, reasonText(r)))) : null);
	const err = el('div', { class: 'error', role: 'alert' });
	if (q.eligible) {
		if (profileId) {
			const b = el('button', { type: 'button' }, t('place'));
			b.addEventListener('click', async () => {
				const r = await api('POST', `/v1/quotas/${encodeURIComponent(quota.id)}/placements`, { profile_id: profileId });
				if (!r.ok) { showError(err, r); return; }
				clear(err);
				b.replaceWith(el('p', { class: 'ok' }, t('placed'), ' ', r.data.id || ''));
				if (typeof r.data.slots_remaining === 'number') li.querySelector('.slots').textContent = String(r.data.slots_remaining);
				say(t('placed') + ' ' + (r.data.id || ''));
			});
			li.append(b);
		} else {
			li.append(el('p', { class: 'hint' }, t('place_needs_profile')));
		}
	}
	li.append(err);
	return li;
}

function renderResults(d) {
	const list = clear($('#match-list'));
	const quotas = clear($('#quota-list'));
	renderNormalised(d.normalised);
	const vs = Array.isArray(d.vacancies) ? d.vacancies : [];
	vs.forEach((item, i) => list.append(vacancyCard(item, i)));
	const qs = Array.isArray(d.quotas) ? d.quotas : [];
	qs.forEach((q) => quotas.append(quotaCard(q)));
	if (!qs.length) quotas.append(el('li', { class: 'hint' }, t('no_quotas')));
	// Nothing relevant: say why and what helps, rather than a bare "none".
	$('#results-empty').textContent = vs.length ? '' : t($('#p-explore').checked ? 'no_results' : 'no_results_floor');
	// Facets (where the matches are): a line per facet the server answers.
	const f = d.facets && typeof d.facets === 'object' ? d.facets : null;
	const fbox = $('#facets');
	clear(fbox);
	for (const key of ['country', 'isco_major']) {
		if (!f || !Array.isArray(f[key]) || !f[key].length) continue;
		fbox.append(el('p', { class: 'hint' }, t('facet_' + key), ' ', f[key].map((x) => `${x.value} (${x.count})`).join(', ')));
	}
	say(t('results_count').replace('{n}', vs.length).replace('{q}', qs.length));
}

function setProfileId(id) {
	profileId = id || null;
	$('#stored-id').value = id || '';
}

function fillForm(p) {
	const concept = (c) => (typeof c === 'object' && c ? { uri: c.uri || c.isco, label: c.label } : (String(c).startsWith('http') || /^\d{1,4}$/.test(c) ? { uri: c, label: conceptLabel(c) } : { text: c, label: c }));
	// Labels from the answer's `concepts` (in the interface language).
	const cc = p.concepts || {};
	const withLabel = (list, labels) => list.map((c, i) => {
		const v = concept(c);
		const l = Array.isArray(labels) && labels[i] && labels[i].label;
		return l && v.uri ? { ...v, label: l } : v;
	});
	occ.set(withLabel(p.occupations || [], cc.occupations));
	skills.set(withLabel(p.skills || [], cc.skills));
	langs.set(p.languages || []);
	$('#p-citizenship').value = p.citizenship || '';
	$('#p-countries').value = (p.desired_countries || []).join(', ');
	$('#p-experience').value = p.experience_years ?? '';
	$('#p-available').value = p.available_from || '';
	$('#p-consent-matching').checked = !!(p.consent && p.consent.matching);
	$('#p-consent-employers').checked = !!(p.consent && p.consent.show_to_employers);
}

export function initCounsellor() {
	occ = new Combo($('#counsellor .combo[data-kind=occupations]'), $('#typing-lang'));
	skills = new Combo($('#counsellor .combo[data-kind=skills]'), $('#typing-lang'));
	langs = new LangRows($('#p-langs'));
	// One empty row: a language is claimed only when the counsellor types
	// it (a pre-filled "en B1" matched people as English speakers).
	langs.add();

	$('#profile-form').addEventListener('submit', (e) => {
		e.preventDefault();
		match({ profile: profileFromForm() });
	});
	$('#store-profile').addEventListener('click', async () => {
		const box = $('#profile-error');
		const consent = consentFromForm();
		if (!consent.matching && !consent.show_to_employers) {
			showError(box, { ok: false, status: 'consent', problem: { detail: t('consent_needed') } });
			$('#p-consent-matching').focus();
			return;
		}
		const r = await api('POST', '/v1/profiles', { ...profileFromForm(), consent });
		if (!r.ok) { showError(box, r); return; }
		clear(box);
		setProfileId(r.data.id);
		say(t('stored_as') + ' ' + r.data.id);
		$('#stored-id').focus();
	});
	$('#stored-form').addEventListener('submit', (e) => {
		e.preventDefault();
		const id = $('#stored-id').value.trim();
		if (!id) { $('#stored-id').focus(); return; }
		setProfileId(id);
		match({ profile_id: id });
	});
	$('#load-profile').addEventListener('click', async () => {
		const id = $('#stored-id').value.trim();
		if (!id) { $('#stored-id').focus(); return; }
		const r = await api('GET', `/v1/profiles/${encodeURIComponent(id)}`);
		if (!r.ok) { showError($('#stored-error'), r); return; }
		clear($('#stored-error'));
		setProfileId(id);
		fillForm(r.data);
		say(t('loaded'));
	});
	$('#update-profile').addEventListener('click', async () => {
		const id = $('#stored-id').value.trim();
		if (!id) { $('#stored-id').focus(); return; }
		const body = { ...profileFromForm(), consent: consentFromForm() };
		// A merge patch: what the form leaves empty is removed.
		for (const k of ['experience_years', 'available_from'])
			if (!(k in body)) body[k] = null;
		const r = await api('PATCH', `/v1/profiles/${encodeURIComponent(id)}`, body);
		if (!r.ok) { showError($('#stored-error'), r); return; }
		clear($('#stored-error'));
		say(t('saved'));
	});
	$('#erase-profile').addEventListener('click', async () => {
		const id = $('#stored-id').value.trim();
		if (!id) { $('#stored-id').focus(); return; }
		if (!window.confirm(t('erase_confirm').replace('{id}', id))) return;
		const r = await api('DELETE', `/v1/profiles/${encodeURIComponent(id)}`);
		if (!r.ok) { showError($('#stored-error'), r); return; }
		clear($('#stored-error'));
		setProfileId(null);
		say(t('erased').replace('{id}', id));
	});
}

export function resetCounsellor() {
	if (!occ) return;
	occ.reset();
	skills.reset();
	setProfileId(null);
	clear($('#match-list'));
	clear($('#quota-list'));
	clear($('#normalised'));
}

export { unavailableNote };
