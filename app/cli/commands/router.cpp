// SPDX-License-Identifier: GPL-3.0-or-later
// router: the built-in WAMP router as a process (also the GUI's headless fallback, app/main.cpp).

#include "cli.h"

#include "clientoptions.h"
#include "output.h"
#include "stophandler.h"

#include "router/router.h"
#include "wamp/uri.h"

#include <QCommandLineParser>
#include <QLoggingCategory>
#include <QTimer>

namespace wb::cli {

using namespace wb::wamp;

int runRouterCommand(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(s("Run the built-in WAMP router (basic profile).\n"
                                  "Defaults: ws://127.0.0.1:8080/ws and rs://127.0.0.1:8081, realm realm1 (anonymous).\n"
                                  "Prints 'listening on URL' per listener and one line per session join and leave."));
    p.addHelpOption();
    p.addPositionalArgument(s("router"), s("The command."));
    p.addOption({s("config"), s("Router configuration file (JSON, see README)."), s("FILE")});
    p.addOption({s("listen"), s("Listen on URL (ws://host:port/path, wss://host:port/path, rs://host:port, rss://host:port, unix:///path). Repeatable; replaces the configured listeners."), s("URL")});
    p.addOption({s("tls-cert"), s("PEM certificate for wss:// and rss:// listeners that have none in the config."), s("FILE")});
    p.addOption({s("tls-key"), s("PEM private key for --tls-cert."), s("FILE")});
    p.addOption({s("realm"), s("Serve realm NAME with anonymous access. Repeatable; replaces the configured realms."), s("NAME")});
    p.addOption({s("auto-realms"), s("Create realms on demand when a client asks for an unknown one.")});
    p.addOption({s("max-message-size"), s("Maximum message size in bytes on every listener (default 16 MiB)."), s("BYTES")});
    p.addOption({{s("v"), s("verbose")}, s("Also log connections, handshakes and routing details (Qt categories wb.*).")});
    if (auto rc = parseOrHelp(p, arguments))
        return *rc;
    if (!p.isSet(s("verbose")))
        QLoggingCategory::setFilterRules(s("wb.*.debug=false\nwb.*.info=false"));

    router::RouterConfig config = router::RouterConfig::defaults();
    if (p.isSet(s("config"))) {
        auto c = router::RouterConfig::fromFile(p.value(s("config")));
        if (!c.ok()) {
            err(s("wampscope-cli router: ") + c.errorString());
            return ExitUsage;
        }
        config = *c;
    }
    qint64 maxSize = 0;
    if (p.isSet(s("max-message-size"))) {
        bool ok = false;
        maxSize = p.value(s("max-message-size")).toLongLong(&ok);
        if (!ok || maxSize < 512) {
            err(s("wampscope-cli router: --max-message-size must be a number of bytes >= 512"));
            return ExitUsage;
        }
    }
    if (p.isSet(s("listen"))) {
        config.listeners.clear();
        for (const QString &u : p.values(s("listen")))
            config.listeners.append(router::ListenerConfig{QUrl(u)});
    }
    if (maxSize > 0)
        for (auto &l : config.listeners)
            l.maxMessageSize = maxSize;
    if (p.isSet(s("tls-cert")) != p.isSet(s("tls-key"))) {
        err(s("wampscope-cli router: --tls-cert and --tls-key go together"));
        return ExitUsage;
    }
    if (p.isSet(s("tls-cert"))) {
        bool used = false;
        for (auto &l : config.listeners) {
            if (transport::isSecureUrl(l.url) && !l.tls.isSet()) {
                l.tls.certificateFile = p.value(s("tls-cert"));
                l.tls.keyFile = p.value(s("tls-key"));
                used = true;
            }
        }
        if (!used) {
            err(s("wampscope-cli router: --tls-cert needs a wss:// or rss:// listener without its own tls settings"));
            return ExitUsage;
        }
    }
    if (const Status valid = config.validate(); !valid.ok()) {
        err(s("wampscope-cli router: ") + valid.errorString());
        return ExitUsage;
    }
    if (p.isSet(s("realm"))) {
        config.realms.clear();
        for (const QString &r : p.values(s("realm"))) {
            if (!isValidUri(r)) {
                err(s("wampscope-cli router: invalid realm name: ") + uriProblem(r));
                return ExitUsage;
            }
            router::RealmConfig rc;
            rc.name = r;
            config.realms.append(rc);
        }
    }
    if (p.isSet(s("auto-realms")))
        config.autoCreateRealms = true;

    router::Router r(config);
    QObject::connect(&r, &router::Router::sessionJoined, &r, [](const router::SessionInfo &i) {
        out(s("session %1 joined realm %2 as %3 (role %4, %5) via %6/%7 from %8")
                .arg(i.id)
                .arg(i.realm, i.authid, i.authrole, i.authmethod, i.transport, i.serializer, i.peer));
    });
    QObject::connect(&r, &router::Router::sessionLeft, &r, [](const router::SessionInfo &i, const QString &reason) {
        out(s("session %1 left realm %2: %3").arg(i.id).arg(i.realm, reason));
    });
    QObject::connect(&r, &router::Router::logMessage, &r, [](const QString &text) { err(text); });
    const Status st = r.start();
    if (!st.ok()) {
        err(s("wampscope-cli router: ") + st.errorString());
        return ExitConnection;
    }
    for (const QUrl &u : r.listeningUrls())
        out(s("listening on ") + u.toString());
    QStringList realms;
    for (const auto &rc : config.realms)
        realms << rc.name;
    err(s("realms: %1%2").arg(realms.join(s(", ")), config.autoCreateRealms ? s(" (others created on demand)") : QString()));
    installStopHandler([&r] {
        err(s("shutting down"));
        r.stop();
        QTimer::singleShot(2500, QCoreApplication::instance(), &QCoreApplication::quit);
        QObject::connect(&r, &router::Router::sessionLeft, &r, [&r] {
            if (r.sessionCount() == 0)
                QCoreApplication::quit();
        });
        if (r.sessionCount() == 0)
            QCoreApplication::quit();
    });
    return QCoreApplication::exec();
}

} // namespace wb::cli
