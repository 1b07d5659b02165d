#!/usr/bin/env python3
"""Measure and verify a container runtime's own seccomp baseline.

The baseline is the set of syscalls the runtime (runc, crun) itself makes on
the thread that loads the seccomp filter, between loading it and exec'ing the
workload.  Every Docker profile must allow them or `docker run` fails before
the workload starts.

Method: the workload is static busybox `true` in the capprof-busybox image
(scripts/mkimages.sh).  Its own syscalls are taken from strace on the host
and reduced to the ones it cannot do without under a host seccomp filter
(`workload`: arch_prctl brk exit_group mprotect), so that a syscall the
runtime needs is never hidden behind one busybox happens to make.  A profile with defaultAction SCMP_ACT_ERRNO allows the
workload's syscalls plus a candidate set; `measure` shrinks the candidate set
(chunks of 64, 16, 4, then single syscalls) and keeps a removal only when
`docker run --rm` still succeeds in every one of --repeat runs, so a syscall
that makes even one run fail stays.  A final pass re-checks every survivor
for necessity with --confirm runs.  `verify` is the proof used by
tests/docker/runtime_baseline.sh: list + workload runs --sufficient times in
a row; each list entry removed makes at least one of --repeat runs fail.

Subcommands (run as root with dockerd up):
  workload                       print busybox true's syscalls, one a line
  measure --runtime R [--nnp]    print the minimal list as JSON
  verify  --runtime R --list F [--nnp]   exit 0 proven, 1 not proven
"""

import argparse
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# Docker's default profile: the copy in profiles/ (same file as
# /work/shared/reference/docker-default-seccomp.json).
REFERENCE = os.path.join(HERE, "..", "..", "profiles", "docker-default.json")
IMAGE = "capprof-busybox"
DOCKER = os.environ.get("DOCKER", "docker")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def _strace_workload(link):
    """Every syscall `link` (busybox as `true`) makes after its execve."""
    out = link + ".strace"
    subprocess.run(["strace", "-f", "-qq", "-o", out, link], check=True,
                   env={"PATH": "/bin"}, stdin=subprocess.DEVNULL)
    names = set()
    with open(out) as f:
        lines = f.read().splitlines()
    for line in lines[1:]:  # first line: the execve strace made
        name = line.split("(", 1)[0].split()[-1] if "(" in line else ""
        if name and name.isidentifier():
            names.add(name)
    return names


def _run_filtered(link, allow):
    """Run `link` on the host under a seccomp filter (libseccomp through
    ctypes) that allows `allow` plus execve and answers EPERM otherwise;
    True when it exits 0.  No container runtime is involved, so this tells
    what the workload itself cannot do without."""
    lib = ctypes.CDLL("libseccomp.so.2", use_errno=True)
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32,
                                     ctypes.c_int, ctypes.c_uint]
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    pid = os.fork()
    if pid == 0:
        try:
            ctx = lib.seccomp_init(0x00050000 | 1)  # SCMP_ACT_ERRNO(EPERM)
            for name in set(allow) | {"execve"}:
                nr = lib.seccomp_syscall_resolve_name(name.encode())
                if nr >= 0:
                    lib.seccomp_rule_add(ctx, 0x7fff0000, nr, 0)  # ALLOW
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            if lib.seccomp_load(ctx) != 0:
                os._exit(125)
            os.execve(link, [os.path.basename(link)], {"PATH": "/bin"})
        finally:
            os._exit(127)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def workload_syscalls(busybox="/bin/busybox", full=False, repeat=3):
    """The syscalls static busybox `true` cannot do without.

    strace on the host gives all it makes after execve (run through a
    symlink named `true`, as in the image, so busybox takes the same applet
    path; the execve itself is the runtime's: the filter checks runc's execve
    call).  Then each is denied in turn under a host seccomp filter; the ones
    busybox shrugs off (prctl, getuid, getrandom...) are dropped, so that a
    syscall the runtime needs is never hidden behind the workload's.
    """
    tmp = tempfile.mkdtemp(prefix="rtbaseline.")
    try:
        link = os.path.join(tmp, "true")
        os.symlink(busybox, link)
        names = _strace_workload(link)
        if full:
            return sorted(names)
        if not all(_run_filtered(link, names) for _ in range(repeat)):
            raise RuntimeError("busybox true fails under a filter allowing "
                               "everything strace saw: " + " ".join(names))
        for name in sorted(names):
            trial = names - {name}
            if all(_run_filtered(link, trial) for _ in range(repeat)):
                names = trial
        return sorted(names)
    finally:
        shutil.rmtree(tmp)


