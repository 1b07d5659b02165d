// SPDX-License-Identifier: MIT
/*
 * What verify --minimize found for a capability, in words for --summary and
 * explain: the verdict's evidence (what happened without it), the syscalls
 * a tolerated one's other path needs, and where an unprivileged setting can
 * replace it.
 */
#include "generator/gen.h"
#include "common/names.h"
#include "common/util.h"

#include <linux/capability.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

bool gen_cap_alternative(int cap, const struct cp_evidence *ev, struct gen_cap_alt *alt)
{
	bool sock = ev && ev->syscall && !strcmp(ev->syscall, "socket");

	memset(alt, 0, sizeof(*alt));
	switch (cap) {
	case CAP_NET_BIND_SERVICE:
		alt->what = "ports below 1024 without privilege (Docker 20.10+ sets it in every container)";
		alt->sysctl = "net.ipv4.ip_unprivileged_port_start";
		alt->value = "0";
		return true;
	case CAP_NET_RAW:
		/* ping's ICMP echo socket: socket(AF_INET[6], SOCK_DGRAM or SOCK_RAW, IPPROTO_ICMP[V6]). */
		if (!sock || (ev->args[0] != AF_INET && ev->args[0] != AF_INET6) ||
		    (ev->args[2] != IPPROTO_ICMP && ev->args[2] != IPPROTO_ICMPV6))
			return false;
		alt->what = "ICMP echo sockets without privilege (Docker 20.10+ sets it in every container)";
		alt->sysctl = "net.ipv4.ping_group_range";
		alt->value = "0 2147483647";
		return true;
	case CAP_CHOWN:
	case CAP_DAC_OVERRIDE:
	case CAP_FOWNER:
	case CAP_DAC_READ_SEARCH:
		if (!ev || !ev->path)
			return false;
		alt->what = "files the image could own at build time: chown them in the Dockerfile and run as "
			    "their user";
		return true;
	default:
		return false;
	}
}

void gen_cap_verdict_text(struct cp_buf *b, int cap, const struct cp_capuse *u, const char *indent)
{
	struct gen_cap_alt alt;

	if (u->verdict == CP_VERDICT_TOLERATED) {
		cp_buf_printf(b, "%snot granted: tolerated", indent);
		if (u->ntrade) {
			cp_buf_puts(b, ", needs ");
			for (size_t i = 0; i < u->ntrade; i++)
				cp_buf_printf(b, "%s%s", i ? ", " : "", u->trade[i]);
			cp_buf_puts(b, " as well (allowed instead)");
		}
		cp_buf_puts(b, "; emit --keep-tolerated grants it\n");
	}
	if (u->without)
		cp_buf_printf(b, "%swithout it: %s\n", indent, u->without);
	if (!gen_cap_alternative(cap, &u->ev, &alt))
		return;
	cp_buf_printf(b, "%sinstead: %s\n", indent, alt.what);
	if (!alt.sysctl)
		return;
	cp_buf_printf(b, "%s  docker run --sysctl \"%s=%s\"\n", indent, alt.sysctl, alt.value);
	cp_buf_printf(b, "%s  compose:  sysctls: {%s: \"%s\"}\n", indent, alt.sysctl, alt.value);
	cp_buf_printf(b, "%s  k8s:      securityContext.sysctls: [{name: %s, value: \"%s\"}]\n", indent, alt.sysctl,
		      alt.value);
}
