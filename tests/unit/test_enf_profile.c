// SPDX-License-Identifier: MIT
/*
 * The Docker profile loader: every operator and action as enforced by the
 * kernel (a forked child loads the filter and makes the call), includes and
 * excludes, errors that name the field, and Docker's own default profile.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/err.h"
#include "common/names.h"
#include "common/recording.h"
#include "common/util.h"
#include "enforce/profile.h"
#include "common/trace_proto.h"

static struct enf_profile *parse_ok(const char *json)
{
	struct enf_profile *p = NULL;
	struct cp_err err = { 0 };
	int r = enf_profile_parse(json, strlen(json), &p, &err);

	if (r < 0)
		fail_msg("parse failed: %s\n%s", err.msg, json);
	return p;
}

static scmp_filter_ctx compile_ok(const struct enf_profile *p, const struct enf_compile_opts *o)
{
	scmp_filter_ctx ctx = NULL;
	struct cp_err err = { 0 };

	if (enf_profile_compile(p, o, &ctx, &err) < 0)
		fail_msg("compile failed: %s", err.msg);
	return ctx;
}

/*
 * Load ctx in a child and make syscall nr with two arguments; returns the
 * errno it failed with, 0 on success, or 1000 + signal when it was killed.
 */
static int call_in_child(scmp_filter_ctx ctx, long nr, uint64_t a0, uint64_t a1)
{
	int st;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		long r;

		/* cmocka catches SIGSYS; the child must die of it as a workload would. */
		signal(SIGSYS, SIG_DFL);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load(ctx) < 0)
			_exit(200);
		r = syscall(nr, a0, a1, 0, 0, 0, 0);
		_exit(r < 0 ? errno : 0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFSIGNALED(st) ? 1000 + WTERMSIG(st) : WEXITSTATUS(st);
}

/* A profile: allow everything but getpid when its arguments match. */
static int try_args(const char *args, uint64_t a0, uint64_t a1)
{
	cp_autofree char *json =
		cp_xasprintf("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],"
			     "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":77,\"args\":[%s]}]}",
			     args);
	struct enf_profile *p = parse_ok(json);
	struct enf_compile_opts o = { 0 };
	scmp_filter_ctx ctx = compile_ok(p, &o);
	int r = call_in_child(ctx, SYS_getpid, a0, a1);

	seccomp_release(ctx);
	enf_profile_free(p);
	return r;
}

#define ARG(op, v, v2) "{\"index\":0,\"op\":\"" op "\",\"value\":" v ",\"valueTwo\":" v2 "}"

static void every_operator(void **state)
{
	(void)state;
	static const struct {
		const char *args;
		uint64_t denied, allowed;
	} t[] = {
		{ ARG("SCMP_CMP_NE", "5", "0"), 6, 5 },
		{ ARG("SCMP_CMP_LT", "10", "0"), 9, 10 },
		{ ARG("SCMP_CMP_LE", "10", "0"), 10, 11 },
		{ ARG("SCMP_CMP_EQ", "18446744073709551615", "0"), UINT64_MAX, 0xffffffffu },
		{ ARG("SCMP_CMP_EQ", "9007199254740993", "0"), 9007199254740993ull, 9007199254740992ull },
		{ ARG("SCMP_CMP_GE", "10", "0"), 10, 9 },
		{ ARG("SCMP_CMP_GT", "10", "0"), 11, 10 },
		/* Docker: value is the mask, valueTwo the masked value. */
		{ ARG("SCMP_CMP_MASKED_EQ", "65280", "4608"), 0x12ff, 0x13ff },
	};

	for (size_t i = 0; i < CP_ARRAY_SIZE(t); i++) {
		assert_int_equal(try_args(t[i].args, t[i].denied, 0), 77);
		assert_int_equal(try_args(t[i].args, t[i].allowed, 0), 0);
	}
}

