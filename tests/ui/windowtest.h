// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Shared by the window tests (tst_mainwindow, tst_windowprofiles): the built-in router's configuration for
// them (ws on port 0, plus a ticket user alice/s3cret) and starting a RouterHost with it.

#include "router/routerhost.h"

#include <QFile>
#include <QSignalSpy>
#include <QUrl>

namespace wb::testing {

inline router::RouterConfig windowRouterConfig()
{
    router::RouterConfig cfg = router::RouterConfig::defaults();
    cfg.listeners = {router::ListenerConfig{QUrl(QStringLiteral("ws://127.0.0.1:0/ws"))}};
    router::UserConfig alice;
    alice.authid = QStringLiteral("alice");
    alice.authmethod = QStringLiteral("ticket");
    alice.secret = QStringLiteral("s3cret");
    cfg.users = {alice};
    return cfg;
}

/// Starts \a host and waits for started(); its first listening URL (invalid if it did not start).
inline QUrl startHost(router::RouterHost &host, const router::RouterConfig &cfg = windowRouterConfig())
{
    QSignalSpy started(&host, &router::RouterHost::started);
    host.start(cfg);
    if (!started.wait(10000))
        return {};
    return started.first().at(1).value<QList<QUrl>>().value(0);
}

inline QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace wb::testing
