#!/usr/bin/env python3
"""Conformance of `yamori parse` with the shared corpus of real device logs.

Runs `yamori parse --kind KIND` over every sample of $YM_SHARED/corpus (or
--corpus DIR), pairs our documents with the expected ones as the corpus
README says, compares the ECS fields it names, and prints per vendor:
lines, fields expected, fields matching, % agreement, lines with parse
errors; then the overall row. --details adds every mismatch and a per-field
summary.

Exit status: 0 = every file was parsed without crash and with one document
per line (and, with --min-overall/--min-vendor, the bar was met);
1 = a crash, a missing document, a pairing error or the bar missed;
2 = usage error or no corpus.

Known upstream mistakes are listed, each with a reason, in
known_deviations.txt next to this script (or --deviations FILE); their
fields are left out of the counts and shown as "allowed".
Python 3 standard library only.
"""
import argparse
import datetime
import ipaddress
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# corpus folder -> our kind
VENDORS = [
    ("cisco_asa", "asa"),
    ("cisco_ftd", "ftd"),
    ("panw", "panos"),
    ("fireeye", "fireeye"),
    ("cef", "cef"),
    ("mcafee_nsp", "nsp"),
    ("syslog_rfc", "syslog"),
]

# Fields compared when the expected document has them (README step 4).
EXACT = {
    "@timestamp", "event.start", "event.end", "event.duration",
    "event.action", "event.category", "event.type", "event.kind", "event.outcome",
    "event.code", "event.severity", "event.reason", "event.id",
    "network.transport", "network.protocol", "network.direction", "network.iana_number",
    "network.application", "network.bytes", "network.packets", "network.type",
    "observer.vendor", "observer.product", "observer.type", "observer.hostname",
    "observer.serial_number", "host.hostname",
    "rule.name", "rule.id", "rule.uuid", "rule.ruleset", "rule.category",
    "user_agent.original", "log.level",
    "log.syslog.priority", "log.syslog.facility.code", "log.syslog.severity.code",
}
PREFIXES = (
    "source.", "destination.", "client.", "server.", "observer.ingress.", "observer.egress.",
    "user.", "url.", "http.", "dns.", "tls.", "file.", "threat.",
)
TIME_FIELDS = {"@timestamp", "event.start", "event.end"}
SET_FIELDS_RE = re.compile(r"^(event\.category|event\.type|related\..*|url\.domain)$")


def compared(name):
    if ".geo." in name or ".as." in name or name.startswith("related."):
        return False
    return name in EXACT or name.startswith(PREFIXES)


def flatten(doc, prefix="", out=None):
    if out is None:
        out = {}
    for k, v in doc.items():
        key = prefix + k
        if isinstance(v, dict):
            flatten(v, key + ".", out)
        else:
            out[key] = v
    return out


# ---- normalisation (README step 6) ----

