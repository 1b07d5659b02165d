// SPDX-License-Identifier: MIT
/*
 * The verify engine with a fake run: each test says how the workload's
 * outcome depends on the trial (capabilities granted, syscalls left out or
 * added), and checks the verdicts, the trials the engine asked for (group
 * testing: how many), the noise masking of the reference, and its events.
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
	uint64_t need_output; /* without one of these: other stdout */
	uint64_t need_stderr; /* without one of these: a warning on stderr */
	const char *need_sys[4]; /* left out: exit 2 */
	const char *deny_without_cap; /* denied syscall when need_denial is missing, unless added */
	uint64_t need_denial;
	bool noisy; /* stdout's second line differs from run to run */
	int exit_flip_run; /* 1-based run that exits 3 (an unstable workload), 0 never */
	unsigned runs;
	uint64_t caps_seen[64];
	unsigned trials, verdicts;
	int fail_on_run; /* 1-based run that fails with -EIO, 0 never */
};

static int fake_run(void *ctx, const struct vfy_trial *t, struct vfy_outcome *o, struct cp_err *err)
{
	struct fake *f = ctx;
	bool out_ok = (t->caps & f->need_output) == f->need_output;

	if (f->runs < 64)
		f->caps_seen[f->runs] = t->caps;
	f->runs++;
	if (f->fail_on_run && (int)f->runs == f->fail_on_run) {
		return cp_fail(err, -EIO, "fake failure");
	}
	o->rec = rec_new();
	o->rec->output_sha256 = cp_xstrdup(out_ok ? "aaaa" : "bbbb");
	o->rec->output_bytes = 4;
	o->denials_seen = true;
	o->exit_code = (t->caps & f->need_exit) == f->need_exit ? 0 : 1;
	if (f->exit_flip_run && (int)f->runs == f->exit_flip_run)
		o->exit_code = 3;
	for (size_t i = 0; i < 4 && f->need_sys[i]; i++)
		if (vfy_names_has(&t->drop, f->need_sys[i]))
			o->exit_code = 2;
	if (f->deny_without_cap && (t->caps & f->need_denial) != f->need_denial &&
	    !vfy_names_has(&t->add, f->deny_without_cap)) {
		struct cp_evidence ev = { .syscall = (char *)f->deny_without_cap, .err = EPERM };

		rec_add_denied(o->rec, &ev);
	}
	if (t->capture) {
		o->captured = true;
		o->out = cp_xasprintf("result %s\nrun %u\ndone\n", out_ok ? "ok" : "other", f->noisy ? f->runs : 0);
		o->nout = strlen(o->out);
		o->err = cp_xstrdup((t->caps & f->need_stderr) == f->need_stderr ? "" : "W: chown failed\n");
		o->nerr = strlen(o->err);
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

/*
 * Compared with the recording: AUDIT_WRITE, KILL, NET_ADMIN are predicted
 * tolerated and tried as one group, which fails (the gettid denial); the
 * split finds KILL and NET_ADMIN tolerated and AUDIT_WRITE tolerated only
 * with gettid allowed; CHOWN and SETUID are tried one by one.
 */
static void test_caps_groups_and_trade(void **state)
{
	struct fake f = { .need_exit = BIT(CAP_SETUID),
			  .need_output = BIT(CAP_CHOWN),
			  .deny_without_cap = "gettid",
			  .need_denial = BIT(CAP_AUDIT_WRITE) };
	struct vfy_ops ops = { .run = fake_run, .event = fake_event, .ctx = &f, .can_add = true };
	cp_autorec *rec = reference();
	struct vfy v = { .ops = &ops, .rec = rec };
	struct vfy_cap_result res[CP_MAX_CAP];
	struct vfy_stats st = { 0 };
	uint64_t caps = BIT(CAP_SETUID) | BIT(CAP_CHOWN) | BIT(CAP_KILL) | BIT(CAP_AUDIT_WRITE) | BIT(CAP_NET_ADMIN);
	struct cp_err err = { 0 };

	(void)state;
	assert_int_equal(vfy_minimize_caps(&v, caps, res, &st, &err), 0);
	/* group, KILL, NET_ADMIN (on top of KILL), AUDIT_WRITE, AUDIT_WRITE + gettid, CHOWN, SETUID */
	assert_int_equal(f.runs, 7);
	assert_int_equal(st.trials, 7);
	assert_int_equal(f.trials, 7);
	/* The first trial dropped the whole predicted group. */
	assert_int_equal(f.caps_seen[0], BIT(CAP_SETUID) | BIT(CAP_CHOWN));
	/* Drops accumulate: NET_ADMIN's trial ran without KILL too. */
	assert_int_equal(f.caps_seen[2], caps & ~(BIT(CAP_KILL) | BIT(CAP_NET_ADMIN)));
	assert_true(res[CAP_SETUID].tried && !res[CAP_SETUID].same);
	assert_string_equal(res[CAP_SETUID].why, "exit 1, recorded 0");
	assert_true(res[CAP_CHOWN].tried && !res[CAP_CHOWN].same);
	assert_string_equal(res[CAP_CHOWN].why, "output differs");
	assert_true(res[CAP_KILL].same && res[CAP_NET_ADMIN].same);
	assert_true(res[CAP_AUDIT_WRITE].tried && res[CAP_AUDIT_WRITE].same);
	assert_int_equal(res[CAP_AUDIT_WRITE].trade.n, 1);
	assert_string_equal(res[CAP_AUDIT_WRITE].trade.v[0], "gettid");
	assert_string_equal(res[CAP_AUDIT_WRITE].why, "needs gettid as well; without it: 1 denial, first gettid");
	assert_false(res[CAP_SYS_ADMIN].tried);

	/* Verdicts go to capabilities with hits only, with the evidence and the trade. */
	rec->caps[CAP_KILL].hits = 1;
	rec->caps[CAP_SETUID].hits = 2;
	rec->caps[CAP_AUDIT_WRITE].hits = 1;
	assert_int_equal(vfy_apply_verdicts(rec, res), 3);
	assert_int_equal(rec->caps[CAP_KILL].verdict, CP_VERDICT_TOLERATED);
	assert_string_equal(rec->caps[CAP_KILL].without, "outcome unchanged");
	assert_int_equal(rec->caps[CAP_SETUID].verdict, CP_VERDICT_REQUIRED);
	assert_int_equal(rec->caps[CAP_CHOWN].verdict, CP_VERDICT_HIT);
	assert_int_equal(rec->caps[CAP_AUDIT_WRITE].ntrade, 1);
	assert_string_equal(rec->caps[CAP_AUDIT_WRITE].trade[0], "gettid");
	vfy_cap_results_clear(res);
}

/* Without can_add the denial decides: AUDIT_WRITE required, and the second half is split untried. */
static void test_no_trade(void **state)
{
	struct fake f = { .deny_without_cap = "gettid", .need_denial = BIT(CAP_AUDIT_WRITE) };
	struct vfy_ops ops = { .run = fake_run, .ctx = &f };
	cp_autorec *rec = reference();
	struct vfy v = { .ops = &ops, .rec = rec };
	struct vfy_cap_result res[CP_MAX_CAP];
	struct cp_err err = { 0 };

	(void)state;
	assert_int_equal(
		vfy_minimize_caps(&v, BIT(CAP_KILL) | BIT(CAP_NET_ADMIN) | BIT(CAP_AUDIT_WRITE), res, NULL, &err), 0);
	/* group (fails), KILL (same), NET_ADMIN (same); AUDIT_WRITE known to fail without a trial */
	assert_int_equal(f.runs, 3);
	assert_false(res[CAP_AUDIT_WRITE].same);
	assert_string_equal(res[CAP_AUDIT_WRITE].why, "1 denial, first gettid");
	assert_int_equal(res[CAP_AUDIT_WRITE].trade.n, 0);
	vfy_cap_results_clear(res);
}

/* All predicted and all tolerated: one trial for all of them. */
static void test_one_trial_when_all_tolerated(void **state)
{
	struct fake f = { 0 };
	struct vfy_ops ops = { .run = fake_run, .ctx = &f };
	cp_autorec *rec = reference();
	struct vfy v = { .ops = &ops, .rec = rec };
	struct vfy_cap_result res[CP_MAX_CAP];
	struct cp_err err = { 0 };
	uint64_t caps = BIT(CAP_KILL) | BIT(CAP_NET_ADMIN) | BIT(CAP_AUDIT_WRITE) | BIT(CAP_DAC_READ_SEARCH) |
			BIT(CAP_SYS_NICE);

	(void)state;
	assert_int_equal(vfy_minimize_caps(&v, caps, res, NULL, &err), 0);
	assert_int_equal(f.runs, 1);
	for (int c = 0; c < CP_MAX_CAP; c++)
		assert_int_equal(res[c].tried, !!(caps & BIT(c)));
	for (int c = 0; c < CP_MAX_CAP; c++)
		if (res[c].tried)
			assert_true(res[c].same);
	vfy_cap_results_clear(res);
}

/* The reference: noise masked, stderr compared, what changed quoted. */
static void test_reference_masks_noise(void **state)
{
	struct fake f = { .noisy = true, .need_stderr = BIT(CAP_FOWNER), .need_exit = BIT(CAP_SETUID) };
	struct vfy_ops ops = { .run = fake_run, .ctx = &f };
	cp_autorec *rec = reference();
	struct vfy v = { .ops = &ops, .rec = rec };
	struct vfy_trial full = { .caps = BIT(CAP_FOWNER) | BIT(CAP_SETUID) | BIT(CAP_KILL) };
	struct vfy_ref ref;
	struct vfy_cap_result res[CP_MAX_CAP];
	struct cp_err err = { 0 };

	(void)state;
	assert_int_equal(vfy_baseline(&v, &full, NULL, &ref, &err), 0);
	assert_int_equal(f.runs, 2);
	assert_true(ref.captured);
	assert_true(ref.out.compare);
	assert_int_equal(ref.out.nlines, 3);
	assert_int_equal(ref.out.nmasked, 1);
	assert_true(ref.out.masked[1]);
	assert_non_null(strstr(ref.out.why, "1 of 3 lines differ"));
	assert_true(ref.err.compare);
	assert_int_equal(ref.err.nmasked, 0);
	v.ref = &ref;
	assert_int_equal(vfy_minimize_caps(&v, full.caps, res, NULL, &err), 0);
	/* Every trial's "run N" line differs from the reference's: masked, so KILL is tolerated. */
	assert_true(res[CAP_KILL].same);
	assert_string_equal(res[CAP_KILL].why, "outcome unchanged");
	assert_false(res[CAP_FOWNER].same);
	assert_string_equal(res[CAP_FOWNER].why, "stderr has 1 line, reference 0: line 1 \"W: chown failed\"");
	assert_false(res[CAP_SETUID].same);
	assert_string_equal(res[CAP_SETUID].why, "exit 1, reference 0");
	vfy_cap_results_clear(res);
	vfy_ref_clear(&ref);
}

/* Two runs with everything granted that end differently: no reference. */
static void test_unstable_baseline(void **state)
{
	struct fake f = { .exit_flip_run = 2 };
	struct vfy_ops ops = { .run = fake_run, .ctx = &f };
	cp_autorec *rec = reference();
	struct vfy v = { .ops = &ops, .rec = rec };
	struct vfy_trial full = { .caps = BIT(CAP_KILL) };
	struct vfy_ref ref;
	struct cp_err err = { 0 };

	(void)state;
	assert_int_equal(vfy_baseline(&v, &full, NULL, &ref, &err), -EAGAIN);
	assert_non_null(strstr(err.msg, "exit 0 and 3"));
	vfy_ref_clear(&ref);
}

static void test_run_failure(void **state)
{
	struct fake f = { .fail_on_run = 2, .need_exit = BIT(CAP_CHOWN) | BIT(CAP_FOWNER) };
	struct vfy_ops ops = { .run = fake_run, .ctx = &f };
	cp_autorec *rec = reference();
	struct vfy v = { .ops = &ops, .rec = rec };
	struct vfy_cap_result res[CP_MAX_CAP];
	struct cp_err err = { 0 };

	(void)state;
	assert_int_equal(vfy_minimize_caps(&v, BIT(CAP_CHOWN) | BIT(CAP_FOWNER) | BIT(CAP_SETUID), res, NULL, &err),
			 -EIO);
	assert_string_equal(err.msg, "fake failure");
	assert_int_equal(f.runs, 2);
	vfy_cap_results_clear(res);
}

static void test_syscalls(void **state)
{
	struct fake f = { .need_sys = { "write", "openat" } };
	struct vfy_ops ops = { .run = fake_run, .event = fake_event, .ctx = &f };
	cp_autorec *rec = reference();
	struct vfy v = { .ops = &ops, .rec = rec };
	const char *names[] = { "brk", "execve", "getpid", "openat", "rseq", "set_robust_list", "write" };
	struct vfy_names cand = { names, 7 }, drop = { 0 };
	struct vfy_sys_result res[7];
	struct cp_err err = { 0 };

	(void)state;
	assert_int_equal(vfy_minimize_syscalls(&v, 0, &cand, res, &drop, NULL, &err), 0);
	/* rseq and set_robust_list in one trial, then brk, getpid, openat, write; execve never tried */
	assert_int_equal(f.runs, 5);
	assert_int_equal(drop.n, 4);
	assert_string_equal(drop.v[0], "brk");
	assert_string_equal(drop.v[1], "getpid");
	assert_string_equal(drop.v[2], "rseq");
	assert_string_equal(drop.v[3], "set_robust_list");
	assert_false(res[1].same);
	assert_non_null(strstr(res[1].why, "under the filter"));
	assert_false(res[3].same);
	assert_string_equal(res[3].why, "exit 2, recorded 0");
	assert_true(res[0].same);
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
	assert_true(vfy_trade_refused("mount"));
	assert_false(vfy_trade_refused("gettid"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caps_groups_and_trade),
		cmocka_unit_test(test_no_trade),
		cmocka_unit_test(test_one_trial_when_all_tolerated),
		cmocka_unit_test(test_reference_masks_noise),
		cmocka_unit_test(test_unstable_baseline),
		cmocka_unit_test(test_run_failure),
		cmocka_unit_test(test_syscalls),
		cmocka_unit_test(test_hard_denials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
