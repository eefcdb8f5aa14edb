/*
 * fs.h - the file-system helpers the engine and the command share.
 */
#ifndef FAIRMATCH_FS_H
#define FAIRMATCH_FS_H

/* Makes every missing directory above path's last component (mode 0755),
 * so that path itself can then be created or renamed into place.
 * 0, or -1 with errno set (ENAMETOOLONG for a path of 4096 bytes or more,
 * ENOTDIR when a component above it is not a directory). */
int fs_mkdir_parents(const char *path);
/* Removes path and everything below it, not following links; best effort. */
void fs_rm_tree(const char *path);

#endif
