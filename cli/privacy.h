/*
 * cli_privacy.h - the privacy commands of the command line (api/cli_privacy.c):
 *
 *   fairmatch retention --months N   erase profiles untouched for N months, then compact
 *   fairmatch compact                rewrite the profiles table so erased rows leave its files
 */
#ifndef FAIRMATCH_CLI_PRIVACY_H
#define FAIRMATCH_CLI_PRIVACY_H

int cli_retention(int argc, char **argv);
int cli_compact(int argc, char **argv);

#endif
