#!/usr/bin/env python3
"""API test of the portal against a running `yamori serve` (started by
test_portal_api.sh). Every route is taken FROM /api/v1/openapi.json, so a
new route cannot escape these checks:

  - no credentials                     -> 401 (every route but login)
  - a role below the route's           -> 403
  - a cookie session without the CSRF token on POST/PUT/DELETE -> 403
  - a customer asking for another tenant's object or tenant -> 404, and the
    answer holds nothing of the other tenant
  - the right role                     -> 2xx

then: customers never see internal notes, may only acknowledge; refused
status moves are 409; analyst actions are in the audit trail; revoked
tokens are refused; SSE delivers the detections of attack logs sent over
syslog (through rules and triage) and a new incident to the customer of
its tenant and not to the other; static files refuse traversal; login
throttling answers 429 per account and then per address.

Usage: portal_api.py PORT DATA_DIR ADMIN_PASSWORD SYSLOG_PORT
Objects of the two tenants (acme, globex) are seeded straight into
state.db (the test's fixtures; the server reads them like any other)."""
import http.client
import json
import os
import queue
import socket
import sqlite3
import ssl
import sys
import threading
import time

PORT = int(sys.argv[1])
DATA = sys.argv[2]
ADMIN_PW = sys.argv[3]
SYSLOG = int(sys.argv[4])
# Two IP-audit attack signatures and a connection from an ASA of acme (asa1),
# then a critical vulnerability threat let through by its PAN-OS firewall
# (pa1), all from 203.0.113.7: the shipped rules detect them (as in
# test_detect_serve.sh).
ASA_LINES = (
    "<164>Nov 22 2026 10:00:00 asa1 : %ASA-4-400025: IPS:2151 Large ICMP packet from 203.0.113.7"
    " to 10.1.1.20 on interface outside\n"
    "<164>Nov 22 2026 10:00:01 asa1 : %ASA-4-400032: IPS:3040 TCP NULL flags from 203.0.113.7"
    " to 10.1.1.20 on interface outside\n"
    "<166>Nov 22 2026 10:00:02 asa1 : %ASA-6-302013: Built inbound TCP connection 1234 for"
    " outside:203.0.113.7/5555 (203.0.113.7/5555) to inside:10.1.1.20/443 (10.1.1.20/443)\n")
PAN_THREAT = ("<14>Nov 22 10:00:05 PA-220 1,2026/11/22 10:00:05,012801096514,THREAT,vulnerability,"
              "2049,2026/11/22 10:00:05,203.0.113.7,10.1.1.20,203.0.113.7,10.1.1.20,allow-web,,,"
              "web-browsing,vsys1,untrust,trust,ethernet1/1,ethernet1/2,send_to_mac,"
              "2026/11/22 10:00:05,28191,1,52984,80,37679,80,0x403000,tcp,alert,\"/cgi-bin/x\","
              "Apache Struts2 Remote Code Execution Vulnerability(33412),any,critical,"
              "client-to-server,7726,0x0,United States,10.0.0.0-10.255.255.255,0,,0,,,0,,,,,,,,"
              "0,0,0,0,0,,PA-220,,,,,0,,0,,N/A,N/A,AppThreat-0-0,0x0,0,4294967295,,")
CTX = ssl.create_default_context(cafile=os.path.join(DATA, "portal", "cert.pem"))
MARK = "globex-secret-marker"  # in every globex object: must never reach acme


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


class Client:
    """One caller: a cookie session (with its CSRF token), a bearer token or nobody."""

    def __init__(self, cookie=None, csrf=None, token=None, name="nobody"):
        self.cookie, self.csrf, self.token, self.name = cookie, csrf, token, name

    def req(self, method, path, body=None, csrf=True, headers=None):
        c = http.client.HTTPSConnection("127.0.0.1", PORT, context=CTX, timeout=30)
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = self.cookie
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        if csrf and self.csrf and method in ("POST", "PUT", "DELETE"):
            h["X-CSRF-Token"] = self.csrf
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        c.request(method, path, data, h)
        r = c.getresponse()
        raw = r.read()
        c.close()
        try:
            js = json.loads(raw) if raw else None
        except ValueError:
            js = None
        return r.status, js, raw, r


