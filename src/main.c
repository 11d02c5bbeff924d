/* yamori: subcommand dispatch only. Each subcommand lives in
 * src/cli/cli_<name>.c and is listed in src/cli/cli_commands.def. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#ifndef YAMORI_VERSION
#define YAMORI_VERSION "0.1.0"
#endif

struct command {
    const char *name;
    const char *summary;
    int (*main)(int argc, char **argv);
};

static const struct command commands[] = {
#define CMD(name, summary) {#name, summary, cli_##name##_main},
#include "cli/cli_commands.def"
#undef CMD
};

static void usage(FILE *out)
{
    fprintf(out,
            "yamori %s: security monitoring for SOCs\n"
            "\n"
            "Usage: yamori COMMAND [OPTIONS]\n"
            "\n"
            "Commands:\n",
            YAMORI_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n"
                 "Every command takes --help, and --data DIR (default: from the config, else ./var).\n"
                 "Documentation: docs/ in the source tree.\n");
}

int main(int argc, char **argv)
{
    /* A closed peer must not kill the process. */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("yamori %s\n", YAMORI_VERSION);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].main(argc - 1, argv + 1);
    fprintf(stderr, "yamori: unknown command '%s'\n", cmd);
    usage(stderr);
    return CLI_USAGE;
}
