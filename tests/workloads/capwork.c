// SPDX-License-Identifier: MIT
/*
 * One small workload per capability: `capwork NAME [ARG]` performs exactly
 * one operation that needs capability NAME (or none), so a recording must
 * find exactly that capability. The test script prepares files and peer
 * processes beforehand, so the workload itself needs nothing else.
 * Exit 0 when the operation succeeded, 1 when it failed (the message says why).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

static const char *arg;

static int check(int r, const char *what)
{
	if (r < 0) {
		printf("%s: %s\n", what, strerror(errno));
		return 1;
	}
	printf("%s: ok\n", what);
	return 0;
}

static int do_chown(void)
{
	return check(chown(arg, 65534, 65534), "chown");
}
static int do_dac_override(void)
{
	return check(open(arg, O_WRONLY), "open for write of a mode-000 file");
}
static int do_dac_read_search(void)
{
	return check(open(arg, O_RDONLY), "open for read of a mode-000 file");
}
static int do_fowner(void)
{
	return check(chmod(arg, 0640), "chmod of another user's file");
}

/* Writing to a set-id file clears the bits unless the writer has FSETID: no error either way. */
static int do_fsetid(void)
{
	int fd = open(arg, O_WRONLY | O_APPEND);
	struct stat st;

	if (fd < 0 || write(fd, "x", 1) != 1)
		return check(-1, "write to set-id file");
	close(fd);
	stat(arg, &st);
	printf("set-id bits %s\n", st.st_mode & (S_ISUID | S_ISGID) ? "kept" : "cleared");
	return 0;
}

static int do_kill(void)
{
	return check(kill(atoi(arg), SIGTERM), "kill another user's process");
}
static int do_setgid(void)
{
	return check(setgid(65534), "setgid");
}
static int do_setuid(void)
{
	return check(setuid(65534), "setuid");
}
static int do_setpcap(void)
{
	return check(prctl(PR_CAPBSET_DROP, 22 /* CAP_SYS_BOOT */, 0, 0, 0), "drop from bounding set");
}

static int do_net_bind_service(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(arg)) };
	int s = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return check(bind(s, (struct sockaddr *)&sa, sizeof(sa)), "bind to a port below 1024");
}

static int do_net_raw(void)
{
	return check(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), "raw socket");
}

static int do_net_admin(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0), sz = 1 << 20;

	return check(setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)), "SO_RCVBUFFORCE");
}

static int do_sys_chroot(void)
{
	return check(chroot("/"), "chroot");
}
static int do_mknod(void)
{
	return check(mknod(arg, S_IFCHR | 0600, makedev(1, 3)), "mknod of a character device");
}

static int do_setfcap(void)
{
	/* struct vfs_cap_data, revision 2: cap_net_raw=ep */
	uint32_t v[5] = { 0x02000000 | 1, 1u << 13, 0, 0, 0 };

	return check(setxattr(arg, "security.capability", v, sizeof(v), 0), "set file capability");
}

static int do_mount(void)
{
	if (check(mount("capprof", arg, "tmpfs", 0, "size=1m"), "mount tmpfs"))
		return 1;
	return check(umount(arg), "umount");
}

static int do_sethostname(void)
{
	return check(sethostname("capprof-test", 12), "sethostname");
}

static int do_sys_ptrace(void)
{
	pid_t pid = atoi(arg);

	if (check((int)ptrace(PTRACE_SEIZE, pid, 0, 0), "ptrace another user's process"))
		return 1;
	return check((int)ptrace(PTRACE_DETACH, pid, 0, 0), "detach");
}

static int do_sys_nice(void)
{
	return check(setpriority(PRIO_PROCESS, 0, -5), "raise priority");
}

/* Setting only the timezone to its current value needs SYS_TIME and changes nothing. */
static int do_sys_time(void)
{
	struct timeval tv;
	struct timezone tz;

	gettimeofday(&tv, &tz);
	return check(settimeofday(NULL, &tz), "settimeofday (timezone only)");
}

static int do_ipc_lock(void)
{
	struct rlimit rl = { 0, 0 };
	static char page[4096] __attribute__((aligned(4096)));

	setrlimit(RLIMIT_MEMLOCK, &rl);
	if (check(mlock(page, sizeof(page)), "mlock with RLIMIT_MEMLOCK 0"))
		return 1;
	return check(munlock(page, sizeof(page)), "munlock");
}

static int do_linux_immutable(void)
{
	int fd = open(arg, O_RDONLY), flags = 0;

	if (fd < 0 || ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0)
		return check(-1, "get file flags");
	flags |= FS_APPEND_FL;
	if (check(ioctl(fd, FS_IOC_SETFLAGS, &flags), "set append-only"))
		return 1;
	flags &= ~FS_APPEND_FL;
	return check(ioctl(fd, FS_IOC_SETFLAGS, &flags), "clear append-only");
}