def login(user, password):
    st, js, raw, r = Client().req("POST", "/api/v1/login", {"user": user, "password": password})
    check(st == 200, "login %s: %d %s" % (user, st, raw[:200]))
    cookie = r.getheader("Set-Cookie")
    check("HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie,
          "session cookie lacks HttpOnly/SameSite=Strict/Secure: " + cookie)
    return Client(cookie.split(";")[0], js["csrf"], name=user)


# ---- fixtures ----

def seed():
    """Two incidents, events and suppressions per tenant, with timeline
    entries of both visibilities, straight into state.db."""
    db = sqlite3.connect(os.path.join(DATA, "state.db"), timeout=10)
    now = time.time_ns()
    ids = {}
    for tenant in ("acme", "globex"):
        title = "brute force on " + tenant + (" " + MARK if tenant == "globex" else "")
        cur = db.execute(
            "INSERT INTO incidents (tenant, title, severity, status, rule_id, source_ip,"
            " created_ns, updated_ns, first_detection_ns, response) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (tenant, title, "critical", "new", "rule-" + tenant, "203.0.113.7", now, now, now,
             "block the address"))
        inc = cur.lastrowid
        db.execute("INSERT INTO timeline (incident_id, tenant, time_ns, kind, actor, visibility,"
                   " text) VALUES (?,?,?,?,?,?,?)",
                   (inc, tenant, now, "detection", "yamori", "customer", "opened " + title))
        db.execute("INSERT INTO timeline (incident_id, tenant, time_ns, kind, actor, visibility,"
                   " text) VALUES (?,?,?,?,?,?,?)",
                   (inc, tenant, now, "comment", "analyst1", "internal",
                    "internal-note-" + tenant))
        cur = db.execute(
            "INSERT INTO events (tenant, rule_id, title, level, severity, agg_key, device,"
            " source_ip, count, first_ns, last_ns, window_end_ns, incident_id, samples_json)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (tenant, "rule-" + tenant, title, "high", "critical", "k", "fw1", "203.0.113.7", 3,
             now, now, now + 60 * 10**9, inc,
             json.dumps([{"archive_ref": 1, "time": "2026-11-22T00:00:00Z", "device": "fw1",
                          "text": "sample log of " + tenant}])))
        ev = cur.lastrowid
        cur = db.execute("INSERT INTO suppressions (tenant, rule_id, conditions, reason, author,"
                         " created_ns) VALUES (?,?,?,?,?,?)",
                         (tenant, "", "", "scanner of " + tenant, "analyst1", now))
        ids[tenant] = {"incident": inc, "event": ev, "suppression": cur.lastrowid}
    db.commit()
    db.close()
    return ids


def add_incident(tenant, title):
    """A new incident and its change-feed entry, as triage would write them."""
    db = sqlite3.connect(os.path.join(DATA, "state.db"), timeout=10)
    now = time.time_ns()
    cur = db.execute("INSERT INTO incidents (tenant, title, severity, status, rule_id, created_ns,"
                     " updated_ns, first_detection_ns) VALUES (?,?,?,?,?,?,?,?)",
                     (tenant, title, "emergency", "new", "r", now, now, now))
    inc = cur.lastrowid
    db.execute("INSERT INTO changes (time_ns, tenant, kind, ref) VALUES (?,?,?,?)",
               (now, tenant, "incident.new", inc))
    db.commit()
    db.close()
    return inc


# ---- the routes, from the OpenAPI document ----

ROLE_RANK = {"public": 0, "customer": 1, "analyst": 2, "admin": 3}


