// SPDX-License-Identifier: MIT
/*
 * capprof learn: turn the kernel's seccomp audit records (what a --complain
 * profile let through and logged, or what any filter denied and logged)
 * into a recording that merge folds into the baseline and diff shows.
 * Sources, in the order tried when none is named: /var/log/audit/audit.log
 * (when auditd runs it takes the records), /dev/kmsg, journalctl -k,
 * dmesg. Programs are executed directly, never through a shell.
 */
#include "cli/cli.h"
#include "common/err.h"
#include "common/names.h"
#include "generator/audit.h"
#include "sandbox/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LEARN_MAX_MESSAGES 200 /* bad-line messages printed; all are counted */

static void learn_usage(FILE *f)
{
	fputs("Usage: capprof learn [--since TIME] [--source auto|audit|kmsg|journal|dmesg] [--from FILE|-]\n"
	      "                     [--exe PATH]... [-o FILE]\n"
	      "Read the kernel's seccomp audit records (type 1326; what an 'emit --complain' profile\n"
	      "allowed and logged, or what a filter denied and logged) and write them as a recording:\n"
	      "'capprof merge' folds it into the baseline, 'capprof diff' shows what production added.\n\n"
	      "  --since TIME       only records from TIME on: @EPOCH, YYYY-MM-DD[THH:MM[:SS]] (UTC),\n"
	      "                     or an age: 30s, 10m, 2h, 1d\n"
	      "  --source NAME      where to read: audit (/var/log/audit/audit.log), kmsg (/dev/kmsg),\n"
	      "                     journal (journalctl -k), dmesg; auto (default) takes the first that works\n"
	      "  --from FILE        read log lines from FILE ('-': stdin) instead\n"
	      "  --exe PATH         keep only records of this executable (repeatable)\n"
	      "  -o, --output FILE  the recording (default capprof-learned.json; '-' for stdout)\n"
	      "  -h, --help         this help\n"
	      "Every seccomp line that cannot be used is reported with its line number and counted.\n"
	      "Capabilities cannot be learnt this way: a missing one is an EPERM the workload sees,\n"
	      "not an audit record (use 'capprof verify'). docs/learning.md.\n"
	      "Exit status: 0 ok, 1 some seccomp lines could not be used (the rest is written),\n"
	      "2 bad usage or no readable source.\n",
	      f);
}

struct learn {
	const char *source; /* for messages */
	uint64_t since; /* epoch seconds, 0: all */
	char **exes;
	size_t nexes;
	struct cp_rec *rec;
	uint64_t lines, records, old, bad, filtered, learned, suppressed;
	uint64_t actions[8];
	bool saw_lost; /* the kernel said it dropped audit messages */
};

static const char *const action_names[] = { "log",  "errno", "kill_process", "kill_thread",
					    "trap", "trace", "user_notif",   "allow" };

static void count_action(struct learn *l, const char *name)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(action_names); i++)
		if (!strcmp(action_names[i], name))
			l->actions[i]++;
}

static void bad_line(struct learn *l, uint64_t lineno, const char *why)
{
	l->bad++;
	if (l->bad <= LEARN_MAX_MESSAGES)
		cli_warn("learn: %s:%llu: %s", l->source, (unsigned long long)lineno, why);
	else
		l->suppressed++;
}

static void learn_line(struct learn *l, const char *line, size_t len)
{
	struct audit_seccomp a;
	struct cp_err err = { 0 };
	int r;

	l->lines++;
	/* kauditd says so when it had to drop records: what was lost cannot be learnt */
	if (memmem(line, len, "audit: backlog limit exceeded", 29) || memmem(line, len, "audit_lost=", 11) ||
	    memmem(line, len, "kauditd hold queue overflow", 27))
		l->saw_lost = true;
	r = audit_parse_line(line, len, &a, &err);
	if (r == 0)
		return;
	l->records++;
	if (r < 0) {
		bad_line(l, l->lines, cp_err_str(&err));
		return;
	}
	if (l->since && a.sec < l->since) {
		l->old++;
		audit_seccomp_clear(&a);
		return;
	}
	if (l->nexes) {
		bool keep = false;

		for (size_t i = 0; i < l->nexes && !keep; i++)
			keep = a.exe && !strcmp(a.exe, l->exes[i]);
		if (!keep) {
			l->filtered++;
			audit_seccomp_clear(&a);
			return;
		}
	}
	if (audit_rec_add(l->rec, &a, &err) < 0) {
		bad_line(l, l->lines, cp_err_str(&err));
	} else {
		l->learned++;
		count_action(l, audit_action_name(&a));
	}
	audit_seccomp_clear(&a);
}

