// SPDX-License-Identifier: GPL-3.0-or-later
// subscribe: one subscription (exact, prefix or wildcard), one JSON line per event.

#include "commands/commands.h"

#include "clientrun.h"
#include "output.h"

#include "wamp/uri.h"

namespace wb::cli {

using namespace wb::wamp;

int runSubscribe(const QStringList &arguments)
{
    ClientCommand cmd(s("Subscribe to TOPIC and print one JSON line per event:\n"
                        "{\"args\":[...],\"details\":{...},\"kwargs\":{...}}. Prints 'subscribed ...' on stderr once active."));
    QCommandLineParser &p = cmd.parser();
    p.addPositionalArgument(s("subscribe"), s("The command."));
    p.addPositionalArgument(s("TOPIC"), s("Topic URI or pattern."));
    p.addOption({s("match"), s("exact, prefix or wildcard (default exact)."), s("POLICY"), s("exact")});
    p.addOption({s("count"), s("Exit after N events."), s("N")});
    p.addOption({s("timeout"), s("Exit after SECONDS (exit 4 when --count events have not arrived by then)."), s("SECONDS")});
    if (auto rc = cmd.parse(arguments, 2, 2,
                            s("usage: wampscope-cli subscribe TOPIC [--match exact|prefix|wildcard] [--count N] [--timeout SECONDS]")))
        return *rc;
    ClientCommon &c = cmd.common();
    const QString topic = cmd.positionals().at(1);
    const auto match = parseMatchPolicy(p.value(s("match")));
    if (!match) {
        err(s("--match must be exact, prefix or wildcard"));
        return ExitUsage;
    }
    if (!isValidUri(topic, UriStrictness::Loose, emptyComponentsFor(*match))) {
        err(s("invalid topic: ") + uriProblem(topic, UriStrictness::Loose, emptyComponentsFor(*match)));
        return ExitUsage;
    }
    if (*match != MatchPolicy::Exact)
        c.options.insert(s("match"), matchPolicyName(*match));
    int count = 0;
    if (!parseCount(p, count))
        return ExitUsage;
    int timeoutMs = 0;
    if (!parseSeconds(p, s("timeout"), timeoutMs))
        return ExitUsage;

    ClientRun run(c);
    QTimer timer;
    timer.setSingleShot(true);
    int received = 0;
    return run.exec([&] {
        if (timeoutMs > 0) {
            QObject::connect(&timer, &QTimer::timeout, &timer, [&] {
                if (count > 0) {
                    err(s("timeout: %1 of %2 events received").arg(received).arg(count));
                    run.finish(ExitTimeout);
                } else {
                    run.finish(ExitOk);
                }
            });
            timer.start(timeoutMs);
        }
        run.session().subscribe(
            topic, c.options,
            [&](const session::EventData &e) {
                if (count > 0 && received >= count)
                    return;
                ++received;
                out(jsonLine(Dict{{s("args"), e.args}, {s("kwargs"), e.kwargs}, {s("details"), e.details}}));
                if (count > 0 && received >= count)
                    run.finish(ExitOk);
            },
            [&](quint64 id) { err(s("subscribed %1 (%2, subscription %3)").arg(topic, matchPolicyName(*match)).arg(id)); },
            [&](const session::WampError &e) { run.fail(e); });
    });
}

} // namespace wb::cli