def main():
    admin = login("admin", ADMIN_PW)
    check(admin.req("GET", "/api/v1/me")[1]["must_change"] is True,
          "the first admin should be asked to change its one-time password")
    for user, role, tenant in (("analyst1", "analyst", None), ("analyst2", "analyst", None),
                               ("cust_acme", "customer", "acme"),
                               ("cust_globex", "customer", "globex"),
                               ("victim", "customer", "acme")):
        body = {"user": user, "role": role, "password": user + "-password"}
        if tenant:
            body["tenant"] = tenant
        st, js, raw, _ = admin.req("POST", "/api/v1/users", body)
        check(st == 201, "add user %s: %d %s" % (user, st, raw))
    st, _, _, _ = admin.req("POST", "/api/v1/users", {"user": "analyst1", "role": "analyst",
                                                      "password": "whatever-long"})
    check(st == 409, "adding an existing user should be 409, got %d" % st)
    ids = seed()
    sessions = {
        "admin": admin,
        "analyst": login("analyst1", "analyst1-password"),
        "customer": login("cust_acme", "cust_acme-password"),
    }
    globex_cust = login("cust_globex", "cust_globex-password")

    st, doc, raw, _ = sessions["customer"].req("GET", "/api/v1/openapi.json")
    check(st == 200 and doc.get("openapi", "").startswith("3."), "openapi.json: %d" % st)
    ops = [(path, method.upper(), op) for path, item in doc["paths"].items()
           for method, op in item.items()]
    check(len(ops) >= 25, "the document lists only %d operations" % len(ops))
    print("%d operations in the OpenAPI document" % len(ops))

    counter = [0]

    def fresh(kind):
        """A new object to delete (DELETE routes consume theirs)."""
        counter[0] += 1
        if kind == "suppression":
            st, js, raw, _ = sessions["analyst"].req(
                "POST", "/api/v1/suppressions",
                {"tenant": "acme", "reason": "fixture %d" % counter[0]})
            check(st == 201, "fixture suppression: %d %s" % (st, raw))
            return str(js["id"])
        if kind == "user":
            name = "tmpuser%d" % counter[0]
            st, _, raw, _ = admin.req("POST", "/api/v1/users", {
                "user": name, "role": "analyst", "password": "tmp-password-1"})
            check(st == 201, "fixture user: %d %s" % (st, raw))
            return name
        fail("no fixture for " + kind)

    def concrete(path, method, scope, tenant="acme", who=None):
        if "{" not in path:
            return path
        if path.startswith("/api/v1/users/"):
            return path.replace("{name}", fresh("user"))
        if path.startswith("/api/v1/tokens/"):
            st, js, raw, _ = (who or sessions["customer"]).req("POST", "/api/v1/tokens",
                                                               {"name": "fixture"})
            check(st == 201, "fixture token: %d %s" % (st, raw))
            return path.replace("{id}", str(js["id"]))
        if scope == "suppression" and method == "DELETE" and tenant == "acme":
            return path.replace("{id}", fresh("suppression"))
        return path.replace("{id}", str(ids[tenant][scope]))

    def body_of(op, path):
        ex = (op.get("requestBody", {}).get("content", {}).get("application/json", {})
              .get("example"))
        if path.endswith("/status"):
            return {"status": "acknowledged"}
        if path.endswith("/assign"):
            return {"assignee": "analyst2"}
        if path == "/api/v1/users" and ex:
            counter[0] += 1
            return dict(ex, user="newuser%d" % counter[0])
        if path == "/api/v1/login":
            return {"user": "analyst2", "password": "analyst2-password"}
        return ex

    for path, method, op in ops:
        role = op["x-min-role"]
        scope = op["x-tenant-scope"]
        label = method + " " + path
        if op.get("responses", {}).get("200", {}).get("content", {}).get("text/event-stream"):
            stream = True
        else:
            stream = False
        # 1. nobody
        if role != "public":
            st, js, raw, _ = Client().req(method, concrete(path, method, scope), body_of(op, path))
            check(st == 401, "%s without credentials: %d (want 401)" % (label, st))
            check(js and "error" in js, "%s: error body is not JSON: %r" % (label, raw[:100]))
        # 2. a role below
        for lower in ("customer", "analyst"):
            if ROLE_RANK[lower] < ROLE_RANK[role]:
                st, _, raw, _ = sessions[lower].req(method, concrete(path, method, scope),
                                                    body_of(op, path))
                check(st == 403, "%s as %s: %d (want 403)" % (label, lower, st))
        # 3. CSRF
        right = sessions[role if role != "public" else "customer"]
        if path == "/api/v1/logout":
            right = login("cust_acme", "cust_acme-password")  # keep the shared session
        if method != "GET" and role != "public":
            st, js, raw, _ = right.req(method, concrete(path, method, scope, who=right),
                                       body_of(op, path), csrf=False)
            check(st == 403 and "CSRF" in js["error"],
                  "%s without CSRF token: %d %s (want 403)" % (label, st, raw[:100]))
        # 4. another tenant's object (customers)
        if ROLE_RANK[role] <= ROLE_RANK["customer"] and role != "public":
            cust = sessions["customer"]
            if scope in ("incident", "event", "suppression"):
                st, _, raw, _ = cust.req(method, concrete(path, method, scope, "globex"),
                                         body_of(op, path))
                check(st == 404, "%s on globex's object as acme's customer: %d" % (label, st))
                check(MARK.encode() not in raw and b"globex" not in raw,
                      "%s leaks globex's object: %r" % (label, raw[:200]))
            if scope == "tenant":
                sep = "&" if "?" in path else "?"
                st, _, raw, _ = cust.req(method, path + sep + "tenant=globex", body_of(op, path))
                check(st == 404, "%s?tenant=globex as acme's customer: %d" % (label, st))
        # 5. the right role
        if stream:
            continue  # the stream is checked below
        st, js, raw, _ = right.req(method, concrete(path, method, scope, who=right),
                                   body_of(op, path))
        check(200 <= st < 300, "%s as %s: %d %s (want 2xx)" % (label, role, st, raw[:200]))
        if ROLE_RANK[role] <= 1 and role != "public":
            check(MARK.encode() not in raw, "%s as acme's customer leaks globex: %r" % (label, raw[:200]))
    print("every route: 401 / 403 / CSRF 403 / other tenant 404 / 2xx as expected")

    cust, analyst = sessions["customer"], sessions["analyst"]
    acme_inc = ids["acme"]["incident"]

    # Lists are filtered for customers, complete for analysts.
    _, js, _, _ = cust.req("GET", "/api/v1/incidents")
    check({i["tenant"] for i in js["incidents"]} == {"acme"}, "customer's incident list: %r" % js)
    _, js, _, _ = analyst.req("GET", "/api/v1/incidents")
    check({i["tenant"] for i in js["incidents"]} >= {"acme", "globex"}, "analyst's list: %r" % js)

    # Internal notes: analysts only.
    _, js, raw, _ = cust.req("GET", "/api/v1/incidents/%d" % acme_inc)
    check(b"internal-note-acme" not in raw, "the customer sees an internal note")
    check(all(e["visibility"] == "customer" for e in js["timeline"]), "internal timeline entry")
    _, js, raw, _ = analyst.req("GET", "/api/v1/incidents/%d" % acme_inc)
    check(b"internal-note-acme" in raw, "the analyst does not see the internal note")

    # Comments: the customer's are always customer-visible.
    st, js, _, _ = cust.req("POST", "/api/v1/incidents/%d/comments" % acme_inc,
                            {"text": "we see it", "visibility": "internal"})
    check(st == 201 and js["visibility"] == "customer", "customer comment: %d %r" % (st, js))
    st, _, _, _ = analyst.req("POST", "/api/v1/incidents/%d/comments" % acme_inc,
                              {"text": "analyst-internal-2", "visibility": "internal"})
    check(st == 201, "analyst comment: %d" % st)
    _, _, raw, _ = cust.req("GET", "/api/v1/incidents/%d" % acme_inc)
    check(b"we see it" in raw and b"analyst-internal-2" not in raw, "comment visibility")

    # Status: customers only acknowledge; refused moves are 409.
    st, _, _, _ = cust.req("POST", "/api/v1/incidents/%d/status" % acme_inc, {"status": "resolved"})
    check(st == 403, "customer resolving: %d (want 403)" % st)
    def open_ids():
        _, js, _, _ = analyst.req("GET", "/api/v1/incidents?status=open")
        return {i["id"] for i in js["incidents"]}

    def closed_count():
        return analyst.req("GET", "/api/v1/stats/summary")[1]["by_status"]["closed"]

    check(acme_inc in open_ids(), "the acme incident is not listed as open")
    closed_before = closed_count()
    st, js, raw, _ = analyst.req("POST", "/api/v1/incidents/%d/status" % acme_inc,
                                 {"status": "closed", "resolution": "false_positive"})
    check(st == 200 and js["status"] == "closed", "analyst closing: %d %s" % (st, raw[:200]))
    # Shared dashboard answers never outlive a change.
    check(acme_inc not in open_ids(), "the open list still shows the closed incident")
    check(closed_count() == closed_before + 1, "the summary does not count the closed incident")
    st, js, raw, _ = analyst.req("POST", "/api/v1/incidents/%d/status" % acme_inc,
                                 {"status": "responding"})
    check(st == 409 and js["error"], "closed -> responding: %d (want 409)" % st)
    st, _, _, _ = analyst.req("POST", "/api/v1/incidents/%d/status" % acme_inc, {"status": "bogus"})
    check(st == 400, "bad status name: %d (want 400)" % st)

    # Audit: the analyst's actions are there, with actor and address.
    _, js, _, _ = admin.req("GET", "/api/v1/audit?limit=1000")
    mine = [(e["action"], e["address"]) for e in js["audit"] if e["actor"] == "analyst1"]
    actions = {a for a, _ in mine}
    for want in ("login", "incident.comment", "incident.status", "incident.assign",
                 "suppression.add", "suppression.delete"):
        check(any(a.startswith(want) for a in actions),
              "no audit entry %s by analyst1 (have %s)" % (want, sorted(actions)))
    check(all(addr == "127.0.0.1" for _, addr in mine), "audit addresses: %r" % mine)

    # API tokens: work without CSRF, stop when revoked.
    st, js, _, _ = analyst.req("POST", "/api/v1/tokens", {"name": "script"})
    tok = Client(token=js["token"])
    st, _, _, _ = tok.req("POST", "/api/v1/incidents/%d/comments" % ids["globex"]["incident"],
                          {"text": "by token"})
    check(st == 201, "token POST without CSRF: %d" % st)
    analyst.req("DELETE", "/api/v1/tokens/%d" % js["id"])
    st, _, _, _ = tok.req("GET", "/api/v1/me")
    check(st == 401, "revoked token: %d (want 401)" % st)
    st, _, _, _ = sessions["customer"].req("DELETE", "/api/v1/tokens/%d" % js["id"])
    check(st == 404, "revoking another user's token: %d (want 404)" % st)

    # Password change: needs the current one, ends the old session, opens a new one.
    a2 = login("analyst2", "analyst2-password")
    st, _, _, _ = a2.req("PUT", "/api/v1/me", {"current_password": "wrong", "password": "new-pw-123"})
    check(st == 403, "password change with a wrong current password: %d (want 403)" % st)
    st, js, raw, r = a2.req("PUT", "/api/v1/me", {"current_password": "analyst2-password",
                                                  "password": "analyst2-new-pw"})
    check(st == 200 and r.getheader("Set-Cookie"), "password change: %d %s" % (st, raw[:200]))
    check(a2.req("GET", "/api/v1/me")[0] == 401, "the old session outlived the password change")
    fresh_a2 = Client(r.getheader("Set-Cookie").split(";")[0], js["csrf"])
    check(fresh_a2.req("GET", "/api/v1/me")[0] == 200, "the new session does not work")
    login("analyst2", "analyst2-new-pw")

    # Security headers and JSON errors.
    st, js, raw, r = cust.req("GET", "/api/v1/nope")
    check(st == 404 and js and "error" in js, "unknown route: %d %r" % (st, raw))
    check("default-src 'self'" in r.getheader("Content-Security-Policy", "") and
          "frame-ancestors 'none'" in r.getheader("Content-Security-Policy", ""), "CSP header")
    check(r.getheader("X-Content-Type-Options") == "nosniff", "nosniff header")
    st, _, _, _ = cust.req("DELETE", "/api/v1/me")
    check(st == 405, "DELETE /me: %d (want 405)" % st)
    st, _, _, _ = cust.req("PUT", "/api/v1/me", None, headers={"Content-Type": "application/json"})
    check(st == 400, "PUT /me without a body: %d (want 400)" % st)

    # Static files: traversal refused, nothing outside web/ served.
    for bad in ("/../../etc/passwd", "/app/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                "/..%2f..%2fetc%2fpasswd"):
        st, _, raw, _ = Client().req("GET", bad)
        check(st in (400, 404) and b"root:" not in raw, "traversal %s: %d" % (bad, st))

    # SSE: a new incident reaches acme's customer, not globex's.
    def listen(who, q):
        c = http.client.HTTPSConnection("127.0.0.1", PORT, context=CTX, timeout=30)
        c.request("GET", "/api/v1/stream", headers={"Cookie": who.cookie})
        r = c.getresponse()
        q.put(("status", r.status, r.getheader("Content-Type")))
        event = None
        while True:
            line = r.readline()
            if not line:
                return
            line = line.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                q.put((event, json.loads(line[6:])))

    qa, qg = queue.Queue(), queue.Queue()
    for who, q in ((cust, qa), (globex_cust, qg)):
        threading.Thread(target=listen, args=(who, q), daemon=True).start()
        kind, st, ctype = q.get(timeout=10)
        check(st == 200 and ctype.startswith("text/event-stream"), "stream: %d %s" % (st, ctype))
    time.sleep(0.2)  # both streams are registered once their headers arrived
    # Real logs through intake, rules and triage: their detections must
    # arrive (whether triage also opens an incident is its policy's call);
    # and an incident written to the store as triage writes one.
    with socket.create_connection(("127.0.0.1", SYSLOG)) as s:
        s.sendall(ASA_LINES.encode() + PAN_THREAT.encode() + b"\n")
    new_id = add_incident("acme", "live incident from 203.0.113.7")
    add_incident("globex", "live " + MARK)
    deadline = time.time() + 30
    got, detection = None, None
    seen = []
    while time.time() < deadline and not (got and detection):
        try:
            ev, data = qa.get(timeout=1)
        except queue.Empty:
            continue
        seen.append((ev, data.get("id"), data.get("title") or data.get("change")))
        check(MARK not in json.dumps(data), "acme's stream got globex's data: %r" % data)
        if ev == "incident" and data.get("id") == new_id:
            got = data
        if ev == "detection" and data.get("device") in ("asa1", "pa1"):
            detection = data
    check(got is not None, "no SSE incident event for the attack within 30 s; stream got %r" % seen)
    check(detection is not None, "no SSE detection event for the attack within 30 s")
    check(got["tenant"] == "acme" and got["severity"] == "emergency", repr(got))
    check(detection["tenant"] == "acme" and "203.0.113.7" in json.dumps(detection), repr(detection))
    seen_globex = False
    deadline = time.time() + 5
    while time.time() < deadline and not seen_globex:
        try:
            ev, data = qg.get(timeout=1)
        except queue.Empty:
            continue
        check(data.get("id") != new_id, "globex's stream got acme's incident")
        seen_globex = ev == "incident" and data.get("tenant") == "globex"
    check(seen_globex, "globex's stream did not get its own incident")
    print("SSE: new incidents reach their tenant's stream only")

    # Throttling: per account, then per address.
    for i in range(5):
        st, _, _, _ = Client().req("POST", "/api/v1/login", {"user": "victim", "password": "wrong-%d" % i})
        check(st == 401, "failed login %d: %d (want 401)" % (i, st))
    st, _, _, _ = Client().req("POST", "/api/v1/login", {"user": "victim", "password": "victim-password"})
    check(st == 429, "6th login of a throttled account: %d (want 429)" % st)
    _, js, _, _ = admin.req("GET", "/api/v1/audit?limit=2000")
    failed = [e for e in js["audit"] if e["action"] == "login.failed" and e["object"] == "user:victim"]
    check(len(failed) == 5, "audit has %d failed logins of victim (want 5)" % len(failed))
    for i in range(20):
        st, _, _, _ = Client().req("POST", "/api/v1/login", {"user": "nobody%d" % i, "password": "x" * 8})
        if st == 429:
            break
    st, _, _, _ = Client().req("POST", "/api/v1/login", {"user": "analyst2", "password": "analyst2-new-pw"})
    check(st == 429, "login from a throttled address: %d (want 429)" % st)
    print("throttling: 429 per account after 5 failures, per address after 20")
    print("portal API test passed")


if __name__ == "__main__":
    main()
