// SPDX-License-Identifier: MIT
/*
 * User, capabilities, no_new_privs and the filter, as Docker sets them.
 *
 * moby gives the container process bounding = permitted = effective = the
 * capability list and leaves inheritable empty (since 20.10.14,
 * CVE-2022-24769) and ambient empty; since 24.0 it keeps permitted and
 * effective for non-root users too (moby#45511), so a non-root process
 * loses them at exec unless a file capability grants them again.
 */
#include "enforce/caps.h"
#include "common/err.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "common/names.h"
#include "common/util.h"

static int parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (!*s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (*end || errno || *out >= 0xffffffffUL)
		return -EINVAL;
	return 0;
}

int enf_user_parse(const char *spec, struct enf_user *u, struct cp_err *err)
{
	cp_autofree char *user = cp_xstrdup(spec);
	char *group = strchr(user, ':');
	struct passwd *pw;
	unsigned long id;

	*u = (struct enf_user){ .set = true };
	if (group)
		*group++ = '\0';
	if (!*user) {
		return cp_fail(err, -EINVAL, "--user \"%s\": empty user name", spec);
	}
	if (parse_id(user, &id) == 0) {
		u->uid = (uid_t)id;
		pw = getpwuid(u->uid);
	} else {
		pw = getpwnam(user);
		if (!pw) {
			return cp_fail(err, -EINVAL, "--user \"%s\": no user \"%s\" in the passwd database", spec,
				       user);
		}
		u->uid = pw->pw_uid;
	}
	/* Docker: a uid without a passwd entry runs with gid 0. */
	u->gid = pw ? pw->pw_gid : 0;
	if (group && *group) {
		struct group *gr;

		if (parse_id(group, &id) == 0) {
			u->gid = (gid_t)id;
		} else {
			gr = getgrnam(group);
			if (!gr) {
				return cp_fail(err, -EINVAL, "--user \"%s\": no group \"%s\" in the group database",
					       spec, group);
			}
			u->gid = gr->gr_gid;
		}
	}
	if (pw) {
		int n = 32;

		u->groups = cp_xcalloc((size_t)n, sizeof(gid_t));
		while (getgrouplist(pw->pw_name, u->gid, u->groups, &n) < 0)
			u->groups = cp_xreallocarray(u->groups, (size_t)n, sizeof(gid_t));
		u->ngroups = (size_t)n;
	}
	return 0;
}

void enf_user_free(struct enf_user *u)
{
	free(u->groups);
	u->groups = NULL;
	u->ngroups = 0;
}

int enf_caps_parse(char *const *names, size_t n, uint64_t *mask, struct cp_err *err)
{
	*mask = 0;
	for (size_t i = 0; i < n; i++) {
		int cap;

		/* As Docker's --cap-add ALL: what the bounding set still holds, so it can be granted. */
		if (!strcasecmp(names[i], "ALL") || !strcasecmp(names[i], "CAP_ALL")) {
			for (cap = 0; cap <= cp_cap_last() && cap < 64; cap++)
				if (cap_get_bound(cap) == 1)
					*mask |= 1ull << cap;
			continue;
		}
		cap = cp_cap_parse(names[i]);
		if (cap < 0 || cap >= 64) {
			return cp_fail(err, -EINVAL, "--cap-add \"%s\": unknown capability", names[i]);
		}
		*mask |= 1ull << cap;
	}
	return 0;
}

const char *enf_step_name(enum enf_step s)
{
	switch (s) {
	case ENF_STEP_NONE:
		break;
	case ENF_STEP_BOUNDING:
		return "dropping capabilities from the bounding set";
	case ENF_STEP_GROUPS:
		return "setgroups";
	case ENF_STEP_GID:
		return "setresgid";
	case ENF_STEP_UID:
		return "setresuid";
	case ENF_STEP_CAPS:
		return "setting the capability sets";
	case ENF_STEP_NNP:
		return "prctl(PR_SET_NO_NEW_PRIVS)";
	case ENF_STEP_FILTER:
		return "loading the seccomp filter";
	case ENF_STEP_CAPS_AFTER_FILTER:
		return "dropping CAP_SYS_ADMIN after loading the filter (capset under the profile)";
	}
	return "setup";
}

static void cap_freep(cap_t *c)
{
	if (*c)
		cap_free(*c);
}

/* Set permitted and effective to mask, inheritable empty. */
static int set_caps(uint64_t mask)
{
	cp_cleanup(cap_freep) cap_t c = cap_init();
	cap_value_t v[64];
	int n = 0;

	if (!c)
		return -errno;
	for (int cap = 0; cap < 64 && cap <= cp_cap_last(); cap++)
		if (mask & (1ull << cap))
			v[n++] = cap;
	if (n &&
	    (cap_set_flag(c, CAP_PERMITTED, n, v, CAP_SET) < 0 || cap_set_flag(c, CAP_EFFECTIVE, n, v, CAP_SET) < 0))
		return -errno;
	if (cap_set_proc(c) < 0)
		return -errno;
	return 0;
}

static bool have_any_permitted(void)
{
	cp_cleanup(cap_freep) cap_t c = cap_get_proc();
	cap_flag_value_t f;

	if (!c)
		return true;
	for (int cap = 0; cap <= cp_cap_last(); cap++)
		if (cap_get_flag(c, cap, CAP_PERMITTED, &f) == 0 && f == CAP_SET)
			return true;
	return false;
}

int enf_privs_apply(const struct enf_privs *p, enum enf_step *step)
{
	const struct enf_user *u = p->user && p->user->set ? p->user : NULL;
	uint64_t tmp = p->caps;
	int r;

	*step = ENF_STEP_BOUNDING;
	for (int cap = 0; cap <= cp_cap_last() && cap < 64; cap++) {
		if ((p->caps & (1ull << cap)) || cap_get_bound(cap) != 1)
			continue;
		if (cap_drop_bound(cap) < 0) {
			r = -errno;
			/*
			 * Without CAP_SETPCAP the bounding set cannot shrink; a
			 * caller with no capabilities at all has nothing to pass
			 * on but set-id and file-capability binaries, which
			 * --no-new-privileges stops.
			 */
			if (r == -EPERM && !u && !have_any_permitted())
				break;
			return r;
		}
	}
	if (u) {
		if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
			return -errno;
		*step = ENF_STEP_GROUPS;
		if (setgroups(u->ngroups, u->groups) < 0)
			return -errno;
		*step = ENF_STEP_GID;
		if (setresgid(u->gid, u->gid, u->gid) < 0)
			return -errno;
		*step = ENF_STEP_UID;
		if (setresuid(u->uid, u->uid, u->uid) < 0)
			return -errno;
	}
	/* Without no_new_privs only CAP_SYS_ADMIN lets us load the filter. */
	if (p->filter && !p->no_new_privs)
		tmp |= 1ull << CAP_SYS_ADMIN;
	*step = ENF_STEP_CAPS;
	r = set_caps(tmp);
	if (r < 0)
		return r;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	if (p->no_new_privs) {
		*step = ENF_STEP_NNP;
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return -errno;
	}
	if (p->filter) {
		*step = ENF_STEP_FILTER;
		r = seccomp_load(p->filter);
		if (r < 0)
			return r;
	}
	if (tmp != p->caps) {
		*step = ENF_STEP_CAPS_AFTER_FILTER;
		r = set_caps(p->caps);
		if (r < 0)
			return r;
	}
	*step = ENF_STEP_NONE;
	return 0;
}
