// SPDX-License-Identifier: GPL-3.0-or-later
// wampscope-cli: the Wampscope core without a display. A contract users and scripts rely on:
// JSON lines on stdout, human diagnostics on stderr, documented exit codes (output.h).
// The command table below is the single list of commands: the usage text and the dispatch both come from it.

#include "cli.h"

#include "commands/commands.h"
#include "output.h"

#include <cstdio>

namespace wb::cli {

namespace {

struct Command
{
    const char *name;
    const char *summary;
    int (*run)(const QStringList &arguments);
};

const Command kCommands[] = {
    {"router", "Run the built-in WAMP router", runRouterCommand},
    {"call", "Call a procedure and print its result", runCall},
    {"publish", "Publish an event", runPublish},
    {"subscribe", "Subscribe to a topic and print events", runSubscribe},
    {"register", "Register a mock procedure and serve invocations", runRegister},
    {"meta", "List sessions, subscriptions or registrations (WAMP meta API)", runMeta},
    {"sessions", "Same as 'meta sessions'", runMeta},
    {"kill", "Kill a session (wamp.session.kill)", runKill},
    {"keygen", "Create an Ed25519 key pair for WAMP-cryptosign", runKeygen},
    {"scram-hash", "Derive stored WAMP-SCRAM credentials (a router config users entry) from a password", runScramHash},
    {"profiles", "List the window's saved connection profiles (for --profile; no secrets)", runProfiles},
};

QString usageText()
{
    qsizetype width = 0;
    for (const Command &c : kCommands)
        width = std::max(width, qsizetype(qstrlen(c.name)));
    QString text = s("Usage: wampscope-cli <command> [options]\n\nCommands:\n");
    for (const Command &c : kCommands)
        text += s("  %1 %2\n").arg(s(c.name).leftJustified(width), s(c.summary));
    text += s("\n"
              "Run 'wampscope-cli <command> --help' for the options of a command.\n"
              "\n"
              "Output: results and events are JSON lines on stdout; diagnostics go to stderr.\n"
              "Exit codes: 0 success, 1 WAMP error, 2 usage error, 3 connection or authentication failure, 4 timeout.\n");
    return text;
}

} // namespace

int run(QCoreApplication &app)
{
    const QStringList args = app.arguments();
    if (args.size() < 2 || args.at(1) == u"--help" || args.at(1) == u"-h" || args.at(1) == u"help") {
        fputs(usageText().toUtf8().constData(), args.size() < 2 ? stderr : stdout);
        return args.size() < 2 ? ExitUsage : ExitOk;
    }
    if (args.at(1) == u"--version") {
        out(s("wampscope-cli ") + QCoreApplication::applicationVersion());
        return ExitOk;
    }
    const QString command = args.at(1);
    for (const Command &c : kCommands) {
        if (command == QLatin1String(c.name))
            return c.run(args);
    }
    err(s("wampscope-cli: unknown command '%1'\n").arg(command) + usageText());
    return ExitUsage;
}

} // namespace wb::cli
