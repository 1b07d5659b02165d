// SPDX-License-Identifier: MIT
/*
 * least_priv FILE: four capability checks with four fates, for
 * verify --minimize (run as root, FILE owned by root):
 *   CHOWN      chown FILE to 1:1; without it: "error" on stderr, exit 1 (required)
 *   FOWNER     set FILE's times (now owned by uid 1); without it: a warning on
 *              stderr, same exit status and stdout (required: stderr changes)
 *   NET_ADMIN  SO_RCVBUFFORCE; without it: SO_RCVBUF instead, silently (tolerated)
 *   SYS_NICE   raise the priority; without it: carry on silently (tolerated)
 * stdout: one line, the same whatever happened.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const struct timespec ts[2] = { { .tv_sec = 1000000000 }, { .tv_sec = 1000000000 } };
	int sz = 1 << 20, s;

	if (argc != 2)
		return 2;
	if (chown(argv[1], 1, 1) < 0) {
		fputs("error: cannot give the file away\n", stderr);
		return 1;
	}
	if (utimensat(AT_FDCWD, argv[1], ts, 0) < 0)
		fputs("warning: cannot set the file's times\n", stderr);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (s >= 0 && setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(s, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (s >= 0)
		close(s);
	(void)setpriority(PRIO_PROCESS, 0, -5);
	puts("least_priv: done");
	return 0;
}
