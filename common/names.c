// SPDX-License-Identifier: MIT
#include "common/names.h"
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

/*
 * libseccomp resolves names to tokens but not tokens back to names, so we
 * keep the list of its spellings and ask it for each token.
 */
static const char *const arch_names[] = {
	"x86",	     "x86_64", "x32",	   "arm",	  "aarch64", "mips",	    "mips64",
	"mips64n32", "mipsel", "mipsel64", "mipsel64n32", "ppc",     "ppc64",	    "ppc64le",
	"s390",	     "s390x",  "parisc",   "parisc64",	  "riscv64", "loongarch64",
};

const char *cp_arch_name(uint32_t token)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(arch_names); i++)
		if (token && seccomp_arch_resolve_name(arch_names[i]) == token)
			return arch_names[i];
	return NULL;
}

uint32_t cp_arch_from_name(const char *name)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(arch_names); i++)
		if (!strcmp(arch_names[i], name))
			return seccomp_arch_resolve_name(name);
	return 0;
}

const char *cp_arch_docker_name(uint32_t token)
{
	static char names[CP_ARRAY_SIZE(arch_names)][32];

	for (size_t i = 0; i < CP_ARRAY_SIZE(arch_names); i++) {
		if (!token || seccomp_arch_resolve_name(arch_names[i]) != token)
			continue;
		if (!names[i][0]) {
			char *p = names[i] + snprintf(names[i], sizeof(names[i]), "SCMP_ARCH_");
			for (const char *s = arch_names[i]; *s; s++)
				*p++ = (char)toupper((unsigned char)*s);
			*p = '\0';
		}
		return names[i];
	}
	return NULL;
}

uint32_t cp_arch_from_docker_name(const char *name)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(arch_names); i++) {
		uint32_t t = seccomp_arch_resolve_name(arch_names[i]);
		const char *d = cp_arch_docker_name(t);

		if (d && !strcmp(d, name))
			return t;
	}
	return 0;
}

uint32_t cp_arch_native(void)
{
	return seccomp_arch_native();
}

/* Cache of resolved names: a small open hash keyed by (arch, nr). */
struct name_slot {
	uint32_t arch, nr;
	const char *name;
	int used;
};
static struct name_slot name_cache[8192]; /* every arch's names fit */

const char *cp_syscall_name(uint32_t arch, uint32_t nr)
{
	uint32_t h = (nr * 2654435761u) ^ arch;
	int snr = (int)nr;

	for (uint32_t i = 0; i < CP_ARRAY_SIZE(name_cache); i++) {
		struct name_slot *s = &name_cache[(h + i) % CP_ARRAY_SIZE(name_cache)];

		if (s->used && s->arch == arch && s->nr == nr)
			return s->name;
		if (!s->used) {
			char *n;

			if (arch == SCMP_ARCH_X32)
				snr = (int)(nr | CP_X32_SYSCALL_BIT);
			n = seccomp_syscall_resolve_num_arch(arch, snr);
			/*
			 * Unknown numbers are not kept: callers that walk every
			 * number of several architectures (a profile's allow
			 * list) would fill the cache with them.
			 */
			if (!n)
				return NULL;
			s->used = 1;
			s->arch = arch;
			s->nr = nr;
			s->name = n;
			return n;
		}
	}
	/* Cache full (cannot happen with real tables): resolve and leak. */
	return seccomp_syscall_resolve_num_arch(arch, snr);
}

/*
 * libseccomp answers a name it multiplexes (the socketcall and ipc calls of
 * x86, s390, mips and ppc) with a negative pseudo-number, though kernels
 * since 4.3 also give most of them a direct number, the one the tracer
 * sees and cp_syscall_name names. Find that number by name; the search
 * walks libseccomp's table, so its answers are cached.
 */
static int direct_nr(uint32_t arch, const char *name)
{
	static struct {
		uint32_t arch;
		int nr;
		char name[32];
	} cache[256];
	static size_t ncache;
	int nr = -1;

	for (size_t i = 0; i < ncache; i++)
		if (cache[i].arch == arch && !strcmp(cache[i].name, name))
			return cache[i].nr;
	for (int n = 0; n < 8192 && nr < 0; n++) {
		char *s = seccomp_syscall_resolve_num_arch(arch, n);

		if (s && !strcmp(s, name))
			nr = n;
		free(s);
	}
	if (ncache < CP_ARRAY_SIZE(cache) && strlen(name) < sizeof(cache[0].name)) {
		cache[ncache].arch = arch;
		cache[ncache].nr = nr;
		memcpy(cache[ncache].name, name, strlen(name) + 1);
		ncache++;
	}
	return nr;
}

int cp_syscall_nr(uint32_t arch, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(arch, name);

	if (nr < 0 && nr != __NR_SCMP_ERROR)
		nr = direct_nr(arch, name);
	if (nr < 0)
		return -1;
	return (int)((uint32_t)nr & ~CP_X32_SYSCALL_BIT);
}

const char *cp_cap_name(int cap)
{
	static char *names[CP_MAX_CAP_NAMES];

	if (cap < 0 || cap >= CP_MAX_CAP_NAMES)
		return NULL;
	if (!names[cap]) {
		char *n = cap_to_name((cap_value_t)cap);
		char *u;

		if (!n)
			return NULL;
		/* libcap spells unknown ones as plain numbers */
		if (isdigit((unsigned char)n[0])) {
			cap_free(n);
			return NULL;
		}
		u = cp_xstrdup(strncmp(n, "cap_", 4) ? n : n + 4);
		for (char *p = u; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		cap_free(n);
		names[cap] = u;
	}
	return names[cap];
}

int cp_cap_parse(const char *name)
{
	char buf[64];
	size_t i, off = 0;
	cap_value_t v;

	if (!name || !*name)
		return -EINVAL;
	if (!strncasecmp(name, "cap_", 4))
		name += 4;
	if (strlen(name) + 5 > sizeof(buf))
		return -EINVAL;
	off = (size_t)snprintf(buf, sizeof(buf), "cap_");
	for (i = 0; name[i]; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!isalnum(c) && c != '_')
			return -EINVAL;
		buf[off + i] = (char)tolower(c);
	}
	buf[off + i] = '\0';
	if (isdigit((unsigned char)buf[4]))
		return -EINVAL;
	if (cap_from_name(buf, &v) < 0 || v < 0 || v >= CP_MAX_CAP_NAMES || !cp_cap_name(v))
		return -EINVAL;
	return (int)v;
}

int cp_cap_last(void)
{
	int n = (int)cap_max_bits();

	return n > 0 ? n - 1 : CAP_LAST_CAP;
}

const char *cp_errno_name(int err)
{
	if (err <= 0 || err > 4095)
		return NULL;
	return strerrorname_np(err);
}

int cp_errno_parse(const char *name)
{
	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);

		if (n && !strcmp(n, name))
			return e;
	}
	return -1;
}