static void several_conditions(void **state)
{
	(void)state;
	const char *same = ARG("SCMP_CMP_EQ", "1", "0") "," ARG("SCMP_CMP_EQ", "2", "0");
	const char *two = ARG("SCMP_CMP_EQ", "1", "0") ",{\"index\":1,\"op\":\"SCMP_CMP_EQ\",\"value\":2}";

	/* Two conditions on one argument: alternatives, as in runc. */
	assert_int_equal(try_args(same, 1, 0), 77);
	assert_int_equal(try_args(same, 2, 0), 77);
	assert_int_equal(try_args(same, 3, 0), 0);
	/* On different arguments: both must hold. */
	assert_int_equal(try_args(two, 1, 2), 77);
	assert_int_equal(try_args(two, 1, 3), 0);
	assert_int_equal(try_args(two, 0, 2), 0);
}

static void actions(void **state)
{
	(void)state;
	static const struct {
		const char *action;
		int want, want_traced;
	} t[] = {
		{ "\"SCMP_ACT_ERRNO\",\"errnoRet\":13", EACCES, ENOSYS },
		{ "\"SCMP_ACT_ERRNO\"", EPERM, ENOSYS },
		{ "\"SCMP_ACT_KILL\"", 1000 + SIGSYS, ENOSYS },
		{ "\"SCMP_ACT_KILL_THREAD\"", 1000 + SIGSYS, ENOSYS },
		{ "\"SCMP_ACT_KILL_PROCESS\"", 1000 + SIGSYS, ENOSYS },
		{ "\"SCMP_ACT_TRAP\"", 1000 + SIGSYS, ENOSYS },
		/* RET_TRACE with no tracer fails the call with ENOSYS. */
		{ "\"SCMP_ACT_TRACE\"", ENOSYS, ENOSYS },
		{ "\"SCMP_ACT_LOG\"", 0, 0 },
		{ "\"SCMP_ACT_ALLOW\"", 0, 0 },
	};

	/* Beyond exit and getpid: what a sanitizer runtime calls in the child. */
	for (size_t i = 0; i < CP_ARRAY_SIZE(t); i++) {
		cp_autofree char *json = cp_xasprintf(
			"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":["
			"{\"names\":[\"getppid\"],\"action\":%s},"
			"{\"names\":[\"exit_group\",\"exit\",\"getpid\",\"write\",\"mmap\",\"munmap\",\"madvise\",\"sigaltstack\",\"rt_sigaction\",\"rt_sigprocmask\",\"gettid\",\"sched_yield\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
			t[i].action);
		struct enf_profile *p = parse_ok(json);
		struct enf_compile_opts o = { 0 };
		scmp_filter_ctx ctx = compile_ok(p, &o);

		assert_int_equal(call_in_child(ctx, SYS_getppid, 0, 0), t[i].want);
		/* The default action: defaultErrnoRet. */
		assert_int_equal(call_in_child(ctx, SYS_getuid, 0, 0), ENOSYS);
		assert_int_equal(call_in_child(ctx, SYS_getpid, 0, 0), 0);
		seccomp_release(ctx);
		o.trace_denials = true;
		ctx = compile_ok(p, &o);
		assert_int_equal(call_in_child(ctx, SYS_getppid, 0, 0), t[i].want_traced);
		assert_int_equal(call_in_child(ctx, SYS_getpid, 0, 0), 0);
		seccomp_release(ctx);
		enf_profile_free(p);
	}
}

/* The text libseccomp generates, to check RET_DATA of trace_denials. */
static char *pfc(scmp_filter_ctx ctx)
{
	int fd = memfd_create("pfc", 0);
	struct stat st;
	char *buf;

	assert_true(fd >= 0);
	assert_int_equal(seccomp_export_pfc(ctx, fd), 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = cp_xcalloc(1, (size_t)st.st_size + 1);
	assert_int_equal(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
	close(fd);
	return buf;
}

static void trace_denials_data(void **state)
{
	(void)state;
	struct enf_profile *p = parse_ok("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"syscalls\":["
					 "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13},"
					 "{\"names\":[\"getuid\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
					 "{\"names\":[\"getgid\"],\"action\":\"SCMP_ACT_LOG\"}]}");
	struct enf_compile_opts o = { .trace_denials = true };
	scmp_filter_ctx ctx = compile_ok(p, &o);
	cp_autofree char *text = pfc(ctx);
	char want[64];

	snprintf(want, sizeof(want), "action TRACE(%u)", CP_TRACE_DENY | EACCES);
	assert_non_null(strstr(text, want));
	snprintf(want, sizeof(want), "action TRACE(%u)", CP_TRACE_DENY);
	assert_non_null(strstr(text, want));
	snprintf(want, sizeof(want), "action TRACE(%u)", CP_TRACE_DENY | EPERM);
	assert_non_null(strstr(text, want)); /* the default action */
	assert_non_null(strstr(text, "action LOG"));
	assert_null(strstr(text, "ERRNO"));
	assert_null(strstr(text, "action KILL_PROCESS"));
	seccomp_release(ctx);
	enf_profile_free(p);
}

static void includes_excludes(void **state)
{
	(void)state;
	struct enf_profile *p = parse_ok("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
					 "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":11,"
					 " \"includes\":{\"caps\":[\"CAP_SYS_ADMIN\",\"CAP_NET_RAW\"]}},"
					 "{\"names\":[\"getuid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":12,"
					 " \"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}},"
					 "{\"names\":[\"getgid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,"
					 " \"includes\":{\"minKernel\":\"5.4\"}},"
					 "{\"names\":[\"geteuid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":14,"
					 " \"excludes\":{\"minKernel\":\"5.4\"}},"
					 "{\"names\":[\"getegid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":15,"
					 " \"includes\":{\"arches\":[\"amd64\",\"arm64\"]}},"
					 "{\"names\":[\"gettid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":16,"
					 " \"includes\":{\"arches\":[\"s390x\"]}},"
					 "{\"names\":[\"getpgrp\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":17,"
					 " \"excludes\":{\"arches\":[\"amd64\",\"arm64\"]}},"
					 "{\"names\":[\"getsid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":18,"
					 " \"includes\":{\"caps\":[\"CAP_NOT_A_CAPABILITY\"]}}]}");
	struct enf_compile_opts none = { .kernel_major = 4, .kernel_minor = 19 };
	struct enf_compile_opts both = { .caps = (1ull << CAP_SYS_ADMIN) | (1ull << CAP_NET_RAW),
					 .kernel_major = 5,
					 .kernel_minor = 10 };
	struct enf_compile_opts one = { .caps = 1ull << CAP_NET_RAW, .kernel_major = 5, .kernel_minor = 4 };
	scmp_filter_ctx c;
	uint32_t native = cp_arch_native();
	bool amd_or_arm = native == SCMP_ARCH_X86_64 || native == SCMP_ARCH_AARCH64;

	c = compile_ok(p, &none);
	assert_int_equal(call_in_child(c, SYS_getppid, 0, 0), 0);
	assert_int_equal(call_in_child(c, SYS_getuid, 0, 0), 12);
	assert_int_equal(call_in_child(c, SYS_getgid, 0, 0), 0);
	assert_int_equal(call_in_child(c, SYS_geteuid, 0, 0), 14);
	assert_int_equal(call_in_child(c, SYS_getegid, 0, 0), amd_or_arm ? 15 : 0);
	assert_int_equal(call_in_child(c, SYS_gettid, 0, 0), native == SCMP_ARCH_S390X ? 16 : 0);
	assert_int_equal(call_in_child(c, SYS_getpgrp, 0, 0), amd_or_arm ? 0 : 17);
	assert_int_equal(call_in_child(c, SYS_getsid, 0, 0), 0);
	seccomp_release(c);
	c = compile_ok(p, &both);
	assert_int_equal(call_in_child(c, SYS_getppid, 0, 0), 11);
	assert_int_equal(call_in_child(c, SYS_getuid, 0, 0), 0);
	assert_int_equal(call_in_child(c, SYS_getgid, 0, 0), 13);
	assert_int_equal(call_in_child(c, SYS_geteuid, 0, 0), 0);
	seccomp_release(c);
	/* includes.caps needs every listed capability; minKernel is inclusive. */
	c = compile_ok(p, &one);
	assert_int_equal(call_in_child(c, SYS_getppid, 0, 0), 0);
	assert_int_equal(call_in_child(c, SYS_getuid, 0, 0), 12);
	assert_int_equal(call_in_child(c, SYS_getgid, 0, 0), 13);
	seccomp_release(c);
	enf_profile_free(p);
}

static void parse_errors_name_the_field(void **state)
{
	(void)state;
	static const struct {
		const char *json, *want;
	} t[] = {
		{ "{}", "defaultAction: missing" },
		{ "[]", "expected a JSON object" },
		{ "{\"defaultAction\":\"SCMP_ACT_FOO\"}", "defaultAction: unknown action \"SCMP_ACT_FOO\"" },
		{ "{\"defaultAction\":7}", "defaultAction: expected a string" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":-1}",
		  "defaultErrnoRet: expected an unsigned" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":70000}",
		  "defaultErrnoRet: errno 70000 out of range" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		  "{\"names\":[\"chmod\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":1,\"value\":1,\"op\":\"SCMP_CMP_FOO\"}]}]}",
		  "syscalls[1].args[0].op: unknown operator \"SCMP_CMP_FOO\"" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"x\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
		  "syscalls[0].action: SCMP_ACT_NOTIFY" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"x\"]}]}",
		  "syscalls[0].action: missing" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"action\":\"SCMP_ACT_ALLOW\"}]}",
		  "syscalls[0].names: missing" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":\"read\",\"action\":\"SCMP_ACT_ALLOW\"}]}",
		  "syscalls[0].names: expected an array of strings" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\",3],\"action\":\"SCMP_ACT_ALLOW\"}]}",
		  "syscalls[0].names[1]: expected a string" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"errnoRet\":1}]}",
		  "syscalls[0].errnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		  "syscalls[0].args[0].index: 6 out of range (0..5)" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":-1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		  "syscalls[0].args[0].value: expected an unsigned integer" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1.5,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		  "syscalls[0].args[0].value: expected an unsigned integer" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":18446744073709551616,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		  "syscalls[0].args[0].value: 18446744073709551616 does not fit in 64 bits" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,\"valueTwo\":\"2\",\"op\":\"SCMP_CMP_EQ\"}]}]}",
		  "syscalls[0].args[0].valueTwo: expected an unsigned integer" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1}]}]}",
		  "syscalls[0].args[0].op: missing" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"4\"}}]}",
		  "syscalls[0].includes.minKernel: expected a string \"MAJOR.MINOR\"" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"caps\":[5]}}]}",
		  "syscalls[0].excludes.caps[0]: expected a string" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"arches\":\"amd64\"}}]}",
		  "syscalls[0].includes.arches: expected an array of strings" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"X86\"]}",
		  "architectures[0]: unknown architecture \"X86\"" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[{\"subArchitectures\":[]}]}",
		  "archMap[0].architecture: missing" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":[\"i386\"]}]}",
		  "archMap[0].subArchitectures[0]: unknown architecture \"i386\"" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86\"],\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\"}]}",
		  "archMap: give either" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"listenerPath\":\"/run/agent.sock\"}", "listenerPath:" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"flags\":[\"SECCOMP_FILTER_FLAG_FOO\"]}",
		  "flags[0]: unsupported flag" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[", "truncated JSON" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\"} x", "trailing data" },
	};

	for (size_t i = 0; i < CP_ARRAY_SIZE(t); i++) {
		struct enf_profile *p = NULL;
		struct cp_err err = { 0 };
		int r = enf_profile_parse(t[i].json, strlen(t[i].json), &p, &err);

		if (r != -EINVAL || !strstr(err.msg, t[i].want))
			fail_msg("case %zu: r=%d err \"%s\", want \"%s\"", i, r, err.msg, t[i].want);
		assert_null(p);
		assert_null(strchr(err.msg, '\n'));
	}
}

static const char *data_file(const char *name)
{
	static char path[4096];
	const char *dir = getenv("TESTS_DIR");

	snprintf(path, sizeof(path), "%s/data/enf/%s", dir ? dir : "tests", name);
	return path;
}

static void load_errors(void **state)
{
	(void)state;
	struct enf_profile *p = NULL;
	struct cp_err err = { 0 };
	char tmpl[] = "/tmp/enf-big.XXXXXX";
	int fd;

	assert_int_equal(enf_profile_load("/", &p, &err), -EISDIR);
	assert_non_null(strstr(err.msg, "directory"));
	assert_int_equal(enf_profile_load("/nonexistent/profile.json", &p, &err), -ENOENT);
	fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)ENF_MAX_PROFILE + 1), 0);
	close(fd);
	assert_int_equal(enf_profile_load(tmpl, &p, &err), -EFBIG);
	assert_non_null(strstr(err.msg, "larger than"));
	unlink(tmpl);
	assert_null(p);
}