def reference_allow():
    """Docker's default allow-list for x86_64: unconditional ALLOW rules,
    capability-gated ones included (the container runs with the default
    capability set, but a generous start costs only time)."""
    with open(REFERENCE) as f:
        ref = json.load(f)
    names = set()
    for rule in ref["syscalls"]:
        if rule.get("action") != "SCMP_ACT_ALLOW":
            continue
        arches = (rule.get("includes") or {}).get("arches")
        if arches and "amd64" not in arches:
            continue
        names.update(rule["names"])
    return names


def profile(names):
    return {
        "defaultAction": "SCMP_ACT_ERRNO",
        "defaultErrnoRet": 1,
        "architectures": ["SCMP_ARCH_X86_64"],
        "syscalls": [{"names": sorted(names), "action": "SCMP_ACT_ALLOW"}],
    }


class Runner:
    def __init__(self, runtime, nnp, tmpdir):
        self.runtime = runtime
        self.nnp = nnp
        self.tmpdir = tmpdir
        self.runs = 0
        self.seconds = 0.0
        self.last_error = ""

    def run_once(self, names):
        path = os.path.join(self.tmpdir, "profile.json")
        with open(path, "w") as f:
            json.dump(profile(names), f)
        cmd = [DOCKER, "run", "--rm", "--network", "none",
               "--runtime", self.runtime,
               "--security-opt", "seccomp=" + path]
        if self.nnp:
            cmd += ["--security-opt", "no-new-privileges"]
        cmd += [IMAGE, "true"]
        t0 = time.monotonic()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                           text=True)
        self.seconds += time.monotonic() - t0
        self.runs += 1
        if p.returncode != 0:
            self.last_error = "exit %d: %s" % (
                p.returncode, " ".join(p.stderr.split())[:300])
        return p.returncode == 0

    def failures(self, names, repeat, stop_at_first=True):
        """How many of `repeat` runs failed (stops at the first failure)."""
        n = 0
        self.runs_last = 0
        for _ in range(repeat):
            self.runs_last += 1
            if not self.run_once(names):
                n += 1
                if stop_at_first:
                    break
        return n


# Syscalls the Go runtime makes on any thread at unpredictable moments
# (signal delivery for goroutine preemption, scheduler hand-offs).  A short
# shrink can drop one of them by luck; they are the suspects to add back when
# the shrunk set is not reliable.
# The id calls nearly every workload makes; with them allowed runc also
# checks the executable with access(2) (faccessat) before exec.
ID_CALLS = {"getuid", "geteuid", "getgid", "getegid"}

ASYNC_SUSPECTS = ["rt_sigreturn", "futex", "sched_yield", "nanosleep",
                  "sigaltstack", "rt_sigprocmask", "tgkill", "getpid",
                  "gettid", "madvise", "mmap", "munmap", "clock_gettime",
                  "epoll_pwait", "write", "read"]

# The highest syscall number Debian 12's libseccomp (2.5.4) knows on x86_64.
# runc answers ENOSYS, not the profile's errno, for syscalls above the highest
# one a profile allows; allowing this one as well makes every other syscall
# get EPERM, the stricter answer (callers fall back from ENOSYS more often).
CEILING = "map_shadow_stack"


def _term(signum, frame):
    raise SystemExit(128 + signum)  # so `finally` stops the burners


