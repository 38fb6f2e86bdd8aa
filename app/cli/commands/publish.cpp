// SPDX-License-Identifier: GPL-3.0-or-later
// publish: one PUBLISH, with the Advanced Profile's black/white lists and disclosure.

#include "commands/commands.h"

#include "clientrun.h"
#include "output.h"

namespace wb::cli {

using namespace wb::wamp;

int runPublish(const QStringList &arguments)
{
    ClientCommand cmd(s("Publish an event to TOPIC with positional ARGs and --kwarg KEY=VALUE pairs.\n"
                        "With --acknowledge waits for the router's PUBLISHED and prints {\"publication\":ID}."));
    QCommandLineParser &p = cmd.parser();
    p.addPositionalArgument(s("publish"), s("The command."));
    p.addPositionalArgument(s("TOPIC"), s("Topic URI."));
    p.addPositionalArgument(s("ARG"), s("Positional arguments (JSON when valid, else a string)."), s("[ARG...]"));
    p.addOption({s("kwarg"), s("Keyword argument KEY=VALUE. Repeatable."), s("KEY=VALUE")});
    p.addOption({s("acknowledge"), s("Ask the router to acknowledge (PUBLISHED or ERROR).")});
    p.addOption({s("exclude-me"), s("Do not deliver the event to this session (the router's default).")});
    p.addOption({s("no-exclude-me"), s("Also deliver the event to this session when it is subscribed (exclude_me=false).")});
    p.addOption({s("eligible"), s("Deliver only to these session IDs (comma-separated; repeatable)."), s("ID,...")});
    p.addOption({s("exclude"), s("Never deliver to these session IDs (comma-separated; repeatable)."), s("ID,...")});
    p.addOption({s("eligible-authid"), s("Deliver only to sessions with these authids."), s("AUTHID,...")});
    p.addOption({s("exclude-authid"), s("Never deliver to sessions with these authids."), s("AUTHID,...")});
    p.addOption({s("eligible-authrole"), s("Deliver only to sessions with these authroles."), s("ROLE,...")});
    p.addOption({s("exclude-authrole"), s("Never deliver to sessions with these authroles."), s("ROLE,...")});
    p.addOption({s("disclose-me"), s("Ask the router to disclose this publisher to subscribers (disclose_me).")});
    if (auto rc = cmd.parse(arguments, 2, -1,
                            s("usage: wampscope-cli publish TOPIC [ARG]... [--kwarg KEY=VALUE]... [--acknowledge]")))
        return *rc;
    ClientCommon &c = cmd.common();
    QString topic;
    List args;
    Dict kwargs;
    if (!cmd.parseTarget(s("topic"), topic, args, kwargs))
        return ExitUsage;
    if (p.isSet(s("acknowledge")))
        c.options.insert(s("acknowledge"), true);
    if (p.isSet(s("exclude-me")) && p.isSet(s("no-exclude-me"))) {
        err(s("--exclude-me and --no-exclude-me contradict each other"));
        return ExitUsage;
    }
    if (p.isSet(s("exclude-me")) || p.isSet(s("no-exclude-me")))
        c.options.insert(s("exclude_me"), p.isSet(s("exclude-me")));
    if (p.isSet(s("disclose-me")))
        c.options.insert(s("disclose_me"), true);
    if (!parseListOption(p, s("eligible"), s("eligible"), true, c.options)
        || !parseListOption(p, s("exclude"), s("exclude"), true, c.options)
        || !parseListOption(p, s("eligible-authid"), s("eligible_authid"), false, c.options)
        || !parseListOption(p, s("exclude-authid"), s("exclude_authid"), false, c.options)
        || !parseListOption(p, s("eligible-authrole"), s("eligible_authrole"), false, c.options)
        || !parseListOption(p, s("exclude-authrole"), s("exclude_authrole"), false, c.options))
        return ExitUsage;
    const bool ack = c.options.value(s("acknowledge")).toBool();

    ClientRun run(c);
    return run.exec([&] {
        run.session().publish(
            topic, args, kwargs, c.options,
            [&](quint64 publication) {
                if (ack)
                    out(jsonLine(Dict{{s("publication"), publication}}));
                run.finish(ExitOk);
            },
            [&](const session::WampError &e) { run.fail(e); });
    });
}

} // namespace wb::cli
