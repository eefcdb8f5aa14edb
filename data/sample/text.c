/*
 * text.c - the text a record holds: bounded, UTF-8-safe strings built
 * piece by piece (a piece that does not fit is cut on a character
 * boundary, a sentence that does not fit is left out), and ISO dates from
 * day numbers.
 */
#include "data/sample/internal.h"

#include <stdarg.h>
#include <stdio.h>

/* days since 1970-01-01 of a civil date, and back (H. Hinnant's algorithms) */
int32_t sample__days_from_civil(int32_t y, unsigned m, unsigned d)
{
	int32_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int32_t)doe - 719468;
}

void sample__civil_from_days(int32_t z, char out[32])
{
	int32_t era, y;
	unsigned doe, yoe, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int32_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, 32, "%04d-%02u-%02u", (int)y, m, d);
}

/* longest prefix of s (at most max bytes) that ends on a UTF-8 boundary */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

void sample__t_add(struct text *t, const char *s)
{
	size_t n = strlen(s), room = sizeof t->s - 1 - t->len;

	n = utf8_cut(s, n, room);
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

void sample__t_addf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void sample__t_addf(struct text *t, const char *fmt, ...)
{
	char buf[TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	buf[utf8_cut(buf, strlen(buf), sizeof buf - 1)] = '\0';
	sample__t_add(t, buf);
}

/* appends sentence s (with a separating space) only if the whole fits in max */
void sample__t_sentence(struct text *t, const struct text *s, size_t max)
{
	if (s->len == 0 || t->len + (t->len ? 1 : 0) + s->len > max)
		return;
	if (t->len)
		sample__t_add(t, " ");
	sample__t_add(t, s->s);
}

const char *sample__a_an(const char *word)
{
	return strchr("aeiouAEIOU", word[0]) && word[0] ? "an" : "a";
}

void sample__capitalise(char *s)
{
	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char)(s[0] - 'a' + 'A');
}

/* the first sentence of an ESCO description, at most max bytes */
void sample__first_sentence(struct text *t, const char *desc, size_t max)
{
	const char *end = strstr(desc, ". ");
	size_t n = end ? (size_t)(end - desc) + 1 : strlen(desc);

	t->len = 0;
	t->s[0] = '\0';
	if (n > max || n < 20)
		return;
	memcpy(t->s, desc, n);
	t->s[n] = '\0';
	t->len = n;
	/* ESCO descriptions may hold line breaks; keep the sentence on one line */
	for (n = 0; n < t->len; n++)
		if (t->s[n] == '\n' || t->s[n] == '\r')
			t->s[n] = ' ';
	if (t->s[t->len - 1] != '.')
		sample__t_add(t, ".");
}
