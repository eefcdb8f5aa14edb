// ui.js - small DOM helpers shared by the console's views: elements built
// with textContent only (never innerHTML: the API's strings are data), the
// error and status areas, the typeahead combobox and language rows.
import { api, explain } from './api.js';
import { t, getLang } from './i18n.js';

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

// el('li', {class: 'card', 'data-id': 'v_1'}, 'text', childNode, ...)
export function el(tag, attrs, ...children) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === undefined || v === null || v === false) continue;
		if (k === 'class') e.className = v;
		else if (k === 'text') e.textContent = v;
		else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
		else e.setAttribute(k, v === true ? '' : String(v));
	}
	for (const c of children.flat()) {
		if (c === undefined || c === null || c === false) continue;
		e.append(c instanceof Node ? c : document.createTextNode(String(c)));
	}
	return e;
}

export function clear(node) {
	while (node.firstChild) node.removeChild(node.firstChild);
	return node;
}

// A text of the interface that follows the language selector.
export function i18nSpan(key, tag = 'span') {
	return el(tag, { 'data-i18n': key }, t(key));
}

export function say(message) {
	const s = $('#status');
	s.textContent = '';
	// A fresh text node so screen readers announce a repeated message too.
	setTimeout(() => { s.textContent = message; }, 30);
}

export function showError(box, r) {
	clear(box);
	if (!r) return;
	const { summary, lines } = explain(r);
	box.append(el('p', { class: 'error-summary' }, summary));
	if (lines.length && !r.unavailable) box.append(el('ul', {}, lines.map((l) => el('li', {}, l))));
	if (r.status === 401) document.dispatchEvent(new CustomEvent('fm-unauthorized'));
}

export function unavailableNote() {
	return el('p', { class: 'hint unavailable' }, t('err_unavailable'));
}

// Verdict badge for a recruiter check or a match result.
export function verdictBadge(verdict) {
	const v = verdict || 'unknown';
	return el('span', { class: 'badge verdict-' + v, 'data-verdict': v }, t('verdict_' + v) !== 'verdict_' + v ? t('verdict_' + v) : v);
}

export function fmtDate(s) {
	if (!s) return '';
	const d = new Date(s);
	if (isNaN(d)) return String(s);
	return d.toLocaleString(getLang(), { dateStyle: 'medium', timeStyle: s.length > 10 ? 'short' : undefined });
}

// A compact text of any JSON value (for fields whose shape the console
// does not know yet).
export function fmtValue(v) {
	if (v === null || v === undefined) return '—';
	if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
	if (typeof v !== 'object') return String(v);
	if (Array.isArray(v)) return v.map(fmtValue).join(', ');
	if (v.label) return v.label;
	return Object.entries(v).map(([k, x]) => k + ' ' + fmtValue(x)).join(', ');
}

