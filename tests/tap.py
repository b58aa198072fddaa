"""The TAP report the tests/check_*.py scripts end with (meson reads it).

results: a list of (what, good, detail); good None is a skip whose reason is
detail.  The first 20 lines of a failure's detail follow it as comments."""
import sys


def finish(results):
    """Print the plan and one line per result; exit 1 when one failed."""
    print(f"1..{len(results)}")
    failed = 0
    for n, (what, good, detail) in enumerate(results, 1):
        if good is None:
            print(f"ok {n} - {what} # SKIP {detail}")
        elif good:
            print(f"ok {n} - {what}")
        else:
            failed += 1
            print(f"not ok {n} - {what}")
            for line in str(detail or "").strip().splitlines()[:20]:
                print("  # " + line)
    sys.exit(1 if failed else 0)
