// labels.js - concept labels in the interface language. Answers that hold
// only a URI or an ISCO-08 code (a match's vacancy, its explanation, the
// typed text's `normalised`) get their label from the taxonomy lookups
// (GET /v1/taxonomy/skills/{id}, /occupations/{id}), asked once per
// concept and language for the tab's life.
import { api } from './api.js';
import { getLang, t } from './i18n.js';
import { el } from './ui.js';

const cache = new Map();

export function kindOf(id) {
	return /\/(occupation|isco)\//.test(id) || /^\d{1,4}$/.test(id) ? 'occupations' : 'skills';
}

export function lookupLabel(id, kind = kindOf(id), lang = getLang()) {
	const key = `${kind} ${lang} ${id}`;
	if (!cache.has(key))
		cache.set(key, api('GET', `/v1/taxonomy/${kind}/${encodeURIComponent(id)}?lang=${lang}`)
			.then((r) => (r.ok && r.data && typeof r.data.label === 'string' ? r.data.label : null)));
	return cache.get(key);
}

// A span with the label the answer gave (or the URI's tail) at once, and
// the label in the interface language once the lookup answers. The server
// labels matches in English only for now, so other languages look it up.
export function conceptSpan(id, label, kind) {
	const fallback = label || (id ? (/^\d{1,4}$/.test(id) ? t('isco') + ' ' + id : String(id).replace(/^.*\//, '…/')) : '');
	const s = el('span', { class: 'concept', title: id || undefined, 'data-concept': id || undefined }, fallback);
	if (!id || (label && getLang() === 'en')) return s;
	const lang = getLang();
	lookupLabel(id, kind || kindOf(id), lang).then((l) => {
		if (l && l !== s.textContent) { s.textContent = l; s.lang = lang; }
	});
	return s;
}
