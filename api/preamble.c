/*
 * preamble.c - the one opening and closing of a handler (api.h: api_open,
 * api_close), so that each handler in api/v1/ is only its engine call and,
 * where a route declares how to parse its id and check its body, the order
 * of the refusals is the same (404 for a malformed id, 400 for a bad body,
 * 503 without the database or the index); and the one run of a route that
 * is only its engine call (a step, api.h).
 */
#include "api/internal.h"

#include <stdio.h>

int api_need(api_call *c, struct api_ctx *x, unsigned need)
{
	if ((need & API_STORE) && !x->s && !(x->s = api_store(c)))
		return -1;
	if ((need & API_INDEX) && !x->db && !(x->db = api_index(c)))
		return -1;
	return 0;
}

int api_open(api_call *c, const struct api_pre *pre, struct api_ctx *x)
{
	char detail[64];

	x->id = 0;
	x->doc = NULL;
	x->s = NULL;
	x->db = NULL;
	problem_init(&x->p);
	if (!pre)
		return 0;
	if (pre->parse_id && pre->parse_id(api_param(c, 0), &x->id)) {
		snprintf(detail, sizeof detail, "no such %s", pre->what);
		api_fail(c, 404, detail);
		goto fail;
	}
	if (pre->validate && pre->validate(api_body(c), &x->doc, &x->p)) {
		api_reply_problem(c, &x->p);
		goto fail;
	}
	if (pre->need && api_need(c, x, pre->need))
		goto fail;
	return 0;
fail:
	json_decref(x->doc);
	x->doc = NULL;
	problem_release(&x->p);
	return -1;
}

void api_close(api_call *c, struct api_ctx *x, int rc, int status, json_t *out)
{
	if (rc || c->replied)
		json_decref(out); /* not sent: the call failed, or answered itself */
	if (c->replied)
		goto out;
	if (rc == 0)
		api_reply(c, status, out);
	else if (x->p.kind || x->p.detail[0])
		api_reply_problem(c, &x->p);
	else /* an engine call that failed without saying why */
		api_fail(c, 503, "the request could not be completed; retry shortly");
out:
	json_decref(x->doc);
	x->doc = NULL;
	problem_release(&x->p);
}

void api_close_created(api_call *c, struct api_ctx *x, int rc, json_t *out, const char *prefix)
{
	if (rc == 0 && !c->replied)
		api_set_location(c, "%s/%s", prefix, json_string_value(json_object_get(out, "id")));
	api_close(c, x, rc, 201, out);
}

void api__run_step(api_call *c)
{
	const struct api_route *r = c->route;
	struct api_ctx x;
	json_t *out = NULL;
	int rc;

	if (api_open(c, r->pre, &x))
		return;
	rc = r->step(c, &x, &out);
	if (r->created)
		api_close_created(c, &x, rc, out, r->created);
	else
		api_close(c, &x, rc, r->status ? r->status : 200, out);
}
