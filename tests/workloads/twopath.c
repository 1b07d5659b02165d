// SPDX-License-Identifier: MIT
/*
 * A program with two paths, for coverage and learning mode: the first runs
 * when TRIGGER does not exist and only prints; the second, when it does,
 * makes a directory, locks, truncates, chmods, links, renames and removes
 * files in DIR and asks for its resource usage: syscalls the first path
 * never makes but that the program's imports reach. Each failure is
 * reported and fails the run, so a profile that lacks one is visible.
 * Usage: twopath TRIGGER [DIR]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static void check(int r, const char *what)
{
	if (r != 0) {
		fprintf(stderr, "twopath: %s: %s\n", what, strerror(errno));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	const char *dir = argc > 2 ? argv[2] : "/tmp";
	char d[3072], a[4096], b[4096], c[4096];
	struct rusage ru;
	struct stat st;
	int fd;

	if (argc < 2) {
		fprintf(stderr, "usage: twopath TRIGGER [DIR]\n");
		return 2;
	}
	if (stat(argv[1], &st) != 0) {
		puts("path one");
		return 0;
	}
	snprintf(d, sizeof(d), "%s/twopath.%d", dir, (int)getpid());
	snprintf(a, sizeof(a), "%s/a", d);
	snprintf(b, sizeof(b), "%s/b", d);
	snprintf(c, sizeof(c), "%s/c", d);
	check(mkdir(d, 0700), "mkdir");
	fd = open(a, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	check(fd < 0 ? -1 : 0, "open");
	check(flock(fd, LOCK_EX), "flock");
	check(ftruncate(fd, 100), "ftruncate");
	check(fchmod(fd, 0640), "fchmod");
	check(getrusage(RUSAGE_SELF, &ru), "getrusage");
	check(symlink("a", b), "symlink");
	check(rename(b, c), "rename");
	check(unlink(c), "unlink c");
	check(unlink(a), "unlink a");
	check(close(fd), "close");
	check(rmdir(d), "rmdir");
	puts("path two");
	return 0;
}
