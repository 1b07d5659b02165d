// SPDX-License-Identifier: MIT
/*
 * Comparing a run's outcome with the reference one: exit status, output,
 * denials.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify/verify.h"
#include "common/util.h"

void vfy_outcome_clear(struct vfy_outcome *o)
{
	rec_free(o->rec);
	o->rec = NULL;
}

bool vfy_names_has(const struct vfy_names *n, const char *name)
{
	for (size_t i = 0; n && i < n->n; i++)
		if (!strcmp(n->v[i], name))
			return true;
	return false;
}

size_t vfy_hard_denials(const struct cp_rec *run, const struct vfy_trial *t, const char **first)
{
	size_t n = 0;

	for (size_t i = 0; run && i < run->ndenied; i++) {
		if (run->denied[i].err == ENOSYS || (t && vfy_names_has(&t->drop, run->denied[i].syscall)))
			continue;
		if (!n && first)
			*first = run->denied[i].syscall;
		n++;
	}
	return n;
}

/* Why a run's stdout has no hash, from its output method (tracer/outcap.h). */
static const char *output_why(const char *method, bool recorded)
{
	static const struct {
		const char *method, *recorded, *now;
	} why[] = {
		{ "terminal", "the recorded run's stdout was a terminal", "stdout is a terminal" },
		{ "null", "the recorded run's stdout was /dev/null", "stdout is /dev/null" },
		{ "device", "the recorded run's stdout was a device", "stdout is a device" },
		{ "closed", "the recorded run's stdout was closed", "stdout is closed" },
		{ "disabled", "the recording was made with --no-output-hash", "output hashing is off" },
		{ "file", "the recorded run rewound or truncated its stdout file",
		  "the workload rewound or truncated its stdout file" },
		{ "pipe", "the reader of the recorded run's stdout went away", "the reader of stdout went away" },
		{ "socket", "the reader of the recorded run's stdout went away", "the reader of stdout went away" },
	};

	for (size_t i = 0; method && i < CP_ARRAY_SIZE(why); i++)
		if (!strcmp(method, why[i].method))
			return recorded ? why[i].recorded : why[i].now;
	if (recorded)
		return "the recording has no output hash (its stdout was a terminal, or record --no-output-hash)";
	return "stdout cannot be hashed without changing its kind (a network socket?)";
}

int vfy_output_same(const struct vfy *v, const struct cp_rec *run, const char **why)
{
	if (v->ignore_output) {
		*why = "--ignore-output";
		return -1;
	}
	if (!v->rec->output_sha256) {
		*why = output_why(v->rec->output_method, true);
		return -1;
	}
	if (!run || !run->output_sha256) {
		*why = output_why(run ? run->output_method : NULL, false);
		return -1;
	}
	/*
	 * Both are the bytes the workload wrote to stdout, whether read back
	 * from a file or copied through a pipe: the methods may differ.
	 */
	return strcmp(v->rec->output_sha256, run->output_sha256) == 0 && v->rec->output_bytes == run->output_bytes;
}

bool vfy_same_outcome(const struct vfy *v, const struct vfy_outcome *o, const struct vfy_trial *t)
{
	const char *why;

	return o->exit_code == v->rec->exit_code && vfy_output_same(v, o->rec, &why) != 0 &&
	       !vfy_hard_denials(o->rec, t, NULL);
}

void vfy_outcome_reason(const struct vfy *v, const struct vfy_outcome *o, const struct vfy_trial *t, char *buf,
			size_t len)
{
	const char *first = NULL, *why;
	size_t n = vfy_hard_denials(o->rec, t, &first);

	if (o->exit_code != v->rec->exit_code)
		snprintf(buf, len, "exit %d, recorded %d", o->exit_code, v->rec->exit_code);
	else if (!vfy_output_same(v, o->rec, &why))
		snprintf(buf, len, "output differs");
	else if (n)
		snprintf(buf, len, "%zu denial%s, first %s", n, n == 1 ? "" : "s", first);
	else
		snprintf(buf, len, "same outcome");
}
