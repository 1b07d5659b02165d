// SPDX-License-Identifier: MIT
/*
 * The arm64 profile proven without arm64 hardware: emit --arch
 * x86_64,aarch64 from real x86_64 recordings, compile the profile with
 * libseccomp as Docker would on an arm64 machine (enforce/profile_compile.c),
 * export the classic BPF and run it with the tracer's interpreter (filt_run,
 * tracer/filters.c) against struct seccomp_data with AUDIT_ARCH_AARCH64 and
 * arm64 syscall numbers.
 * Every call an arm64 build of the workload makes (the recording mapped by
 * generator/archmap.c) must be allowed, with its recorded arguments; every
 * other arm64 call must get the profile's errno; x86_64 numbers must not
 * pass the arm64 filter.
 *
 * With arguments, `test_bpf_aarch64 --check PROFILE NAME...` compiles
 * PROFILE for arm64 and prints the verdict for each arm64 syscall NAME
 * (tests/integration/arch_qemu.sh feeds it what qemu-aarch64 saw); exit 1
 * when any is denied.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/err.h"
#include "common/names.h"
#include "common/recording.h"
#include "common/util.h"
#include "enforce/profile.h"
#include "generator/gen.h"
#include "tracer/filters.h"

/* A compiled filter: run with the tracer's interpreter (tracer/filters.h). */
struct bpf_prog {
	struct sock_filter *insn;
	size_t n;
};

/* Run prog on d; 0 and the filter's return value, or -EINVAL for a program the kernel would refuse. */
static int bpf_run(const struct bpf_prog *prog, const struct seccomp_data *d, uint32_t *ret)
{
	return filt_run(prog->insn, prog->n, d, ret);
}

/* Compile a Docker profile as Docker would on an arm64 machine and export its BPF. */
static int compile_arm64(const char *text, struct bpf_prog *prog, struct cp_err *err)
{
	struct enf_profile *p = NULL;
	struct enf_compile_opts co = { .machine = SCMP_ARCH_AARCH64, .kernel_major = 6, .kernel_minor = 1 };
	scmp_filter_ctx ctx = NULL;
	int fd, r;
	off_t len;

	r = enf_profile_parse(text, strlen(text), &p, err);
	if (r < 0)
		return r;
	r = enf_profile_compile(p, &co, &ctx, err);
	enf_profile_free(p);
	if (r < 0)
		return r;
	fd = memfd_create("bpf", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	len = r < 0 ? -1 : lseek(fd, 0, SEEK_END);
	if (len <= 0 || len % sizeof(struct sock_filter)) {
		close(fd);
		return cp_fail(err, r < 0 ? r : -EINVAL, "seccomp_export_bpf: %s", r < 0 ? strerror(-r) : "bad length");
	}
	prog->n = (size_t)len / sizeof(struct sock_filter);
	prog->insn = cp_xcalloc(prog->n, sizeof(*prog->insn));
	r = pread(fd, prog->insn, (size_t)len, 0) == len ? 0 : -EIO;
	close(fd);
	return r;
}

static uint32_t verdict(const struct bpf_prog *prog, uint32_t audit_arch, int nr, uint64_t arg0)
{
	struct seccomp_data d = { .nr = nr, .arch = audit_arch };
	uint32_t ret = 0;

	d.args[0] = arg0;
	assert_int_equal(bpf_run(prog, &d, &ret), 0);
	return ret;
}

#define RET_EPERM (SECCOMP_RET_ERRNO | 1u)
#define RET_ENOSYS (SECCOMP_RET_ERRNO | 38u)

/* ---- the interpreter, on filters with known answers ---- */

static void interpreter_basics(void **state)
{
	struct sock_filter insn[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_AARCH64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 56, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, RET_EPERM),
	};
	struct bpf_prog prog = { insn, CP_ARRAY_SIZE(insn) };
	struct sock_filter bad[] = { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2) };
	struct bpf_prog badprog = { bad, 1 };
	struct seccomp_data d = { 0 };
	uint32_t ret;

	(void)state;
	assert_int_equal(verdict(&prog, AUDIT_ARCH_AARCH64, 56, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(verdict(&prog, AUDIT_ARCH_AARCH64, 57, 0), RET_EPERM);
	assert_int_equal(verdict(&prog, AUDIT_ARCH_X86_64, 56, 0), SECCOMP_RET_KILL_PROCESS);
	/* misaligned load, and no return at the end: refused, as the kernel would */
	assert_int_equal(bpf_run(&badprog, &d, &ret), -EINVAL);
}

/* ---- the emitted arm64 profiles ---- */

static char *golden(const char *file)
{
	const char *dir = getenv("TESTS_DIR");

	if (dir && *dir)
		return cp_xasprintf("%s/golden/%s", dir, file);
	return cp_xasprintf("%.*s/../golden/%s", (int)(strrchr(__FILE__, '/') - __FILE__), __FILE__, file);
}

/* What the profile says for an arm64 call without looking at arguments: 'a' allow, 'e' ENOSYS, 'c' conditional, 0 none. */
static char profile_says(const cJSON *root, const char *name)
{
	const cJSON *rule;
	char say = 0;

	cJSON_ArrayForEach(rule, cJSON_GetObjectItem(root, "syscalls"))
	{
		const cJSON *inc = cJSON_GetObjectItem(cJSON_GetObjectItem(rule, "includes"), "arches"), *it;
		bool applies = !inc, named = false;

		cJSON_ArrayForEach(it, inc) applies |= !strcmp(it->valuestring, "arm64");
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(rule, "names")) named |= !strcmp(it->valuestring, name);
		if (!applies || !named)
			continue;
		if (strcmp(cJSON_GetObjectItem(rule, "action")->valuestring, "SCMP_ACT_ALLOW")) {
			if (!say)
				say = 'e';
		} else if (cJSON_GetArraySize(cJSON_GetObjectItem(rule, "args")))
			say = say == 'a' ? 'a' : 'c';
		else
			say = 'a';
	}
	return say;
}