def start_stress(n):
    """n CPU burners: with the CPUs contended the runtime's window between
    filter load and exec stretches past Go's 10 ms preemption slice, so the
    signal-path syscalls (rt_sigreturn) show up in a few runs instead of by
    luck."""
    signal.signal(signal.SIGTERM, _term)
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(n)]


def stop_stress(procs):
    for p in procs:
        p.kill()
        p.wait()


def measure(args):
    burners = start_stress(args.stress)
    try:
        return _measure(args)
    finally:
        stop_stress(burners)


def _measure(args):
    work = set(workload_syscalls())
    if args.candidates:
        with open(args.candidates) as f:
            cand = set(f.read().split())
    else:
        cand = reference_allow()
    cand |= set(args.extra or []) | set(ASYNC_SUSPECTS)
    cand -= work
    with tempfile.TemporaryDirectory(prefix="rtbaseline.") as tmp:
        r = Runner(args.runtime, args.nnp, tmp)
        t0 = time.monotonic()
        if r.failures(cand | work, args.repeat):
            log("the generous start set fails: " + r.last_error)
            return 1
        cur = sorted(cand)
        for size in (64, 16, 4, 1):
            i = 0
            while i < len(cur):
                chunk = cur[i:i + size]
                trial = set(cur) - set(chunk)
                if r.failures(trial | work, args.repeat) == 0:
                    cur = sorted(trial)
                    log("  -%s (%d left)" % (",".join(chunk) if size <= 4
                                             else "%d" % size, len(cur)))
                else:
                    i += size
            log("after chunk size %d: %d left: %s" % (size, len(cur),
                                                      " ".join(cur)))
        restored = {}
        for _ in range(4):
            f = r.failures(set(cur) | work, args.sufficient)
            if f == 0:
                break
            log("shrunk set is not reliable (%s); adding suspects back"
                % r.last_error)
            for s in ASYNC_SUSPECTS:
                if s in cur:
                    continue
                if r.failures(set(cur) | {s} | work, args.sufficient) == 0:
                    cur = sorted(set(cur) | {s})
                    restored[s] = "added back: %d/%d runs passed with it" % (
                        args.sufficient, args.sufficient)
                    log("  +" + s)
                    break
        # With a reliable base, one more single-removal pass drops what
        # stayed only because a signal-path failure hit its check.
        if restored:
            for name in list(cur):
                if name in restored:
                    continue
                trial = set(cur) - {name}
                if r.failures(trial | work, args.repeat) == 0:
                    cur = sorted(trial)
                    log("  -%s (%d left)" % (name, len(cur)))
        # Each survivor must make at least one of --confirm runs fail when
        # removed; stop at the first failure.
        notes = {}
        for name in list(cur):
            trial = set(cur) - {name}
            fails = r.failures(trial | work, args.confirm)
            notes[name] = "%s after %d run(s): %s" % (
                "fails" if fails else "never failed", r.runs_last,
                r.last_error if fails else "-")
            log("  %s: %s" % (name, notes[name]))
            if fails == 0:
                cur.remove(name)
        suff = r.failures(set(cur) | work, args.sufficient,
                          stop_at_first=False)
        suff_ceil = r.failures(set(cur) | work | {CEILING}, args.sufficient,
                               stop_at_first=False)
        out = {
            "runtime": args.runtime,
            "nnp": args.nnp,
            "list": sorted(cur),
            "workload": sorted(work),
            "sufficient_failures": "%d/%d" % (suff, args.sufficient),
            "sufficient_failures_with_ceiling": "%d/%d" % (suff_ceil,
                                                           args.sufficient),
            "restored": restored,
            "necessity": notes,
            "docker_runs": r.runs,
            "seconds": round(time.monotonic() - t0, 1),
        }
        print(json.dumps(out, indent=1))
        return 0 if suff == 0 and suff_ceil == 0 else 1


def verify(args):
    burners = start_stress(args.stress)
    try:
        return _verify(args)
    finally:
        stop_stress(burners)