static int do_sys_resource(void)
{
	struct rlimit rl;

	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_max += 1;
	return check(setrlimit(RLIMIT_NOFILE, &rl), "raise the hard NOFILE limit");
}

/*
 * A user message to the audit subsystem, as login and sshd send. The kernel
 * refuses it without AUDIT_WRITE in the netlink acknowledgement, not in the
 * syscall's return value.
 */
static int do_audit_write(void)
{
	struct {
		struct nlmsghdr h;
		char text[64];
	} req = { 0 };
	struct {
		struct nlmsghdr h;
		struct nlmsgerr e;
		char pad[256];
	} ack;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	int s = socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);

	if (s < 0)
		return check(-1, "audit socket");
	strcpy(req.text, "capprof audit_write test");
	req.h.nlmsg_len = (uint32_t)NLMSG_LENGTH(strlen(req.text) + 1);
	req.h.nlmsg_type = 1112; /* AUDIT_USER_MSG */
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.h.nlmsg_seq = 1;
	if (sendto(s, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return check(-1, "send audit message");
	if (recv(s, &ack, sizeof(ack), 0) < 0)
		return check(-1, "receive audit ack");
	if (ack.h.nlmsg_type == NLMSG_ERROR && ack.e.error) {
		errno = -ack.e.error;
		return check(-1, "audit user message");
	}
	return check(0, "audit user message");
}

/* Fails with EACCES even for root with every capability: a read-only sysctl. */
static int do_denied(void)
{
	return check(open("/proc/sys/kernel/osrelease", O_WRONLY), "open a read-only sysctl for write") ? 3 : 0;
}

static void *chown_thread(void *p)
{
	(void)p;
	return (void *)(intptr_t)do_chown();
}

/* The capability is needed by a thread other than the main one. */
static int do_thread_chown(void)
{
	pthread_t t;
	void *r;

	pthread_create(&t, NULL, chown_thread, NULL);
	pthread_join(t, &r);
	return (int)(intptr_t)r;
}

/* Checks its own capability sets, as ping does, before and after dropping one. */
static int do_capget(void)
{
	struct {
		uint32_t version;
		int pid;
	} hdr = { 0x20080522, 0 };
	struct {
		uint32_t eff, prm, inh;
	} data[2];

	if (syscall(SYS_capget, &hdr, data) < 0)
		return check(-1, "capget");
	printf("effective has CHOWN: %s\n", data[0].eff & 1 ? "yes" : "no");
	data[0].eff &= ~1u;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return check(-1, "capset");
	syscall(SYS_capget, &hdr, data);
	printf("after dropping: %s\n", data[0].eff & 1 ? "yes" : "no");
	/* CHOWN is no longer effective: this must fail as it would untraced. */
	return chown(arg, 65534, 65534) == 0 ? 1 : check(0, "chown refused after dropping CHOWN");
}

/*
 * Leave euid 0 (SETUID) and come back through the saved uid: the kernel
 * raises the effective set to the permitted one again, so the chown after it
 * only shows CHOWN if capprof lowered the set again.
 */
static int do_uid_dance(void)
{
	if (check(setresuid(65534, 65534, 0), "setresuid to nobody, saved uid 0"))
		return 1;
	if (check(setresuid(0, 0, 0), "setresuid back to root"))
		return 1;
	return do_chown();
}

static const struct {
	const char *name;
	int (*fn)(void);
} modes[] = {
	{ "uid_dance", do_uid_dance },
	{ "chown", do_chown },
	{ "dac_override", do_dac_override },
	{ "dac_read_search", do_dac_read_search },
	{ "fowner", do_fowner },
	{ "fsetid", do_fsetid },
	{ "kill", do_kill },
	{ "setgid", do_setgid },
	{ "setuid", do_setuid },
	{ "setpcap", do_setpcap },
	{ "net_bind_service", do_net_bind_service },
	{ "net_raw", do_net_raw },
	{ "net_admin", do_net_admin },
	{ "sys_chroot", do_sys_chroot },
	{ "mknod", do_mknod },
	{ "setfcap", do_setfcap },
	{ "mount", do_mount },
	{ "sethostname", do_sethostname },
	{ "sys_ptrace", do_sys_ptrace },
	{ "sys_nice", do_sys_nice },
	{ "sys_time", do_sys_time },
	{ "ipc_lock", do_ipc_lock },
	{ "linux_immutable", do_linux_immutable },
	{ "sys_resource", do_sys_resource },
	{ "denied", do_denied },
	{ "audit_write", do_audit_write },
	{ "thread_chown", do_thread_chown },
	{ "capget", do_capget },
};

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	arg = argc > 2 ? argv[2] : "";
	setvbuf(stdout, NULL, _IONBF, 0);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(argv[1], modes[i].name))
			return modes[i].fn();
	fprintf(stderr, "capwork: unknown mode %s\n", argv[1]);
	return 2;
}