export function conceptLabel(c) {
	if (!c) return '';
	if (typeof c === 'string') return c.startsWith('http') ? c.replace(/^.*\//, '…/') : c;
	return c.label || c.uri || c.isco || c.text || '';
}

// ---- typeahead ----
// A combobox (WAI-ARIA 1.2 pattern) over /v1/taxonomy/{kind}: arrows move
// in the list, Enter picks the active suggestion or keeps the typed words,
// Escape closes. Searches the typing language first, then the two others
// when it finds nothing (a counsellor types what the person says).
const LANGS = ['en', 'fr', 'es'];
export class Combo {
	constructor(field, langSelect) {
		this.field = field;
		this.kind = field.dataset.kind;
		this.multi = field.dataset.multi === '1';
		this.input = $('input', field);
		this.list = $('[role=listbox]', field);
		this.chips = $('.chips', field);
		this.langSelect = langSelect;
		this.values = [];
		this.items = [];
		this.active = -1;
		this.seq = 0;
		this.timer = null;
		this.input.addEventListener('input', () => {
			clearTimeout(this.timer);
			this.timer = setTimeout(() => this.search(), 180);
		});
		this.input.addEventListener('keydown', (e) => this.key(e));
		this.input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
	}

	async search() {
		const q = this.input.value.trim();
		const seq = ++this.seq;
		if (q.length < 2) { this.close(); return; }
		const first = this.langSelect.value;
		const order = [first, ...LANGS.filter((l) => l !== first)];
		let items = [];
		for (const lang of order) {
			const r = await api('GET', `/v1/taxonomy/${this.kind}?q=${encodeURIComponent(q)}&lang=${lang}&limit=8`);
			if (seq !== this.seq) return;
			if (!r.ok) break;
			items = (r.data.items || []).map((it) => ({ ...it, lang }));
			if (items.length) break;
		}
		this.show(items);
	}

	show(items) {
		this.items = items;
		this.active = -1;
		clear(this.list);
		items.forEach((it, i) => {
			const extra = this.kind === 'occupations' && it.isco ? ` (${t('isco')} ${it.isco})` : '';
			const li = el('li', { role: 'option', id: `${this.input.id}-opt-${i}`, 'aria-selected': 'false', lang: it.lang, 'data-uri': it.uri },
				it.label + extra);
			li.addEventListener('mousedown', (e) => { e.preventDefault(); this.pick(it); });
			this.list.append(li);
		});
		this.list.hidden = items.length === 0;
		this.input.setAttribute('aria-expanded', items.length ? 'true' : 'false');
		this.input.removeAttribute('aria-activedescendant');
	}

	close() {
		this.list.hidden = true;
		this.input.setAttribute('aria-expanded', 'false');
		this.input.removeAttribute('aria-activedescendant');
		this.active = -1;
	}

	move(delta) {
		if (!this.items.length) return;
		this.active = (this.active + delta + this.items.length) % this.items.length;
		$$('[role=option]', this.list).forEach((o, i) => o.setAttribute('aria-selected', i === this.active ? 'true' : 'false'));
		this.input.setAttribute('aria-activedescendant', `${this.input.id}-opt-${this.active}`);
	}

	key(e) {
		if (e.key === 'ArrowDown') { e.preventDefault(); if (this.list.hidden) this.search(); else this.move(1); }
		else if (e.key === 'ArrowUp') { e.preventDefault(); this.move(-1); }
		else if (e.key === 'Escape') { this.close(); }
		else if (e.key === 'Enter') {
			e.preventDefault();
			if (this.active >= 0 && !this.list.hidden) this.pick(this.items[this.active]);
			// An occupation is one concept: Enter takes the best suggestion.
			else if (!this.multi && this.items.length && !this.list.hidden) this.pick(this.items[0]);
			else if (this.input.value.trim()) this.pick({ text: this.input.value.trim() });
		}
	}

	pick(item) {
		const v = item.uri ? { uri: item.uri, label: item.label, lang: item.lang } : { text: item.text, label: item.text };
		if (!this.multi) this.values = [];
		if (!this.values.some((x) => (x.uri || x.text) === (v.uri || v.text))) this.values.push(v);
		this.input.value = '';
		this.seq++;
		this.close();
		this.render();
	}

	// Values from a stored object: a concept without its label gets it
	// from the taxonomy lookup when the server has one (else its URI tail).
	set(values) {
		this.values = values.slice();
		this.render();
		for (const v of this.values) {
			if (!v.uri || (v.label && v.label !== conceptLabel(v.uri))) continue;
			api('GET', `/v1/taxonomy/${this.kind}/${encodeURIComponent(v.uri)}?lang=${getLang()}`).then((r) => {
				if (r.ok && r.data && r.data.label && this.values.includes(v)) {
					v.label = r.data.label;
					this.render();
				}
			});
		}
	}

	render() {
		clear(this.chips);
		for (const v of this.values) {
			const label = v.label || conceptLabel(v.uri || v.text);
			const rm = el('button', { type: 'button', class: 'chip-remove', 'aria-label': `${t('remove')} ${label}` }, '×');
			rm.addEventListener('click', () => {
				this.values = this.values.filter((x) => x !== v);
				this.render();
				this.input.focus();
			});
			this.chips.append(el('li', { class: 'chip', lang: v.lang, title: v.uri || t('free_text') },
				label, v.uri ? null : el('span', { class: 'chip-note' }, ' (' + t('free_text') + ')'), rm));
		}
	}

	// What the API takes: a concept URI, or the words to normalise.
	wire() {
		return this.values.map((v) => v.uri || v.text);
	}

	reset() {
		this.values = [];
		this.input.value = '';
		this.close();
		this.render();
	}
}

// ---- language rows ({code, level}) ----
export class LangRows {
	constructor(fieldset) {
		this.rows = $('.lang-rows', fieldset);
		$('.add-lang', fieldset).addEventListener('click', () => { const r = this.add(); $('.lang-code', r).focus(); });
	}

	add(code = '', level = 'B1') {
		const node = $('#lang-row').content.firstElementChild.cloneNode(true);
		$$('[data-i18n]', node).forEach((n) => { n.textContent = t(n.dataset.i18n); });
		$('.lang-code', node).value = code;
		$('.lang-level', node).value = level;
		$('.remove-lang', node).addEventListener('click', () => node.remove());
		this.rows.append(node);
		return node;
	}

	set(list) {
		clear(this.rows);
		for (const l of list || []) this.add(l.code, l.level);
	}

	wire() {
		return $$('.lang-row', this.rows)
			.map((r) => ({ code: $('.lang-code', r).value.trim().toLowerCase(), level: $('.lang-level', r).value }))
			.filter((l) => l.code);
	}
}

export function countries(text) {
	return text.split(/[\s,;]+/).map((s) => s.trim().toUpperCase()).filter(Boolean);
}