def _verify(args):
    """The proof: sufficient (every run passes, also with CEILING allowed so
    the ENOSYS stub answers nothing) and necessary (each entry removed makes
    a run fail; up to --repeat runs, stopping at the first failure).  Runs
    with CPU burners, as measure does, so rt_sigreturn's signal path is hit
    (1 run in 8 to 1 in 40 without it here, depending on load)."""
    with open(args.list) as f:
        data = json.load(f)
    key = "with_nnp" if args.nnp else "without_nnp"
    lst = set(data[key])
    work = set(workload_syscalls())
    # runc's own path depends on what the workload's profile allows: with
    # the id calls nearly every workload makes allowed (getuid & co.), runc
    # checks the executable through access(2) as well. Both workloads are
    # proven: sufficient for each, and each entry necessary for one of them.
    variants = (("busybox true", work), ("busybox true + id calls", work | ID_CALLS))
    for what, w in variants:
        print("workload (%s): %s" % (what, " ".join(sorted(w))))
    ok = True
    with tempfile.TemporaryDirectory(prefix="rtbaseline.") as tmp:
        r = Runner(args.runtime, args.nnp, tmp)
        t0 = time.monotonic()
        for what, w in variants:
            for extra, label in ((set(), "list+workload"),
                                 ({CEILING}, "list+workload+" + CEILING)):
                fails = r.failures(lst | w | extra, args.sufficient,
                                   stop_at_first=False)
                print("%s %s, %s: %s (%d syscalls): %d/%d runs failed%s" % (
                    args.runtime, key, what, label, len(lst | w | extra), fails,
                    args.sufficient, (" (" + r.last_error + ")") if fails else ""))
                if fails:
                    ok = False
        for name in sorted(lst):
            shown = False
            testable = False
            for what, w in variants:
                if name in w:
                    continue
                testable = True
                f = r.failures((lst - {name}) | w, args.repeat)
                if f:
                    print("  %-16s removed: failed on run %d with %s: %s" % (
                        name, r.runs_last, what, r.last_error))
                    shown = True
                    break
            if shown:
                continue
            if not testable:
                print("  %-16s also used by the workload; necessity not "
                      "testable with this workload" % name)
            elif name in ASYNC_SUSPECTS:
                # Needed only when a signal lands in the runtime's window
                # (docs/runtime-baselines.md): not failing in this many runs
                # is chance, not proof that it is unneeded. Reported, kept.
                print("  %-16s removed: still ran %d/%d times: TIMING-DEPENDENT"
                      " (kept; needed when a signal lands in the window)"
                      % (name, args.repeat, args.repeat))
            else:
                print("  %-16s removed: still ran %d/%d times: NOT NECESSARY"
                      % (name, args.repeat, args.repeat))
                ok = False
        print("%s %s: %s in %d docker runs, %.1fs" % (
            args.runtime, key, "PROVEN" if ok else "NOT PROVEN", r.runs,
            time.monotonic() - t0))
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("workload")
    w.add_argument("--full", action="store_true",
                   help="everything strace saw, not only what it needs")
    m = sub.add_parser("measure")
    m.add_argument("--runtime", default="runc")
    m.add_argument("--nnp", action="store_true")
    m.add_argument("--repeat", type=int, default=5)
    m.add_argument("--confirm", type=int, default=30)
    m.add_argument("--sufficient", type=int, default=30)
    m.add_argument("--extra", nargs="*", help="more candidate syscalls")
    m.add_argument("--candidates", help="file of candidate names (default: "
                   "Docker's default allow-list)")
    m.add_argument("--stress", type=int, default=4,
                   help="CPU burners running during the measurement")
    v = sub.add_parser("verify")
    v.add_argument("--runtime", default="runc")
    v.add_argument("--nnp", action="store_true")
    v.add_argument("--list", required=True)
    v.add_argument("--repeat", type=int, default=150)
    v.add_argument("--sufficient", type=int, default=20)
    v.add_argument("--stress", type=int, default=8)
    args = ap.parse_args()
    if args.cmd == "workload":
        print("\n".join(workload_syscalls(full=args.full)))
        return 0
    return measure(args) if args.cmd == "measure" else verify(args)


if __name__ == "__main__":
    sys.exit(main())
