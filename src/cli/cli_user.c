/* yamori user / yamori token: portal accounts and API tokens from the
 * command line (the same store the portal uses: DATA/state.db). Works
 * while serve runs. Every change goes to the audit trail with address
 * "cli" and the operating-system user as actor.
 *
 * Passwords are read from the terminal (twice, not echoed), or one line
 * from stdin with --password-stdin; `user add` without either makes a
 * random one-time password and prints it once. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli/cli.h"
#include "core/ym_time.h"
#include "state/state_audit.h"
#include "state/state_db.h"
#include "state/state_users.h"

static void user_usage(FILE *out)
{
    fprintf(out,
            "Usage: yamori user add NAME --role admin|analyst|customer [--tenant T] [--password-stdin]\n"
            "       yamori user passwd NAME [--password-stdin]\n"
            "       yamori user del NAME\n"
            "       yamori user list [--json]\n"
            "\n"
            "Portal accounts. Customers belong to one tenant (--tenant, a configured tenant);\n"
            "analysts see every tenant; admins also manage accounts. Passwords (at least %d\n"
            "characters) are asked on the terminal, or read as one line from stdin with\n"
            "--password-stdin; `user add` without a terminal or --password-stdin makes a\n"
            "one-time password, prints it once, and the user is asked to change it.\n"
            "\n"
            "  --data DIR     data directory (default: from the config, else ./var)\n"
            "  --config FILE  configuration (default: ./yamori.yaml if present)\n"
            "  --help         this text\n"
            "\n"
            "See docs/portal.md.\n",
            STATE_USERS_PASSWORD_MIN);
}

static void token_usage(FILE *out)
{
    fprintf(out,
            "Usage: yamori token add USER NAME\n"
            "       yamori token revoke ID\n"
            "       yamori token list [USER] [--json]\n"
            "\n"
            "API tokens for scripts: `Authorization: Bearer <token>` on /api/v1 (no CSRF\n"
            "token needed). A token acts with its user's role; it is printed once by\n"
            "`token add` (only its hash is kept) and works until revoked.\n"
            "\n"
            "  --data DIR     data directory (default: from the config, else ./var)\n"
            "  --config FILE  configuration (default: ./yamori.yaml if present)\n"
            "  --help         this text\n"
            "\n"
            "See docs/portal.md and docs/api.md.\n");
}

struct opts {
    const char *data, *config, *role, *tenant;
    int password_stdin, json, help;
};

static int parse(int argc, char **argv, struct opts *o, const char *cmd)
{
    static const struct option lopts[] = {
        {"data", required_argument, NULL, 'd'},   {"config", required_argument, NULL, 'c'},
        {"role", required_argument, NULL, 'r'},   {"tenant", required_argument, NULL, 't'},
        {"password-stdin", no_argument, NULL, 'p'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", lopts, NULL)) != -1) {
        switch (c) {
        case 'd': o->data = optarg; break;
        case 'c': o->config = optarg; break;
        case 'r': o->role = optarg; break;
        case 't': o->tenant = optarg; break;
        case 'p': o->password_stdin = 1; break;
        case 'j': o->json = 1; break;
        case 'h': o->help = 1; break;
        case ':': return cli_usage_error(cmd, "option %s needs a value", argv[optind - 1]);
        default: return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    return CLI_OK;
}

static void audit(struct state_db *db, const char *tenant, const char *action, const char *object,
                  const char *detail)
{
    struct state_audit_entry e = {.actor = cli_actor(NULL), .role = "", .tenant = tenant,
                                  .action = action, .object = object, .detail = detail,
                                  .address = "cli"};
    state_audit_add(db, &e);
}

/* One line (without the newline) into buf; 0 on success. */
static int read_line(FILE *in, char *buf, size_t len)
{
    if (!fgets(buf, (int)len, in))
        return -1;
    size_t n = strcspn(buf, "\r\n");
    if (buf[n] == '\0' && n == len - 1)
        return -1; /* longer than the buffer */
    buf[n] = '\0';
    return 0;
}

