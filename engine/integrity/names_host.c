/*
 * names_host.c - a name written as a web address is read as the words of
 * its host: "www.international-labor-management.com" and
 * "https://acme-manpower.co.za/jobs" are "international-labor-management"
 * and "acme-manpower". The scheme, a leading "www" label, a port, the path
 * and the public suffix ("com", "co.za", "com.ph") are no words of the
 * firm's name; before this, "www" and "com" counted as two distinctive
 * words the registered name lacks, and the check held the firm for review
 * instead of refusing it.
 *
 * Which trailing labels are a public suffix is the Public Suffix List's
 * call (libpsl, with Debian's list), without its implicit "*" rule: a last
 * label no registry runs ("J.P.Morgan", "morgan") makes the text no host.
 * Only text without spaces is a host; its other labels are kept, so no
 * word of a name written with dots ("Nuevo.Horizonte.SA") is lost.
 */
#include <ctype.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include <libpsl.h>

#include "engine/integrity/names_internal.h"

static const psl_ctx_t *psl;
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;

static void psl_load(void)
{
	/* The newest of the list built into libpsl and the system's copy;
	 * the built-in one alone when the file cannot be read. Kept for the
	 * process: read-only, so threads share it. */
	psl = psl_latest(NULL);
	if (!psl)
		psl = psl_builtin();
}

static int host_char(unsigned char c)
{
	return c < 0x80 && (isalnum(c) || c == '-' || c == '.');
}

/* The length of h[0..n)'s first label and its dot when that label is
 * "www" or "www" and digits, else 0. */
static size_t www_label(const char *h, size_t n)
{
	size_t k = 3;

	if (n < 4 || strncmp(h, "www", 3) != 0)
		return 0;
	while (k < n && isdigit((unsigned char)h[k]))
		k++;
	return k < n && h[k] == '.' ? k + 1 : 0;
}

int names__host_reading(const char *in, size_t len, char *out, size_t cap)
{
	char host[NAMES_MAX_INPUT + 1];
	size_t i = 0, n = 0, start, end, k;

	while (i < len && isspace((unsigned char)in[i]))
		i++;
	while (len > i && isspace((unsigned char)in[len - 1]))
		len--;
	for (k = i; k < len; k++)
		if (isspace((unsigned char)in[k]))
			return 0; /* words: a name, not an address */
	if (len - i > 8 && strncasecmp(in + i, "https://", 8) == 0)
		i += 8;
	else if (len - i > 7 && strncasecmp(in + i, "http://", 7) == 0)
		i += 7;
	for (; i < len && host_char((unsigned char)in[i]) && n < NAMES_MAX_INPUT; i++)
		host[n++] = (char)tolower((unsigned char)in[i]);
	host[n] = '\0';
	/* the host ends at a port, a path, a query or the end */
	if (i < len && !strchr(":/?#", in[i]))
		return 0;
	if (!n || !memchr(host, '.', n) || host[0] == '.' || host[n - 1] == '.' || strstr(host, ".."))
		return 0;
	pthread_once(&psl_once, psl_load);
	if (!psl)
		return 0;
	/* the longest listed suffix with a label before it */
	for (end = 0, k = 1; k < n; k++)
		if (host[k - 1] == '.' &&
		    psl_is_public_suffix2(psl, host + k, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE)) {
			end = k - 1;
			break;
		}
	if (!end)
		return 0;
	start = www_label(host, end);
	if (end - start + 1 > cap)
		return 0;
	for (k = start; k < end; k++)
		out[k - start] = host[k] == '.' ? ' ' : host[k];
	out[end - start] = '\0';
	return 1;
}
