// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Shared by the window tests (tst_mainwindow, tst_windowprofiles): the built-in router's configuration for
// them (ws on port 0, plus a ticket user alice/s3cret) and starting a RouterHost with it.

#include "mainwindow.h"
#include "router/routerhost.h"
#include "settings/secretstore.h"

#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
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

/// Fresh settings files for the window tests, one per call, in a directory removed with the object.
class SettingsFiles
{
public:
    QString fresh() { return m_dir.filePath(QStringLiteral("settings%1.ini").arg(++m_n)); }

private:
    QTemporaryDir m_dir;
    int m_n = 0;
};

/// What a test window stores into: its own INI settings file and an in-memory secret store (never the user's
/// settings or keychain). `options` points at both; a test adds its prompts to it before building the window.
struct WindowEnv
{
    explicit WindowEnv(const QString &settingsPath) : settings(settingsPath, QSettings::IniFormat)
    {
        options.settings = &settings;
        options.secrets = &secrets;
    }
    QSettings settings;
    settings::MemorySecretStore secrets;
    ui::MainWindowOptions options;
};

inline QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace wb::testing
