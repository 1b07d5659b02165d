// SPDX-License-Identifier: MIT
/* The recording model: construction, merge and lifetime. JSON is in rec_json.c. */
#include "common/recording.h"
#include "common/names.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/sched.h>
#include <sys/socket.h>
#include <sys/utsname.h>

/*
 * Argument values a profile can use. Sources: Docker's default profile uses
 * socket family, clone flags and personality values; the rest are the
 * values seccomp-based tools commonly restrict (ioctl request, prctl option).
 */
static const struct cp_argspec argspecs[] = {
	{ "socket",
	  { { 0, "family", 0 }, { 1, "type", SOCK_NONBLOCK | SOCK_CLOEXEC }, { 2, "protocol", 0 }, { -1, NULL, 0 } } },
	{ "socketpair", { { 0, "family", 0 }, { 1, "type", SOCK_NONBLOCK | SOCK_CLOEXEC }, { -1, NULL, 0 } } },
	{ "clone", { { 0, "flags", 0xff /* exit signal */ }, { -1, NULL, 0 } } },
	{ "clone3", { { 0, "flags", 0 }, { -1, NULL, 0 } } }, /* read from struct clone_args */
	{ "unshare", { { 0, "flags", 0 }, { -1, NULL, 0 } } },
	{ "setns", { { 1, "nstype", 0 }, { -1, NULL, 0 } } },
	{ "prctl", { { 0, "option", 0 }, { -1, NULL, 0 } } },
	{ "personality", { { 0, "persona", 0 }, { -1, NULL, 0 } } },
	{ "ioctl", { { 1, "request", 0 }, { -1, NULL, 0 } } },
	{ "setsockopt", { { 1, "level", 0 }, { 2, "optname", 0 }, { -1, NULL, 0 } } },
};

const struct cp_argspec *rec_argspec(const char *syscall)
{
	if (!syscall)
		return NULL;
	for (size_t i = 0; i < CP_ARRAY_SIZE(argspecs); i++)
		if (!strcmp(argspecs[i].syscall, syscall))
			return &argspecs[i];
	return NULL;
}

struct cp_rec *rec_new(void)
{
	struct cp_rec *rec = cp_xcalloc(1, sizeof(*rec));

	rec->version = CP_SCHEMA_VERSION;
	rec->complete = true;
	return rec;
}

void rec_set_host(struct cp_rec *rec)
{
	char when[32];
	struct utsname u;
	struct tm tm;
	time_t now = time(NULL);

	rec->capprof_version = cp_xstrdup(CP_VERSION);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	rec->start = cp_xstrdup(when);
	if (uname(&u) == 0) {
		rec->kernel = cp_xstrdup(u.release);
		rec->machine = cp_xstrdup(u.machine);
	}
}

void rec_evidence_clear(struct cp_evidence *ev)
{
	free(ev->syscall);
	free(ev->path);
	free(ev->exe);
	memset(ev, 0, sizeof(*ev));
}

void rec_evidence_copy(struct cp_evidence *dst, const struct cp_evidence *src)
{
	*dst = *src;
	dst->syscall = src->syscall ? cp_xstrdup(src->syscall) : NULL;
	dst->path = src->path ? cp_xstrdup(src->path) : NULL;
	dst->exe = src->exe ? cp_xstrdup(src->exe) : NULL;
}

static void sys_free(struct cp_sys *s)
{
	if (!s)
		return;
	free(s->first_exe);
	for (int i = 0; i < CP_NARGS; i++)
		free(s->vals[i].v);
	free(s);
}

