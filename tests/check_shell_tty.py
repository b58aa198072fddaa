#!/usr/bin/env python3
"""`rtsim shell` on a terminal (a pty), reported as TAP.

usage: check_shell_tty.py libedit|plain -- [WRAPPER] RTSIM

A user's keys go in, the terminal's bytes come out.  Every wait is for an
expected piece of output (with a generous deadline for slow wrappers such
as qemu), never a sleep.  HOME is a temporary directory, so the user's own
history is never read or written.

  * both builds: a typo gets RT-Thread's "NAME: command not found." and a
    suggestion; `help` lists commands, statements and exit; Ctrl-C cancels
    the line (and an open thread block) and the shell goes on; Ctrl-D exits
  * libedit builds: the Up arrow recalls lines, also from the previous
    session (history file in $HOME, $XDG_STATE_HOME or $RTSIM_HISTORY);
    Tab completes commands, statements and the session's names; Ctrl-A /
    Ctrl-E / Ctrl-K edit the line Emacs-style
"""
import os
import pty
import re
import select
import shutil
import sys
import tempfile
import time

from tap import finish  # tests/tap.py

args = sys.argv[1:]
mode = args[0]
cmd = [a for a in args[args.index("--") + 1:] if a]
tmp = tempfile.mkdtemp(prefix="rtsim-tty-")
results = []
DEADLINE = float(os.environ.get("TTY_DEADLINE", 60))   # seconds, only if output never comes
UP, CTRL_A, CTRL_C, CTRL_D, CTRL_E, CTRL_K = "\x1b[A", "\x01", "\x03", "\x04", "\x05", "\x0b"


def check(name, ok, detail=""):
    results.append((name, bool(ok), detail))


def skip(name, why):
    results.append((name, None, why))


class Term:
    """rtsim shell on a pty; read() waits for text, never for time."""

    def __init__(self, env_extra=None, home=None):
        self.home = home or tempfile.mkdtemp(dir=tmp)
        env = dict(os.environ, HOME=self.home, TERM="xterm")
        for k in ("XDG_STATE_HOME", "RTSIM_HISTORY"):
            env.pop(k, None)
        env.update(env_extra or {})
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(cmd[0], cmd + ["shell"], env)
        self.out = b""
        self.pos = 0
        self.status = None

    def wait_for(self, text, deadline=None):
        """Read until `text` appears after the last match; True if it did."""
        want = text.encode()
        end = time.monotonic() + (deadline or DEADLINE)
        while want not in self.out[self.pos:]:
            left = end - time.monotonic()
            if left <= 0:
                return False
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                return False
            try:
                data = os.read(self.fd, 4096)
            except OSError:
                return False
            if not data:
                return False
            self.out += data
        self.pos = self.out.index(want, self.pos) + len(want)
        return True

    def send(self, keys):
        os.write(self.fd, keys.encode())

    def line(self, keys, until="msh >"):
        """Type keys, return the output up to the next prompt."""
        start = self.pos
        self.send(keys)
        ok = self.wait_for(until)
        if os.environ.get("TTY_DEBUG"):
            sys.stderr.write(f"{keys!r} -> {ok} {self.out[start:]!r}\n")
        return self.out[start:self.pos].decode(errors="replace") if ok else \
            "(no prompt) " + self.out[start:].decode(errors="replace")

    def close(self):
        """Ctrl-D on an empty line; returns the exit status."""
        # libedit prints the prompt before it puts the terminal in raw mode;
        # a key that arrives in that instant can be lost (a person would
        # press Ctrl-D again), so the test presses it again each second.
        self.send(CTRL_D)
        end = time.monotonic() + DEADLINE
        while True:
            r, _, _ = select.select([self.fd], [], [], max(0, min(1.0, end - time.monotonic())))
            if not r and time.monotonic() < end:
                try:
                    self.send(CTRL_D)
                except OSError:     # the shell has just gone: read its end
                    pass
                continue
            if not r:           # no end of output: the shell did not exit
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
                return "hung"
            try:
                data = os.read(self.fd, 4096)
            except OSError:
                break
            if not data:
                break
            self.out += data
        _, st = os.waitpid(self.pid, 0)
        self.status = os.waitstatus_to_exitcode(st)
        return self.status

    def text(self):
        return self.out.decode(errors="replace")


