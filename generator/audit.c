// SPDX-License-Identifier: MIT
/*
 * Seccomp audit records from the kernel log. The same record reaches us in
 * several dresses:
 *
 *   /dev/kmsg   6,1234,5678,-;audit: type=1326 audit(1733150000.123:45): auid=... pid=7 comm="wl" exe="/wl" ...
 *   dmesg       [ 12.345678] audit: type=1326 audit(1733150000.123:45): ...
 *   journalctl  Dec 02 15:00:00 host kernel: audit: type=1326 audit(...): ...
 *   audit.log   type=SECCOMP msg=audit(1733150000.123:45): auid=... pid=7 ...
 *
 * so the parser looks for the record type anywhere in the line and reads
 * the key=value fields after "audit(...): ". Values are "quoted", bare, or
 * hex-encoded (audit's encoding of names with spaces or odd bytes, see
 * audit_log_untrustedstring in kernel/audit.c). Fields of the record:
 * kernel/seccomp.c seccomp_log -> audit_seccomp (kernel/auditsc.c).
 */
#include "generator/audit.h"
#include "common/err.h"
#include "common/names.h"
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

void audit_seccomp_clear(struct audit_seccomp *a)
{
	free(a->exe);
	free(a->comm);
	memset(a, 0, sizeof(*a));
}

/* A decimal or (with hex) hexadecimal number that fills [s, s+n) exactly. */
static bool num(const char *s, size_t n, bool hex, uint64_t *out)
{
	uint64_t v = 0;

	if (hex && n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
	}
	if (!n || n > (hex ? 16 : 20))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d;

		if (s[i] >= '0' && s[i] <= '9')
			d = (unsigned)(s[i] - '0');
		else if (hex && s[i] >= 'a' && s[i] <= 'f')
			d = (unsigned)(s[i] - 'a' + 10);
		else if (hex && s[i] >= 'A' && s[i] <= 'F')
			d = (unsigned)(s[i] - 'A' + 10);
		else
			return false;
		if (!hex && v > (UINT64_MAX - d) / 10)
			return false;
		v = hex ? (v << 4) | d : v * 10 + d;
	}
	*out = v;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A string field: "quoted" as is; "(null)" or "?" as absent; otherwise
 * audit's hex encoding of the bytes (even length, hex digits only). A
 * decoded NUL would cut the name short: refused.
 */
static int str_value(const char *v, size_t n, char **out, const char *key, struct cp_err *err)
{
	if (n >= 2 && v[0] == '"') {
		if (v[n - 1] != '"' || memchr(v + 1, '"', n - 2)) {
			return cp_fail(err, -EINVAL, "%s: unterminated quoted value", key);
		}
		*out = cp_xmalloc(n - 1);
		memcpy(*out, v + 1, n - 2);
		(*out)[n - 2] = '\0';
		return 0;
	}
	if ((n == 6 && !memcmp(v, "(null)", 6)) || (n == 1 && v[0] == '?'))
		return 0;
	if (n == 0 || n % 2) {
		return cp_fail(err, -EINVAL, "%s: neither quoted nor hex-encoded", key);
	}
	*out = cp_xmalloc(n / 2 + 1);
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(v[i]), lo = hexval(v[i + 1]);

		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(*out);
			*out = NULL;
			return cp_fail(err, -EINVAL, "%s: neither quoted nor hex-encoded", key);
		}
		(*out)[i / 2] = (char)(hi << 4 | lo);
	}
	(*out)[n / 2] = '\0';
	return 0;
}

/* Find the record type: kernel log lines say type=1326, audit.log says type=SECCOMP. */
static const char *find_type(const char *s)
{
	const char *p;

	for (p = strstr(s, "type="); p; p = strstr(p + 5, "type=")) {
		if (p != s && p[-1] != ' ' && p[-1] != ':' && p[-1] != ';' && p[-1] != ']')
			continue;
		if ((!strncmp(p + 5, "1326", 4) || !strncmp(p + 5, "SECCOMP", 7))) {
			const char *end = p + 5 + (p[5] == '1' ? 4 : 7);

			if (*end == ' ' || *end == '\0')
				return p;
		}
	}
	return NULL;
}