static void docker_default(void **state)
{
	(void)state;
	struct enf_profile *p = NULL;
	struct enf_compile_opts none = { 0 }, admin = { .caps = 1ull << CAP_SYS_ADMIN };
	scmp_filter_ctx c;
	struct cp_rec *rec = NULL;
	const struct cp_arch *a;
	const struct cp_sys *s;
	const uint64_t nocaps = 0;
	uint32_t arches[8];
	struct cp_err err = { 0 };

	if (enf_profile_load(data_file("docker-default-seccomp.json"), &p, &err) < 0)
		fail_msg("%s: %s", data_file("docker-default-seccomp.json"), err.msg);
	c = compile_ok(p, &none);
	/* Without CAP_SYS_ADMIN, clone3 gets ENOSYS (glibc falls back to clone). */
	assert_int_equal(call_in_child(c, SYS_clone3, 0, 0), ENOSYS);
	assert_int_equal(call_in_child(c, SYS_getppid, 0, 0), 0);
	assert_int_equal(call_in_child(c, SYS_personality, 0xffffffffu, 0), 0);
	assert_int_equal(call_in_child(c, SYS_personality, 0x0400000, 0), EPERM);
	assert_int_equal(call_in_child(c, SYS_acct, 0, 0), EPERM);
	seccomp_release(c);
	c = compile_ok(p, &admin);
	/* With it, the kernel sees clone3 (and refuses a NULL argument). */
	assert_int_not_equal(call_in_child(c, SYS_clone3, 0, 0), ENOSYS);
	seccomp_release(c);

	if (cp_arch_native() == SCMP_ARCH_X86_64) {
		assert_int_equal(enf_profile_arches(p, arches, 8), 3);
		assert_int_equal(arches[1], SCMP_ARCH_X86);
		assert_int_equal(arches[2], SCMP_ARCH_X32);
	}
	assert_int_equal(enf_profile_to_rec(p, NULL, &rec), 0);
	a = rec_arch_find(rec, cp_arch_native());
	assert_non_null(a);
	assert_non_null(rec_sys_get(a, (uint32_t)cp_syscall_nr(a->token, "read")));
	/* Any capabilities: a rule that needs one counts. */
	assert_int_equal(rec_sys_get(a, (uint32_t)cp_syscall_nr(a->token, "bpf"))->count, 1);
	assert_null(rec_sys_get(a, (uint32_t)cp_syscall_nr(a->token, "kexec_load")));
	s = rec_sys_get(a, (uint32_t)cp_syscall_nr(a->token, "personality"));
	assert_non_null(s);
	assert_int_equal(s->vals[0].n, 5);
	assert_false(s->vals[0].overflow);
	assert_true(s->vals[1].overflow); /* not compared: any value */
	assert_true(rec_valset_has(&s->vals[0], 0xffffffffu));
	assert_true(rec_valset_has(&s->vals[0], 0x20008));
	/* Unconditional somewhere: any value. */
	s = rec_sys_get(a, (uint32_t)cp_syscall_nr(a->token, "read"));
	assert_true(s->vals[0].overflow);
	if (cp_arch_native() == SCMP_ARCH_X86_64) {
		assert_non_null(rec_arch_find(rec, SCMP_ARCH_X86));
		a = rec_arch_find(rec, SCMP_ARCH_X86);
		assert_non_null(rec_sys_get(a, (uint32_t)cp_syscall_nr(SCMP_ARCH_X86, "chown32")));
		a = rec_arch_find(rec, SCMP_ARCH_X86_64);
		assert_non_null(rec_sys_get(a, (uint32_t)cp_syscall_nr(a->token, "arch_prctl")));
	}
	rec_free(rec);
	/* Without capabilities (diff's view): bpf is not granted; clone3 fails with ENOSYS (count 0). */
	assert_int_equal(enf_profile_to_rec(p, &nocaps, &rec), 0);
	a = rec_arch_find(rec, cp_arch_native());
	assert_null(rec_sys_get(a, (uint32_t)cp_syscall_nr(a->token, "bpf")));
	s = rec_sys_get(a, (uint32_t)cp_syscall_nr(a->token, "clone3"));
	assert_non_null(s);
	assert_int_equal(s->count, 0);
	/* clone without SYS_ADMIN: only the rule that forbids namespace flags. */
	s = rec_sys_get(a, (uint32_t)cp_syscall_nr(a->token, "clone"));
	assert_non_null(s);
	assert_int_equal(s->count, 1);
	assert_true(s->vals[0].overflow); /* MASKED_EQ */
	rec_free(rec);
	enf_profile_free(p);
}

