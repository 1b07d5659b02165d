/* SPDX-License-Identifier: MIT */
/*
 * Which container-engine arguments widen a container's privileges. A
 * recording names the `docker run` arguments it was made with
 * (environment.docker.args) and verify re-uses them; a recording is data
 * that anyone may have written (a CI artifact of an untrusted job), so
 * arguments that would give the container more than Docker's defaults
 * (host namespaces, devices, capabilities, unconfined security options,
 * host system paths) are refused unless the user gives them on the command
 * line.
 */
#ifndef CP_ENGINE_ARGS_H
#define CP_ENGINE_ARGS_H

#include <stddef.h>

struct cp_err;

/*
 * Check args (one `docker run` argument each, as --docker-arg takes them).
 * Returns 0, or -EPERM and one line naming the argument and why; *bad is
 * set to its index.
 */
int dkr_args_check(char *const *args, size_t n, size_t *bad, struct cp_err *err);

#endif
