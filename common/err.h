/* SPDX-License-Identifier: MIT */
/*
 * The library's one error mechanism, in the spirit of crun's
 * crun_make_error/crun_error_wrap. A function that can fail returns 0 or
 * -errno and takes a struct cp_err * (NULL when the caller wants only the
 * code) into which the failing function writes one line naming the file,
 * field or argument at fault; control characters are scrubbed there, since
 * messages quote untrusted input. Callers add context as it travels up:
 *
 *	fd = open(path, O_RDONLY | O_CLOEXEC);
 *	if (fd < 0)
 *		return cp_fail(err, -errno, "%s: %s", path, strerror(errno));
 *	r = parse(text, len, &out, err);
 *	if (r < 0)
 *		return cp_err_wrap(err, r, "%s", path);   ->  "PATH: what parse said"
 *
 * Only cli/ prints the message (cp_err_str) and exits.
 */
#ifndef CP_ERR_H
#define CP_ERR_H

#include "common/util.h"

#define CP_ERR_MAX 512

struct cp_err {
	int code; /* the -errno returned with the message, 0 when none */
	char msg[CP_ERR_MAX]; /* one line, no control characters */
};

/* Record code and the message in err (when not NULL); returns code. */
int cp_fail(struct cp_err *err, int code, const char *fmt, ...) CP_PRINTF(3, 4);

/*
 * Prefix err's message with context and ": " (when err is not NULL; a
 * message not set yet becomes strerror(-code)); returns code.
 */
int cp_err_wrap(struct cp_err *err, int code, const char *fmt, ...) CP_PRINTF(3, 4);

/* The message; strerror(-code) when none was set; "" when there was no error. */
const char *cp_err_str(const struct cp_err *err);

#endif