enum field { F_PID, F_EXE, F_COMM, F_ARCH, F_SYSCALL, F_IP, F_CODE, F_NFIELDS };
static const char *const field_names[F_NFIELDS] = { "pid", "exe", "comm", "arch", "syscall", "ip", "code" };

int audit_parse_line(const char *line, size_t len, struct audit_seccomp *out, struct cp_err *err)
{
	cp_autofree char *s = NULL;
	const char *p, *q;
	bool seen[F_NFIELDS] = { 0 };
	uint64_t v;
	int r = -EINVAL;

	memset(out, 0, sizeof(*out));
	if (len > AUDIT_MAX_LINE) {
		/* only an error when it claims to be a seccomp record */
		size_t head = len < 4096 ? len : 4096;
		cp_autofree char *h = cp_xmalloc(head + 1);

		memcpy(h, line, head);
		h[head] = '\0';
		if (!find_type(h))
			return 0;
		return cp_fail(err, -EINVAL, "seccomp record longer than %d bytes", AUDIT_MAX_LINE);
	}
	s = cp_xmalloc(len + 1);
	memcpy(s, line, len);
	s[len] = '\0';
	/* one line: a trailing newline (or CR) is not part of the record */
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		s[--len] = '\0';
	if (memchr(s, '\0', len) || strchr(s, '\n')) {
		if (!find_type(s))
			return 0;
		return cp_fail(err, -EINVAL, "seccomp record with a NUL byte or a line break inside");
	}
	p = find_type(s);
	if (!p)
		return 0;

	/* audit(SEC.MSEC:SERIAL): */
	q = strstr(p, "audit(");
	if (!q) {
		return cp_fail(err, -EINVAL, "seccomp record without audit(TIME:SERIAL) (cut short?)");
	}
	q += 6;
	{
		const char *dot = strchr(q, '.'), *colon = strchr(q, ':'), *close = strchr(q, ')');

		if (!dot || !colon || !close || !(dot < colon && colon < close) ||
		    !num(q, (size_t)(dot - q), false, &out->sec) ||
		    !num(dot + 1, (size_t)(colon - dot - 1), false, &out->msec) ||
		    !num(colon + 1, (size_t)(close - colon - 1), false, &out->serial) || out->msec > 999) {
			return cp_fail(err, -EINVAL, "seccomp record: audit(...) is not SECONDS.MILLIS:SERIAL");
		}
		p = close + 1;
		if (*p == ':')
			p++;
	}

	/* key=value fields, separated by spaces */
	while (*p) {
		const char *key, *eq, *val;
		size_t klen, vlen;
		int f;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		key = p;
		eq = NULL;
		for (q = p; *q && *q != ' '; q++)
			if (*q == '=' && !eq)
				eq = q;
		if (eq && eq[1] == '"') {
			/* a quoted value may hold spaces: it ends at the closing quote */
			const char *close = strchr(eq + 2, '"');

			if (!close) {
				cp_fail(err, -EINVAL, "%.*s: unterminated quoted value (cut short?)",
					(int)((eq - key) > 32 ? 32 : (eq - key)), key);
				goto fail;
			}
			q = close + 1;
		}
		p = q;
		if (!eq)
			continue; /* a word without '=': not a field */
		klen = (size_t)(eq - key);
		val = eq + 1;
		vlen = (size_t)(q - val);
		for (f = 0; f < F_NFIELDS; f++)
			if (strlen(field_names[f]) == klen && !memcmp(key, field_names[f], klen))
				break;
		if (f == F_NFIELDS)
			continue;
		if (seen[f]) {
			cp_fail(err, -EINVAL, "seccomp record: field %s given twice", field_names[f]);
			goto fail;
		}
		seen[f] = true;
		switch (f) {
		case F_PID:
			if (!num(val, vlen, false, &v) || v > INT32_MAX) {
				cp_fail(err, -EINVAL, "seccomp record: pid is not a process id");
				goto fail;
			}
			out->pid = (int32_t)v;
			break;
		case F_EXE:
			if (str_value(val, vlen, &out->exe, "exe", err) < 0)
				goto fail;
			break;
		case F_COMM:
			if (str_value(val, vlen, &out->comm, "comm", err) < 0)
				goto fail;
			break;
		case F_ARCH:
			/* logged as bare hex: arch=c000003e */
			if (!num(val, vlen, true, &v) || v > UINT32_MAX) {
				cp_fail(err, -EINVAL, "seccomp record: arch is not an AUDIT_ARCH_* number");
				goto fail;
			}
			out->arch = (uint32_t)v;
			break;
		case F_SYSCALL:
			if (!num(val, vlen, false, &out->syscall)) {
				cp_fail(err, -EINVAL, "seccomp record: syscall is not a number");
				goto fail;
			}
			break;
		case F_IP:
			if (!num(val, vlen, true, &out->ip)) {
				cp_fail(err, -EINVAL, "seccomp record: ip is not a hex address");
				goto fail;
			}
			out->has_ip = true;
			break;
		case F_CODE:
			if (!num(val, vlen, true, &v) || v > UINT32_MAX) {
				cp_fail(err, -EINVAL, "seccomp record: code is not a SECCOMP_RET_* value");
				goto fail;
			}
			out->code = (uint32_t)v;
			out->has_code = true;
			break;
		}
	}
	for (int f = 0; f < F_NFIELDS; f++)
		if (!seen[f] && (f == F_PID || f == F_ARCH || f == F_SYSCALL)) {
			cp_fail(err, -EINVAL, "seccomp record without %s= (cut short?)", field_names[f]);
			goto fail;
		}
	return 1;
fail:
	audit_seccomp_clear(out);
	return r;
}

