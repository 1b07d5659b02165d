// SPDX-License-Identifier: MIT
#include "enforce/exec.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

/* 0 if path is an executable regular file, else -ENOENT or -EACCES. */
static int check(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return errno == EACCES ? -EACCES : -ENOENT;
	if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return -EACCES;
	return 0;
}

int enf_resolve_command(const char *cmd, char **path)
{
	const char *env = getenv("PATH");
	cp_autofree char *dirs = NULL;
	bool denied = false;
	char *save = NULL;
	int r;

	if (!*cmd)
		return -ENOENT;
	if (strchr(cmd, '/')) {
		r = check(cmd);
		if (r == 0)
			*path = cp_xstrdup(cmd);
		return r;
	}
	dirs = cp_xstrdup(env && *env ? env : "/usr/local/bin:/usr/bin:/bin");
	/* strtok_r skips empty entries, which execvp reads as ".": rare, and safer. */
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		cp_autofree char *p = cp_xasprintf("%s/%s", d, cmd);

		r = check(p);
		if (r == 0) {
			*path = cp_steal_pointer(&p);
			return 0;
		}
		denied |= r == -EACCES;
	}
	return denied ? -EACCES : -ENOENT;
}
