/* SPDX-License-Identifier: MIT */
/* Finding the command to run, before any privilege is dropped. */
#ifndef CP_ENF_EXEC_H
#define CP_ENF_EXEC_H

/*
 * Resolve cmd like execvp: a name with a slash as is, else the first
 * executable regular file in $PATH (default /usr/local/bin:/usr/bin:/bin).
 * 0 and a malloc'd path; -ENOENT not found (exit 127); -EACCES found but not
 * executable (exit 126).
 */
int enf_resolve_command(const char *cmd, char **path);

#endif
