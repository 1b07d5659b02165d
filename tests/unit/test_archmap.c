// SPDX-License-Identifier: MIT
/*
 * emit --arch (generator/archmap.c): the mapping table covers every x86_64
 * call the asm-generic architectures lack, and every name of an emitted
 * profile resolves through libseccomp on each architecture it applies to.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <seccomp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/names.h"
#include "common/recording.h"
#include "common/util.h"
#include "generator/gen.h"

/* The golden recordings: tests/golden/, found through TESTS_DIR (run-tests.sh) or the source path. */
static char *golden(const char *file)
{
	const char *dir = getenv("TESTS_DIR");

	if (dir && *dir)
		return cp_xasprintf("%s/golden/%s", dir, file);
	return cp_xasprintf("%.*s/../golden/%s", (int)(strrchr(__FILE__, '/') - __FILE__), __FILE__, file);
}

static const char *const recordings[] = { "rec-busybox-pipe.json", "rec-ls.json", "rec-sh-files.json", "sample.json",
					  "sample2.json" };

static struct cp_rec *load(const char *file)
{
	cp_autofree char *path = golden(file);
	struct cp_rec *rec = NULL;
	struct cp_err err = { 0 };

	if (rec_load(path, &rec, &err) < 0)
		fail_msg("%s: %s", path, err.msg);
	return rec;
}

/* Straight from libseccomp, not through the code under test. */
static bool resolves(uint32_t arch, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(arch, name);

	/* -101..-120, -201..-224: socketcall/ipc calls, filtered by libseccomp on s390x */
	return nr >= 0 || (nr <= -101 && nr >= -224);
}

/* Every x86_64 call an asm-generic target lacks is mapped to calls it has, or dropped for a stated reason. */
static void table_covers_x86_64(void **state)
{
	static const char *const targets[] = { "aarch64", "riscv64", "s390x", "mips64" };
	int checked = 0;

	(void)state;
	for (size_t t = 0; t < CP_ARRAY_SIZE(targets); t++) {
		uint32_t target = cp_arch_from_name(targets[t]);

		for (int nr = 0; nr < 1024; nr++) {
			char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
			const char *out[4], *why = NULL;
			size_t n;

			if (!name)
				continue;
			n = gen_arch_map_name(name, target, out, &why);
			if (!n && strstr(why, "no replacement is known"))
				fail_msg("%s: x86_64 %s is neither mapped nor dropped with a reason", targets[t], name);
			for (size_t k = 0; k < n; k++)
				if (!resolves(target, out[k]))
					fail_msg("%s: %s maps to %s, which libseccomp does not know there", targets[t],
						 name, out[k]);
			checked++;
			free(name);
		}
	}
	assert_true(checked > 4 * 300);
}

static void maps_by_meaning(void **state)
{
	const char *out[4], *why;

	(void)state;
	assert_int_equal(gen_arch_map_name("open", SCMP_ARCH_AARCH64, out, &why), 1);
	assert_string_equal(out[0], "openat");
	/* s390x still has open: the name is kept */
	assert_int_equal(gen_arch_map_name("open", SCMP_ARCH_S390X, out, &why), 1);
	assert_string_equal(out[0], "open");
	assert_int_equal(gen_arch_map_name("dup2", SCMP_ARCH_AARCH64, out, &why), 2);
	assert_string_equal(out[0], "dup3");
	assert_string_equal(out[1], "fcntl");
	/* riscv64 has no renameat: the next alternative */
	assert_int_equal(gen_arch_map_name("rename", SCMP_ARCH_AARCH64, out, &why), 1);
	assert_string_equal(out[0], "renameat");
	assert_int_equal(gen_arch_map_name("rename", SCMP_ARCH_RISCV64, out, &why), 1);
	assert_string_equal(out[0], "renameat2");
	assert_int_equal(gen_arch_map_name("arch_prctl", SCMP_ARCH_AARCH64, out, &why), 0);
	assert_non_null(strstr(why, "x86 only"));
	assert_int_equal(gen_arch_map_name("stat", SCMP_ARCH_AARCH64, out, &why), 1);
	assert_string_equal(out[0], "newfstatat");
}

/* fork becomes clone with glibc's flags, so clone's namespace rule still applies on arm64. */
static void fork_carries_clone_flags(void **state)
{
	struct cp_rec *r = rec_new();
	struct cp_sys *s = rec_sys(rec_arch(r, SCMP_ARCH_X86_64), (uint32_t)cp_syscall_nr(SCMP_ARCH_X86_64, "fork"));
	struct gen_archmap_result res = { 0 };
	struct cp_rec *m;
	const struct cp_arch *a;
	const struct cp_sys *c;

	(void)state;
	s->count = 1;
	m = gen_arch_map_rec(r, gen_arch_family(SCMP_ARCH_AARCH64), &res);
	a = rec_arch_find(m, SCMP_ARCH_AARCH64);
	assert_non_null(a);
	c = rec_sys_get(a, (uint32_t)cp_syscall_nr(SCMP_ARCH_AARCH64, "clone"));
	assert_non_null(c);
	assert_true(rec_valset_has(&c->vals[0], 0x01200011));
	assert_int_equal(res.nadded, 1);
	assert_string_equal(res.added[0], "clone");
	assert_string_equal(res.mapped[0], "fork -> clone");
	gen_archmap_result_clear(&res);
	rec_free(m);
	rec_free(r);
}

