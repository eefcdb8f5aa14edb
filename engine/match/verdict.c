/*
 * verdict.c - the recruiter's verdict of a vacancy, from the in-memory
 * integrity snapshot: the one place integrity joins matching.
 */
#include "engine/match/internal.h"

#include <string.h>

/* The matcher's verdict for the snapshot's: a registered recruiter
 * without a (valid) licence is unlicensed, as in the check; a name held for
 * review is hidden as a blacklisted one is. */
static enum match__verdict verdict_of(const struct integrity_verdict *iv)
{
	enum integrity_kind k = iv->kind;

	return k == INTEGRITY_BLACKLISTED  ? VERDICT_BLACKLISTED
	       : iv->held[0]		   ? VERDICT_HELD
	       : k == INTEGRITY_FLAGGED    ? VERDICT_FLAGGED
	       : k == INTEGRITY_LICENSED   ? VERDICT_LICENSED
	       : k == INTEGRITY_UNLICENSED ? VERDICT_UNLICENSED
					   : VERDICT_UNKNOWN;
}

/*
 * The one place the integrity snapshot (engine/integrity/integrity.h) joins
 * matching: the in-memory snapshot, so a flag committed by a regulator
 * counts from the very next match. `rec` is the vacancy's recruiter object
 * (NULL for a direct hire). *flags gets a new array of the active flags
 * when flagged.
 */
static enum match__verdict recruiter_verdict(const integrity_snapshot *snap, const json_t *rec,
					     json_t **flags)
{
	struct integrity_verdict iv = {0};
	enum match__verdict v;

	*flags = NULL;
	if (!json_is_object(rec))
		return VERDICT_NONE;
	integrity_snapshot_verdict(snap, rec, &iv);
	v = verdict_of(&iv);
	if (v == VERDICT_FLAGGED && iv.flags)
		*flags = json_incref(iv.flags);
	integrity_verdict_release(&iv);
	return v;
}

const char *match__verdict_name(enum match__verdict v)
{
	return v == VERDICT_LICENSED	 ? "licensed"
	       : v == VERDICT_UNLICENSED ? "unlicensed"
	       : v == VERDICT_FLAGGED	 ? "flagged"
					 : "unknown";
}

/* The verdict from a vacancy's facts; with flags (else NULL), *flags gets
 * the active flags when flagged, as recruiter_verdict. */
enum match__verdict match__facts_verdict(const integrity_snapshot *snap,
					 const struct match__facts *f, json_t **flags)
{
	static const char *const rk[3] = {"name", "licence", "country"};
	json_t *rec, *fl = NULL;
	enum match__verdict v;
	size_t i;

	if (flags)
		*flags = NULL;
	if (!f->has_rec)
		return VERDICT_NONE;
	if (f->rec_json) {
		v = recruiter_verdict(snap, f->rec_json, &fl);
		goto out;
	}
	if (f->rec_len[0] < 256 && f->rec_len[1] < 256 && f->rec_len[2] < 256) {
		/* The usual case, without building a JSON object per candidate. */
		char field[3][256];
		struct integrity_verdict iv = {0};

		for (i = 0; i < 3; i++) {
			memcpy(field[i], f->rec[i] ? f->rec[i] : "", f->rec_len[i]);
			field[i][f->rec_len[i]] = '\0';
		}
		integrity_snapshot_verdict_of(snap, f->rec_len[0] ? field[0] : NULL,
					      f->rec_len[1] ? field[1] : NULL,
					      f->rec_len[2] ? field[2] : NULL, &iv);
		v = verdict_of(&iv);
		if (v == VERDICT_FLAGGED && iv.flags)
			fl = json_incref(iv.flags);
		integrity_verdict_release(&iv);
		goto out;
	}
	rec = json_object();
	for (i = 0; rec && i < 3; i++)
		if (f->rec_len[i] &&
		    json_object_set_new(rec, rk[i], json_stringn(f->rec[i], f->rec_len[i]))) {
			json_decref(rec);
			rec = NULL;
		}
	if (!rec)
		return VERDICT_UNKNOWN;
	v = recruiter_verdict(snap, rec, &fl);
	json_decref(rec);
out:
	if (flags)
		*flags = fl;
	else
		json_decref(fl);
	return v;
}