/* Lines of a stream; one longer than AUDIT_MAX_LINE is still handed on (and refused there). */
static void learn_stream(struct learn *l, FILE *f)
{
	cp_autofree char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, f)) > 0)
		learn_line(l, line, (size_t)n);
}

/*
 * /dev/kmsg: one record per read, oldest first, until EAGAIN. EPIPE means
 * the ring buffer overwrote records since the last read: say so, go on.
 */
static int learn_kmsg(struct learn *l)
{
	cp_autoclose int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	cp_autofree char *buf = cp_xmalloc(8192);
	bool overwritten = false;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, buf, 8192);
		char *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE) {
			overwritten = true;
			continue;
		}
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		/* the record's first line; continuation lines (" KEY=value") are metadata */
		nl = memchr(buf, '\n', (size_t)n);
		learn_line(l, buf, nl ? (size_t)(nl - buf) : (size_t)n);
	}
	if (overwritten)
		cli_warn("learn: /dev/kmsg: the kernel ring buffer overwrote records before they were read "
			 "(some may be missing)");
	return 0;
}

/*
 * Run a log reader (argv[0] looked up in PATH) and read its standard output.
 * -ENOENT when it is not there (or exits 127), -EIO when it fails otherwise.
 */
static int learn_exec(struct learn *l, char *const argv[])
{
	struct sbx_child c;
	int fd, status, r;
	FILE *f;

	r = sbx_spawn_pipe(argv, &c, &fd);
	if (r < 0)
		return r;
	f = fdopen(fd, "r");
	if (f) {
		learn_stream(l, f);
		fclose(f);
	} else {
		close(fd); /* the reader ends on EPIPE */
	}
	r = sbx_child_wait(&c, &status);
	if (r < 0)
		return r == -ENOENT ? r : -EIO; /* it could not be executed */
	if (!f)
		return -ENOMEM;
	if (status == 127)
		return -ENOENT;
	return status ? -EIO : 0;
}

static int learn_file(struct learn *l, const char *path)
{
	cp_autofclose FILE *f = NULL;

	if (!strcmp(path, "-")) {
		learn_stream(l, stdin);
		return ferror(stdin) ? -EIO : 0;
	}
	f = fopen(path, "re");
	if (!f)
		return -errno;
	learn_stream(l, f);
	return ferror(f) ? -EIO : 0;
}

/* One source by name; 0, or -errno when it cannot be read here. */
static int learn_source(struct learn *l, const char *name)
{
	char since_arg[32];
	char *journal[] = { "journalctl", "-k", "-o", "cat", "--no-pager", "-q", NULL, NULL, NULL };
	char *dmesg[] = { "dmesg", NULL };

	if (!strcmp(name, "audit")) {
		l->source = "/var/log/audit/audit.log";
		return learn_file(l, l->source);
	}
	if (!strcmp(name, "kmsg")) {
		l->source = "/dev/kmsg";
		return learn_kmsg(l);
	}
	if (!strcmp(name, "journal")) {
		l->source = "journalctl -k";
		if (l->since) {
			/* journalctl filters by its own clock too: less to read */
			snprintf(since_arg, sizeof(since_arg), "@%llu", (unsigned long long)l->since);
			journal[6] = "--since";
			journal[7] = since_arg;
		}
		return learn_exec(l, journal);
	}
	if (!strcmp(name, "dmesg")) {
		l->source = "dmesg";
		return learn_exec(l, dmesg);
	}
	return -EINVAL;
}

