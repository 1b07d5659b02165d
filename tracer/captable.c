// SPDX-License-Identifier: MIT
/*
 * Which capabilities may fix a syscall that failed with EPERM or EACCES,
 * least powerful first. Only these are tried: brute force over every
 * capability "fixes" failures with the wrong one (a failing setsockopt
 * succeeds with NET_ADMIN when it needed nothing but another option).
 *
 * Sources: the ERRORS sections of each syscall's man page (man-pages 6.x)
 * and capabilities(7); where the man page is vague, the capable() calls on
 * the kernel path (fs/namei.c, fs/open.c, fs/attr.c, kernel/sys.c,
 * kernel/signal.c, net/socket.c, net/core/sock.c, mm/mlock.c, ...).
 */
#include "tracer/captable.h"
#include "common/names.h"
#include "common/util.h"

#include <errno.h>
#include <linux/capability.h>
#include <string.h>

/* Path lookup and open: search/read, then write, then owner-only operations. */
#define DAC_PATH                                          \
	{                                                 \
		CAP_DAC_READ_SEARCH, CAP_DAC_OVERRIDE, -1 \
	}
#define DAC_WRITE                    \
	{                            \
		CAP_DAC_OVERRIDE, -1 \
	}

static const struct cp_captable_entry table[] = {
	/* open(2): EACCES for DAC (path(7) search, file mode); EPERM for O_NOATIME on another's file (FOWNER). */
	{ "open", DAC_PATH, { CAP_FOWNER, -1 } },
	{ "openat", DAC_PATH, { CAP_FOWNER, -1 } },
	{ "openat2", DAC_PATH, { CAP_FOWNER, -1 } },
	{ "creat", DAC_PATH, { -1 } },
	{ "open_by_handle_at", { -1 }, { CAP_DAC_READ_SEARCH, -1 } },
	{ "name_to_handle_at", DAC_PATH, { -1 } },
	/* access(2), stat(2), readlink(2), statfs(2), getxattr(2): search permission on the path. */
	{ "access", DAC_PATH, { -1 } },
	{ "faccessat", DAC_PATH, { -1 } },
	{ "faccessat2", DAC_PATH, { -1 } },
	{ "stat", DAC_PATH, { -1 } },
	{ "lstat", DAC_PATH, { -1 } },
	{ "newfstatat", DAC_PATH, { -1 } },
	{ "statx", DAC_PATH, { -1 } },
	{ "readlink", DAC_PATH, { -1 } },
	{ "readlinkat", DAC_PATH, { -1 } },
	{ "statfs", DAC_PATH, { -1 } },
	{ "getxattr", DAC_PATH, { -1 } },
	{ "lgetxattr", DAC_PATH, { -1 } },
	{ "listxattr", DAC_PATH, { -1 } },
	{ "llistxattr", DAC_PATH, { -1 } },
	{ "chdir", DAC_PATH, { -1 } },
	{ "inotify_add_watch", DAC_PATH, { -1 } },
	{ "truncate", DAC_PATH, { -1 } },
	/* mkdir(2), mknod(2), link(2), symlink(2): write on the parent; mknod of a device needs MKNOD;
	 * link(2) EPERM under protected_hardlinks needs FOWNER (fs/namei.c may_linkat). */
	{ "mkdir", DAC_PATH, { -1 } },
	{ "mkdirat", DAC_PATH, { -1 } },
	{ "mknod", DAC_PATH, { CAP_MKNOD, -1 } },
	{ "mknodat", DAC_PATH, { CAP_MKNOD, -1 } },
	{ "symlink", DAC_PATH, { -1 } },
	{ "symlinkat", DAC_PATH, { -1 } },
	{ "link", DAC_PATH, { CAP_FOWNER, -1 } },
	{ "linkat", DAC_PATH, { CAP_FOWNER, -1 } },
	/* unlink(2), rmdir(2), rename(2): EPERM in a sticky directory (FOWNER), EACCES on the parent (DAC). */
	{ "unlink", DAC_PATH, { CAP_FOWNER, -1 } },
	{ "unlinkat", DAC_PATH, { CAP_FOWNER, -1 } },
	{ "rmdir", DAC_PATH, { CAP_FOWNER, -1 } },
	{ "rename", DAC_PATH, { CAP_FOWNER, -1 } },
	{ "renameat", DAC_PATH, { CAP_FOWNER, -1 } },
	{ "renameat2", DAC_PATH, { CAP_FOWNER, -1 } },
	/* chown(2): EPERM needs CHOWN. chmod(2): EPERM on another's file needs FOWNER. */
	{ "chown", DAC_PATH, { CAP_CHOWN, -1 } },
	{ "lchown", DAC_PATH, { CAP_CHOWN, -1 } },
	{ "fchown", { -1 }, { CAP_CHOWN, -1 } },
	{ "fchownat", DAC_PATH, { CAP_CHOWN, -1 } },
	{ "chmod", DAC_PATH, { CAP_FOWNER, -1 } },
	{ "fchmod", { -1 }, { CAP_FOWNER, -1 } },
	{ "fchmodat", DAC_PATH, { CAP_FOWNER, -1 } },
	{ "fchmodat2", DAC_PATH, { CAP_FOWNER, -1 } },
	/* utimensat(2): EACCES setting "now" without write access; EPERM setting explicit times (FOWNER). */
	{ "utime", { CAP_DAC_OVERRIDE, CAP_FOWNER, -1 }, { CAP_FOWNER, -1 } },
	{ "utimes", { CAP_DAC_OVERRIDE, CAP_FOWNER, -1 }, { CAP_FOWNER, -1 } },
	{ "futimesat", { CAP_DAC_OVERRIDE, CAP_FOWNER, -1 }, { CAP_FOWNER, -1 } },
	{ "utimensat", { CAP_DAC_OVERRIDE, CAP_FOWNER, -1 }, { CAP_FOWNER, -1 } },
	/* setxattr(2): user.* on another's file (FOWNER), security.capability (SETFCAP, fs/xattr.c),
	 * trusted.* (SYS_ADMIN). */
	{ "setxattr", DAC_PATH, { CAP_FOWNER, CAP_SETFCAP, CAP_SYS_ADMIN, -1 } },
	{ "lsetxattr", DAC_PATH, { CAP_FOWNER, CAP_SETFCAP, CAP_SYS_ADMIN, -1 } },
	{ "fsetxattr", { -1 }, { CAP_FOWNER, CAP_SETFCAP, CAP_SYS_ADMIN, -1 } },
	{ "removexattr", DAC_PATH, { CAP_FOWNER, CAP_SETFCAP, CAP_SYS_ADMIN, -1 } },
	{ "lremovexattr", DAC_PATH, { CAP_FOWNER, CAP_SETFCAP, CAP_SYS_ADMIN, -1 } },
	{ "fremovexattr", { -1 }, { CAP_FOWNER, CAP_SETFCAP, CAP_SYS_ADMIN, -1 } },
	/* ioctl(2) EPERM: FS_IOC_SETFLAGS immutable/append (LINUX_IMMUTABLE), SIOCS* (NET_ADMIN),
	 * TIOCSTI and console ioctls (SYS_TTY_CONFIG), the rest (SYS_ADMIN). */
	{ "ioctl", { -1 }, { CAP_LINUX_IMMUTABLE, CAP_NET_ADMIN, CAP_SYS_TTY_CONFIG, CAP_SYS_ADMIN, -1 } },
	{ "chroot", DAC_PATH, { CAP_SYS_CHROOT, -1 } },
	/* kill(2) and friends: EPERM signalling another user's process. */
	{ "kill", { -1 }, { CAP_KILL, -1 } },
	{ "tkill", { -1 }, { CAP_KILL, -1 } },
	{ "tgkill", { -1 }, { CAP_KILL, -1 } },
	{ "rt_sigqueueinfo", { -1 }, { CAP_KILL, -1 } },
	{ "rt_tgsigqueueinfo", { -1 }, { CAP_KILL, -1 } },
	{ "pidfd_send_signal", { -1 }, { CAP_KILL, -1 } },
	/* setuid(2) family and setgroups(2). */
	{ "setuid", { -1 }, { CAP_SETUID, -1 } },
	{ "setreuid", { -1 }, { CAP_SETUID, -1 } },
	{ "setresuid", { -1 }, { CAP_SETUID, -1 } },
	{ "setfsuid", { -1 }, { CAP_SETUID, -1 } },
	{ "setgid", { -1 }, { CAP_SETGID, -1 } },
	{ "setregid", { -1 }, { CAP_SETGID, -1 } },
	{ "setresgid", { -1 }, { CAP_SETGID, -1 } },
	{ "setfsgid", { -1 }, { CAP_SETGID, -1 } },
	{ "setgroups", { -1 }, { CAP_SETGID, -1 } },
	/* prctl(2): PR_CAPBSET_DROP and PR_SET_SECUREBITS need SETPCAP; PR_SET_MM needs SYS_RESOURCE. */
	{ "prctl", { -1 }, { CAP_SETPCAP, CAP_SYS_RESOURCE, CAP_SYS_ADMIN, -1 } },
	/* socket(2): raw and packet sockets (NET_RAW). bind(2): ports below ip_unprivileged_port_start. */
	{ "socket", { -1 }, { CAP_NET_RAW, -1 } },
	{ "bind", { CAP_NET_BIND_SERVICE, -1 }, { -1 } },
	/* setsockopt(2): SO_BINDTODEVICE (NET_RAW), SO_MARK, SO_RCVBUFFORCE, SO_PRIORITY>6, IP_TRANSPARENT (NET_ADMIN). */
	{ "setsockopt", { -1 }, { CAP_NET_RAW, CAP_NET_ADMIN, -1 } },
	/* mount(2), umount(2), pivot_root(2), sethostname(2), setdomainname(2), unshare(2), setns(2),
	 * swapon(2), quotactl(2), fanotify_init(2): SYS_ADMIN. */
	{ "mount", { -1 }, { CAP_SYS_ADMIN, -1 } },
	{ "umount2", { -1 }, { CAP_SYS_ADMIN, -1 } },
	{ "pivot_root", { -1 }, { CAP_SYS_ADMIN, -1 } },
	{ "sethostname", { -1 }, { CAP_SYS_ADMIN, -1 } },
	{ "setdomainname", { -1 }, { CAP_SYS_ADMIN, -1 } },
	{ "unshare", { -1 }, { CAP_SYS_ADMIN, -1 } },
	{ "setns", { -1 }, { CAP_SYS_ADMIN, -1 } },
	{ "swapon", { -1 }, { CAP_SYS_ADMIN, -1 } },
	{ "swapoff", { -1 }, { CAP_SYS_ADMIN, -1 } },
	{ "quotactl", { -1 }, { CAP_SYS_ADMIN, -1 } },
	{ "fanotify_init", { -1 }, { CAP_SYS_ADMIN, -1 } },
	{ "open_tree", { -1 }, { CAP_SYS_ADMIN, -1 } },
	{ "fsopen", { -1 }, { CAP_SYS_ADMIN, -1 } },
	{ "fsmount", { -1 }, { CAP_SYS_ADMIN, -1 } },
	{ "move_mount", { -1 }, { CAP_SYS_ADMIN, -1 } },
	/* ptrace(2), process_vm_readv(2), kcmp(2), pidfd_getfd(2): SYS_PTRACE. */
	{ "ptrace", { -1 }, { CAP_SYS_PTRACE, -1 } },
	{ "process_vm_readv", { -1 }, { CAP_SYS_PTRACE, -1 } },
	{ "process_vm_writev", { -1 }, { CAP_SYS_PTRACE, -1 } },
	{ "kcmp", { -1 }, { CAP_SYS_PTRACE, -1 } },
	{ "pidfd_getfd", { -1 }, { CAP_SYS_PTRACE, -1 } },
	/* setpriority(2) EACCES lowering nice; sched_setscheduler(2) realtime policies; ioprio_set(2). */
	{ "setpriority", { CAP_SYS_NICE, -1 }, { CAP_SYS_NICE, -1 } },
	{ "sched_setscheduler", { -1 }, { CAP_SYS_NICE, -1 } },
	{ "sched_setparam", { -1 }, { CAP_SYS_NICE, -1 } },
	{ "sched_setattr", { -1 }, { CAP_SYS_NICE, -1 } },
	{ "sched_setaffinity", { -1 }, { CAP_SYS_NICE, -1 } },
	{ "ioprio_set", { -1 }, { CAP_SYS_NICE, CAP_SYS_ADMIN, -1 } },
	{ "migrate_pages", { -1 }, { CAP_SYS_NICE, -1 } },
	{ "move_pages", { -1 }, { CAP_SYS_NICE, -1 } },
	/* settimeofday(2), clock_settime(2), adjtimex(2), clock_adjtime(2): SYS_TIME. */
	{ "settimeofday", { -1 }, { CAP_SYS_TIME, -1 } },
	{ "clock_settime", { -1 }, { CAP_SYS_TIME, -1 } },
	{ "adjtimex", { -1 }, { CAP_SYS_TIME, -1 } },
	{ "clock_adjtime", { -1 }, { CAP_SYS_TIME, -1 } },
	/* mlock(2): EPERM with RLIMIT_MEMLOCK 0; shmctl(2) SHM_LOCK: IPC_LOCK. */
	{ "mlock", { -1 }, { CAP_IPC_LOCK, -1 } },
	{ "mlock2", { -1 }, { CAP_IPC_LOCK, -1 } },
	{ "mlockall", { -1 }, { CAP_IPC_LOCK, -1 } },
	{ "shmctl", { CAP_IPC_OWNER, -1 }, { CAP_IPC_LOCK, CAP_IPC_OWNER, -1 } },
	/* setrlimit(2)/prlimit(2): raising a hard limit (SYS_RESOURCE). */
	{ "setrlimit", { -1 }, { CAP_SYS_RESOURCE, -1 } },
	{ "prlimit64", { -1 }, { CAP_SYS_RESOURCE, -1 } },
	/* reboot(2), acct(2), syslog(2), init_module(2), vhangup(2), iopl(2)/ioperm(2). */
	{ "reboot", { -1 }, { CAP_SYS_BOOT, -1 } },
	{ "acct", { -1 }, { CAP_SYS_PACCT, -1 } },
	{ "syslog", { -1 }, { CAP_SYSLOG, CAP_SYS_ADMIN, -1 } },
	{ "init_module", { -1 }, { CAP_SYS_MODULE, -1 } },
	{ "finit_module", { -1 }, { CAP_SYS_MODULE, -1 } },
	{ "delete_module", { -1 }, { CAP_SYS_MODULE, -1 } },
	{ "vhangup", { -1 }, { CAP_SYS_TTY_CONFIG, -1 } },
	{ "iopl", { -1 }, { CAP_SYS_RAWIO, -1 } },
	{ "ioperm", { -1 }, { CAP_SYS_RAWIO, -1 } },
	/* fcntl(2) F_SETLEASE on another's file: EACCES without LEASE. */
	{ "fcntl", { CAP_LEASE, -1 }, { -1 } },
	/* timerfd_create(2)/timer_create(2) with *_ALARM clocks: WAKE_ALARM. */
	{ "timerfd_create", { -1 }, { CAP_WAKE_ALARM, -1 } },
	{ "timer_create", { -1 }, { CAP_WAKE_ALARM, -1 } },
	/* bpf(2) and perf_event_open(2): BPF/PERFMON, SYS_ADMIN on older kernels. */
	{ "bpf", { -1 }, { CAP_BPF, CAP_SYS_ADMIN, -1 } },
	{ "perf_event_open", { CAP_PERFMON, CAP_SYS_ADMIN, -1 }, { -1 } },
};

