// app.js - the console's entry: sign-in by token (kept in sessionStorage
// only, never in a URL), the caller's role (detected by harmless requests
// or chosen), the interface language, and which views are shown.
import { api, setToken, setApiLang, explain } from './api.js';
import { t, setLang, getLang, applyI18n } from './i18n.js';
import { $, $$, el, clear, say, showError } from './ui.js';
import { initCounsellor, resetCounsellor } from './counsellor.js';
import { initEmployer, showEmployer } from './employer.js';
import { initRegulator } from './regulator.js';
import { initAdmin, showAdmin, resetAdmin } from './admin.js';

const VIEWS = {
	counsellor: ['counsellor'],
	employer: ['employer'],
	regulator: ['regulator'],
	admin: ['admin', 'regulator', 'employer'],
};

// The role a token has, from requests that change nothing and read no
// one's data: each route below is open to one role only, and a malformed
// id answers 404 to that role before anything is read, 403 to the others.
async function detectRole() {
	const probes = [
		['counsellor', '/v1/profiles/p_0', 404],
		['employer', '/v1/vacancies/v_0/candidates', 404],
		['admin', '/v1/quotas?limit=1', 200],
		['regulator', '/v1/audit?limit=1', 200],
	];
	for (const [role, path, expect] of probes) {
		const r = await api('GET', path);
		if (r.status === 401) return { error: r };
		if (r.status === expect) return { role };
		if (r.status !== 403 && !r.ok) return { error: r };
	}
	return { role: null };
}

function show(role) {
	$('#signin').hidden = !!role;
	$$('.role-view').forEach((s) => { s.hidden = !role || !VIEWS[role].includes(s.id); });
	$('#signout').hidden = !role;
	$('#who').hidden = !role;
	$('#who').dataset.role = role || '';
	$('#who').textContent = role ? t('signed_in_as') + ' ' + t('role_' + role) : '';
	if (role && VIEWS[role].includes('employer')) showEmployer();
	if (role === 'admin') showAdmin();
	jumpLinks(role);
}

// A role with several views (an admin) gets links to each.
function jumpLinks(role) {
	const nav = clear($('#jump'));
	const views = role ? VIEWS[role] : [];
	nav.hidden = views.length < 2;
	for (const id of views.length > 1 ? views : []) {
		const h = $(`#${id} h2`);
		nav.append(el('a', { href: '#' + id, 'data-i18n': h.dataset.i18n }, h.textContent));
	}
}

async function signIn(e) {
	e.preventDefault();
	const err = $('#signin-error');
	clear(err);
	const token = $('#token').value.trim();
	if (!token) { $('#token').focus(); return; }
	setToken(token);
	let role = $('#role-choice').value;
	if (!role) {
		const d = await detectRole();
		if (d.error) {
			setToken(null);
			showError(err, d.error);
			$('#token').focus();
			return;
		}
		if (!d.role) {
			setToken(null);
			err.textContent = t('role_unknown');
			$('#role-choice').focus();
			return;
		}
		role = d.role;
	} else {
		// A chosen role: the token must still be a valid one.
		const r = await api('GET', '/v1/taxonomy/skills?q=xx&limit=1');
		if (r.status === 401) { setToken(null); showError(err, r); return; }
	}
	sessionStorage.setItem('fm.token', token);
	sessionStorage.setItem('fm.role', role);
	$('#token').value = '';
	show(role);
	say(t('signed_in_as') + ' ' + t('role_' + role));
	$('#main').focus();
}

function signOut(message) {
	sessionStorage.removeItem('fm.token');
	sessionStorage.removeItem('fm.role');
	setToken(null);
	resetCounsellor();
	resetAdmin();
	show(null);
	if (message) $('#signin-error').textContent = message;
	$('#token').focus();
}

function setUiLang(lang) {
	setLang(lang);
	setApiLang(lang);
	document.documentElement.lang = lang;
	applyI18n(document);
	$('#ui-lang').value = lang;
	for (const id of ['#typing-lang', '#v-typing-lang']) $(id).value = lang;
	sessionStorage.setItem('fm.lang', lang);
	const role = sessionStorage.getItem('fm.role');
	if (role) $('#who').textContent = t('signed_in_as') + ' ' + t('role_' + role);
}

function start() {
	initCounsellor();
	initEmployer();
	initRegulator();
	initAdmin();
	const nav = (navigator.language || 'en').slice(0, 2);
	setUiLang(sessionStorage.getItem('fm.lang') || (['en', 'fr', 'es'].includes(nav) ? nav : 'en'));
	$('#ui-lang').addEventListener('change', (e) => setUiLang(e.target.value));
	$('#signin-form').addEventListener('submit', signIn);
	$('#signout').addEventListener('click', () => signOut(''));
	document.addEventListener('fm-unauthorized', () => signOut(explain({ status: 401, problem: {} }).summary));
	const token = sessionStorage.getItem('fm.token');
	const role = sessionStorage.getItem('fm.role');
	if (token && role && VIEWS[role]) {
		setToken(token);
		show(role);
	} else {
		show(null);
	}
	document.body.dataset.ready = '1';
}

start();
export { getLang };
