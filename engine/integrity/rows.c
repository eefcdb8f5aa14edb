/*
 * rows.c - how the API shows recruiters and flags: the rows of
 * RECRUITER_COLUMNS and FLAG_COLUMNS (internal.h) turned into JSON, for the
 * records, the flags, the SQL check and the snapshot alike.
 */
#include <stdio.h>

#include "engine/integrity/internal.h"

json_t *integ__str_or_null(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? json_null() : json_string(PQgetvalue(r, row, col));
}

json_t *integ__flag_from_row(PGresult *r, int row, int col)
{
	char id[32], rid[32];
	json_t *o;
	int lifted = !PQgetisnull(r, row, col + 8);
	int expired = PQgetvalue(r, row, col + 11)[0] == 't';

	snprintf(id, sizeof id, "f_%s", PQgetvalue(r, row, col));
	snprintf(rid, sizeof rid, "r_%s", PQgetvalue(r, row, col + 1));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s}", "id", id, "recruiter", rid,
		      "severity", PQgetvalue(r, row, col + 2), "reason", PQgetvalue(r, row, col + 3),
		      "evidence", PQgetvalue(r, row, col + 4), "authority",
		      PQgetvalue(r, row, col + 5), "expires_at", integ__str_or_null(r, row, col + 6),
		      "created_at", PQgetvalue(r, row, col + 7), "status",
		      lifted ? "lifted" : expired ? "expired" : "active");
	if (o && lifted)
		json_object_set_new(o, "lift",
				    json_pack("{s:s, s:s, s:s}", "reason", PQgetvalue(r, row, col + 8),
					      "at", PQgetvalue(r, row, col + 9), "by",
					      PQgetvalue(r, row, col + 10)));
	return o;
}

json_t *integ__recruiter_from_row(PGresult *r, int row)
{
	char id[32];
	json_t *o, *aliases = json_loads(PQgetvalue(r, row, 2), 0, NULL);

	snprintf(id, sizeof id, "r_%s", PQgetvalue(r, row, 0));
	o = json_pack("{s:s, s:s, s:o, s:o, s:s, s:b}", "id", id, "name", PQgetvalue(r, row, 1),
		      "aliases", aliases ? aliases : json_array(), "country",
		      integ__str_or_null(r, row, 3), "created_at", PQgetvalue(r, row, 7),
		      "licensed", PQgetvalue(r, row, 8)[0] == 't');
	if (o && !PQgetisnull(r, row, 4))
		json_object_set_new(o, "licence",
				    json_pack("{s:s, s:o, s:o}", "number", PQgetvalue(r, row, 4),
					      "authority", integ__str_or_null(r, row, 5), "valid_until",
					      integ__str_or_null(r, row, 6)));
	else if (o)
		json_object_set_new(o, "licence", json_null());
	return o;
}