void rec_free(struct cp_rec *rec)
{
	if (!rec)
		return;
	free(rec->capprof_version);
	cp_strv_free_n(rec->argv, rec->argc);
	free(rec->cwd);
	free(rec->start);
	free(rec->kernel);
	free(rec->machine);
	free(rec->incomplete_reason);
	free(rec->baseline);
	free(rec->output_sha256);
	free(rec->output_method);
	free(rec->env_docker_image);
	cp_strv_free_n(rec->env_docker_args, rec->env_ndocker_args);
	for (size_t i = 0; i < rec->narch; i++) {
		for (uint32_t n = 0; n < rec->arch[i].nsys; n++)
			sys_free(rec->arch[i].sys[n]);
		free(rec->arch[i].sys);
	}
	for (size_t i = 0; i < rec->nexes; i++) {
		free(rec->exes[i].path);
		free(rec->exes[i].machine);
		free(rec->exes[i].file_caps);
	}
	free(rec->exes);
	for (int c = 0; c < CP_MAX_CAP; c++) {
		rec_evidence_clear(&rec->caps[c].ev);
		rec_capuse_clear_verdict(&rec->caps[c]);
	}
	rec_evidence_clear(&rec->intra_ptrace.ev);
	for (int k = 0; k < CP_UNSEEN_MAX; k++)
		rec_evidence_clear(&rec->unseen[k].ev);
	for (size_t i = 0; i < rec->ndenied; i++)
		rec_evidence_clear(&rec->denied[i]);
	free(rec->denied);
	for (size_t i = 0; i < rec->nwtraced; i++)
		rec_evidence_clear(&rec->wtraced[i].ev);
	free(rec->wtraced);
	free(rec);
}

void rec_freep(struct cp_rec **recp)
{
	rec_free(*recp);
}

const struct cp_arch *rec_arch_find(const struct cp_rec *rec, uint32_t token)
{
	for (size_t i = 0; i < rec->narch; i++)
		if (rec->arch[i].token == token)
			return &rec->arch[i];
	return NULL;
}

struct cp_arch *rec_arch(struct cp_rec *rec, uint32_t token)
{
	struct cp_arch *a = (struct cp_arch *)rec_arch_find(rec, token);

	if (a)
		return a;
	if (rec->narch == CP_MAX_ARCH)
		return NULL;
	a = &rec->arch[rec->narch++];
	memset(a, 0, sizeof(*a));
	a->token = token;
	return a;
}

struct cp_sys *rec_sys(struct cp_arch *a, uint32_t nr)
{
	if (nr >= CP_MAX_NR)
		return NULL;
	if (nr >= a->nsys) {
		uint32_t n = a->nsys ? a->nsys : 512;

		while (n <= nr)
			n *= 2;
		a->sys = cp_xreallocarray(a->sys, n, sizeof(*a->sys));
		memset(a->sys + a->nsys, 0, (n - a->nsys) * sizeof(*a->sys));
		a->nsys = n;
	}
	if (!a->sys[nr])
		a->sys[nr] = cp_xcalloc(1, sizeof(struct cp_sys));
	return a->sys[nr];
}