static void parse_targets(void **state)
{
	uint32_t t[GEN_MAX_FAMILY];
	size_t n;
	struct cp_err err = { 0 };

	(void)state;
	assert_int_equal(gen_arch_targets_parse("arm64,x86_64,amd64", t, GEN_MAX_FAMILY, &n, &err), 0);
	assert_int_equal(n, 2);
	/* Docker's order, whatever the user's */
	assert_int_equal(t[0], SCMP_ARCH_X86_64);
	assert_int_equal(t[1], SCMP_ARCH_AARCH64);
	assert_int_equal(gen_arch_targets_parse("all", t, GEN_MAX_FAMILY, &n, &err), 0);
	assert_true(n >= 8);
	assert_int_equal(gen_arch_targets_parse("x86_64,arm", t, GEN_MAX_FAMILY, &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "\"arm\""));
	assert_int_equal(gen_arch_targets_parse("sparc", t, GEN_MAX_FAMILY, &n, &err), -EINVAL);
	assert_int_equal(gen_arch_targets_parse(",", t, GEN_MAX_FAMILY, &n, &err), -EINVAL);
}

/* A rule applies on a machine unless includes.arches names other machines (Docker's reading). */
static bool applies(const cJSON *rule, const char *goarch)
{
	const cJSON *arches = cJSON_GetObjectItem(cJSON_GetObjectItem(rule, "includes"), "arches"), *a;

	if (!arches)
		return true;
	cJSON_ArrayForEach(a, arches) if (!strcmp(a->valuestring, goarch)) return true;
	return false;
}

static const char *goarch_of(uint32_t arch)
{
	const struct gen_family *f = gen_arch_family(arch);

	return f ? f->goarch : NULL;
}

/* Emit every recording for every architecture and check each name against libseccomp. */
static void every_name_resolves(void **state)
{
	uint32_t t[GEN_MAX_FAMILY];
	size_t nt, checked = 0;
	struct cp_err err = { 0 };

	(void)state;
	assert_int_equal(gen_arch_targets_parse("all", t, GEN_MAX_FAMILY, &nt, &err), 0);
	for (size_t i = 0; i < CP_ARRAY_SIZE(recordings); i++) {
		struct cp_rec *rec = load(recordings[i]);
		cp_autofree char *notes = NULL;
		struct gen_opts o = { .format = GEN_DOCKER, .targets = t, .ntargets = nt, .notes = &notes };
		cp_autofree char *text = NULL;
		cJSON *root, *fam, *rule;

		assert_int_equal(gen_emit(rec, &o, &text, NULL), 0);
		root = cJSON_Parse(text);
		assert_non_null(root);
		assert_null(cJSON_GetObjectItem(root, "architectures"));
		assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "archMap")), (int)nt);
		cJSON_ArrayForEach(fam, cJSON_GetObjectItem(root, "archMap"))
		{
			uint32_t arch = cp_arch_from_docker_name(cJSON_GetObjectItem(fam, "architecture")->valuestring);
			const char *go = goarch_of(arch);

			assert_non_null(go);
			cJSON_ArrayForEach(rule, cJSON_GetObjectItem(root, "syscalls"))
			{
				const cJSON *nm, *arg;

				if (!applies(rule, go))
					continue;
				cJSON_ArrayForEach(nm, cJSON_GetObjectItem(rule, "names"))
				{
					if (!resolves(arch, nm->valuestring))
						fail_msg("%s: %s: \"%s\" does not resolve on %s", recordings[i],
							 cJSON_GetObjectItem(rule, "comment")->valuestring,
							 nm->valuestring, cp_arch_name(arch));
					/* clone's flags: argument 1 on s390x (CLONE_BACKWARDS2), 0 elsewhere */
					cJSON_ArrayForEach(
						arg, cJSON_GetObjectItem(rule, "args")) if (!strcmp(nm->valuestring,
												    "clone"))
						assert_int_equal(cJSON_GetObjectItem(arg, "index")->valueint,
								 arch == SCMP_ARCH_S390X ? 1 : 0);
					checked++;
				}
			}
		}
		cJSON_Delete(root);
		rec_free(rec);
	}
	assert_true(checked > 500);
}

/* The default (no --arch) keeps the recorded architectures: no archMap, no includes. */
static void default_unchanged(void **state)
{
	struct cp_rec *rec = load("rec-sh-files.json");
	struct gen_opts o = { .format = GEN_DOCKER };
	cp_autofree char *text = NULL;

	(void)state;
	assert_int_equal(gen_emit(rec, &o, &text, NULL), 0);
	assert_null(strstr(text, "archMap"));
	assert_null(strstr(text, "includes"));
	assert_non_null(strstr(text, "\"arch_prctl\""));
	rec_free(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_covers_x86_64),	    cmocka_unit_test(maps_by_meaning),
		cmocka_unit_test(fork_carries_clone_flags), cmocka_unit_test(parse_targets),
		cmocka_unit_test(every_name_resolves),	    cmocka_unit_test(default_unchanged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
