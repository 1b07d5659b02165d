// SPDX-License-Identifier: MIT
/*
 * Comparing a run's outcome with the reference one: exit status, stdout,
 * stderr, denials. The reference is the first of two runs with everything
 * granted; lines that differ between the two are noise and masked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "verify/verify.h"
#include "common/util.h"

void vfy_outcome_clear(struct vfy_outcome *o)
{
	rec_free(o->rec);
	free(o->out);
	free(o->err);
	memset(o, 0, sizeof(*o));
}

static void stream_clear(struct vfy_stream_ref *s)
{
	free(s->text);
	free(s->masked);
	s->text = NULL;
	s->masked = NULL;
}

void vfy_ref_clear(struct vfy_ref *r)
{
	stream_clear(&r->out);
	stream_clear(&r->err);
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

/* Number of lines (a last line without newline counts). */
static size_t count_lines(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n')
			n++;
	return n + (len && s[len - 1] != '\n');
}

/* Line i of s: *p and *n; false past the end. */
static bool line_at(const char *s, size_t len, size_t i, const char **p, size_t *n)
{
	size_t k = 0, start = 0;

	for (size_t j = 0; j <= len; j++) {
		if (j == len || s[j] == '\n') {
			if (j == len && start == len)
				return false;
			if (k == i) {
				*p = s + start;
				*n = j - start;
				return true;
			}
			k++;
			start = j + 1;
		}
	}
	return false;
}

/* A line as evidence: quoted, control characters scrubbed, at most 100 bytes. */
static void quote_line(char *buf, size_t len, const char *p, size_t n)
{
	char tmp[104];
	size_t m = n > 100 ? 100 : n;

	memcpy(tmp, p, m);
	tmp[m] = '\0';
	cp_scrub_controls(tmp);
	snprintf(buf, len, "\"%s%s\"", tmp, n > 100 ? "..." : "");
}

/* 1 same, 0 differs (how in why), -1 not compared. */
static int stream_same(const struct vfy_stream_ref *r, const char *text, size_t len, char *why, size_t whylen)
{
	size_t n, i;
	const char *a, *b;
	size_t na, nb;
	char q[128];

	if (!r->compare || !text)
		return -1;
	if (len == r->len && !memcmp(text, r->text, len))
		return 1;
	n = count_lines(text, len);
	if (n != r->nlines) {
		/* The first line that is not the reference's, or the first missing one. */
		for (i = 0; line_at(text, len, i, &a, &na); i++)
			if (!line_at(r->text, r->len, i, &b, &nb) || (!r->masked[i] && (na != nb || memcmp(a, b, na))))
				break;
		if (line_at(text, len, i, &a, &na)) {
			quote_line(q, sizeof(q), a, na);
			snprintf(why, whylen, "%s has %zu line%s, reference %zu: line %zu %s", r->name, n,
				 n == 1 ? "" : "s", r->nlines, i + 1, q);
		} else {
			if (line_at(r->text, r->len, i, &b, &nb))
				quote_line(q, sizeof(q), b, nb);
			else
				snprintf(q, sizeof(q), "(none)");
			snprintf(why, whylen, "%s has %zu line%s, reference %zu: line %zu missing, %s", r->name, n,
				 n == 1 ? "" : "s", r->nlines, i + 1, q);
		}
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (r->masked[i] || !line_at(text, len, i, &a, &na) || !line_at(r->text, r->len, i, &b, &nb))
			continue;
		if (na != nb || memcmp(a, b, na)) {
			quote_line(q, sizeof(q), a, na);
			snprintf(why, whylen, "%s line %zu differs: %s", r->name, i + 1, q);
			return 0;
		}
	}
	return 1; /* differs only in lines that are noise */
}

static bool judge_ref(const struct vfy *v, const struct vfy_outcome *o, const struct vfy_trial *t, char *why,
		      size_t whylen)
{
	const struct vfy_ref *r = v->ref;
	char sw[200] = "";
	const char *first = NULL;
	size_t nd = o->denials_seen ? vfy_hard_denials(o->rec, t, &first) : 0;
	int so = 1, se = 1;

	if (r->captured && o->captured && !v->ignore_output) {
		so = stream_same(&r->out, o->out, o->nout, sw, sizeof(sw));
		if (so == 1 || so == -1)
			se = stream_same(&r->err, o->err, o->nerr, sw, sizeof(sw));
	}
	if (o->exit_code != r->exit_code) {
		if (so == 0 || se == 0)
			snprintf(why, whylen, "exit %d, reference %d; %s", o->exit_code, r->exit_code, sw);
		else
			snprintf(why, whylen, "exit %d, reference %d", o->exit_code, r->exit_code);
		return false;
	}
	if (so == 0 || se == 0) {
		snprintf(why, whylen, "%s", sw);
		return false;
	}
	if (nd) {
		snprintf(why, whylen, "%zu denial%s, first %s", nd, nd == 1 ? "" : "s", first);
		return false;
	}
	snprintf(why, whylen, "outcome unchanged");
	return true;
}

