/*
 * console.c - the web console and the OpenAPI description, served from the
 * binary (data/embed_files.sh compiles console/ and the JSON made from
 * docs/openapi.yaml into it): GET / (the console's page), GET
 * /console/{file} (its scripts, style and icon) and GET /v1/openapi.json.
 * No token: they are the same for everyone and hold nothing private; the
 * console asks for a token itself and sends it to the API only.
 *
 * Every answer carries a strict Content-Security-Policy (only this origin's
 * scripts, styles and fetches; no inline script or style, no frames, no
 * forms posted anywhere), so an injected string can neither run nor leak
 * the token elsewhere. Files are revalidated on every load (ETag, answered
 * 304 when unchanged), so a new binary's console is never mixed with an
 * old cached script. docs/console.md says more.
 */
#include "api/internal.h"

#include <string.h>

#include "api/embedded.h"

#define CSP                                                                                      \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "              \
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

static const struct {
	const char *ext, *type;
} content_types[] = {
	{".html", "text/html; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".svg", "image/svg+xml"},
	{".json", "application/json"},
};

static const char *content_type_of(const char *name)
{
	size_t n = strlen(name), i;

	for (i = 0; i < sizeof content_types / sizeof content_types[0]; i++) {
		size_t e = strlen(content_types[i].ext);

		if (n > e && strcmp(name + n - e, content_types[i].ext) == 0)
			return content_types[i].type;
	}
	return "application/octet-stream";
}

static const struct embedded_file *find(const struct embedded_file *files, const char *name)
{
	for (; files->name; files++)
		if (strcmp(files->name, name) == 0)
			return files;
	return NULL;
}

/* 1 when the client's If-None-Match names etag (a list, or "*"). */
static int not_modified(api_call *c, const char *etag)
{
	const char *inm = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_IF_NONE_MATCH);
	size_t n = strlen(etag);
	const char *p;

	if (!inm)
		return 0;
	if (strcmp(inm, "*") == 0)
		return 1;
	for (p = strstr(inm, etag); p; p = strstr(p + 1, etag))
		if ((p == inm || p[-1] == ' ' || p[-1] == ',' || p[-1] == '/') &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
	return 0;
}

static void send_file(api_call *c, const struct embedded_file *f)
{
	const char *headers[] = {
		"Content-Security-Policy", CSP,
		"Cache-Control", "no-cache",
		"ETag", f->etag,
		"Referrer-Policy", "no-referrer",
		"X-Frame-Options", "DENY",
		"Cross-Origin-Opener-Policy", "same-origin",
		"Cross-Origin-Resource-Policy", "same-origin",
		"Permissions-Policy", "camera=(), microphone=(), geolocation=()",
		NULL,
	};

	if (not_modified(c, f->etag))
		api__reply_static(c, 304, NULL, "", 0, headers);
	else
		api__reply_static(c, 200, content_type_of(f->name), f->bytes, f->len, headers);
}

static void page(api_call *c)
{
	const struct embedded_file *f = find(console_files, "index.html");

	if (!f) {
		api_fail(c, 404, "this server was built without its console");
		return;
	}
	send_file(c, f);
}

static void asset(api_call *c)
{
	const char *name = api_param(c, 0);
	const struct embedded_file *f = name ? find(console_files, name) : NULL;

	/* index.html is served at / only, so the page has one address. */
	if (!f || strcmp(name, "index.html") == 0) {
		api_fail(c, 404, "no such file of the console");
		return;
	}
	send_file(c, f);
}

static void openapi(api_call *c)
{
	const struct embedded_file *f = find(openapi_files, "openapi.json");

	if (!f) {
		api_fail(c, 404, "this server was built without its OpenAPI description");
		return;
	}
	send_file(c, f);
}

const struct api_route console_routes[] = {
	{.method = "GET", .pattern = "/", .handler = page, .name = "console"},
	{.method = "GET", .pattern = "/console/{file}", .handler = asset, .name = "console_file"},
	{.method = "GET", .pattern = "/v1/openapi.json", .handler = openapi, .name = "openapi"},
	{0},
};