static int prompt(const char *text, char *buf, size_t len)
{
    struct termios old, quiet;
    if (tcgetattr(STDIN_FILENO, &old) != 0)
        return -1;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    fprintf(stderr, "%s", text);
    fflush(stderr);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    int rc = read_line(stdin, buf, len);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    fprintf(stderr, "\n");
    return rc;
}

/* The new password: 1 read, 0 none asked (generate), -1 error (printed). */
static int get_password(const struct opts *o, const char *cmd, char *buf, size_t len)
{
    if (o->password_stdin) {
        if (read_line(stdin, buf, len) != 0) {
            cli_error(cmd, "could not read a password line from stdin");
            return -1;
        }
        return 1;
    }
    if (!isatty(STDIN_FILENO))
        return 0;
    char again[STATE_USERS_PASSWORD_MAX + 2];
    if (prompt("New password: ", buf, len) != 0 || prompt("Again: ", again, sizeof again) != 0) {
        cli_error(cmd, "could not read the password");
        return -1;
    }
    int same = strcmp(buf, again) == 0;
    OPENSSL_cleanse(again, sizeof again);
    if (!same) {
        cli_error(cmd, "the two passwords differ");
        return -1;
    }
    return 1;
}

static int list_user(void *arg, const struct state_user *u)
{
    const struct opts *o = arg;
    char t[40];
    ym_time_format_rfc3339(u->created_ns, t, sizeof t);
    if (o->json)
        printf("{\"user\":\"%s\",\"role\":\"%s\",\"tenant\":\"%s\",\"lang\":\"%s\","
               "\"created\":\"%s\",\"must_change\":%s}\n",
               u->name, state_role_name(u->role), u->tenant, u->lang, t,
               u->must_change ? "true" : "false");
    else
        printf("%-24s %-9s %-16s %s%s\n", u->name, state_role_name(u->role),
               u->tenant[0] ? u->tenant : "-", t, u->must_change ? "  (one-time password)" : "");
    return 0;
}

/* Opens DATA/state.db for writing (creating the data directory). */
static struct state_db *open_store(const struct opts *o, const char *cmd, struct ym_config **cfg)
{
    *cfg = cli_load_config(o->config, o->data);
    if (!*cfg)
        return NULL;
    if (mkdir((*cfg)->data_dir, 0750) != 0 && errno != EEXIST) {
        cli_error(cmd, "cannot create data directory %s: %s", (*cfg)->data_dir, strerror(errno));
        return NULL;
    }
    struct state_db *db = NULL;
    struct ym_error err = {0};
    if (state_db_open((*cfg)->data_dir, STATE_DB_WRITER, &db, &err) != YM_OK) {
        cli_error(cmd, "cannot open %s/state.db: %s", (*cfg)->data_dir, err.reason);
        return NULL;
    }
    return db;
}

