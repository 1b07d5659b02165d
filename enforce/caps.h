/* SPDX-License-Identifier: MIT */
/*
 * Privileges of an enforced workload, set the way Docker (moby + runc) sets
 * them: user and groups, the capability sets, no_new_privs, and the seccomp
 * filter. Runs in the process that then execs the workload.
 */
#ifndef CP_ENF_CAPS_H
#define CP_ENF_CAPS_H

#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct cp_err;

struct enf_user {
	bool set; /* --user given */
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* supplementary groups from /etc/group for a named user */
	size_t ngroups;
};

/*
 * Parse --user as Docker does: "name", "uid", "name:group", "uid:gid".
 * Names are looked up in the passwd and group databases; a numeric uid
 * without a passwd entry gets gid 0. -EINVAL with a reason in err.
 */
int enf_user_parse(const char *spec, struct enf_user *u, struct cp_err *err);
void enf_user_free(struct enf_user *u);

/* Capability set (bit N = capability N) from names; -EINVAL naming the bad one. */
int enf_caps_parse(char *const *names, size_t n, uint64_t *mask, struct cp_err *err);

struct enf_privs {
	uint64_t caps; /* bounding = permitted = effective; inheritable, ambient empty */
	const struct enf_user *user; /* NULL or !set: stay who we are */
	bool no_new_privs;
	scmp_filter_ctx filter; /* NULL: no filter */
};

/* The step enf_privs_apply failed at, for the error message. */
enum enf_step {
	ENF_STEP_NONE,
	ENF_STEP_BOUNDING,
	ENF_STEP_GROUPS,
	ENF_STEP_GID,
	ENF_STEP_UID,
	ENF_STEP_CAPS,
	ENF_STEP_NNP,
	ENF_STEP_FILTER,
	ENF_STEP_CAPS_AFTER_FILTER,
};

const char *enf_step_name(enum enf_step s);

/*
 * Apply p to the calling (single-threaded) process, in this order: drop
 * the bounding set, switch groups/gid/uid keeping capabilities, set
 * permitted/effective/inheritable and clear ambient, set no_new_privs, load
 * the filter. Without no_new_privs the kernel needs CAP_SYS_ADMIN to load
 * a filter, so it is kept until the filter is loaded and dropped with one
 * capset after it (runc, too, makes calls under the filter in that case).
 * Returns 0 or -errno and the failing step.
 */
int enf_privs_apply(const struct enf_privs *p, enum enf_step *step);

#endif
