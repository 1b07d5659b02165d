// SPDX-License-Identifier: MIT
/* The seccomp audit-line parser (generator/audit.c) in every dress the kernel log gives it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/names.h"
#include "generator/audit.h"

#define FIELDS                                                                                  \
	"auid=4294967295 uid=0 gid=0 ses=4294967295 subj=unconfined pid=9261 comm=\"twopath\" " \
	"exe=\"/work/twopath\" sig=0 arch=c000003e syscall=82 compat=0 ip=0x7ff1aa363a87 code=0x7ffc0000"

static int parse(const char *line, struct audit_seccomp *a, struct cp_err *err)
{
	return audit_parse_line(line, strlen(line), a, err);
}

static void every_source_format(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"6,1234,1979164166,-;audit: type=1326 audit(1796228599.512:69): " FIELDS,
		"[ 1979.164166] audit: type=1326 audit(1796228599.512:69): " FIELDS "\n",
		"Dec 02 15:00:00 host kernel: audit: type=1326 audit(1796228599.512:69): " FIELDS,
		"audit: type=1326 audit(1796228599.512:69): " FIELDS,
		"type=SECCOMP msg=audit(1796228599.512:69): " FIELDS,
	};
	struct cp_err err = { 0 };

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct audit_seccomp a;

		assert_int_equal(parse(lines[i], &a, &err), 1);
		assert_int_equal(a.sec, 1796228599);
		assert_int_equal(a.msec, 512);
		assert_int_equal(a.serial, 69);
		assert_int_equal(a.pid, 9261);
		assert_string_equal(a.exe, "/work/twopath");
		assert_string_equal(a.comm, "twopath");
		assert_int_equal(a.arch, SCMP_ARCH_X86_64);
		assert_int_equal(a.syscall, 82);
		assert_int_equal(a.ip, 0x7ff1aa363a87ull);
		assert_string_equal(audit_action_name(&a), "log");
		audit_seccomp_clear(&a);
	}
}

static void other_lines_are_not_records(void **state)
{
	(void)state;
	struct audit_seccomp a;
	struct cp_err err = { 0 };

	assert_int_equal(parse("[ 1.0] docker0: port 3(veth) entered blocking state", &a, &err), 0);
	assert_int_equal(parse("audit: type=1400 audit(1.2:3): apparmor=\"DENIED\"", &a, &err), 0);
	assert_int_equal(parse("type=SYSCALL msg=audit(1.2:3): arch=c000003e syscall=59", &a, &err), 0);
	assert_int_equal(parse("subtype=1326 nothing", &a, &err), 0);
	assert_int_equal(parse("type=13260 audit(1.2:3): pid=1", &a, &err), 0);
	assert_int_equal(parse("", &a, &err), 0);
}

static void hex_encoded_exe(void **state)
{
	(void)state;
	struct audit_seccomp a;
	struct cp_err err = { 0 };

	/* "/tmp/a b" has a space: audit logs it hex-encoded, unquoted */
	assert_int_equal(parse("audit: type=1326 audit(1.002:3): pid=5 exe=2F746D702F612062 arch=c000003e "
			       "syscall=0 code=0x50001",
			       &a, &err),
			 1);
	assert_string_equal(a.exe, "/tmp/a b");
	assert_string_equal(audit_action_name(&a), "errno");
	audit_seccomp_clear(&a);
	/* a quoted value may hold spaces too (comm of a thread) */
	assert_int_equal(parse("audit: type=1326 audit(1.002:3): pid=5 comm=\"a b\" exe=\"/x\" arch=c000003e "
			       "syscall=0",
			       &a, &err),
			 1);
	assert_string_equal(a.comm, "a b");
	audit_seccomp_clear(&a);
}