static int user_add(struct state_db *db, const struct ym_config *cfg, const struct opts *o,
                    const char *name)
{
    struct state_user u = {.created_ns = ym_time_now_ns()};
    if (!state_users_name_ok(name))
        return cli_usage_error("user", "'%s' is not a user name (1 to 64 of A-Z a-z 0-9 . _ @ -)",
                               name);
    if (!o->role || !state_role_parse(o->role, &u.role))
        return cli_usage_error("user", "add needs --role admin, analyst or customer");
    if (u.role == STATE_ROLE_CUSTOMER) {
        if (!o->tenant)
            return cli_usage_error("user", "a customer needs --tenant");
        if (!ym_config_tenant(cfg, o->tenant))
            return cli_error("user", "tenant '%s' is not in the configuration", o->tenant);
        snprintf(u.tenant, sizeof u.tenant, "%s", o->tenant);
    } else if (o->tenant) {
        return cli_usage_error("user", "only customers have a tenant");
    }
    snprintf(u.name, sizeof u.name, "%s", name);
    snprintf(u.lang, sizeof u.lang, "en");
    char pw[STATE_USERS_PASSWORD_MAX + 2];
    int got = get_password(o, "user", pw, sizeof pw);
    if (got < 0)
        return CLI_FAIL;
    if (got == 0) {
        u.must_change = 1;
        if (state_users_random_password(pw, sizeof pw, 20) != YM_OK)
            return cli_error("user", "no randomness for a password");
    }
    int exists = 0;
    enum ym_status st = state_users_add(db, &u, pw, &exists);
    if (st == YM_OK && got == 0)
        printf("user %s: one-time password %s (shown only now; change it with `yamori user "
               "passwd %s` or in the portal)\n",
               name, pw, name);
    OPENSSL_cleanse(pw, sizeof pw);
    if (exists)
        return cli_error("user", "user '%s' exists already", name);
    if (st == YM_EINVAL)
        return cli_error("user", "the password needs %d to %d characters",
                         STATE_USERS_PASSWORD_MIN, STATE_USERS_PASSWORD_MAX);
    if (st != YM_OK)
        return cli_error("user", "cannot add '%s': %s", name, ym_status_str(st));
    char object[96];
    snprintf(object, sizeof object, "user:%s", name);
    audit(db, u.tenant, "user.add", object, state_role_name(u.role));
    if (got)
        printf("user %s added (%s%s%s)\n", name, state_role_name(u.role),
               u.tenant[0] ? ", tenant " : "", u.tenant);
    return CLI_OK;
}

static int user_passwd(struct state_db *db, const struct opts *o, const char *name)
{
    struct state_user u;
    if (state_users_get(db, name, &u) != YM_OK)
        return cli_error("user", "no user '%s'", name);
    char pw[STATE_USERS_PASSWORD_MAX + 2];
    int got = get_password(o, "user", pw, sizeof pw);
    if (got == 0)
        return cli_usage_error("user", "passwd needs a terminal or --password-stdin");
    if (got < 0)
        return CLI_FAIL;
    enum ym_status st = state_users_set_password(db, name, pw, 0);
    OPENSSL_cleanse(pw, sizeof pw);
    if (st == YM_EINVAL)
        return cli_error("user", "the password needs %d to %d characters",
                         STATE_USERS_PASSWORD_MIN, STATE_USERS_PASSWORD_MAX);
    if (st != YM_OK)
        return cli_error("user", "cannot change the password: %s", ym_status_str(st));
    char object[96];
    snprintf(object, sizeof object, "user:%s", name);
    audit(db, u.tenant, "user.passwd", object, "sessions ended");
    printf("user %s: password changed; its browser sessions have ended\n", name);
    return CLI_OK;
}

int cli_user_main(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse(argc, argv, &o, "user");
    if (rc != CLI_OK)
        return rc;
    if (o.help) {
        user_usage(stdout);
        return CLI_OK;
    }
    if (optind >= argc)
        return cli_usage_error("user", "expected add, passwd, del or list (see --help)");
    /* getopt has moved the options (anywhere on the line) first. */
    const char *sub = argv[optind];
    int nargs = argc - optind - 1;
    char **args = argv + optind + 1;
    int want = strcmp(sub, "list") == 0 ? 0 : 1;
    if (strcmp(sub, "add") && strcmp(sub, "passwd") && strcmp(sub, "del") && strcmp(sub, "list"))
        return cli_usage_error("user", "unknown subcommand '%s' (add, passwd, del, list)", sub);
    if (nargs != want)
        return cli_usage_error("user", "%s expects %s", sub, want ? "a user name" : "no argument");
    struct ym_config *cfg = NULL;
    struct state_db *db = open_store(&o, "user", &cfg);
    if (!db) {
        ym_config_free(cfg);
        return CLI_FAIL;
    }
    if (!strcmp(sub, "add")) {
        rc = user_add(db, cfg, &o, args[0]);
    } else if (!strcmp(sub, "passwd")) {
        rc = user_passwd(db, &o, args[0]);
    } else if (!strcmp(sub, "del")) {
        struct state_user u;
        enum ym_status st = state_users_get(db, args[0], &u);
        if (st == YM_OK)
            st = state_users_delete(db, args[0]);
        if (st == YM_OK) {
            char object[96];
            snprintf(object, sizeof object, "user:%s", args[0]);
            audit(db, u.tenant, "user.del", object, "");
            printf("user %s deleted (its sessions and tokens have ended)\n", args[0]);
            rc = CLI_OK;
        } else {
            rc = cli_error("user", "no user '%s'", args[0]);
        }
    } else {
        rc = state_users_each(db, list_user, &o) == YM_OK ? CLI_OK
                                                           : cli_error("user", "cannot list users");
    }
    state_db_close(db);
    ym_config_free(cfg);
    return rc;
}