def plain(s):
    """Terminal output without escape sequences and carriage returns."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", s)


editing = mode == "libedit"

# ------------------------------------------------- both builds
t = Term()
check("banner and prompt on a terminal", t.wait_for("msh >"), t.text()[-300:])
got = plain(t.line("lsit_thread\r"))
check("a typo: RT-Thread's 'command not found.' and a suggestion",
      "lsit_thread: command not found.\n" in got and 'did you mean "list_thread"?' in got
      and "unknown statement" not in got, repr(got))
got = plain(t.line("fre a\r"))
check("a typo of a statement suggests the statement",
      "fre: command not found.\n" in got and 'did you mean "free"?' in got, repr(got))
got = plain(t.line("zzzzzzzz\r"))
check("no suggestion when nothing is close",
      "zzzzzzzz: command not found.\n" in got and "did you mean" not in got, repr(got))
got = plain(t.line("qiut\r"))
check("a typo of quit suggests quit", 'did you mean "quit"?' in got, repr(got))
got = plain(t.line("help\r"))
check("help lists commands, statements and exit",
      "list_thread      - list thread" in got and "Scenario statements" in got
      and "VAR = malloc SIZE" in got and "thread NAME prio N" in got
      and re.search(r"^exit +- leave the shell", got, re.M) is not None, repr(got))
got = plain(t.line('say "never' + CTRL_C))
check("Ctrl-C cancels the line", "^C" in got and "never\n" not in got.replace('say "never', ""),
      repr(got))
got = plain(t.line('say "after"\r'))
check("the shell goes on after Ctrl-C", "\nafter\n" in got, repr(got))
got = plain(t.line("thread w prio 5\r", until="...  "))
got += plain(t.line(CTRL_C))
got += plain(t.line("list_thread\r"))
check("Ctrl-C inside a thread block drops the block",
      "^C" in got and not re.search(r"^w\s", got, re.M) and "tshell" in got, repr(got))
got = plain(t.line("a = malloc 100\r"))
check("statements still run", re.search(r"a = malloc 100 -> 0x2000[0-9a-f]{4}", got), repr(got))
got = plain(t.line("free a\r"))
rc = t.close()
check("Ctrl-D exits (status 1: the session had errors)", rc == 1, f"rc={rc}")

t = Term()
t.wait_for("msh >")
t.line("say \"fine\"\r")
rc = t.close()
check("Ctrl-D on a clean session exits 0", rc == 0, f"rc={rc} {t.text()[-200:]!r}")

# ------------------------------------------------- editing (libedit)
EDIT_CHECKS = ["Up arrow recalls the previous line", "history file in $HOME",
               "history survives the session", "Tab completes a command",
               "Tab completes a statement keyword", "Tab completes the session's names",
               "Tab lists the candidates when ambiguous", "Emacs keys Ctrl-A, Ctrl-E, Ctrl-K",
               "history in $XDG_STATE_HOME/rtsim/history", "history in $RTSIM_HISTORY"]
if not editing:
    for name in EDIT_CHECKS:
        skip(name, "rtsim built without libedit (meson -Dlibedit=enabled needs libedit-dev)")
else:
    home = tempfile.mkdtemp(dir=tmp)
    t = Term(home=home)
    t.wait_for("msh >")
    t.line('say "first-line"\r')
    got = plain(t.line(UP + "\r"))
    check(EDIT_CHECKS[0], got.count("first-line") >= 2 and "\nfirst-line\n" in got, repr(got))
    t.close()
    hist = os.path.join(home, ".rtsim_history")
    check(EDIT_CHECKS[1], os.path.exists(hist) and "first-line" in open(hist, errors="replace").read())
    t = Term(home=home)
    t.wait_for("msh >")
    got = plain(t.line(UP + "\r"))
    check(EDIT_CHECKS[2], "\nfirst-line\n" in got, repr(got))
    got = plain(t.line("list_th\t\r"))
    check(EDIT_CHECKS[3], "list_thread" in got and re.search(r"^thread\s+pri\s+status", got, re.M),
          repr(got))
    got = plain(t.line("heap myheap smallmem-c\t1K\r"))
    check(EDIT_CHECKS[4], "heap myheap smallmem-classic 1K -> smallmem-classic heap at 0x2000"
          in got, repr(got))
    got = plain(t.line("blk = malloc 24 in myh\t\r"))
    got += plain(t.line("map my\t\r"))
    check(EDIT_CHECKS[5], "blk = malloc 24 in myheap -> 0x2000" in got
          and "tshell     map myheap" in got, repr(got))
    start = t.pos
    t.send("list_\t")
    ok = t.wait_for("list_timer") and t.wait_for("msh >list_")    # the list, the line again
    t.send(CTRL_A + CTRL_K + "\r")
    t.wait_for("msh >")
    got = plain(t.out[start:t.pos].decode(errors="replace"))
    check(EDIT_CHECKS[6], ok and all(w in got for w in
                                     ("list_mem", "list_memheap", "list_mutex", "list_sem",
                                      "list_thread")), repr(got))
    got = plain(t.line('ay "edited' + CTRL_A + "s" + CTRL_E + '" trailing' + "\x1b[D" * 9
                       + CTRL_K + "\r"))
    check(EDIT_CHECKS[7], "\nedited\n" in got, repr(got))
    t.close()
    xdg = tempfile.mkdtemp(dir=tmp)
    t = Term(env_extra={"XDG_STATE_HOME": xdg})
    t.wait_for("msh >")
    t.line('say "xdg"\r')
    t.close()
    path = os.path.join(xdg, "rtsim", "history")
    check(EDIT_CHECKS[8], os.path.exists(path) and "xdg" in open(path, errors="replace").read()
          and not os.path.exists(os.path.join(t.home, ".rtsim_history")))
    path = os.path.join(tmp, "h.txt")
    t = Term(env_extra={"RTSIM_HISTORY": path})
    t.wait_for("msh >")
    t.line('say "own"\r')
    t.close()
    check(EDIT_CHECKS[9], os.path.exists(path) and "own" in open(path, errors="replace").read())

shutil.rmtree(tmp, ignore_errors=True)
finish(results)