/* --since: @EPOCH, an age (30s, 10m, 2h, 1d), or a UTC date and time. */
static int parse_since(const char *s, uint64_t *out)
{
	static const char *const formats[] = { "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M",
					       "%Y-%m-%d %H:%M", "%Y-%m-%d" };
	uint64_t v;
	size_t n = strlen(s);

	if (s[0] == '@') {
		if (!s[1] || strspn(s + 1, "0123456789") != n - 1)
			return -EINVAL;
		return cp_parse_u64(s + 1, out);
	}
	if (n >= 2 && strchr("smhd", s[n - 1])) {
		char num[32];
		uint64_t unit = s[n - 1] == 's' ? 1 : s[n - 1] == 'm' ? 60 : s[n - 1] == 'h' ? 3600 : 86400;
		time_t now = time(NULL);

		if (n - 1 >= sizeof(num))
			return -EINVAL;
		memcpy(num, s, n - 1);
		num[n - 1] = '\0';
		if (num[0] < '0' || num[0] > '9' || cp_parse_u64(num, &v) < 0 || v > (uint64_t)now / unit)
			return -EINVAL;
		*out = (uint64_t)now - v * unit;
		return 0;
	}
	for (size_t i = 0; i < CP_ARRAY_SIZE(formats); i++) {
		struct tm tm = { 0 };
		const char *end = strptime(s, formats[i], &tm);
		time_t t;

		if (!end || (*end && strcmp(end, "Z")))
			continue;
		t = timegm(&tm);
		if (t < 0)
			return -EINVAL;
		*out = (uint64_t)t;
		return 0;
	}
	return -EINVAL;
}

static void fill_metadata(struct cp_rec *rec, const char *source)
{
	rec->argc = 0; /* no command: the records came from whatever ran */
	rec->argv = cp_xcalloc(1, sizeof(char *));
	rec->cwd = cp_xstrdup("");
	rec_set_host(rec);
	rec->caps_traced = false;
	rec->incomplete_reason = NULL;
	(void)source;
}

/*
 * Without auditd, kauditd prints audit records through printk_ratelimit():
 * at most kernel.printk_ratelimit_burst records every printk_ratelimit
 * seconds (10 per 5 s by default), one per call, not per distinct syscall;
 * the rest are dropped (kernel/audit.c kauditd_printk_skb). A raised burst
 * only counts from the next interval on (measured on 6.18: a run right after
 * the raise, in an interval already spent, logged nothing); an interval of
 * 0 turns the limit off at once. Say so.
 */
static void warn_ratelimit(void)
{
	cp_autofree char *burst = NULL, *interval = NULL;
	uint64_t b = 0, i = 0;

	if (cp_read_file("/proc/sys/kernel/printk_ratelimit_burst", 64, &burst, NULL) < 0 ||
	    cp_read_file("/proc/sys/kernel/printk_ratelimit", 64, &interval, NULL) < 0)
		return;
	burst[strcspn(burst, "\n")] = '\0';
	interval[strcspn(interval, "\n")] = '\0';
	if (cp_parse_u64(interval, &i) == 0 && i == 0)
		return;
	if (cp_parse_u64(burst, &b) == 0 && b < 1000)
		cli_warn("learn: without auditd the kernel logs at most %s audit records every %s s and drops the "
			 "rest; while learning, set kernel.printk_ratelimit=0 (sysctl; no limit, at once) or run "
			 "auditd",
			 burst, interval);
}

enum { O_SINCE = 256, O_SOURCE, O_FROM, O_EXE };

