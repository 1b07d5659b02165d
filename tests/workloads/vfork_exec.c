// SPDX-License-Identifier: MIT
/* vfork + exec, and fork + exec; both children waited for. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int st;
	/* vfork itself is what this workload exists to exercise. */
	pid_t p = vfork(); // NOLINT(clang-analyzer-security.insecureAPI.vfork)

	if (p == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	waitpid(p, &st, 0);
	p = fork();
	if (p == 0) {
		execl("/bin/echo", "echo", "child", (char *)NULL);
		_exit(127);
	}
	waitpid(p, &st, 0);
	printf("vfork_exec done %d\n", WEXITSTATUS(st));
	return 0;
}
