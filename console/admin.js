// admin.js - the administrator's view: API keys (list with filters and
// paging, create with an optional expiry: the token is shown this once;
// revoke) and quota listings (edit slots, dates and conditions; close).
import { api } from './api.js';
import { t } from './i18n.js';
import { $, el, clear, say, showError, fmtDate } from './ui.js';
import { conceptSpan } from './labels.js';

let keyCursor = null;
let quotaCursor = null;

function keyRow(k) {
	const err = el('div', { class: 'error', role: 'alert' });
	const cell = el('td', {});
	if (k.status === 'active') {
		const b = el('button', { type: 'button', class: 'danger revoke' }, t('revoke'));
		b.addEventListener('click', async () => {
			if (!window.confirm(t('revoke_confirm').replace('{id}', k.id))) return;
			const r = await api('DELETE', `/v1/keys/${encodeURIComponent(k.id)}`);
			if (!r.ok) { showError(err, r); return; }
			row.replaceWith(keyRow(r.data));
			say(t('revoked').replace('{id}', k.id));
		});
		cell.append(b);
	}
	cell.append(err);
	const row = el('tr', { 'data-key': k.id, 'data-status': k.status },
		el('td', {}, k.id), el('td', {}, t('role_' + k.role)), el('td', {}, k.org || ''),
		el('td', {}, t('ks_' + k.status) !== 'ks_' + k.status ? t('ks_' + k.status) : k.status),
		el('td', {}, fmtDate(k.created_at), ' → ', k.expires_at ? fmtDate(k.expires_at) : t('no_expiry'),
			k.revoked_at ? el('div', { class: 'hint' }, `${t('ks_revoked')} ${fmtDate(k.revoked_at)}`) : null,
			k.replaced_by ? el('div', { class: 'hint' }, `${t('replaced_by')} ${k.replaced_by}`) : null),
		cell);
	return row;
}

async function listKeys(more) {
	const table = $('#key-table');
	const body = $('tbody', table);
	if (!more) { clear(body); keyCursor = null; }
	const q = new URLSearchParams({ limit: '50' });
	const org = $('#kl-org').value.trim();
	if (org) q.set('org', org);
	if ($('#kl-status').value) q.set('status', $('#kl-status').value);
	if (more && keyCursor) q.set('cursor', keyCursor);
	const r = await api('GET', '/v1/keys?' + q);
	if (!r.ok) { showError($('#key-list-error'), r); return; }
	clear($('#key-list-error'));
	for (const k of Array.isArray(r.data.items) ? r.data.items : []) body.append(keyRow(k));
	table.hidden = false;
	keyCursor = r.data.next_cursor || null;
	$('#kl-more').hidden = !keyCursor;
	say(t('keys_shown').replace('{n}', body.children.length));
}

async function createKey(e) {
	e.preventDefault();
	const err = $('#key-create-error');
	const out = clear($('#key-new'));
	const org = $('#key-org').value.trim();
	if (!org) { $('#key-org').focus(); return; }
	const body = { role: $('#key-role').value, org };
	const exp = $('#key-expires').value;
	if (exp) body.expires_at = exp + 'T23:59:59Z'; // valid through that day
	const r = await api('POST', '/v1/keys', body);
	if (!r.ok) { showError(err, r); return; }
	clear(err);
	// The token exists in this answer only: shown once, never stored.
	const tok = el('input', { type: 'text', id: 'key-token', readonly: true, value: r.data.token || '', spellcheck: 'false', 'aria-describedby': 'key-token-help' });
	out.append(el('div', { class: 'check-answer new-key', 'data-verdict': 'licensed' },
		el('p', {}, el('strong', {}, t('key_created').replace('{id}', r.data.id)), ' ', `${t('role_' + r.data.role)} · ${r.data.org}`,
			r.data.expires_at ? ` · ${t('valid_until')} ${fmtDate(r.data.expires_at)}` : ''),
		el('label', { for: 'key-token' }, t('token')), tok,
		el('p', { class: 'warn', id: 'key-token-help' }, t('token_once'))));
	tok.focus();
	tok.select();
	$('#key-org').value = '';
	say(t('key_created').replace('{id}', r.data.id));
	listKeys(false);
}

