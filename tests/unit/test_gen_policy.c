// SPDX-License-Identifier: MIT
/* The generator's rule builders: argument rules, ENOSYS entries, runtime data, architectures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <seccomp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/names.h"
#include "common/recording.h"
#include "generator/gen.h"

static struct cp_sys *add(struct cp_rec *r, const char *name)
{
	struct cp_sys *s = rec_sys(rec_arch(r, SCMP_ARCH_X86_64), (uint32_t)cp_syscall_nr(SCMP_ARCH_X86_64, name));

	s->count++;
	return s;
}

/* The rule that names `name` with action/args, or NULL; `nth` picks among several. */
static const struct gen_rule *find(const struct gen_policy *p, const char *name, int nth)
{
	for (size_t i = 0; i < p->nrules; i++)
		for (size_t k = 0; k < p->rules[i].nnames; k++)
			if (!strcmp(p->rules[i].names[k], name) && nth-- == 0)
				return &p->rules[i];
	return NULL;
}

static struct gen_policy *build(const struct cp_rec *r, const struct gen_opts *o)
{
	struct gen_policy *p = NULL;

	assert_int_equal(gen_policy_build(r, o, &p), 0);
	return p;
}

static void socket_family_eq_per_value(void **state)
{
	(void)state;
	struct cp_rec *r = rec_new();
	struct cp_sys *s = add(r, "socket");
	struct gen_opts o = { 0 };
	struct gen_policy *p;
	const struct gen_rule *g;

	rec_valset_add(&s->vals[0], 10);
	rec_valset_add(&s->vals[0], 1);
	p = build(r, &o);
	g = find(p, "socket", 0);
	assert_non_null(g);
	assert_true(g->allow);
	assert_int_equal(g->nargs, 1);
	assert_int_equal(g->args[0].index, 0);
	assert_int_equal(g->args[0].value, 1);
	assert_string_equal(g->args[0].op, "SCMP_CMP_EQ");
	g = find(p, "socket", 1);
	assert_non_null(g);
	assert_int_equal(g->args[0].value, 10);
	assert_null(find(p, "socket", 2));
	gen_policy_free(p);

	/* --no-args: one plain allow */
	o.no_args = true;
	p = build(r, &o);
	g = find(p, "socket", 0);
	assert_int_equal(g->nargs, 0);
	assert_null(find(p, "socket", 1));
	gen_policy_free(p);

	/* too many values: no rule */
	o.no_args = false;
	s->vals[0].overflow = true;
	p = build(r, &o);
	assert_int_equal(find(p, "socket", 0)->nargs, 0);
	gen_policy_free(p);

	/* no values recorded: no rule either */
	free(s->vals[0].v);
	memset(&s->vals[0], 0, sizeof(s->vals[0]));
	p = build(r, &o);
	assert_int_equal(find(p, "socket", 0)->nargs, 0);
	gen_policy_free(p);
	rec_free(r);
}

static void clone_mask_and_clone3_enosys(void **state)
{
	(void)state;
	struct cp_rec *r = rec_new();
	struct gen_opts o = { 0 };
	struct gen_policy *p;
	const struct gen_rule *g;

	rec_valset_add(&add(r, "clone3")->vals[0], 0x3d0f00);
	rec_valset_add(&add(r, "unshare")->vals[0], 0x20000 /* CLONE_NEWNS */);
	p = build(r, &o);
	/* clone was never called but is clone3's fallback: allowed with the mask */
	g = find(p, "clone", 0);
	assert_non_null(g);
	assert_int_equal(g->nargs, 1);
	assert_string_equal(g->args[0].op, "SCMP_CMP_MASKED_EQ");
	assert_int_equal(g->args[0].value, GEN_CLONE_NS_MASK);
	assert_int_equal(g->args[0].value_two, 0);
	g = find(p, "clone3", 0);
	assert_false(g->allow);
	assert_int_equal(g->errno_ret, GEN_ENOSYS);
	g = find(p, "unshare", 0);
	assert_int_equal(g->args[0].value, GEN_UNSHARE_NS_MASK & ~0x20000ull);
	gen_policy_free(p);

	/* a recorded namespace flag is not forbidden */
	rec_valset_add(&add(r, "clone")->vals[0], 0x40000000 /* CLONE_NEWNET */);
	p = build(r, &o);
	assert_int_equal(find(p, "clone", 0)->args[0].value, GEN_CLONE_NS_MASK & ~0x40000000ull);
	gen_policy_free(p);

	/* without argument rules clone3 is simply allowed */
	o.no_args = true;
	p = build(r, &o);
	assert_true(find(p, "clone3", 0)->allow);
	assert_int_equal(find(p, "clone", 0)->nargs, 0);
	gen_policy_free(p);
	rec_free(r);
}

