/* fs.c - the file-system helpers (see fs.h). */
#include "engine/core/fs.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

int fs_mkdir_parents(const char *path)
{
	char buf[4096];
	size_t i;

	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (i = 1; buf[0] && buf[i]; i++) { /* buf[0]: "" has no buf[1] */
		struct stat st;

		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755)) {
			if (errno != EEXIST)
				return -1;
			if (stat(buf, &st) || !S_ISDIR(st.st_mode)) {
				errno = ENOTDIR; /* a file where a directory must be */
				return -1;
			}
		}
		buf[i] = '/';
	}
	return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void fs_rm_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