function quotaItem(q) {
	const err = el('div', { class: 'error', role: 'alert' });
	const id = q.id;
	const field = (key, type, value, attrs = {}) => {
		const input = el(type === 'textarea' ? 'textarea' : 'input', { id: `qa-${key}-${id}`, type: type === 'textarea' ? undefined : type, rows: type === 'textarea' ? 2 : undefined, ...attrs });
		input.value = value ?? '';
		return [el('div', { class: 'field' }, el('label', { for: `qa-${key}-${id}` }, t(key === 'conditions' ? 'conditions' : key)), input), input];
	};
	const [fSlots, slots] = field('slots', 'number', q.slots, { min: 0 });
	const [fFrom, from] = field('valid_from', 'date', q.valid_from);
	const [fUntil, until] = field('valid_until', 'date', q.valid_until);
	const [fCond, cond] = field('conditions', 'textarea', q.conditions);
	const form = el('form', { class: 'quota-edit', novalidate: true }, el('div', { class: 'row' }, fSlots, fFrom, fUntil), fCond,
		el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('save_changes')), el('button', { type: 'button', class: 'danger close-quota' }, t('close_quota'))), err);
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		const patch = {};
		if (slots.value !== '' && Number(slots.value) !== q.slots) patch.slots = Number(slots.value);
		if (from.value && from.value !== q.valid_from) patch.valid_from = from.value;
		if (until.value && until.value !== q.valid_until) patch.valid_until = until.value;
		if (cond.value !== (q.conditions || '')) patch.conditions = cond.value || null;
		if (!Object.keys(patch).length) { say(t('nothing_changed')); return; }
		const r = await api('PATCH', `/v1/quotas/${encodeURIComponent(id)}`, patch);
		if (!r.ok) { showError(err, r); return; }
		li.replaceWith(quotaItem(r.data));
		say(t('quota_saved').replace('{id}', id));
	});
	$('.close-quota', form).addEventListener('click', async () => {
		if (!window.confirm(t('close_quota_confirm').replace('{id}', id))) return;
		const r = await api('DELETE', `/v1/quotas/${encodeURIComponent(id)}`);
		if (!r.ok) { showError(err, r); return; }
		li.replaceWith(quotaItem(r.data));
		say(t('quota_closed').replace('{id}', id));
	});
	const li = el('li', { class: 'card quota-admin', 'data-quota': id },
		el('h4', {}, q.agreement || id),
		el('p', { class: 'meta' }, `${id} · ${(q.origin_countries || []).join(', ')} → ${q.destination_country || ''} · `,
			q.occupation ? conceptSpan(q.occupation, null, 'occupations') : '', ` · ${t('slots_taken').replace('{n}', q.slots_taken ?? '?').replace('{s}', q.slots ?? '?')}`,
			q.illustrative ? ` · ${t('illustrative')}` : ''),
		q.closed ? el('p', { class: 'badge no' }, `${t('closed_word')} ${fmtDate(q.closed_at)}`) : form);
	return li;
}

async function listQuotas(more) {
	const out = $('#quota-admin-list');
	if (!more) { clear(out); quotaCursor = null; }
	const q = new URLSearchParams({ limit: '20' });
	const d = $('#ql-destination').value.trim().toUpperCase();
	if (d) q.set('destination', d);
	if (more && quotaCursor) q.set('cursor', quotaCursor);
	const r = await api('GET', '/v1/quotas?' + q);
	if (!r.ok) { showError($('#quota-admin-error'), r); return; }
	clear($('#quota-admin-error'));
	for (const x of Array.isArray(r.data.items) ? r.data.items : []) out.append(quotaItem(x));
	if (!out.children.length) out.append(el('li', { class: 'hint' }, t('none')));
	quotaCursor = r.data.next_cursor || null;
	$('#ql-more').hidden = !quotaCursor;
}

export function initAdmin() {
	$('#key-create-form').addEventListener('submit', createKey);
	$('#key-list-form').addEventListener('submit', (e) => { e.preventDefault(); listKeys(false); });
	$('#kl-more').addEventListener('click', () => listKeys(true));
	$('#quota-list-form').addEventListener('submit', (e) => { e.preventDefault(); listQuotas(false); });
	$('#ql-more').addEventListener('click', () => listQuotas(true));
}

export function showAdmin() {
	listKeys(false);
	listQuotas(false);
}

// On sign-out: a new key's token must not outlive the session on screen.
export function resetAdmin() {
	clear($('#key-new'));
	clear($('tbody', $('#key-table')));
	clear($('#quota-admin-list'));
}