static void deny_list_to_rec(void **state)
{
	(void)state;
	struct enf_profile *p = parse_ok("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
					 "{\"names\":[\"chmod\"],\"action\":\"SCMP_ACT_ERRNO\"},"
					 "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":"
					 "[{\"index\":0,\"op\":\"SCMP_CMP_EQ\",\"value\":3}]},"
					 "{\"names\":[\"no_such_syscall\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
	struct cp_rec *rec = NULL;
	const struct cp_arch *a;
	uint32_t n = cp_arch_native();
	struct enf_compile_opts o = { 0 };
	scmp_filter_ctx c = compile_ok(p, &o); /* an unknown name is skipped, not an error */

	seccomp_release(c);
	assert_int_equal(enf_profile_to_rec(p, NULL, &rec), 0);
	a = rec_arch_find(rec, n);
	assert_null(rec_sys_get(a, (uint32_t)cp_syscall_nr(n, "chmod")));
	assert_non_null(rec_sys_get(a, (uint32_t)cp_syscall_nr(n, "read")));
	assert_non_null(rec_sys_get(a, (uint32_t)cp_syscall_nr(n, "fchmodat")));
	rec_free(rec);
	enf_profile_free(p);
}

/*
 * Every Docker profile emit's golden files hold parses and compiles through
 * this loader (the one `capprof run` uses), and reads back as the names it
 * lists: emit and run agree on the format.
 */
static void golden_profiles_load(void **state)
{
	(void)state;
	static const char *const names[] = { "docker", "docker-nnp", "docker-noargs", "docker-noruntime",
					     "docker-merged" };
	const char *dir = getenv("TESTS_DIR");

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[4096];
		struct cp_err err = { 0 };
		struct enf_profile *p = NULL;
		struct enf_compile_opts o = { 0 };
		struct cp_rec *rec = NULL;
		const struct cp_arch *a;
		scmp_filter_ctx c;

		snprintf(path, sizeof(path), "%s/golden/expected/%s", dir ? dir : "tests", names[i]);
		if (enf_profile_load(path, &p, &err) < 0)
			fail_msg("%s: %s", path, err.msg);
		c = compile_ok(p, &o);
		seccomp_release(c);
		o.trace_denials = true;
		c = compile_ok(p, &o);
		seccomp_release(c);
		assert_int_equal(enf_profile_to_rec(p, NULL, &rec), 0);
		a = rec_arch_find(rec, SCMP_ARCH_X86_64);
		assert_non_null(a);
		/* Every golden profile allows read and lists clone3 (allowed, or ENOSYS with --no-args off). */
		assert_int_equal(rec_sys_get(a, (uint32_t)cp_syscall_nr(a->token, "read"))->count, 1);
		assert_int_equal(rec_sys_get(a, (uint32_t)cp_syscall_nr(a->token, "clone3"))->count,
				 strcmp(names[i], "docker-noargs") ? 0 : 1);
		assert_null(rec_sys_get(a, (uint32_t)cp_syscall_nr(a->token, "kexec_load")));
		rec_free(rec);
		enf_profile_free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_operator),    cmocka_unit_test(several_conditions),
		cmocka_unit_test(actions),	     cmocka_unit_test(trace_denials_data),
		cmocka_unit_test(includes_excludes), cmocka_unit_test(parse_errors_name_the_field),
		cmocka_unit_test(load_errors),	     cmocka_unit_test(docker_default),
		cmocka_unit_test(deny_list_to_rec),  cmocka_unit_test(golden_profiles_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