static void unshare_all_namespaces_no_rule(void **state)
{
	(void)state;
	struct cp_rec *r = rec_new();
	struct gen_opts o = { 0 };
	struct gen_policy *p;

	rec_valset_add(&add(r, "unshare")->vals[0], GEN_UNSHARE_NS_MASK);
	p = build(r, &o);
	assert_int_equal(find(p, "unshare", 0)->nargs, 0);
	assert_true(find(p, "unshare", 0)->allow);
	gen_policy_free(p);
	rec_free(r);
}

static void enosys_for_unrecorded_probes(void **state)
{
	(void)state;
	struct cp_rec *r = rec_new();
	struct gen_opts o = { 0 };
	struct gen_policy *p;

	add(r, "statx");
	add(r, "read");
	p = build(r, &o);
	/* recorded: allowed; not recorded: ENOSYS */
	assert_true(find(p, "statx", 0)->allow);
	assert_false(find(p, "faccessat2", 0)->allow);
	assert_int_equal(find(p, "faccessat2", 0)->errno_ret, GEN_ENOSYS);
	assert_int_equal(find(p, "clone3", 0)->errno_ret, GEN_ENOSYS);
	/* every list entry is a real syscall with a reason */
	for (size_t i = 0; i < gen_enosys_count; i++) {
		assert_true(cp_syscall_nr(SCMP_ARCH_X86_64, gen_enosys_list[i].name) >= 0);
		assert_true(strlen(gen_enosys_list[i].why) > 10);
	}
	gen_policy_free(p);
	rec_free(r);
}

static void runtime_lists(void **state)
{
	(void)state;
	static const char json[] = "{\"runtime\":\"runc\",\"measured\":\"test\","
				   "\"with_nnp\":[\"futex\",\"close\",\"close\"],"
				   "\"without_nnp\":[\"capset\",\"socket\",\"faccessat2\"]}";
	struct cp_rec *r = rec_new();
	struct gen_runtime *rt = NULL;
	struct gen_opts o = { 0 };
	struct gen_policy *p;
	struct cp_err err = { 0 };

	assert_int_equal(gen_runtime_parse(json, strlen(json), "runc", &rt, &err), 0);
	assert_int_equal(rt->n_with, 2); /* sorted, unique */
	assert_string_equal(rt->with_nnp[0], "close");
	rec_valset_add(&add(r, "socket")->vals[0], 2);
	add(r, "close");
	o.runtime = rt;
	p = build(r, &o);
	/* runtime names are allowed whatever the recording's arguments */
	assert_int_equal(find(p, "socket", 0)->nargs, 0);
	assert_non_null(find(p, "capset", 0));
	assert_true(find(p, "faccessat2", 0)->allow);
	assert_null(find(p, "close", 1)); /* listed once */
	gen_policy_free(p);
	o.nnp_only = true;
	p = build(r, &o);
	assert_null(find(p, "capset", 0));
	assert_int_equal(find(p, "socket", 0)->nargs, 1);
	assert_false(find(p, "faccessat2", 0)->allow);
	gen_policy_free(p);
	gen_runtime_free(rt);

	rt = NULL;
	assert_int_equal(gen_runtime_parse(json, strlen(json), "crun", &rt, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "runtime"));
	assert_int_equal(gen_runtime_parse("{\"runtime\":\"runc\",\"with_nnp\":[1]}", 33, "runc", &rt, &err), -EINVAL);
	if (!strstr(err.msg, "with_nnp[0]"))
		fail_msg("error: %s", err.msg);
	rec_free(r);
}

