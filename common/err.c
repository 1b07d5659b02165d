// SPDX-License-Identifier: MIT
/* The library's error mechanism: see err.h. */
#include "common/err.h"

#include <stdio.h>
#include <string.h>

int cp_fail(struct cp_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	cp_scrub_controls(err->msg);
	err->code = code;
	return code;
}

int cp_err_wrap(struct cp_err *err, int code, const char *fmt, ...)
{
	char ctx[CP_ERR_MAX], old[CP_ERR_MAX];
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	snprintf(old, sizeof(old), "%s", err->msg[0] ? err->msg : strerror(code < 0 ? -code : code));
	return cp_fail(err, code, "%s: %s", ctx, old);
}

const char *cp_err_str(const struct cp_err *err)
{
	if (!err)
		return "";
	if (err->msg[0])
		return err->msg;
	return err->code ? strerror(-err->code) : "";
}
