/*
 * labeltext.h - the labelled concepts of taxonomy_label_doc written as
 * JSON text (engine/core/jsontext.h) instead of trees: for answers written
 * as text (the match's results, the search's page). Each writes the bytes
 * json_dumps(JSON_COMPACT) writes for the object taxonomy_label_doc builds.
 */
#ifndef FAIRMATCH_TAXONOMY_LABELTEXT_H
#define FAIRMATCH_TAXONOMY_LABELTEXT_H

#include <stddef.h>

#include "engine/core/buf.h"
#include "engine/taxonomy/esco.h"

/* The language taxonomy_label_doc labels in for lang ("en", "fr", "es";
 * English for anything else or NULL). */
esco_lang taxonomy_label_lang(const char *lang);

/* {"uri","label"} of a skill, {"uri","label","isco"} of an occupation,
 * {"isco","label"} of an ISCO-08 group, labelled in l (English where the
 * concept has no label in l). 0; 1 when taxonomy_label_doc would leave the
 * concept out (no label) or jansson would refuse a string; -1 when the
 * buffer failed. */
int taxonomy_skill_ref_text(struct buf *b, const esco_skill *s, esco_lang l);
int taxonomy_occupation_ref_text(struct buf *b, const esco_occupation *o, esco_lang l);
int taxonomy_group_ref_text(struct buf *b, const esco_isco_group *g, esco_lang l);
/* The concept of one value a document holds (n bytes at v): an ISCO-08
 * code, an occupation or skill URI, else {"uri",null label} for another
 * URI or {"text",null label} for free text. Returns as above; 1 also for a
 * value holding a NUL or longer than TAXONOMY_REF_TEXT_MAX. */
#define TAXONOMY_REF_TEXT_MAX 1024
int taxonomy_concept_ref_text(struct buf *b, const esco *t, const char *v, size_t n, esco_lang l);

#endif
