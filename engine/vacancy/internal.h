/*
 * internal.h - what the files of engine/vacancy/ share (vac__ names, used
 * only inside this folder): the write rules and the out-of-memory problem.
 */
#ifndef FAIRMATCH_VACANCY_INTERNAL_H
#define FAIRMATCH_VACANCY_INTERNAL_H

#include "engine/vacancy.h"

/* Sets PROBLEM_UNAVAILABLE "out of memory"; -1. */
int vac__no_memory(problem *p);

/* The write rules (rules.c), in the caller's transaction: a blacklisted
 * recruiter or a quota_id the vacancy does not fit refuses the write
 * (PROBLEM_RULE). memo (a JSON object, or NULL) keeps a batch's answers.
 * With verdict, the recruiter's verdict for the answer ({"verdict","flags"},
 * NULL when the vacancy names no recruiter). 0, or -1 with p set. */
int vac__check_rules(store *s, const json_t *doc, json_t *memo, json_t **verdict, problem *p);

#endif