int cmd_learn(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, O_SINCE },
		{ "source", required_argument, NULL, O_SOURCE },
		{ "from", required_argument, NULL, O_FROM },
		{ "exe", required_argument, NULL, O_EXE },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char *const auto_order[] = { "audit", "kmsg", "journal", "dmesg" };
	const char *output = "capprof-learned.json", *source = "auto", *from = NULL;
	cp_autofree char **exes = cp_xcalloc((size_t)argc + 1, sizeof(char *));
	struct learn l = { 0 };
	cp_autorec *rec = rec_new();
	cp_autofree char *text = NULL;
	int c, r = -ENOENT;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'h':
			learn_usage(stdout);
			return CP_EXIT_OK;
		case O_SINCE:
			if (parse_since(optarg, &l.since) < 0) {
				cli_error("learn: --since: \"%s\" is not @EPOCH, an age (10m, 2h, 1d) or "
					  "YYYY-MM-DD[THH:MM[:SS]]",
					  optarg);
				return CP_EXIT_USAGE;
			}
			break;
		case O_SOURCE:
			if (strcmp(optarg, "auto") && strcmp(optarg, "audit") && strcmp(optarg, "kmsg") &&
			    strcmp(optarg, "journal") && strcmp(optarg, "dmesg")) {
				cli_error("learn: --source: \"%s\" is not auto, audit, kmsg, journal or dmesg", optarg);
				return CP_EXIT_USAGE;
			}
			source = optarg;
			break;
		case O_FROM:
			from = optarg;
			break;
		case O_EXE:
			exes[l.nexes++] = optarg;
			break;
		default:
			return cli_bad_option("learn", c, argv);
		}
	}
	if (optind < argc) {
		cli_error("learn: unexpected argument \"%s\"", argv[optind]);
		return CP_EXIT_USAGE;
	}
	if (from && strcmp(source, "auto")) {
		cli_error("learn: --from and --source: choose one");
		return CP_EXIT_USAGE;
	}
	l.exes = exes;
	l.rec = rec;

	if (from) {
		l.source = !strcmp(from, "-") ? "stdin" : from;
		r = learn_file(&l, from);
		if (r < 0) {
			cli_error("learn: %s: %s", l.source, strerror(-r));
			return CP_EXIT_USAGE;
		}
	} else if (strcmp(source, "auto")) {
		r = learn_source(&l, source);
		if (r < 0) {
			cli_error("learn: %s: %s", l.source, r == -EIO ? "the reader failed" : strerror(-r));
			return CP_EXIT_USAGE;
		}
	} else {
		for (size_t i = 0; i < CP_ARRAY_SIZE(auto_order); i++) {
			/* audit.log only when it exists: otherwise the records are in the kernel log */
			if (!strcmp(auto_order[i], "audit") && access("/var/log/audit/audit.log", R_OK) != 0)
				continue;
			r = learn_source(&l, auto_order[i]);
			if (r == 0)
				break;
			cli_warn("learn: %s: %s; trying the next source", l.source,
				 r == -EIO ? "the reader failed" : strerror(-r));
			/* a reader that failed half-way may have added records: start over clean */
			rec_free(rec);
			rec = rec_new();
			l = (struct learn){ .since = l.since, .exes = l.exes, .nexes = l.nexes, .rec = rec };
		}
		if (r < 0) {
			cli_error("learn: no source could be read (audit.log, /dev/kmsg, journalctl, dmesg); "
				  "name a file with --from");
			return CP_EXIT_USAGE;
		}
	}

	if (!from && strcmp(l.source, "/var/log/audit/audit.log"))
		warn_ratelimit();
	fill_metadata(rec, l.source);
	text = rec_to_json(rec);
	r = cli_output(output, text, strlen(text));
	if (r < 0) {
		cli_error("%s: %s", output, cli_write_strerror(r));
		return CP_EXIT_USAGE;
	}

	fprintf(stderr,
		"capprof: learn: %s: %llu lines, %llu seccomp records: %llu learnt, %llu older than --since, %llu "
		"of other executables, %llu unusable\n",
		l.source, (unsigned long long)l.lines, (unsigned long long)l.records, (unsigned long long)l.learned,
		(unsigned long long)l.old, (unsigned long long)l.filtered, (unsigned long long)l.bad);
	if (l.learned) {
		fprintf(stderr, "capprof: learn: actions:");
		for (size_t i = 0; i < CP_ARRAY_SIZE(action_names); i++)
			if (l.actions[i])
				fprintf(stderr, " %s %llu", action_names[i], (unsigned long long)l.actions[i]);
		fprintf(stderr, "; %zu distinct syscalls written to %s\n", rec_count_syscalls(rec),
			!strcmp(output, "-") ? "stdout" : output);
	}
	if (l.suppressed)
		cli_warn("learn: %llu more unusable lines not shown", (unsigned long long)l.suppressed);
	if (l.saw_lost)
		cli_warn("learn: the kernel reported lost audit records: some syscalls may be missing");
	if (!l.learned)
		cli_warn("learn: nothing learnt from %s (is the profile's defaultAction SCMP_ACT_LOG, and did the "
			 "workload run%s?)",
			 l.source, l.since ? " after --since" : "");
	return l.bad ? CP_EXIT_DIFFERS : CP_EXIT_OK;
}