static void check_recording(const char *file, bool with_runtime)
{
	cp_autofree char *path = golden(file);
	cp_autofree char *text = NULL, *notes = NULL, *rtpath = NULL;
	struct cp_rec *rec = NULL, *arm = NULL;
	struct gen_runtime *rt = NULL;
	uint32_t targets[] = { SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64 };
	struct gen_opts o = { .format = GEN_DOCKER, .targets = targets, .ntargets = 2, .notes = &notes };
	struct gen_archmap_result res = { 0 };
	struct bpf_prog prog = { 0 };
	const struct cp_arch *a;
	size_t needed = 0, denied = 0, exhaustive = 0;
	struct cp_err err = { 0 };
	cJSON *root;

	if (rec_load(path, &rec, &err) < 0)
		fail_msg("%s: %s", path, err.msg);
	if (with_runtime) {
		cp_autofree char *rtfile = golden("data/runtime-runc.json");
		cp_autofree char *rttext = NULL;
		size_t len;

		assert_int_equal(cp_read_file(rtfile, 1u << 20, &rttext, &len), 0);
		assert_int_equal(gen_runtime_parse(rttext, len, "runc", &rt, NULL), 0);
		o.runtime = rt;
	}
	assert_int_equal(gen_emit(rec, &o, &text, NULL), 0);
	if (compile_arm64(text, &prog, &err) < 0)
		fail_msg("%s: compiling for arm64: %s", file, err.msg);
	root = cJSON_Parse(text);
	assert_non_null(root);

	/* every call the arm64 build makes, with every recorded value of its first argument */
	arm = gen_arch_map_rec(rec, gen_arch_family(SCMP_ARCH_AARCH64), &res);
	a = rec_arch_find(arm, SCMP_ARCH_AARCH64);
	assert_non_null(a);
	for (uint32_t nr = 0; nr < a->nsys; nr++) {
		const struct cp_sys *s = a->sys[nr];
		const char *name = s ? cp_syscall_name(SCMP_ARCH_AARCH64, nr) : NULL;

		if (!name)
			continue;
		if (!s->vals[0].n) {
			if (verdict(&prog, AUDIT_ARCH_AARCH64, (int)nr, 0) != SECCOMP_RET_ALLOW)
				fail_msg("%s: arm64 %s (%u) is denied", file, name, nr);
		}
		for (uint32_t k = 0; k < s->vals[0].n; k++)
			if (verdict(&prog, AUDIT_ARCH_AARCH64, (int)nr, s->vals[0].v[k]) != SECCOMP_RET_ALLOW)
				fail_msg("%s: arm64 %s (%u) with arg0 0x%llx is denied", file, name, nr,
					 (unsigned long long)s->vals[0].v[k]);
		needed++;
	}
	assert_true(needed >= 20);

	/* every other arm64 call: the profile's answer, nothing more */
	for (int nr = 0; nr < 1024; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_AARCH64, nr);
		char say;
		uint32_t got;

		if (!name)
			continue;
		say = profile_says(root, name);
		got = verdict(&prog, AUDIT_ARCH_AARCH64, nr, 0);
		if (say == 'a' && got != SECCOMP_RET_ALLOW)
			fail_msg("%s: arm64 %s allowed by the profile, filter says 0x%x", file, name, got);
		if (say == 'e' && got != RET_ENOSYS)
			fail_msg("%s: arm64 %s should fail with ENOSYS, filter says 0x%x", file, name, got);
		if (!say && got != RET_EPERM)
			fail_msg("%s: arm64 %s not in the profile, filter says 0x%x", file, name, got);
		denied += !say;
		exhaustive++;
		free(name);
	}
	assert_true(exhaustive > 250);
	assert_true(denied > 150);

	/* a sample of what must stay denied, named */
	{
		static const char *const never[] = { "mount",  "ptrace", "kexec_load", "init_module",	    "bpf",
						     "reboot", "setns",	 "pivot_root", "open_by_handle_at", "swapon" };

		for (size_t i = 0; i < CP_ARRAY_SIZE(never); i++)
			assert_int_equal(
				verdict(&prog, AUDIT_ARCH_AARCH64, cp_syscall_nr(SCMP_ARCH_AARCH64, never[i]), 0),
				RET_EPERM);
	}
	/* clone with a namespace flag nobody recorded (CLONE_NEWUSER) */
	if (profile_says(root, "clone") == 'c')
		assert_int_equal(
			verdict(&prog, AUDIT_ARCH_AARCH64, cp_syscall_nr(SCMP_ARCH_AARCH64, "clone"), 0x10000000 | 17),
			RET_EPERM);
	/* arm64 has no open: x86_64's number 2 is io_submit there, and x86_64 data is not arm64's */
	assert_int_not_equal(verdict(&prog, AUDIT_ARCH_X86_64, 2, 0), SECCOMP_RET_ALLOW);

	free(prog.insn);
	cJSON_Delete(root);
	gen_archmap_result_clear(&res);
	rec_free(arm);
	rec_free(rec);
	gen_runtime_free(rt);
}

