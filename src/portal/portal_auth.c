/* portal_auth: logging in and out, and the caller's own account (language,
 * password). Failed logins are counted by portal_throttle.c, which answers
 * 429 before any password is checked once an account or an address has
 * failed too often. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_alloc.h"
#include "core/ym_log.h"
#include "core/ym_time.h"
#include "portal/portal_http.h"
#include "portal/portal_internal.h"

/* ---- cookie ---- */

static void set_session_cookie(struct portal_req *req, struct portal_resp *resp,
                               const char *value)
{
    if (value)
        snprintf(resp->set_cookie, sizeof resp->set_cookie,
                 "ym_session=%s; Path=/; HttpOnly; SameSite=Strict%s", value,
                 req->tls ? "; Secure" : "");
    else
        snprintf(resp->set_cookie, sizeof resp->set_cookie,
                 "ym_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
                 req->tls ? "; Secure" : "");
}

static json_t *me_json(const struct state_user *u, const char *csrf)
{
    return json_pack("{s:s, s:s, s:s?, s:s, s:s, s:b}", "user", u->name, "role",
                     state_role_name(u->role), "tenant", u->tenant[0] ? u->tenant : NULL, "lang",
                     u->lang[0] ? u->lang : "en", "csrf", csrf ? csrf : "", "must_change",
                     u->must_change);
}

/* Opens a session for u and answers with it (login, password change). */
static void open_session(struct portal_req *req, struct portal_resp *resp,
                         const struct state_user *u)
{
    char cookie[STATE_USERS_SECRET_LEN + 1], csrf[STATE_USERS_SECRET_LEN + 1];
    if (state_users_session_open(req->db, u->name, req->address, ym_time_now_ns(), cookie, csrf) !=
        YM_OK) {
        portal_reply_internal(resp, "open session");
        return;
    }
    set_session_cookie(req, resp, cookie);
    portal_reply_json(resp, 200, me_json(u, csrf));
}

/* ---- handlers ---- */

void portal_api_login(struct portal_req *req, struct portal_resp *resp)
{
    const char *user = portal_body_str(req, "user");
    const char *password = portal_body_str(req, "password");
    if (!user || !password || !*user) {
        portal_reply_error(resp, 400, "expected {\"user\": ..., \"password\": ...}");
        return;
    }
    if (strlen(user) > 64) {
        portal_reply_error(resp, 401, "wrong user name or password");
        return;
    }
    struct portal_throttle *t = req->portal->throttle;
    char object[96];
    snprintf(object, sizeof object, "user:%s", user);
    if (portal_throttle_blocked(t, user, req->address, ym_time_now_ns())) {
        portal_audit(req, "", "login.throttled", object, "too many failed logins");
        portal_reply_error(resp, 429, "too many failed logins: wait 15 minutes");
        return;
    }
    struct state_user u;
    enum ym_status st = state_users_login(req->db, user, password, &u);
    if (st == YM_ENOTFOUND) {
        portal_throttle_failed(t, user, req->address, ym_time_now_ns());
        portal_audit(req, "", "login.failed", object, "wrong user name or password");
        portal_reply_error(resp, 401, "wrong user name or password");
        return;
    }
    if (st != YM_OK) {
        portal_reply_internal(resp, "login");
        return;
    }
    portal_throttle_clear(t, user, ym_time_now_ns());
    /* Expired sessions of everyone go now (nobody else sweeps them). */
    state_users_sessions_prune(req->db, ym_time_now_ns(), &req->portal->limits);
    struct state_principal who = {.user = u};
    req->who = &who;
    portal_audit(req, u.tenant, "login", object, "");
    open_session(req, resp, &u);
    req->who = NULL;
}

void portal_api_logout(struct portal_req *req, struct portal_resp *resp)
{
    if (req->cookie && !req->who->via_token)
        state_users_session_close(req->db, req->cookie);
    char object[96];
    snprintf(object, sizeof object, "user:%s", req->who->user.name);
    portal_audit(req, req->who->user.tenant, "logout", object, "");
    set_session_cookie(req, resp, NULL);
    portal_reply_json(resp, 200, json_pack("{s:b}", "ok", 1));
}

void portal_api_me(struct portal_req *req, struct portal_resp *resp)
{
    portal_reply_json(resp, 200, me_json(&req->who->user, req->who->csrf));
}

void portal_api_me_put(struct portal_req *req, struct portal_resp *resp)
{
    const char *lang = portal_body_str(req, "lang");
    const char *password = portal_body_str(req, "password");
    const char *current = portal_body_str(req, "current_password");
    if (!lang && !password) {
        portal_reply_error(resp, 400, "expected {\"lang\": \"en\"|\"ja\"} or "
                                      "{\"current_password\", \"password\"}");
        return;
    }
    struct state_user u = req->who->user;
    char object[96];
    snprintf(object, sizeof object, "user:%s", u.name);
    if (lang) {
        if (strcmp(lang, "en") && strcmp(lang, "ja")) {
            portal_reply_error(resp, 400, "lang: expected en or ja");
            return;
        }
        if (state_users_set_lang(req->db, u.name, lang) != YM_OK) {
            portal_reply_internal(resp, "set language");
            return;
        }
        snprintf(u.lang, sizeof u.lang, "%s", lang);
        portal_audit(req, u.tenant, "user.lang", object, lang);
    }
    if (password) {
        struct state_user check;
        if (!current || state_users_login(req->db, u.name, current, &check) != YM_OK) {
            portal_audit(req, u.tenant, "user.passwd.failed", object, "wrong current password");
            portal_reply_error(resp, 403, "current_password is wrong");
            return;
        }
        enum ym_status st = state_users_set_password(req->db, u.name, password, 0);
        if (st == YM_EINVAL) {
            portal_reply_error(resp, 400, "password: %d to %d characters", STATE_USERS_PASSWORD_MIN,
                               STATE_USERS_PASSWORD_MAX);
            return;
        }
        if (st != YM_OK) {
            portal_reply_internal(resp, "set password");
            return;
        }
        portal_audit(req, u.tenant, "user.passwd", object, "changed by the user");
        u.must_change = 0;
        if (!req->who->via_token) {
            /* The change ended every session, this one too: open a new one. */
            open_session(req, resp, &u);
            return;
        }
    }
    portal_reply_json(resp, 200, me_json(&u, req->who->csrf));
}
