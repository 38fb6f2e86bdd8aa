// SPDX-License-Identifier: GPL-3.0-or-later
// meta, sessions, kill: the WAMP meta API of any router that offers it.

#include "commands/commands.h"

#include "clientrun.h"
#include "output.h"

#include "session/metaclient.h"
#include "wamp/ids.h"
#include "wamp/uri.h"

#include <algorithm>

namespace wb::cli {

using namespace wb::wamp;

namespace {
List idList(const QList<quint64> &ids)
{
    List out;
    for (quint64 id : ids)
        out.append(id);
    return out;
}
} // namespace

int runMeta(const QStringList &arguments)
{
    const bool shortcut = arguments.value(1) == u"sessions";
    ClientCommand cmd(s("List the sessions, subscriptions or registrations of the realm through the WAMP meta API\n"
                        "(wamp.session.list + get, wamp.subscription.list + get + list_subscribers,\n"
                        "wamp.registration.list + get + list_callees): one JSON line per item. Works against any\n"
                        "router that offers the meta API to this session. 'sessions' is short for 'meta sessions'."));
    QCommandLineParser &p = cmd.parser();
    p.addPositionalArgument(shortcut ? s("sessions") : s("meta"), s("The command."));
    if (!shortcut)
        p.addPositionalArgument(s("WHAT"), s("sessions, subscriptions or registrations."));
    static const QStringList kinds{s("sessions"), s("subscriptions"), s("registrations")};
    const auto positionalsOk = [shortcut](const QStringList &pos) {
        return pos.size() == (shortcut ? 1 : 2) && kinds.contains(shortcut ? s("sessions") : pos.value(1));
    };
    if (auto rc = cmd.parse(arguments, positionalsOk,
                            s("usage: wampscope-cli meta sessions|subscriptions|registrations (or: wampscope-cli sessions)")))
        return *rc;
    const QString what = shortcut ? s("sessions") : cmd.positionals().at(1);

    ClientRun run(cmd.common());
    session::MetaClient meta(&run.session());
    auto onError = [&](const session::WampError &e) { run.fail(e); };
    return run.exec([&] {
        if (what == u"sessions") {
            meta.fetchSessions(
                [&](QList<Dict> list) {
                    std::sort(list.begin(), list.end(), [](const Dict &a, const Dict &b) {
                        return a.value(s("session")).toUInt64() < b.value(s("session")).toUInt64();
                    });
                    for (const Dict &d : std::as_const(list))
                        out(jsonLine(d));
                    run.finish(ExitOk);
                },
                onError);
        } else if (what == u"subscriptions") {
            meta.fetchSubscriptions(
                [&](const QList<session::MetaSubscription> &list) {
                    for (const session::MetaSubscription &m : list)
                        out(jsonLine(Dict{{s("id"), m.id}, {s("uri"), m.uri}, {s("match"), m.match},
                                          {s("created"), m.created}, {s("subscribers"), idList(m.subscribers)}}));
                    run.finish(ExitOk);
                },
                onError);
        } else {
            meta.fetchRegistrations(
                [&](const QList<session::MetaRegistration> &list) {
                    for (const session::MetaRegistration &m : list)
                        out(jsonLine(Dict{{s("id"), m.id}, {s("uri"), m.uri}, {s("match"), m.match},
                                          {s("invoke"), m.invoke}, {s("created"), m.created},
                                          {s("callees"), idList(m.callees)}}));
                    run.finish(ExitOk);
                },
                onError);
        }
    });
}

int runKill(const QStringList &arguments)
{
    ClientCommand cmd(s("Kill SESSION_ID through wamp.session.kill: the router sends it GOODBYE with the reason.\n"
                        "Prints {\"killed\":SESSION_ID}. A WAMP error (e.g. wamp.error.no_such_session) exits 1."));
    QCommandLineParser &p = cmd.parser();
    p.addPositionalArgument(s("kill"), s("The command."));
    p.addPositionalArgument(s("SESSION_ID"), s("The session to kill."));
    p.addOption({s("reason"), s("GOODBYE reason URI (the router's default: wamp.close.killed)."), s("URI")});
    p.addOption({s("message"), s("Message for the killed session."), s("TEXT")});
    if (auto rc = cmd.parseArguments(arguments))
        return *rc;
    const QStringList &pos = cmd.positionals();
    bool ok = false;
    const quint64 id = pos.value(1).toULongLong(&ok);
    if (pos.size() != 2 || !ok || !isValidId(id)) {
        err(s("usage: wampscope-cli kill SESSION_ID [--reason URI] [--message TEXT] (SESSION_ID: 1..2^53)"));
        return ExitUsage;
    }
    const QString reason = p.value(s("reason"));
    if (!reason.isEmpty() && !isValidUri(reason)) {
        err(s("invalid --reason URI: ") + uriProblem(reason));
        return ExitUsage;
    }
    if (auto rc = cmd.parseClientOptions())
        return *rc;
    ClientRun run(cmd.common());
    session::MetaClient meta(&run.session());
    return run.exec([&] {
        meta.killSession(
            id, reason, p.value(s("message")),
            [&] {
                out(jsonLine(Dict{{s("killed"), id}}));
                run.finish(ExitOk);
            },
            [&](const session::WampError &e) { run.fail(e); });
    });
}

} // namespace wb::cli