static void arm64_busybox_pipe(void **state)
{
	(void)state;
	check_recording("rec-busybox-pipe.json", false);
}

static void arm64_ls(void **state)
{
	(void)state;
	check_recording("rec-ls.json", true);
}

static void arm64_sh_files(void **state)
{
	(void)state;
	check_recording("rec-sh-files.json", true);
}

/* --check PROFILE NAME...: verdicts for arm64 calls named by an outside oracle (qemu). */
static int check_names(int argc, char **argv)
{
	cp_autofree char *text = NULL;
	struct bpf_prog prog = { 0 };
	struct cp_err err = { 0 };
	int bad = 0;

	if (argc < 3 || cp_read_file(argv[2], 16u << 20, &text, NULL) < 0) {
		fprintf(stderr, "usage: %s --check PROFILE NAME...\n", argv[0]);
		return 2;
	}
	if (compile_arm64(text, &prog, &err) < 0) {
		fprintf(stderr, "%s: compiling for arm64: %s\n", argv[2], err.msg);
		return 2;
	}
	for (int i = 3; i < argc; i++) {
		/* a name, or a number (qemu prints "Unknown syscall 293" for calls it does not know) */
		int nr = strspn(argv[i], "0123456789") == strlen(argv[i]) ?
				 atoi(argv[i]) :
				 seccomp_syscall_resolve_name_arch(SCMP_ARCH_AARCH64, argv[i]);
		struct seccomp_data d = { .nr = nr, .arch = AUDIT_ARCH_AARCH64 };
		uint32_t ret = 0;
		char *name = nr >= 0 ? seccomp_syscall_resolve_num_arch(SCMP_ARCH_AARCH64, nr) : NULL;

		if (!name) {
			printf("%s: not an arm64 syscall, ignored\n", argv[i]);
			continue;
		}
		free(name);
		if (bpf_run(&prog, &d, &ret) < 0) {
			printf("%s: the filter is malformed\n", argv[i]);
			bad = 1;
			continue;
		}
		printf("%s (%d): %s\n", argv[i], nr, ret == SECCOMP_RET_ALLOW ? "allowed" : "DENIED");
		bad |= ret != SECCOMP_RET_ALLOW;
	}
	free(prog.insn);
	return bad;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(interpreter_basics),
		cmocka_unit_test(arm64_busybox_pipe),
		cmocka_unit_test(arm64_ls),
		cmocka_unit_test(arm64_sh_files),
	};

	if (argc > 1 && !strcmp(argv[1], "--check"))
		return check_names(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