const struct cp_captable_entry *captable_lookup(const char *syscall)
{
	if (!syscall)
		return NULL;
	for (size_t i = 0; i < CP_ARRAY_SIZE(table); i++)
		if (!strcmp(table[i].syscall, syscall))
			return &table[i];
	return NULL;
}

/*
 * The hot path asks once per syscall whether the engine wants its exit
 * stop: index the table by number for each architecture met (a handful),
 * built on first use from libseccomp's names, so a lookup is two array
 * reads instead of 130 string compares.
 */
#define INDEX_NR 1024 /* x86_64 and i386 numbers stay below; others fall back to names */

struct index {
	uint32_t arch;
	const struct cp_captable_entry *by_nr[INDEX_NR];
};

const struct cp_captable_entry *captable_for(uint32_t arch, uint32_t nr)
{
	static struct index idx[4];
	struct index *x = NULL;

	if (nr >= INDEX_NR)
		return captable_lookup(cp_syscall_name(arch, nr));
	for (size_t i = 0; i < CP_ARRAY_SIZE(idx) && !x; i++) {
		if (idx[i].arch == arch) {
			x = &idx[i];
		} else if (!idx[i].arch) {
			x = &idx[i];
			x->arch = arch;
			for (size_t k = 0; k < CP_ARRAY_SIZE(table); k++) {
				int n = cp_syscall_nr(arch, table[k].syscall);

				if (n >= 0 && n < INDEX_NR)
					x->by_nr[n] = &table[k];
			}
		}
	}
	if (!x)
		return captable_lookup(cp_syscall_name(arch, nr));
	return x->by_nr[nr];
}

const int8_t *captable_candidates(const struct cp_captable_entry *e, int err)
{
	if (!e)
		return NULL;
	if (err == EACCES)
		return e->on_eacces;
	if (err == EPERM)
		return e->on_eperm;
	return NULL;
}

/*
 * Capabilities whose absence no syscall reports as an error cannot be found
 * by retrying; the report lists them (generator/summary.c). AUDIT_WRITE is
 * refused in a netlink reply rather than by the syscall, but its rule is
 * exact, so capeng.c raises it for user audit messages (audit_check).
 */
