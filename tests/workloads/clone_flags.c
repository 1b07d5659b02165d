// SPDX-License-Identifier: MIT
/* Calls whose argument values the recording keeps: socket, clone, unshare, prctl, personality, ioctl, setsockopt. */
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
	int one = 1, s;
	struct winsize ws;
	pid_t p;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	close(s);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	close(s);
	prctl(PR_SET_NAME, "capprof-test", 0, 0, 0);
	personality(0xffffffff);
	ioctl(0, TIOCGWINSZ, &ws);
	unshare(0);
	p = (pid_t)syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
	if (p == 0)
		_exit(0);
	waitpid(p, NULL, 0);
	puts("args done");
	return 0;
}