/* Each bad line is refused with a reason naming the field at fault. */
static void bad_lines_say_why(void **state)
{
	(void)state;
	static const struct {
		const char *line, *why;
	} bad[] = {
		{ "audit: type=1326 audit(1796228599.512:69): auid=0 pid=9261 comm=\"two", "comm" },
		{ "audit: type=1326 audit(1796228599.512:69): pid=9261 exe=\"/x\" arch=c000003e", "syscall" },
		{ "audit: type=1326 audit(1796228599.512:69): pid=9261 syscall=82", "arch" },
		{ "audit: type=1326 audit(1796228599.512:69): arch=c000003e syscall=82", "pid" },
		{ "audit: type=1326 ", "audit(" },
		{ "audit: type=1326 audit(17962x8599.512:69): pid=1 arch=c000003e syscall=1", "audit(" },
		{ "audit: type=1326 audit(1.2:3): pid=1 arch=zz syscall=1", "arch" },
		{ "audit: type=1326 audit(1.2:3): pid=-1 arch=c000003e syscall=1", "pid" },
		{ "audit: type=1326 audit(1.2:3): pid=1 arch=c000003e syscall=99999999999999999999999", "syscall" },
		{ "audit: type=1326 audit(1.2:3): pid=1 pid=2 arch=c000003e syscall=1", "twice" },
		{ "audit: type=1326 audit(1.2:3): pid=1 exe=2F7 arch=c000003e syscall=1", "exe" },
		{ "audit: type=1326 audit(1.2:3): pid=1 exe=2F00 arch=c000003e syscall=1", "exe" },
		{ "audit: type=1326 audit(1.2:3): pid=1 arch=c000003e syscall=1 ip=0xZZ", "ip" },
		{ "audit: type=1326 audit(1.2:3): pid=1 arch=c000003e syscall=1 code=0x1ffffffff", "code" },
	};
	struct cp_err err = { 0 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct audit_seccomp a;

		err = (struct cp_err){ 0 };
		if (parse(bad[i].line, &a, &err) != -EINVAL || !strstr(err.msg, bad[i].why)) {
			fprintf(stderr, "line %zu: \"%s\": got \"%s\"\n", i, bad[i].line, err.msg);
			fail();
		}
		assert_null(a.exe);
	}
}

static void embedded_nul_is_refused(void **state)
{
	(void)state;
	static const char line[] = "audit: type=1326 audit(1.2:3): pid=1 exe=\"/a\0b\" arch=c000003e syscall=1";
	struct audit_seccomp a;
	struct cp_err err = { 0 };

	assert_int_equal(audit_parse_line(line, sizeof(line) - 1, &a, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "NUL"));
}

static void records_become_a_recording(void **state)
{
	(void)state;
	struct cp_rec *rec = rec_new();
	struct audit_seccomp a;
	struct cp_err err = { 0 };
	const struct cp_sys *s;

	assert_int_equal(parse("audit: type=1326 audit(1796228599.512:69): " FIELDS, &a, &err), 1);
	assert_int_equal(audit_rec_add(rec, &a, &err), 0);
	assert_int_equal(audit_rec_add(rec, &a, &err), 0);
	audit_seccomp_clear(&a);
	s = rec_sys_get(rec_arch_find(rec, SCMP_ARCH_X86_64), (uint32_t)cp_syscall_nr(SCMP_ARCH_X86_64, "rename"));
	assert_non_null(s);
	assert_int_equal(s->count, 2);
	assert_int_equal(s->first_pid, 9261);
	assert_string_equal(s->first_exe, "/work/twopath");
	assert_int_equal(rec->nexes, 1);
	assert_string_equal(rec->exes[0].path, "/work/twopath");

	/* an x32 call: x86_64's arch with the x32 bit in the number */
	assert_int_equal(parse("audit: type=1326 audit(1.2:3): pid=1 arch=c000003e syscall=1073741825", &a, &err), 1);
	assert_int_equal(audit_rec_add(rec, &a, &err), 0);
	assert_non_null(rec_arch_find(rec, SCMP_ARCH_X32));
	audit_seccomp_clear(&a);

	/* unknown architecture or number: refused, named */
	assert_int_equal(parse("audit: type=1326 audit(1.2:3): pid=1 arch=12345 syscall=1", &a, &err), 1);
	assert_int_equal(audit_rec_add(rec, &a, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "arch=12345"));
	audit_seccomp_clear(&a);
	assert_int_equal(parse("audit: type=1326 audit(1.2:3): pid=1 arch=c000003e syscall=4000", &a, &err), 1);
	assert_int_equal(audit_rec_add(rec, &a, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "syscall=4000"));
	audit_seccomp_clear(&a);
	rec_free(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_source_format),	   cmocka_unit_test(other_lines_are_not_records),
		cmocka_unit_test(hex_encoded_exe),	   cmocka_unit_test(bad_lines_say_why),
		cmocka_unit_test(embedded_nul_is_refused), cmocka_unit_test(records_become_a_recording),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
