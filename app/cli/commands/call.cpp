// SPDX-License-Identifier: GPL-3.0-or-later
// call: one CALL, its progressive results, cancel and timeouts.

#include "commands/commands.h"

#include "clientrun.h"
#include "output.h"

#include "wamp/errors.h"

namespace wb::cli {

using namespace wb::wamp;

int runCall(const QStringList &arguments)
{
    ClientCommand cmd(s("Call PROCEDURE with positional ARGs and --kwarg KEY=VALUE pairs.\n"
                        "Prints {\"args\":[...],\"kwargs\":{...}} as one JSON line. With --progress, progressive\n"
                        "results print one line each first, marked \"progress\":true.\n"
                        "On a WAMP error exits 1 and prints {\"error\":URI,\"args\":[...],\"kwargs\":{...}};\n"
                        "a call timeout (wamp.error.timeout, or --wait running out) exits 4."));
    QCommandLineParser &p = cmd.parser();
    p.addPositionalArgument(s("call"), s("The command."));
    p.addPositionalArgument(s("PROCEDURE"), s("Procedure URI."));
    p.addPositionalArgument(s("ARG"), s("Positional arguments (JSON when valid, else a string)."), s("[ARG...]"));
    p.addOption({s("kwarg"), s("Keyword argument KEY=VALUE. Repeatable."), s("KEY=VALUE")});
    p.addOption({s("progress"), s("Ask for progressive results (CALL.Options.receive_progress) and print each one.")});
    p.addOption({s("timeout"), s("Router-enforced call timeout (CALL.Options.timeout) in milliseconds; 0 = none. The router "
                                 "cancels the call and answers wamp.error.timeout (exit 4)."), s("MS")});
    p.addOption({s("wait"), s("Client-side limit: give up after SECONDS without a final result (exit 4)."), s("SECONDS")});
    p.addOption({s("cancel-after"), s("Send CANCEL after MS milliseconds (see --cancel-mode)."), s("MS")});
    p.addOption({s("cancel-mode"), s("skip, kill or killnowait (default killnowait)."), s("MODE"), s("killnowait")});
    p.addOption({s("disclose-me"), s("Ask the router to disclose this caller to the callee (CALL.Options.disclose_me).")});
    p.addOption({s("chunk"), s("Progressive call invocation: after the first CALL (the ARGs) send one more input chunk per "
                               "--chunk (JSON: a list becomes args, any other value one argument); the last one ends the input. "
                               "Repeatable."), s("JSON")});
    if (auto rc = cmd.parse(arguments, 2, -1, s("usage: wampscope-cli call PROCEDURE [ARG]... [--kwarg KEY=VALUE]...")))
        return *rc;
    ClientCommon &c = cmd.common();
    QString procedure;
    List args;
    Dict kwargs;
    if (!cmd.parseTarget(s("procedure"), procedure, args, kwargs))
        return ExitUsage;
    int waitMs = 0, callTimeoutMs = -1, cancelAfterMs = -1;
    if (!parseSeconds(p, s("wait"), waitMs) || !parseMillis(p, s("timeout"), callTimeoutMs)
        || !parseMillis(p, s("cancel-after"), cancelAfterMs))
        return ExitUsage;
    const QString cancelMode = p.value(s("cancel-mode"));
    if (cancelMode != u"skip" && cancelMode != u"kill" && cancelMode != u"killnowait") {
        err(s("--cancel-mode must be skip, kill or killnowait, got '%1'").arg(cancelMode));
        return ExitUsage;
    }
    QList<List> chunks;
    for (const QString &chunk : p.values(s("chunk"))) {
        const Value v = parseArg(chunk);
        chunks.append(v.isList() ? v.toList() : List{v});
    }
    if (p.isSet(s("progress")))
        c.options.insert(s("receive_progress"), true);
    if (callTimeoutMs >= 0)
        c.options.insert(s("timeout"), callTimeoutMs);
    if (p.isSet(s("disclose-me")))
        c.options.insert(s("disclose_me"), true);
    if (!chunks.isEmpty())
        c.options.insert(s("progress"), true);
    // A router that ignores CALL.Options.timeout must not leave us hanging: fall back to a local limit.
    const bool fallbackWait = waitMs == 0 && callTimeoutMs > 0;
    if (fallbackWait)
        waitMs = callTimeoutMs + 5000;

    ClientRun run(c);
    QTimer timer, cancelTimer;
    timer.setSingleShot(true);
    cancelTimer.setSingleShot(true);
    return run.exec([&] {
        if (waitMs > 0) {
            QObject::connect(&timer, &QTimer::timeout, &timer, [&] {
                err(s("timeout: no result for %1 within %2 s").arg(procedure).arg(waitMs / 1000.0));
                run.finish(ExitTimeout);
            });
            timer.start(waitMs);
        }
        const quint64 request = run.session().call(
            procedure, args, kwargs, c.options,
            [&](const session::CallResult &r) {
                Dict line{{s("args"), r.args}, {s("kwargs"), r.kwargs}};
                if (r.progress) {
                    line.insert(s("progress"), true);
                    out(jsonLine(line));
                    if (fallbackWait)
                        timer.start(waitMs); // the router's timeout bounds the gap between results too
                    return;
                }
                out(jsonLine(line));
                run.finish(ExitOk);
            },
            [&](const session::WampError &e) {
                printError(e);
                run.finish(e.uri == session::kSessionLost ? ExitConnection
                           : e.uri == uris::timeout       ? ExitTimeout
                                                          : ExitWampError);
            });
        if (!request)
            return;
        for (qsizetype i = 0; i < chunks.size(); ++i)
            run.session().sendCallChunk(request, chunks.at(i), {}, i + 1 < chunks.size());
        if (cancelAfterMs >= 0) {
            QObject::connect(&cancelTimer, &QTimer::timeout, &cancelTimer, [&, request] {
                err(s("canceling (mode %1)").arg(cancelMode));
                run.session().cancel(request, cancelMode);
            });
            cancelTimer.start(cancelAfterMs);
        }
    });
}

} // namespace wb::cli