static int list_token(void *arg, const struct state_token *t)
{
    const struct opts *o = arg;
    char created[40], used[40] = "never";
    ym_time_format_rfc3339(t->created_ns, created, sizeof created);
    if (t->last_used_ns)
        ym_time_format_rfc3339(t->last_used_ns, used, sizeof used);
    if (o->json)
        printf("{\"id\":%lld,\"user\":\"%s\",\"name\":\"%s\",\"created\":\"%s\",\"last_used\":\"%s\","
               "\"revoked\":%s}\n",
               (long long)t->id, t->user, t->name, created, used, t->revoked_ns ? "true" : "false");
    else
        printf("%-6lld %-20s %-24s created %s  last used %s%s\n", (long long)t->id, t->user,
               t->name, created, used, t->revoked_ns ? "  REVOKED" : "");
    return 0;
}

int cli_token_main(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse(argc, argv, &o, "token");
    if (rc != CLI_OK)
        return rc;
    if (o.help) {
        token_usage(stdout);
        return CLI_OK;
    }
    if (optind >= argc)
        return cli_usage_error("token", "expected add, revoke or list (see --help)");
    const char *sub = argv[optind];
    char **args = argv + optind + 1;
    int nargs = argc - optind - 1;
    if (!((!strcmp(sub, "add") && nargs == 2) || (!strcmp(sub, "revoke") && nargs == 1) ||
          (!strcmp(sub, "list") && nargs <= 1)))
        return cli_usage_error("token", "usage: token add USER NAME | revoke ID | list [USER]");
    struct ym_config *cfg = NULL;
    struct state_db *db = open_store(&o, "token", &cfg);
    if (!db) {
        ym_config_free(cfg);
        return CLI_FAIL;
    }
    if (!strcmp(sub, "add")) {
        int64_t id;
        char token[STATE_USERS_TOKEN_LEN + 1];
        enum ym_status st = state_users_token_create(db, args[0], args[1], &id, token);
        if (st == YM_OK) {
            char object[64];
            snprintf(object, sizeof object, "token:%lld", (long long)id);
            audit(db, "", "token.add", object, args[1]);
            printf("%s\n", token);
            fprintf(stderr, "token %lld for %s: shown only now; revoke with `yamori token revoke "
                            "%lld`\n",
                    (long long)id, args[0], (long long)id);
            rc = CLI_OK;
        } else {
            rc = cli_error("token", st == YM_ENOTFOUND ? "no user '%s'" : "cannot create a token "
                                                                          "for '%s'",
                           args[0]);
        }
        OPENSSL_cleanse(token, sizeof token);
    } else if (!strcmp(sub, "revoke")) {
        char *end;
        long long id = strtoll(args[0], &end, 10);
        enum ym_status st = *end || id <= 0 ? YM_ENOTFOUND : state_users_token_revoke(db, id, NULL);
        if (st == YM_OK) {
            char object[64];
            snprintf(object, sizeof object, "token:%lld", id);
            audit(db, "", "token.revoke", object, "");
            printf("token %lld revoked\n", id);
            rc = CLI_OK;
        } else {
            rc = cli_error("token", "no valid token %s", args[0]);
        }
    } else {
        rc = state_users_tokens_each(db, nargs ? args[0] : NULL, list_token, &o) == YM_OK
                 ? CLI_OK
                 : cli_error("token", "cannot list tokens");
    }
    state_db_close(db);
    ym_config_free(cfg);
    return rc;
}