def parse_instant(v):
    """ISO/RFC 3339 text -> (epoch milliseconds, has_year=True), or None."""
    if not isinstance(v, str):
        return None
    m = re.match(r"^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d+))?"
                 r"(Z|z|[+-]\d\d:?\d\d)?$", v.strip())
    if not m:
        return None
    y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
    frac = (m.group(7) or "0")[:3].ljust(3, "0")
    tz = m.group(8) or "Z"
    off = 0
    if tz not in ("Z", "z"):
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        off = sign * (int(digits[:2]) * 3600 + int(digits[2:4]) * 60)
    try:
        dt = datetime.datetime(y, mo, d, h, mi, s, tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    return int(dt.timestamp() - off) * 1000 + int(frac)


def utc_text_without_year(ms):
    dt = datetime.datetime.fromtimestamp(ms // 1000, tz=datetime.timezone.utc)
    return dt.strftime("%m-%dT%H:%M:%S") + ".%03d" % (ms % 1000)


def norm_scalar(v):
    if isinstance(v, bool):
        return ("b", v)
    if isinstance(v, (int, float)):
        return ("n", float(v))
    if isinstance(v, str):
        s = v.strip()
        if re.match(r"^-?\d+(\.\d+)?$", s):
            try:
                return ("n", float(s))
            except ValueError:
                pass
        if ":" in s and re.match(r"^[0-9a-fA-F:.]+$", s):
            try:
                return ("s", str(ipaddress.ip_address(s)))
            except ValueError:
                pass
        return ("s", v)
    if v is None:
        return ("null", None)
    return ("j", json.dumps(v, sort_keys=True))


def equal(field, exp, got, yearless):
    if field in TIME_FIELDS:
        a, b = parse_instant(exp), parse_instant(got)
        if a is None or b is None:
            return exp == got
        # Year-less headers get the year of the upstream run; event.start and
        # event.end derive from that header time, so they carry it too.
        if yearless:
            return utc_text_without_year(a) == utc_text_without_year(b)
        return a == b
    if isinstance(exp, list) or isinstance(got, list) or SET_FIELDS_RE.match(field):
        ea = exp if isinstance(exp, list) else [exp]
        ga = got if isinstance(got, list) else [got]
        return sorted(map(repr, map(norm_scalar, ea))) == sorted(map(repr, map(norm_scalar, ga)))
    return norm_scalar(exp) == norm_scalar(got)


# ---- inputs ----

def read_lines(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return [ln.rstrip("\r\n") for ln in f if ln.strip(" \t\r\n")]


def config_value(paths, key):
    """Value of `key: "x"` in the first of these small YAML files that has it."""
    for p in paths:
        if not os.path.exists(p):
            continue
        with open(p, encoding="utf-8") as f:
            for ln in f:
                m = re.match(r'^\s*"?%s"?\s*:\s*"?([^"#\n]*)"?' % re.escape(key), ln)
                if m and m.group(1).strip():
                    return m.group(1).strip()
    return None


def test_tz(log_path):
    folder = os.path.dirname(log_path)
    cfgs = [log_path + "-config.yml", os.path.join(folder, "test-common-config.yml")]
    tz = config_value(cfgs, "tz_offset")
    if tz == "Local":
        tz = config_value(cfgs, "timezone")
    if not tz or tz.upper() == "UTC":
        return ""
    return tz


def yearless_timestamp(log_path):
    folder = os.path.dirname(log_path)
    for p in (log_path + "-config.yml", os.path.join(folder, "test-common-config.yml")):
        if os.path.exists(p):
            with open(p, encoding="utf-8") as f:
                if re.search(r'^\s*"@timestamp"\s*:\s*"\^', f.read(), re.M):
                    return True
    return False


class Runner:
    def __init__(self, yamori, now):
        self.yamori = yamori
        self.now = now
        self.failures = []

    def parse(self, kind, tz, lines, label):
        cmd = [self.yamori, "parse", "--kind", kind, "--now", self.now]
        if tz:
            cmd += ["--tz", tz]
        data = ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")
        try:
            p = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError as e:
            self.failures.append("%s: cannot run %s: %s" % (label, self.yamori, e))
            return None
        if p.returncode != 0:
            why = "signal %d" % -p.returncode if p.returncode < 0 else "exit %d" % p.returncode
            self.failures.append("%s: yamori parse crashed or failed (%s): %s"
                                 % (label, why, p.stderr.decode(errors="replace")[-400:]))
            return None
        out = p.stdout.decode("utf-8", errors="replace").splitlines()
        docs = []
        for i, ln in enumerate(out):
            try:
                docs.append(json.loads(ln))
            except ValueError as e:
                self.failures.append("%s: output line %d is not JSON: %s" % (label, i + 1, e))
                return None
        if len(docs) != len(lines):
            self.failures.append("%s: %d input lines but %d documents" % (label, len(lines), len(docs)))
            return None
        return docs


class Stats:
    def __init__(self):
        self.files = 0
        self.lines = 0
        self.expected = 0
        self.matching = 0
        self.errors = 0
        self.allowed = 0
        self.extra = 0
        self.notes = []


def load_deviations(path):
    devs = {}
    if not path or not os.path.exists(path):
        return devs
    with open(path, encoding="utf-8") as f:
        for n, ln in enumerate(f, 1):
            ln = ln.strip()
            if not ln or ln.startswith("#"):
                continue
            parts = ln.split(None, 3)
            if len(parts) < 4:
                sys.exit("%s:%d: want 'FILE LINE FIELD REASON'" % (path, n))
            devs[(parts[0], parts[1], parts[2])] = parts[3]
    return devs


def deviation(devs, rel, line_no, field):
    for ln in (str(line_no), "*"):
        for fl in (field, "*"):
            if (rel, ln, fl) in devs:
                return devs[(rel, ln, fl)]
    return None


def has_error(doc):
    return "error" in doc and isinstance(doc["error"], dict) and "message" in doc["error"]


def compare_doc(st, rel, line_no, exp_flat, ours, yearless, devs, details):
    got = flatten(ours)
    for field, ev in sorted(exp_flat.items()):
        if ev is None or not compared(field):
            continue
        if deviation(devs, rel, line_no, field):
            st.allowed += 1
            continue
        st.expected += 1
        if field in got and equal(field, ev, got[field], yearless):
            st.matching += 1
        elif details is not None:
            details.append((rel, line_no, field, ev, got.get(field, "<missing>")))
    for field in got:
        if compared(field) and field not in exp_flat:
            st.extra += 1


def run_elastic(runner, corpus, folder, kind, st, devs, details):
    d = os.path.join(corpus, folder)
    for name in sorted(os.listdir(d)):
        if not name.endswith(".log"):
            continue
        path = os.path.join(d, name)
        rel = folder + "/" + name
        lines = read_lines(path)
        st.files += 1
        st.lines += len(lines)
        docs = runner.parse(kind, test_tz(path), lines, rel)
        if docs is None:
            continue
        st.errors += sum(1 for x in docs if has_error(x))
        exp_path = path + "-expected.json"
        if not os.path.exists(exp_path):
            st.notes.append("%s: no expected file; parsed only" % rel)
            continue
        with open(exp_path, encoding="utf-8") as f:
            exp = json.load(f)
        exp_docs = exp["expected"] if isinstance(exp, dict) else exp
        exp_docs = [flatten(x) for x in exp_docs]
        exp_docs = [x for x in exp_docs if "event.original" in x]
        if len(exp_docs) != len(lines):
            runner.failures.append("%s: %d lines but %d expected documents with event.original"
                                   % (rel, len(lines), len(exp_docs)))
            continue
        yearless = yearless_timestamp(path)
        for i, (e, ours) in enumerate(zip(exp_docs, docs)):
            if e["event.original"] != lines[i]:
                runner.failures.append("%s:%d: expected document does not pair with the line" % (rel, i + 1))
                continue
            compare_doc(st, rel, i + 1, e, ours, yearless, devs, details)


def run_wazuh(runner, corpus, folder, kind, st, devs, details):
    d = os.path.join(corpus, folder)
    for name in sorted(os.listdir(d)):
        if not name.endswith(".ini"):
            continue
        rel = folder + "/" + name
        lines = []
        with open(os.path.join(d, name), encoding="utf-8", errors="surrogateescape") as f:
            for ln in f:
                m = re.match(r"^log \d+ pass = (.*)$", ln.rstrip("\r\n"))
                if m and m.group(1).strip():
                    lines.append(m.group(1))
        st.files += 1
        st.lines += len(lines)
        docs = runner.parse(kind, "", lines, rel)
        if docs is None:
            continue
        # Wazuh tests are not ECS ground truth: each line must parse without error.
        for i, x in enumerate(docs):
            field = "(parses without error)"
            if deviation(devs, rel, i + 1, field):
                st.allowed += 1
                continue
            st.expected += 1
            if has_error(x):
                st.errors += 1
                if details is not None:
                    details.append((rel, i + 1, field, "no error", x["error"]["message"]))
            else:
                st.matching += 1


def run_jc(runner, corpus, folder, kind, st, devs, details):
    d = os.path.join(corpus, folder)
    for name in sorted(os.listdir(d)):
        if not name.endswith(".out"):
            continue
        rel = folder + "/" + name
        path = os.path.join(d, name)
        lines = read_lines(path)
        st.files += 1
        st.lines += len(lines)
        docs = runner.parse(kind, "", lines, rel)
        if docs is None:
            continue
        st.errors += sum(1 for x in docs if has_error(x))
        with open(path[:-4] + ".json", encoding="utf-8") as f:
            exp = json.load(f)
        if len(exp) != len(lines):
            runner.failures.append("%s: %d lines but %d expected objects" % (rel, len(lines), len(exp)))
            continue
        for i, (e, ours) in enumerate(zip(exp, docs)):
            got = flatten(ours)
            checks = []
            if "unparsable" in e:
                rejected = has_error(ours) or "host.hostname" not in got
                checks.append(("(rejected)", True, rejected))
            else:
                if e.get("priority") is not None:
                    checks.append(("log.syslog.priority", e["priority"], got.get("log.syslog.priority")))
                ts = e.get("timestamp") or e.get("date")
                if ts:
                    inst = parse_instant(ts)
                    ours_ts = parse_instant(got.get("@timestamp", ""))
                    if inst is not None:
                        checks.append(("@timestamp", inst, ours_ts))
                    else:  # "Oct 11 22:14:15": month, day and time
                        m = re.match(r"^(\w{3}) +(\d+) (\d\d:\d\d:\d\d)$", ts)
                        want = None
                        if m:
                            mon = "JanFebMarAprMayJunJulAugSepOctNovDec".index(m.group(1)) // 3 + 1
                            want = "%02d-%02dT%s" % (mon, int(m.group(2)), m.group(3))
                        have = utc_text_without_year(ours_ts)[:14] if ours_ts is not None else None
                        checks.append(("@timestamp", want, have))
                for ek, ok in (("hostname", "host.hostname"), ("appname", "process.name"),
                               ("tag", "process.name"), ("proc_id", "process.pid"),
                               ("msg_id", "event.code"), ("message", "message"),
                               ("content", "message")):
                    if e.get(ek) is not None:
                        checks.append((ok, e[ek], got.get(ok)))
                for sd in e.get("structured_data") or []:
                    for pk, pv in sd["parameters"].items():
                        f = "syslog.sd.%s.%s" % (sd["identity"], pk)
                        checks.append((f, pv, got.get(f)))
            for field, want, have in checks:
                if deviation(devs, rel, i + 1, field):
                    st.allowed += 1
                    continue
                st.expected += 1
                if have is not None and norm_scalar(want) == norm_scalar(have):
                    st.matching += 1
                elif details is not None:
                    details.append((rel, i + 1, field, want, "<missing>" if have is None else have))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--yamori", default=os.environ.get("YAMORI", "yamori"))
    shared = os.environ.get("YM_SHARED") or os.path.join(HERE, "..", "..", "..", "shared")
    ap.add_argument("--corpus", default=os.path.join(shared, "corpus"))
    ap.add_argument("--deviations", default=os.path.join(HERE, "known_deviations.txt"))
    ap.add_argument("--vendor", action="append", help="only this corpus folder (repeatable)")
    ap.add_argument("--details", action="store_true", help="list every mismatch and per-field counts")
    ap.add_argument("--now", default=datetime.datetime.now(datetime.timezone.utc)
                    .strftime("%Y-%m-%dT%H:%M:%SZ"), help="reference time for year inference")
    ap.add_argument("--min-overall", type=float, help="fail below this overall %% agreement")
    ap.add_argument("--min-vendor", type=float, help="fail when a vendor is below this %% agreement")
    args = ap.parse_args()
    if not os.path.isdir(args.corpus):
        print("compare.py: no corpus at %s" % args.corpus, file=sys.stderr)
        return 2
    devs = load_deviations(args.deviations)
    runner = Runner(args.yamori, args.now)
    details = [] if args.details else None
    rows = []
    for folder, kind in VENDORS:
        if args.vendor and folder not in args.vendor:
            continue
        if not os.path.isdir(os.path.join(args.corpus, folder)):
            continue
        st = Stats()
        if folder == "syslog_rfc":
            run_jc(runner, args.corpus, folder, kind, st, devs, details)
        else:
            run_elastic(runner, args.corpus, folder, kind, st, devs, details)
            run_wazuh(runner, args.corpus, folder, kind, st, devs, details)
        if st.files == 0:
            st.notes.append("%s: no raw lines in the corpus; not measured" % folder)
        rows.append((folder, kind, st))

    hdr = "%-11s %-8s %6s %6s %9s %9s %8s %8s %7s %6s" % (
        "vendor", "kind", "files", "lines", "expected", "matching", "agree%", "errors", "allowed", "extra")
    print(hdr)
    print("-" * len(hdr))
    tot = Stats()
    below = []
    for folder, kind, st in rows:
        pct = 100.0 * st.matching / st.expected if st.expected else None
        print("%-11s %-8s %6d %6d %9d %9d %8s %8d %7d %6d" % (
            folder, kind, st.files, st.lines, st.expected, st.matching,
            "%.1f" % pct if pct is not None else "-", st.errors, st.allowed, st.extra))
        for a in ("files", "lines", "expected", "matching", "errors", "allowed", "extra"):
            setattr(tot, a, getattr(tot, a) + getattr(st, a))
        if pct is not None and args.min_vendor is not None and pct < args.min_vendor:
            below.append("%s: %.1f%% < %.1f%%" % (folder, pct, args.min_vendor))
    print("-" * len(hdr))
    opct = 100.0 * tot.matching / tot.expected if tot.expected else 0.0
    print("%-11s %-8s %6d %6d %9d %9d %8.1f %8d %7d %6d" % (
        "overall", "", tot.files, tot.lines, tot.expected, tot.matching, opct, tot.errors,
        tot.allowed, tot.extra))
    print("(errors = documents with error.message; allowed = fields on the known-deviations list;"
          " extra = compared ECS fields we add that upstream lacks)")
    for _, _, st in rows:
        for n in st.notes:
            print("note: " + n)
    if args.min_overall is not None and opct < args.min_overall:
        below.append("overall: %.1f%% < %.1f%%" % (opct, args.min_overall))

    if details is not None:
        per_field = {}
        per_file = {}
        print("\nMismatches (file:line field: expected | ours):")
        for rel, ln, field, want, have in details:
            kind = "missing" if have == "<missing>" else "different"
            per_field.setdefault(field, {"missing": 0, "different": 0})[kind] += 1
            per_file.setdefault(rel, {"missing": 0, "different": 0})[kind] += 1
            print("  %s:%d %s: %s | %s" % (rel, ln, field, json.dumps(want)[:200], json.dumps(have)[:200]))
        print("\nMismatches per field (missing on our side / different value):")
        for field, c in sorted(per_field.items(), key=lambda x: -(x[1]["missing"] + x[1]["different"])):
            print("  %5d %5d %s" % (c["missing"], c["different"], field))
        print("\nMismatches per file (missing / different):")
        for rel, c in sorted(per_file.items()):
            print("  %5d %5d %s" % (c["missing"], c["different"], rel))

    for f in runner.failures:
        print("FAIL: " + f)
    for b in below:
        print("BELOW BAR: " + b)
    return 1 if runner.failures or below else 0


if __name__ == "__main__":
    sys.exit(main())