static void arches_from_exes(void **state)
{
	(void)state;
	struct cp_rec *r = rec_new();
	uint32_t a[CP_MAX_ARCH];
	struct cp_exe *e;
	size_t n;

	add(r, "read");
	e = rec_exe(r, "/bin/x86");
	e->elf_class = 32;
	e->machine = strdup("i386");
	e = rec_exe(r, "/bin/script");
	e->elf_class = 0; /* not ELF */
	e->machine = NULL;
	e = rec_exe(r, "/bin/x32");
	e->elf_class = 32;
	e->machine = strdup("x86_64");
	n = gen_arches(r, a);
	assert_int_equal(n, 3);
	assert_string_equal(cp_arch_docker_name(a[0]), "SCMP_ARCH_X32");
	assert_string_equal(cp_arch_docker_name(a[1]), "SCMP_ARCH_X86");
	assert_string_equal(cp_arch_docker_name(a[2]), "SCMP_ARCH_X86_64");
	rec_free(r);
}

static void docker_json_deterministic(void **state)
{
	(void)state;
	struct cp_rec *r = rec_new();
	struct gen_opts o = { 0 };
	struct gen_policy *p;
	char *a, *b;

	add(r, "write");
	add(r, "read");
	rec_valset_add(&add(r, "personality")->vals[0], 0xffffffffull);
	p = build(r, &o);
	a = gen_docker_json(p);
	b = gen_docker_json(p);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "\"names\":\t[\"read\", \"write\"]"));
	assert_non_null(strstr(a, "\"value\":\t4294967295"));
	assert_int_equal(a[strlen(a) - 1], '\n');
	free(a);
	free(b);
	gen_policy_free(p);
	rec_free(r);
}

static void profile_round_trip(void **state)
{
	(void)state;
	struct cp_rec *r = rec_new(), *back = NULL;
	struct gen_opts o = { 0 };
	struct gen_policy *p;
	const struct cp_sys *s;
	char *text;

	rec_valset_add(&add(r, "socket")->vals[0], 16);
	rec_valset_add(&add(r, "clone")->vals[0], 0x1200000);
	add(r, "read");
	p = build(r, &o);
	text = gen_docker_json(p);
	assert_true(gen_is_profile(text, strlen(text)));
	assert_int_equal(gen_profile_to_rec(text, strlen(text), &back, NULL), 0);
	s = rec_sys_get(rec_arch_find(back, SCMP_ARCH_X86_64), (uint32_t)cp_syscall_nr(SCMP_ARCH_X86_64, "socket"));
	assert_non_null(s);
	assert_int_equal(s->vals[0].n, 1);
	assert_false(s->vals[0].overflow);
	s = rec_sys_get(rec_arch_find(back, SCMP_ARCH_X86_64), (uint32_t)cp_syscall_nr(SCMP_ARCH_X86_64, "clone3"));
	assert_non_null(s);
	assert_int_equal(s->count, 0); /* ENOSYS: present, grants nothing */
	{
		const char *rj = "{\"schema\":\"capprof-recording\",\"defaultAction\":1}";

		assert_false(gen_is_profile(rj, strlen(rj)));
	}
	free(text);
	rec_free(back);
	gen_policy_free(p);
	rec_free(r);
}

static void diff_flags_more(void **state)
{
	(void)state;
	struct cp_rec *a = rec_new(), *b = rec_new();
	struct gen_diff_side sa = { a, false }, sb = { b, false };
	bool more;
	char *t;

	add(a, "read");
	add(b, "read");
	t = gen_diff(&sa, &sb, &more);
	assert_false(more);
	free(t);
	b->caps[cp_cap_parse("NET_RAW")].hits = 1;
	t = gen_diff(&sa, &sb, &more);
	assert_true(more);
	assert_non_null(strstr(t, "+ capability NET_RAW\n"));
	free(t);
	t = gen_diff(&sb, &sa, &more);
	assert_false(more);
	assert_non_null(strstr(t, "- capability NET_RAW\n"));
	free(t);
	rec_free(a);
	rec_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(socket_family_eq_per_value),
		cmocka_unit_test(clone_mask_and_clone3_enosys),
		cmocka_unit_test(unshare_all_namespaces_no_rule),
		cmocka_unit_test(enosys_for_unrecorded_probes),
		cmocka_unit_test(runtime_lists),
		cmocka_unit_test(arches_from_exes),
		cmocka_unit_test(docker_json_deterministic),
		cmocka_unit_test(profile_round_trip),
		cmocka_unit_test(diff_flags_more),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