bool vfy_judge(const struct vfy *v, const struct vfy_outcome *o, const struct vfy_trial *t, char *why, size_t whylen)
{
	const char *first = NULL, *ow;
	size_t n;
	char dummy[8];

	if (!why) {
		why = dummy;
		whylen = sizeof(dummy);
	}
	if (v->ref)
		return judge_ref(v, o, t, why, whylen);
	n = vfy_hard_denials(o->rec, t, &first);
	if (o->exit_code != v->rec->exit_code) {
		snprintf(why, whylen, "exit %d, recorded %d", o->exit_code, v->rec->exit_code);
		return false;
	}
	if (!vfy_output_same(v, o->rec, &ow)) {
		snprintf(why, whylen, "output differs");
		return false;
	}
	if (n) {
		snprintf(why, whylen, "%zu denial%s, first %s", n, n == 1 ? "" : "s", first);
		return false;
	}
	snprintf(why, whylen, "outcome unchanged");
	return true;
}

bool vfy_same_outcome(const struct vfy *v, const struct vfy_outcome *o, const struct vfy_trial *t)
{
	return vfy_judge(v, o, t, NULL, 0);
}

void vfy_outcome_reason(const struct vfy *v, const struct vfy_outcome *o, const struct vfy_trial *t, char *buf,
			size_t len)
{
	vfy_judge(v, o, t, buf, len);
}

/* The reference stream from two runs' texts: mask the lines that differ. */
static void stream_ref(struct vfy_stream_ref *s, const char *name, const char *a, size_t na, const char *b, size_t nb)
{
	size_t la, lb;

	memset(s, 0, sizeof(*s));
	s->name = name;
	if (!a || !b) {
		snprintf(s->why, sizeof(s->why), "%s not captured", name);
		return;
	}
	la = count_lines(a, na);
	lb = count_lines(b, nb);
	if (la != lb) {
		snprintf(s->why, sizeof(s->why),
			 "%s not compared: %zu and %zu lines in two runs with everything granted", name, la, lb);
		return;
	}
	s->compare = true;
	s->text = cp_xmalloc(na + 1);
	memcpy(s->text, a, na);
	s->text[na] = '\0';
	s->len = na;
	s->nlines = la;
	s->masked = cp_xcalloc(la + 1, sizeof(bool));
	for (size_t i = 0; i < la; i++) {
		const char *p, *q;
		size_t np, nq;

		if (line_at(a, na, i, &p, &np) && line_at(b, nb, i, &q, &nq) && (np != nq || memcmp(p, q, np))) {
			s->masked[i] = true;
			s->nmasked++;
		}
	}
	if (s->nmasked)
		snprintf(s->why, sizeof(s->why),
			 "%s: %zu of %zu lines differ between two runs with everything granted: masked", name,
			 s->nmasked, la);
}

int vfy_baseline(const struct vfy *v, const struct vfy_trial *full, const struct vfy_outcome *first,
		 struct vfy_ref *ref, struct cp_err *err)
{
	struct vfy_trial t = *full;
	struct vfy_outcome own = { 0 }, b = { 0 };
	const struct vfy_outcome *pa = first ? first : &own;
	struct vfy_outcome a;
	int r = 0;

	memset(ref, 0, sizeof(*ref));
	t.capture = true;
	if (!first)
		r = v->ops->run(v->ops->ctx, &t, &own, err);
	if (r == 0)
		r = v->ops->run(v->ops->ctx, &t, &b, err);
	a = *pa;
	if (r < 0)
		goto out;
	if (a.exit_code != b.exit_code) {
		r = cp_fail(err, -EAGAIN,
			    "two runs with everything granted end differently (exit %d and %d): the outcome cannot "
			    "tell what the workload needs",
			    a.exit_code, b.exit_code);
		goto out;
	}
	ref->exit_code = a.exit_code;
	ref->captured = a.captured && b.captured;
	ref->denials_seen = a.denials_seen;
	stream_ref(&ref->out, "stdout", a.captured ? a.out : NULL, a.nout, b.captured ? b.out : NULL, b.nout);
	stream_ref(&ref->err, "stderr", a.captured ? a.err : NULL, a.nerr, b.captured ? b.err : NULL, b.nerr);
out:
	vfy_outcome_clear(&own);
	vfy_outcome_clear(&b);
	return r;
}

int vfy_read_capture(int fd, char **text, size_t *len)
{
	struct cp_buf b = { 0 };
	char buf[65536];

	*text = NULL;
	*len = 0;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	cp_buf_puts(&b, "");
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cp_buf_free(&b);
			return -errno;
		}
		if (!n)
			break;
		if (b.len + (size_t)n > VFY_MAX_CAPTURE) {
			cp_buf_free(&b);
			return -EFBIG;
		}
		cp_buf_add(&b, buf, (size_t)n);
	}
	*text = b.data;
	*len = b.len;
	return 0;
}
