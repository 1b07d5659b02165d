// SPDX-License-Identifier: MIT
/*
 * The verify engine with a fake run: each test says how the workload's
 * outcome depends on the trial (capabilities granted, syscalls left out),
 * and checks the verdicts, the trials the engine asked for, and its events.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/recording.h"
#include "common/util.h"
#include "verify/verify.h"

#define BIT(c) (1ull << (c))

/* The fake workload: what it needs, and what the engine asked of it. */
struct fake {
	uint64_t need_exit; /* without one of these: exit 1 */
	uint64_t need_output; /* without one of these: other output */
	const char *need_sys[4]; /* left out: exit 2 */
	const char *deny_without_cap; /* denied syscall when need_denial is missing */
	uint64_t need_denial;
	unsigned runs;
	uint64_t caps_seen[64];
	unsigned trials, verdicts;
	int fail_on_run; /* 1-based run that fails with -EIO, 0 never */
};

static int fake_run(void *ctx, const struct vfy_trial *t, struct vfy_outcome *o, char *err, size_t errlen)
{
	struct fake *f = ctx;

	if (f->runs < 64)
		f->caps_seen[f->runs] = t->caps;
	f->runs++;
	if (f->fail_on_run && (int)f->runs == f->fail_on_run) {
		cp_set_err(err, errlen, "fake failure");
		return -EIO;
	}
	o->rec = rec_new();
	o->rec->output_sha256 = cp_xstrdup((t->caps & f->need_output) == f->need_output ? "aaaa" : "bbbb");
	o->rec->output_bytes = 4;
	o->exit_code = (t->caps & f->need_exit) == f->need_exit ? 0 : 1;
	for (size_t i = 0; i < 4 && f->need_sys[i]; i++)
		if (vfy_names_has(&t->drop, f->need_sys[i]))
			o->exit_code = 2;
	if (f->deny_without_cap && (t->caps & f->need_denial) != f->need_denial) {
		struct cp_evidence ev = { .syscall = (char *)f->deny_without_cap, .err = EPERM };

		rec_add_denied(o->rec, &ev);
	}
	return 0;
}

static void fake_event(void *ctx, const struct vfy_event *e)
{
	struct fake *f = ctx;

	assert_non_null(e->what);
	assert_true(e->trial >= 1 && e->trial <= e->ntrials);
	if (e->kind == VFY_EV_TRIAL)
		f->trials++;
	else
		f->verdicts++;
}

static struct cp_rec *reference(void)
{
	struct cp_rec *r = rec_new();

	r->exit_code = 0;
	r->output_sha256 = cp_xstrdup("aaaa");
	r->output_bytes = 4;
	return r;
}

static void test_caps_verdicts(void **state)
{
	struct fake f = { .need_exit = BIT(CAP_SETUID),
			  .need_output = BIT(CAP_CHOWN),
			  .deny_without_cap = "gettid",
			  .need_denial = BIT(CAP_AUDIT_WRITE) };
	struct vfy_ops ops = { .run = fake_run, .event = fake_event, .ctx = &f };
	cp_autorec *rec = reference();
	struct vfy v = { .ops = &ops, .rec = rec };
	struct vfy_cap_result res[CP_MAX_CAP];
	uint64_t caps = BIT(CAP_SETUID) | BIT(CAP_CHOWN) | BIT(CAP_KILL) | BIT(CAP_AUDIT_WRITE);
	char err[256] = "";

	(void)state;
	assert_int_equal(vfy_minimize_caps(&v, caps, res, err, sizeof(err)), 0);
	assert_int_equal(f.runs, 4);
	assert_int_equal(f.trials, 4);
	assert_int_equal(f.verdicts, 4);
	/* Each trial granted all but one. */
	for (unsigned i = 0; i < f.runs; i++)
		assert_int_equal(__builtin_popcountll(caps & ~f.caps_seen[i]), 1);
	assert_true(res[CAP_SETUID].tried && !res[CAP_SETUID].same);
	assert_string_equal(res[CAP_SETUID].why, "exit 1, recorded 0");
	assert_true(res[CAP_CHOWN].tried && !res[CAP_CHOWN].same);
	assert_string_equal(res[CAP_CHOWN].why, "output differs");
	assert_true(res[CAP_AUDIT_WRITE].tried && !res[CAP_AUDIT_WRITE].same);
	assert_string_equal(res[CAP_AUDIT_WRITE].why, "1 denial, first gettid");
	assert_true(res[CAP_KILL].tried && res[CAP_KILL].same);
	assert_string_equal(res[CAP_KILL].why, "same outcome");
	assert_false(res[CAP_SYS_ADMIN].tried);

	/* Verdicts go to capabilities with hits only. */
	rec->caps[CAP_KILL].hits = 1;
	rec->caps[CAP_SETUID].hits = 2;
	assert_int_equal(vfy_apply_verdicts(rec, res), 2);
	assert_int_equal(rec->caps[CAP_KILL].verdict, CP_VERDICT_TOLERATED);
	assert_int_equal(rec->caps[CAP_SETUID].verdict, CP_VERDICT_REQUIRED);
	assert_int_equal(rec->caps[CAP_CHOWN].verdict, CP_VERDICT_HIT);
}

