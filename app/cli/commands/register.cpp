// SPDX-License-Identifier: GPL-3.0-or-later
// register: a mock procedure (echo, a fixed result or an error), with progressive results, delays, interrupts.

#include "commands/commands.h"

#include "clientrun.h"
#include "output.h"

#include "codec/serializer.h"
#include "wamp/errors.h"
#include "wamp/uri.h"

#include <QHash>

namespace wb::cli {

using namespace wb::wamp;

int runRegister(const QStringList &arguments)
{
    ClientCommand cmd(s("Register PROCEDURE as a mock and serve invocations. Prints 'registered ...' on stderr\n"
                        "once active, then one JSON line per invocation:\n"
                        "{\"args\":[...],\"details\":{...},\"kwargs\":{...},\"procedure\":URI}."));
    QCommandLineParser &p = cmd.parser();
    p.addPositionalArgument(s("register"), s("The command."));
    p.addPositionalArgument(s("PROCEDURE"), s("Procedure URI."));
    p.addOption({s("echo"), s("Answer with the call's own args and kwargs.")});
    p.addOption({s("result"), s("Answer with JSON: a list becomes args, any other value a single argument."), s("JSON")});
    p.addOption({s("result-kwargs"), s("Answer kwargs (a JSON object), with --result."), s("JSON")});
    p.addOption({s("error"), s("Answer with an ERROR of this URI."), s("URI")});
    p.addOption({s("error-args"), s("Arguments of the error (a JSON list)."), s("JSON")});
    p.addOption({s("error-kwargs"), s("Keyword arguments of the error (a JSON object)."), s("JSON")});
    p.addOption({s("match"), s("exact, prefix or wildcard registration (default exact)."), s("POLICY"), s("exact")});
    p.addOption({s("invoke"), s("Shared registration policy: single (default), roundrobin, random, first or last."), s("POLICY")});
    p.addOption({s("disclose-caller"), s("Ask the router to disclose callers (REGISTER.Options.disclose_caller).")});
    p.addOption({s("progress"), s("When the caller asked for progressive results, send N progressive results "
                                  "(args [0], [1], ...) before the answer."), s("N")});
    p.addOption({s("delay"), s("Answer after MS milliseconds (an INTERRUPT stops the wait)."), s("MS")});
    p.addOption({s("count"), s("Exit after serving N invocations."), s("N")});
    if (auto rc = cmd.parse(arguments, 2, 2,
                            s("usage: wampscope-cli register PROCEDURE (--echo | --result JSON | --error URI) [--count N]")))
        return *rc;
    ClientCommon &c = cmd.common();
    const QString procedure = cmd.positionals().at(1);
    const int modes = int(p.isSet(s("echo"))) + int(p.isSet(s("result"))) + int(p.isSet(s("error")));
    if (modes != 1) {
        err(s("register needs exactly one of --echo, --result JSON or --error URI"));
        return ExitUsage;
    }
    const auto match = parseMatchPolicy(p.value(s("match")));
    if (!match) {
        err(s("--match must be exact, prefix or wildcard"));
        return ExitUsage;
    }
    if (!isValidUri(procedure, UriStrictness::Loose, emptyComponentsFor(*match))) {
        err(s("invalid procedure: ") + uriProblem(procedure, UriStrictness::Loose, emptyComponentsFor(*match)));
        return ExitUsage;
    }
    if (*match != MatchPolicy::Exact)
        c.options.insert(s("match"), matchPolicyName(*match));
    if (p.isSet(s("invoke"))) {
        const QString invoke = p.value(s("invoke"));
        if (!QStringList{s("single"), s("roundrobin"), s("random"), s("first"), s("last")}.contains(invoke)) {
            err(s("--invoke must be single, roundrobin, random, first or last, got '%1'").arg(invoke));
            return ExitUsage;
        }
        c.options.insert(s("invoke"), invoke);
    }
    if (p.isSet(s("disclose-caller")))
        c.options.insert(s("disclose_caller"), true);
    int progressCount = -1, delayMs = -1;
    if (!parseMillis(p, s("progress"), progressCount, 1) || !parseMillis(p, s("delay"), delayMs))
        return ExitUsage;
    auto strictJson = [](const QString &flag, const QString &text, Value &into) {
        auto v = codec::serializer(codec::SerializerId::Json)->decode(text.toUtf8());
        if (!v.ok()) {
            err(s("%1 is not valid JSON: %2").arg(flag, v.errorString()));
            return false;
        }
        into = *v;
        return true;
    };
    List resultArgs, errorArgs;
    Dict resultKwargs, errorKwargs;
    if (p.isSet(s("result"))) {
        Value v;
        if (!strictJson(s("--result"), p.value(s("result")), v))
            return ExitUsage;
        resultArgs = v.isList() ? v.toList() : List{v};
    }
    if (p.isSet(s("result-kwargs"))) {
        Value v;
        if (!strictJson(s("--result-kwargs"), p.value(s("result-kwargs")), v) || !v.isDict()) {
            err(s("--result-kwargs must be a JSON object"));
            return ExitUsage;
        }
        resultKwargs = v.toDict();
    }
    const QString errorUri = p.value(s("error"));
    if (p.isSet(s("error")) && !isValidUri(errorUri)) {
        err(s("invalid error URI: ") + uriProblem(errorUri));
        return ExitUsage;
    }
    if (p.isSet(s("error-args"))) {
        Value v;
        if (!strictJson(s("--error-args"), p.value(s("error-args")), v) || !v.isList()) {
            err(s("--error-args must be a JSON list"));
            return ExitUsage;
        }
        errorArgs = v.toList();
    }
    if (p.isSet(s("error-kwargs"))) {
        Value v;
        if (!strictJson(s("--error-kwargs"), p.value(s("error-kwargs")), v) || !v.isDict()) {
            err(s("--error-kwargs must be a JSON object"));
            return ExitUsage;
        }
        errorKwargs = v.toDict();
    }
    int count = 0;
    if (!parseCount(p, count))
        return ExitUsage;
    const bool echo = p.isSet(s("echo"));
    const bool isError = p.isSet(s("error"));

    ClientRun run(c);
    int served = 0;
    QHash<quint64, QTimer *> delayed; // invocation request ID -> pending answer (--delay)
    auto answer = [&](const session::InvocationData &inv) {
        if (progressCount > 0 && inv.details.value(s("receive_progress")).toBool()) {
            for (int i = 0; i < progressCount; ++i)
                run.session().yield(inv.requestId, List{i}, {}, Dict{{s("progress"), true}});
        }
        if (echo)
            run.session().yield(inv.requestId, inv.args, inv.kwargs);
        else if (isError)
            run.session().yieldError(inv.requestId, errorUri, errorArgs, errorKwargs);
        else
            run.session().yield(inv.requestId, resultArgs, resultKwargs);
        ++served;
        if (count > 0 && served >= count)
            run.finish(ExitOk);
    };
    return run.exec([&] {
        run.session().registerProcedure(
            procedure, c.options,
            [&](const session::InvocationData &inv) {
                Dict line{{s("procedure"), inv.procedure}, {s("args"), inv.args}, {s("kwargs"), inv.kwargs},
                          {s("details"), inv.details}};
                if (inv.progress || inv.continuation)
                    line.insert(s("request"), inv.requestId);
                out(jsonLine(line));
                if (inv.progress)
                    return; // a progressive call invocation: answer once the final input chunk arrives
                if (delayMs <= 0)
                    return answer(inv);
                auto *timer = new QTimer(&run.session());
                timer->setSingleShot(true);
                delayed.insert(inv.requestId, timer);
                QObject::connect(timer, &QTimer::timeout, timer, [&, inv, timer] {
                    delayed.remove(inv.requestId);
                    timer->deleteLater();
                    answer(inv);
                });
                timer->start(delayMs);
            },
            [&](quint64 id) { err(s("registered %1 (registration %2)").arg(procedure).arg(id)); },
            [&](const session::WampError &e) { run.fail(e); },
            [&](quint64 request, const QString &mode) {
                out(jsonLine(Dict{{s("interrupt"), request}, {s("mode"), mode}}));
                if (QTimer *timer = delayed.take(request))
                    timer->deleteLater();
                if (mode != u"killnowait")
                    run.session().yieldError(request, uris::canceled, List{s("interrupted")});
                ++served;
                if (count > 0 && served >= count)
                    run.finish(ExitOk);
            });
    });
}

} // namespace wb::cli