static size_t valset_pos(const struct cp_valset *s, uint64_t v)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->v[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool rec_valset_has(const struct cp_valset *s, uint64_t v)
{
	size_t p = valset_pos(s, v);

	return p < s->n && s->v[p] == v;
}

void rec_valset_add(struct cp_valset *s, uint64_t v)
{
	size_t p = valset_pos(s, v);

	if (p < s->n && s->v[p] == v)
		return;
	if (s->n >= CP_MAX_VALUES) {
		s->overflow = true;
		return;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4;
		s->v = cp_xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	memmove(s->v + p + 1, s->v + p, (s->n - p) * sizeof(*s->v));
	s->v[p] = v;
	s->n++;
}

struct cp_exe *rec_exe(struct cp_rec *rec, const char *path)
{
	struct cp_exe *e;

	for (size_t i = 0; i < rec->nexes; i++)
		if (!strcmp(rec->exes[i].path, path))
			return &rec->exes[i];
	rec->exes = cp_xreallocarray(rec->exes, rec->nexes + 1, sizeof(*rec->exes));
	e = &rec->exes[rec->nexes++];
	memset(e, 0, sizeof(*e));
	e->path = cp_xstrdup(path);
	return e;
}

void rec_add_denied(struct cp_rec *rec, const struct cp_evidence *ev)
{
	/* One entry per (syscall, path, exe): repeats add nothing to the report. */
	for (size_t i = 0; i < rec->ndenied; i++) {
		const struct cp_evidence *d = &rec->denied[i];

		if (!strcmp(d->syscall ? d->syscall : "", ev->syscall ? ev->syscall : "") &&
		    !strcmp(d->path ? d->path : "", ev->path ? ev->path : "") &&
		    !strcmp(d->exe ? d->exe : "", ev->exe ? ev->exe : ""))
			return;
	}
	if (rec->ndenied >= CP_MAX_DENIED)
		return;
	rec->denied = cp_xreallocarray(rec->denied, rec->ndenied + 1, sizeof(*rec->denied));
	rec_evidence_copy(&rec->denied[rec->ndenied++], ev);
}

static struct cp_wtrace *wtrace_get(struct cp_rec *rec, const struct cp_evidence *ev, uint32_t data)
{
	for (size_t i = 0; i < rec->nwtraced; i++) {
		struct cp_wtrace *w = &rec->wtraced[i];

		if (w->data == data && !strcmp(w->ev.syscall ? w->ev.syscall : "", ev->syscall ? ev->syscall : "") &&
		    !strcmp(w->ev.exe ? w->ev.exe : "", ev->exe ? ev->exe : ""))
			return w;
	}
	if (rec->nwtraced >= CP_MAX_DENIED)
		return NULL;
	rec->wtraced = cp_xreallocarray(rec->wtraced, rec->nwtraced + 1, sizeof(*rec->wtraced));
	memset(&rec->wtraced[rec->nwtraced], 0, sizeof(*rec->wtraced));
	rec_evidence_copy(&rec->wtraced[rec->nwtraced].ev, ev);
	rec->wtraced[rec->nwtraced].data = data;
	return &rec->wtraced[rec->nwtraced++];
}

void rec_add_workload_traced(struct cp_rec *rec, const struct cp_evidence *ev, uint32_t data, uint64_t count)
{
	struct cp_wtrace *w = wtrace_get(rec, ev, data);

	if (w)
		w->count += count;
}

static int cmp_named_sys(const void *a, const void *b)
{
	return strcmp(((const struct cp_named_sys *)a)->name, ((const struct cp_named_sys *)b)->name);
}

size_t rec_sorted_syscalls(const struct cp_arch *a, struct cp_named_sys **out)
{
	struct cp_named_sys *v = cp_xcalloc(a->nsys + 1, sizeof(*v));
	size_t n = 0;

	for (uint32_t nr = 0; nr < a->nsys; nr++) {
		const char *name = a->sys[nr] ? cp_syscall_name(a->token, nr) : NULL;

		if (name)
			v[n++] = (struct cp_named_sys){ name, nr };
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_named_sys);
	*out = v;
	return n;
}

size_t rec_count_syscalls(const struct cp_rec *rec)
{
	size_t n = 0;

	for (size_t i = 0; i < rec->narch; i++)
		for (uint32_t s = 0; s < rec->arch[i].nsys; s++)
			n += rec->arch[i].sys[s] != NULL;
	return n;
}

static void merge_sys(struct cp_sys *d, const struct cp_sys *s)
{
	if (!d->count && !d->first_exe) {
		d->first_pid = s->first_pid;
		d->first_exe = s->first_exe ? cp_xstrdup(s->first_exe) : NULL;
		memcpy(d->first_args, s->first_args, sizeof(d->first_args));
		d->first_ip = s->first_ip;
	}
	d->count += s->count;
	d->inherited |= s->inherited;
	for (int i = 0; i < CP_NARGS; i++) {
		for (uint32_t k = 0; k < s->vals[i].n; k++)
			rec_valset_add(&d->vals[i], s->vals[i].v[k]);
		d->vals[i].overflow |= s->vals[i].overflow;
	}
}

void rec_merge(struct cp_rec *dst, const struct cp_rec *src)
{
	for (size_t i = 0; i < src->narch; i++) {
		const struct cp_arch *sa = &src->arch[i];
		struct cp_arch *da = rec_arch(dst, sa->token);

		if (!da)
			continue;
		for (uint32_t n = 0; n < sa->nsys; n++)
			if (sa->sys[n])
				if (n < CP_MAX_NR)
					merge_sys(rec_sys(da, n), sa->sys[n]);
	}
	for (size_t i = 0; i < src->nexes; i++) {
		const struct cp_exe *se = &src->exes[i];
		struct cp_exe *de = rec_exe(dst, se->path);

		if (!de->count) {
			de->elf_class = se->elf_class;
			de->machine = se->machine ? cp_xstrdup(se->machine) : NULL;
			de->setuid = se->setuid;
			de->setgid = se->setgid;
			de->file_caps = se->file_caps ? cp_xstrdup(se->file_caps) : NULL;
		}
		de->count += se->count ? se->count : 1;
	}
	for (int c = 0; c < CP_MAX_CAP; c++) {
		const struct cp_capuse *sc = &src->caps[c];
		struct cp_capuse *dc = &dst->caps[c];

		if (!sc->hits)
			continue;
		if (!dc->hits)
			rec_evidence_copy(&dc->ev, &sc->ev);
		/* observed anywhere is observed */
		dc->inherited = dc->hits ? dc->inherited && sc->inherited : sc->inherited;
		/* required anywhere wins over tolerated elsewhere */
		if (sc->verdict == CP_VERDICT_REQUIRED || !dc->hits)
			dc->verdict = sc->verdict;
		else if (dc->verdict != sc->verdict && dc->verdict != CP_VERDICT_REQUIRED)
			dc->verdict = CP_VERDICT_HIT;
		if (!dc->without && sc->without)
			dc->without = cp_xstrdup(sc->without);
		if (!dc->ntrade && dc->verdict == CP_VERDICT_TOLERATED && sc->ntrade) {
			dc->trade = cp_xcalloc(sc->ntrade + 1, sizeof(char *));
			for (size_t i = 0; i < sc->ntrade; i++)
				dc->trade[i] = cp_xstrdup(sc->trade[i]);
			dc->ntrade = sc->ntrade;
		}
		dc->hits += sc->hits;
	}
	if (src->intra_ptrace.hits && !dst->intra_ptrace.hits)
		rec_evidence_copy(&dst->intra_ptrace.ev, &src->intra_ptrace.ev);
	dst->intra_ptrace.hits += src->intra_ptrace.hits;
	for (int k = 0; k < CP_UNSEEN_MAX; k++) {
		if (src->unseen[k].hits && !dst->unseen[k].hits)
			rec_evidence_copy(&dst->unseen[k].ev, &src->unseen[k].ev);
		dst->unseen[k].hits += src->unseen[k].hits;
	}
	for (size_t i = 0; i < src->ndenied; i++)
		rec_add_denied(dst, &src->denied[i]);
	for (size_t i = 0; i < src->nwtraced; i++)
		rec_add_workload_traced(dst, &src->wtraced[i].ev, src->wtraced[i].data, src->wtraced[i].count);
	if (!dst->env_docker_image && src->env_docker_image) {
		dst->env_docker_image = cp_xstrdup(src->env_docker_image);
		dst->env_docker_args = cp_xcalloc(src->env_ndocker_args + 1, sizeof(char *));
		for (size_t i = 0; i < src->env_ndocker_args; i++)
			dst->env_docker_args[i] = cp_xstrdup(src->env_docker_args[i]);
		dst->env_ndocker_args = src->env_ndocker_args;
	}
	dst->env_sandbox |= src->env_sandbox;
	if (!dst->baseline && src->baseline)
		dst->baseline = cp_xstrdup(src->baseline);
	dst->caps_traced |= src->caps_traced;
	dst->complete &= src->complete;
}

static const char *const unseen_text[CP_UNSEEN_MAX][2] = {
	[CP_UNSEEN_IO_URING] = { "io_uring",
				 "the workload set up io_uring: file and network operations submitted through the "
				 "ring are not syscalls, so neither this recording nor any seccomp filter sees or "
				 "stops them" },
	[CP_UNSEEN_TRACER] = { "tracer",
			       "the workload tried to trace a process (ptrace attach, seize or traceme): a process "
			       "has one tracer and capprof is it, so the attempt failed with EPERM under capprof "
			       "(a tracer such as strace cannot run under record)" },
	[CP_UNSEEN_SECCOMP] = { "seccomp_filter",
				"the workload loaded a seccomp filter of its own: calls that filter denies or kills "
				"never reach capprof and are missing from this recording" },
};

const char *rec_unseen_name(int kind)
{
	return kind >= 0 && kind < CP_UNSEEN_MAX ? unseen_text[kind][0] : NULL;
}

const char *rec_unseen_why(int kind)
{
	return kind >= 0 && kind < CP_UNSEEN_MAX ? unseen_text[kind][1] : NULL;
}

void rec_capuse_clear_verdict(struct cp_capuse *u)
{
	free(u->without);
	u->without = NULL;
	cp_strv_free_n(u->trade, u->ntrade);
	u->trade = NULL;
	u->ntrade = 0;
}