static void test_ignore_output(void **state)
{
	struct fake f = { .need_output = BIT(CAP_CHOWN) };
	struct vfy_ops ops = { .run = fake_run, .ctx = &f };
	cp_autorec *rec = reference();
	struct vfy v = { .ops = &ops, .rec = rec, .ignore_output = true };
	struct vfy_cap_result res[CP_MAX_CAP];
	char err[256];

	(void)state;
	assert_int_equal(vfy_minimize_caps(&v, BIT(CAP_CHOWN), res, err, sizeof(err)), 0);
	assert_true(res[CAP_CHOWN].same);
}

static void test_run_failure(void **state)
{
	struct fake f = { .fail_on_run = 2 };
	struct vfy_ops ops = { .run = fake_run, .ctx = &f };
	cp_autorec *rec = reference();
	struct vfy v = { .ops = &ops, .rec = rec };
	struct vfy_cap_result res[CP_MAX_CAP];
	char err[256] = "";

	(void)state;
	assert_int_equal(vfy_minimize_caps(&v, BIT(CAP_CHOWN) | BIT(CAP_KILL) | BIT(CAP_FOWNER), res, err, sizeof(err)),
			 -EIO);
	assert_string_equal(err, "fake failure");
	assert_int_equal(f.runs, 2);
}

static void test_syscalls(void **state)
{
	struct fake f = { .need_sys = { "write", "openat" } };
	struct vfy_ops ops = { .run = fake_run, .event = fake_event, .ctx = &f };
	cp_autorec *rec = reference();
	struct vfy v = { .ops = &ops, .rec = rec };
	const char *names[] = { "brk", "execve", "getpid", "openat", "write" };
	struct vfy_names cand = { names, 5 }, drop = { 0 };
	char err[256];

	(void)state;
	assert_int_equal(vfy_minimize_syscalls(&v, 0, &cand, &drop, err, sizeof(err)), 0);
	/* execve is never tried; every other name once. */
	assert_int_equal(f.runs, 4);
	assert_int_equal(f.verdicts, 5);
	assert_int_equal(drop.n, 2);
	assert_string_equal(drop.v[0], "brk");
	assert_string_equal(drop.v[1], "getpid");
	free(drop.v);
}

static void test_hard_denials(void **state)
{
	cp_autorec *run = rec_new();
	struct cp_evidence a = { .syscall = (char *)"clone3", .err = ENOSYS };
	struct cp_evidence b = { .syscall = (char *)"brk", .err = EPERM };
	struct cp_evidence c = { .syscall = (char *)"mount", .err = EPERM };
	const char *dropped[] = { "brk" };
	struct vfy_trial t = { .drop = { dropped, 1 } };
	const char *first = NULL;

	(void)state;
	rec_add_denied(run, &a);
	rec_add_denied(run, &b);
	rec_add_denied(run, &c);
	assert_int_equal(vfy_hard_denials(run, NULL, &first), 2);
	assert_string_equal(first, "brk");
	assert_int_equal(vfy_hard_denials(run, &t, &first), 1);
	assert_string_equal(first, "mount");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caps_verdicts), cmocka_unit_test(test_ignore_output),
		cmocka_unit_test(test_run_failure),   cmocka_unit_test(test_syscalls),
		cmocka_unit_test(test_hard_denials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
