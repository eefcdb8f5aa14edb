/*
 * lang.c - the language of the labels in an answer (api_lang): the `lang`
 * query parameter when given (en, fr or es, else a 400 naming it), else the
 * best of the Accept-Language header's languages that the taxonomy has,
 * else English.
 */
#include "api/internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const supported[] = {"en", "fr", "es"};

static const char *supported_lang(const char *tag, size_t n)
{
	size_t i;

	/* the primary subtag: "fr-CA" is French */
	for (i = 0; i < n; i++)
		if (tag[i] == '-' || tag[i] == '_')
			n = i;
	for (i = 0; i < sizeof supported / sizeof *supported; i++)
		if (n == 2 && strncasecmp(tag, supported[i], 2) == 0)
			return supported[i];
	return NULL;
}

/* The supported language of the highest weight (q) in an Accept-Language
 * header (RFC 9110 12.5.4), the first one on a tie; NULL when none. */
static const char *from_accept_language(const char *h)
{
	const char *best = NULL, *p = h;
	double best_q = 0;

	while (p && *p) {
		const char *end = strchr(p, ','), *semi, *tag, *l;
		size_t n;
		double q = 1;

		if (!end)
			end = p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		tag = p;
		semi = memchr(p, ';', (size_t)(end - p));
		n = (size_t)((semi ? semi : end) - tag);
		while (n > 0 && (tag[n - 1] == ' ' || tag[n - 1] == '\t'))
			n--;
		if (semi) {
			const char *qp = strstr(semi, "q=");

			if (qp && qp < end)
				q = strtod(qp + 2, NULL);
		}
		l = supported_lang(tag, n);
		if (l && q > best_q) {
			best = l;
			best_q = q;
		}
		p = *end ? end + 1 : end;
	}
	return best;
}

int api_lang(api_call *c, problem *p, const char **lang)
{
	const char *q = api_query(c, "lang"), *h;

	*lang = "en";
	if (q) {
		if (!(*lang = supported_lang(q, strlen(q))) || strlen(q) != 2) {
			*lang = "en";
			problem_field(p, "lang", "unsupported", "must be one of en, fr, es");
			p->kind = PROBLEM_INVALID;
			return -1;
		}
		return 0;
	}
	h = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, "Accept-Language");
	if (h && (h = from_accept_language(h)) != NULL)
		*lang = h;
	return 0;
}