const char *audit_action_name(const struct audit_seccomp *a)
{
	/* SECCOMP_RET_ACTION_FULL values, include/uapi/linux/seccomp.h */
	if (!a->has_code)
		return "unknown";
	switch (a->code & 0xffff0000u) {
	case 0x80000000u:
		return "kill_process";
	case 0x00000000u:
		return "kill_thread";
	case 0x00030000u:
		return "trap";
	case 0x00050000u:
		return "errno";
	case 0x7fc00000u:
		return "user_notif";
	case 0x7ff00000u:
		return "trace";
	case 0x7ffc0000u:
		return "log";
	case 0x7fff0000u:
		return "allow";
	default:
		return "unknown";
	}
}

int audit_rec_add(struct cp_rec *rec, const struct audit_seccomp *a, struct cp_err *err)
{
	uint32_t arch = a->arch;
	uint64_t nr = a->syscall;
	const char *name;
	struct cp_arch *ra;
	struct cp_sys *s;

	/* x32 calls are logged with x86_64's arch and the x32 bit in the number */
	if (arch == SCMP_ARCH_X86_64 && (nr & CP_X32_SYSCALL_BIT)) {
		arch = SCMP_ARCH_X32;
		nr &= ~(uint64_t)CP_X32_SYSCALL_BIT;
	}
	if (!cp_arch_name(arch)) {
		return cp_fail(err, -EINVAL, "arch=%x is not an architecture libseccomp knows", arch);
	}
	name = nr < CP_MAX_NR ? cp_syscall_name(arch, (uint32_t)nr) : NULL;
	if (!name) {
		return cp_fail(err, -EINVAL, "syscall=%llu is not a %s syscall libseccomp knows",
			       (unsigned long long)nr, cp_arch_name(arch));
	}
	ra = rec_arch(rec, arch);
	if (!ra) {
		return cp_fail(err, -EINVAL, "too many architectures");
	}
	s = rec_sys(ra, (uint32_t)nr);
	if (!s->count++) {
		s->first_pid = a->pid;
		s->first_exe = cp_xstrdup(a->exe ? a->exe : "");
		s->first_ip = a->has_ip ? a->ip : 0;
	}
	if (a->exe)
		rec_exe(rec, a->exe)->count++;
	return 0;
}
