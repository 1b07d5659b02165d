// SPDX-License-Identifier: MIT
/*
 * verify_chown quiet|warn|need FILE: gives FILE to uid/gid 1 (needs
 * CAP_CHOWN as root), then writes FILE.done. "need" fails when chown fails;
 * "warn" warns on stderr and goes on, as apt does (only stderr changes:
 * CHOWN is required for the same outcome); "quiet" goes on without a word
 * (CHOWN is hit but tolerated).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char done[4096];
	FILE *f;

	if (argc != 3)
		return 2;
	if (chown(argv[2], 1, 1) < 0) {
		/* fputs, not perror: the failure path makes no call but write. */
		if (!strcmp(argv[1], "need")) {
			fputs("chown failed\n", stderr);
			return 1;
		}
		if (!strcmp(argv[1], "warn"))
			fputs("warning: chown failed, keeping the owner\n", stderr);
	}
	snprintf(done, sizeof(done), "%s.done", argv[2]);
	f = fopen(done, "w");
	if (!f)
		return 3;
	fputs("done\n", f);
	return fclose(f) ? 3 : 0;
}
