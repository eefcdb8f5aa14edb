/*
 * iso.h - validation of ISO codes: countries (3166-1 alpha-2), languages
 * (639-1), currencies (4217), CEFR levels, and calendar dates.
 * The code lists are compiled in from data/iso/ (see SOURCES.md there).
 */
#ifndef FAIRMATCH_ISO_H
#define FAIRMATCH_ISO_H

/* Each returns 1 when s is a valid code as written (case-sensitive: ZA, en, ZAR). */
int iso_country_valid(const char *s);
int iso_language_valid(const char *s);
int iso_currency_valid(const char *s);
/* CEFR A1..C2 or "native"; returns the rank 1..7 (native 7), 0 when invalid. */
int iso_cefr_rank(const char *s);
/* The level of a rank from iso_cefr_rank ("B1"); NULL for any other number. */
const char *iso_cefr_name(int rank);
/* A real calendar date written YYYY-MM-DD. */
int iso_date_valid(const char *s);
/* Today's date in UTC as YYYY-MM-DD (buf of at least 11 bytes). */
void iso_today(char *buf);

#endif
