#!/usr/bin/env python3
"""Results for CI: --junit FILE and --tap of rtsim-utest and `rtsim run`, as TAP.

usage: check_ci_results.py XSD -- [WRAPPER] RTSIM UTEST_PASS UTEST_FAIL

Every JUnit file is validated with xmllint against XSD (tests/junit.xsd)
and parsed: the counts in <testsuites>/<testsuite> match the <testcase>
elements and the runs' known passes and failures.  Every TAP stream is
parsed: version line, plan, one ok/not ok line per case, diagnostics.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from tap import finish  # tests/tap.py

args = sys.argv[1:]
xsd = args[0]
rest = [a for a in args[args.index("--") + 1:]]
wrapper = [rest[0]] if rest[0] else []
rtsim, upass, ufail = rest[1:4]
tmp = tempfile.mkdtemp(prefix="rtsim-ci-")
results = []
xmllint = shutil.which("xmllint")


def check(name, ok, detail=""):
    results.append((name, bool(ok), detail))


def skip(name, why):
    results.append((name, None, why))


def run(argv):
    r = subprocess.run(wrapper + argv, capture_output=True, timeout=300)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def junit(path, what):
    """Validate and parse; returns (cases, suite attrs) or None."""
    if not os.path.exists(path):
        check(f"{what}: JUnit file written", False, path)
        return None
    if xmllint:
        r = subprocess.run([xmllint, "--noout", "--schema", xsd, path], capture_output=True)
        check(f"{what}: JUnit valid against junit.xsd (xmllint)", r.returncode == 0,
              r.stderr.decode(errors="replace"))
    else:
        skip(f"{what}: JUnit valid against junit.xsd", "xmllint not installed (Debian: libxml2-utils)")
    root = ET.parse(path).getroot()
    suites = root.findall("testsuite")
    cases = []
    for s in suites:
        for c in s.findall("testcase"):
            f = c.find("failure")
            cases.append((c.get("name"), None if f is None else (f.get("message"), f.text or "")))
    nfail = sum(1 for c in cases if c[1])
    check(f"{what}: JUnit counts agree with its testcases",
          root.tag == "testsuites" and len(suites) == 1
          and int(root.get("tests")) == len(cases) == int(suites[0].get("tests"))
          and int(root.get("failures")) == nfail == int(suites[0].get("failures")),
          open(path).read()[:600])
    return cases


def tap(text, what):
    """Parse TAP 13; returns [(ok, name, [diagnostics])] or None."""
    lines = text.splitlines()
    if not lines or lines[0] != "TAP version 13" or not re.fullmatch(r"1\.\.\d+", lines[1]):
        check(f"{what}: TAP version line and plan", False, text[:300])
        return None
    plan = int(lines[1][3:])
    out = []
    for ln in lines[2:]:
        m = re.fullmatch(r"(not ok|ok) (\d+) - (.*)", ln)
        if m:
            if int(m.group(2)) != len(out) + 1:
                check(f"{what}: TAP numbering", False, ln)
                return None
            out.append((m.group(1) == "ok", m.group(3), []))
        elif ln.startswith("# ") and out:
            out[-1][2].append(ln[2:])
        else:
            check(f"{what}: TAP has only test lines and diagnostics", False, repr(ln))
            return None
    check(f"{what}: TAP plan matches its test lines", plan == len(out), f"plan {plan}, {len(out)} lines")
    return out


# The schema is not a rubber stamp: it refuses a testcase without a name.
if xmllint:
    bad = os.path.join(tmp, "bad.xml")
    with open(bad, "w") as f:
        f.write('<testsuites tests="1" failures="0" errors="0"><testsuite name="x" tests="1" '
                'failures="0" errors="0" skipped="0"><testcase classname="x"/></testsuite>'
                '</testsuites>\n')
    r = subprocess.run([xmllint, "--noout", "--schema", xsd, bad], capture_output=True)
    check("junit.xsd refuses a testcase without a name", r.returncode != 0)

# ------------------------------------------------------------- rtsim-utest
jp = os.path.join(tmp, "pass.xml")
rc, out, err = run([upass, "--junit", jp, "--tap"])
check("utest pass: exit 0", rc == 0, err[-500:])
cases = junit(jp, "utest pass")
if cases is not None:
    check("utest pass: 4 cases, none failed", len(cases) == 4 and not any(c[1] for c in cases),
          repr(cases))
t = tap(out, "utest pass")
check("utest pass: TAP 4 ok, the utest log on stderr only",
      t is not None and [c[0] for c in t] == [True] * 4 and "[  PASSED  ]" in err
      and "[  PASSED  ]" not in out, out[:300])

jf = os.path.join(tmp, "fail.xml")
rc, out, err = run([ufail, "--quiet", "--junit", jf, "--tap"])
check("utest fail: exit 1", rc == 1, f"rc={rc}")
cases = junit(jf, "utest fail")
if cases is not None:
    names = [c[0] for c in cases]
    failed = {c[0]: c[1] for c in cases if c[1]}
    check("utest fail: 7 cases, 5 failed, one per utest case in registration order",
          names == ["rtsim.fail.assert", "rtsim.fail.waiting", "rtsim.fail.rtassert",
                    "rtsim.fail.timeout", "rtsim.fail.init", "rtsim.utest.heap",
                    "rtsim.utest.left_blocked"]
          and len(failed) == 5 and "rtsim.utest.heap" not in failed
          and "rtsim.utest.left_blocked" not in failed, repr(cases))
    msg, text = failed.get("rtsim.fail.assert", ("", ""))
    check("utest fail: the failure message is the failing uassert with file and line",
          re.search(r"fail_tc\.c:15: unit_fails: \(1 \+ 1\) not equal to \(3\)$", msg)
          and "fail_tc.c:16: unit_fails: string not equal" in text
          and "an assertion failed (2 failed assertions)" in text, repr((msg, text)))
    check("utest fail: a wait forever's failure says so",
          "waiting forever" in failed.get("rtsim.fail.waiting", ("", ""))[0], repr(failed))
t = tap(out, "utest fail")
if t is not None:
    check("utest fail: TAP 2 ok, 5 not ok, diagnostics name file:line",
          [c[0] for c in t] == [False] * 5 + [True] * 2
          and any(re.search(r"fail_tc\.c:15:", d) for d in t[0][2]), repr(t))
rc, out, err = run([upass, "--junit", os.path.join(tmp, "no", "such", "dir.xml")])
check("utest: an unwritable --junit path is a usage error (exit 2)",
      rc == 2 and "cannot write" in err, f"rc={rc} {err!r}")
rc, out, err = run([upass, "--junit", jp, "nomatch*"])
cases = junit(jp, "utest no match")
check("utest: no case matched: exit 3, an empty suite",
      rc == 3 and cases == [], f"rc={rc} {cases!r}")

# ------------------------------------------------------------- rtsim run
scn = os.path.join(tmp, "ci.rts")
with open(scn, "w") as f:
    f.write("a = malloc 100\n"
            "expect a != NULL\n"
            "expect a == NULL\n"
            "thread t prio 5\n"
            "  expect tick == 0\n"
            "  expect used < 10\n"
            "end\n"
            "delay 1\n"
            "free a\n"
            "expect free_blocks == 1\n")
jr = os.path.join(tmp, "run.xml")
rc, out, err = run([rtsim, "run", scn, "--junit", jr, "--tap"])
check("run: exit 1 (expectations failed)", rc == 1, f"rc={rc} {err[-300:]!r}")
cases = junit(jr, "run")
if cases is not None:
    names = [c[0] for c in cases]
    check("run: one testcase per expect plus the run's own, in order",
          names == [f"{scn}:2: expect a != NULL", f"{scn}:3: expect a == NULL",
                    f"{scn}:5: expect tick == 0", f"{scn}:6: expect used < 10",
                    f"{scn}:10: expect free_blocks == 1",
                    f"{scn}: the run ends with clean end"], repr(names))
    check("run: passes and failures as known (2 failed, 4 passed)",
          [bool(c[1]) for c in cases] == [False, True, False, True, False, False], repr(cases))
    m = cases[1][1][0] if cases[1][1] else ""
    check("run: a failed expect's message names FILE:LINE:COL and the value",
          m == f"{scn}:3:1: expectation failed: expect a == NULL (a is 0x"
          + m.split("(a is 0x")[-1] and re.search(r"\(a is 0x2000[0-9a-f]{4}\)$", m), repr(m))
t = tap(out, "run")
if t is not None:
    check("run: TAP 4 ok 2 not ok, the log on stderr",
          [c[0] for c in t] == [True, False, True, False, True, True]
          and "expect a != NULL: ok" in err and "[tick" not in out, out)

scn2 = os.path.join(tmp, "ci2.rts")
with open(scn2, "w") as f:
    f.write("a = malloc 16\nfree a\nexpect a != NULL\nfree a\n")
rc, out, err = run([rtsim, "run", scn2, "--junit", jr])
cases = junit(jr, "run with a memory error")
if cases is not None:
    check("run: a memory error fails the run's own case, naming the statement",
          len(cases) == 2 and cases[0][1] is None and cases[1][1]
          and "run outcome: memory error" in cases[1][1][0]
          and f"{scn2}:4:1: error: the memory error reported above" in cases[1][1][1],
          repr(cases))
check("run --junit keeps the log on stdout", rc == 1 and "free a (0x" in out, out[:300])

scn3 = os.path.join(tmp, "ci3.rts")
with open(scn3, "w") as f:
    f.write("a = malloc 16\nfree a b\n")
rc, out, err = run([rtsim, "run", scn3, "--junit", jr, "--tap"])
cases = junit(jr, "run that does not parse")
t = tap(out, "run that does not parse")
check("run: a parse error is one failed case with FILE:LINE:COL (exit 2)",
      rc == 2 and cases is not None and len(cases) == 1 and cases[0][1]
      and cases[0][1][0] == f"{scn3}:2:8: error: expected end of line, found \"b\""
      and t is not None and len(t) == 1 and not t[0][0]
      and f"{scn3}:2:8: error" in err, f"rc={rc} {cases!r} {err!r}")

scn4 = os.path.join(tmp, "ci4.rts")
with open(scn4, "w") as f:
    f.write("sem s 0\nthread a prio 5\n  take s forever\nend\nexpect waiting\n")
rc, out, err = run([rtsim, "run", scn4, "--tap"])
t = tap(out, "run expecting a wait forever")
check("run: an expected wait forever passes the run's case",
      rc == 0 and t is not None and t == [(True, f"{scn4}: the run ends with waiting forever", [])],
      f"rc={rc} {out!r}")
rc, out, err = run([rtsim, "demo", "--tap"])
check("--tap belongs to run only", rc == 2 and "unknown option --tap" in err, f"rc={rc}")

shutil.rmtree(tmp, ignore_errors=True)
finish(results)
