// api.js - the console's calls to the fairmatch API (same origin, so no
// CORS), and the plain-words text of every refusal it answers
// (application/problem+json: title, detail, errors).
import { t } from './i18n.js';

let token = null;
let uiLang = 'en';

export function setToken(value) { token = value; }
export function setApiLang(lang) { uiLang = lang; }

// One request. Resolves (never rejects) to {ok, status, data} or
// {ok:false, status, problem, unavailable}. `unavailable` is true when the
// server has no such route (an older or smaller server): the caller says
// "not available on this server" instead of failing.
export async function api(method, path, body) {
	const headers = { Accept: 'application/json', 'Accept-Language': uiLang };
	if (token) headers.Authorization = 'Bearer ' + token;
	const init = { method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error' };
	if (body !== undefined) {
		headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(body);
	}
	let res;
	try {
		res = await fetch(path, init);
	} catch (e) {
		return { ok: false, status: 0, problem: { title: t('err_network'), detail: t('err_network_detail') } };
	}
	let data = null;
	const ct = res.headers.get('Content-Type') || '';
	try {
		if (ct.includes('json')) data = await res.json();
		else data = await res.text();
	} catch (e) {
		data = null;
	}
	if (res.ok) return { ok: true, status: res.status, data };
	const problem = data && typeof data === 'object' ? data
		: { title: res.statusText || String(res.status), detail: typeof data === 'string' ? data.slice(0, 300) : '' };
	const unavailable = (res.status === 404 && problem.detail === 'no such endpoint') || res.status === 405;
	return { ok: false, status: res.status, problem, unavailable };
}

// True when a 400 names `field` as an unknown field: the server predates
// an optional field the console sends (then it is sent again without it).
export function unknownField(r, field) {
	return !r.ok && r.status === 400 && Array.isArray(r.problem.errors) &&
		r.problem.errors.some((e) => e && e.code === 'unknown_field' &&
			(e.field === field || String(e.field).endsWith('.' + field)));
}

// The refusal r in plain words: a sentence for its status, then the
// server's title and detail, then each field at fault.
export function explain(r) {
	const lines = [];
	if (r.unavailable) {
		lines.push(t('err_unavailable'));
		return { summary: t('err_unavailable'), lines };
	}
	const key = 'err_' + r.status;
	const summary = t(key) !== key ? t(key) : t('err_other');
	const p = r.problem || {};
	const fields = [];
	for (const e of Array.isArray(p.errors) ? p.errors : []) {
		if (!e) continue;
		const what = e.message || e.code || '';
		fields.push((e.field ? e.field + ': ' : '') + what);
		// Free text the taxonomy could not place: say what to do in the form.
		if (e.code === 'not_normalised') fields.push(t('hint_not_normalised'));
	}
	// The detail of a one-field refusal is that field's line: said once.
	if ((p.title || p.detail) && !(p.detail && fields.includes(p.detail)))
		lines.push([p.title, p.detail].filter(Boolean).join(': '));
	lines.push(...fields.filter((l, i) => fields.indexOf(l) === i));
	return { summary, lines };
}
