// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Small helpers every test file used to copy: the s() string shorthand, a client profile for a URL, the process's
// resident set size (benchmarks print it), and a listener watcher that keeps accepted transports and rejections.

#include "settings/connectionprofile.h"
#include "transport/transport.h"

#include <QFile>
#include <QList>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace wb::testing {

/// UTF-8 literal to QString (tests build with QT_NO_CAST_FROM_ASCII).
inline QString s(const char *text) { return QString::fromUtf8(text); }

/// A minimal client profile for \a url (fresh id, name "test").
inline settings::ConnectionProfile profileFor(const QUrl &url)
{
    settings::ConnectionProfile p;
    p.id = settings::ConnectionProfile::newId();
    p.name = QStringLiteral("test");
    p.url = url;
    return p;
}

/// Resident set size of this process in bytes (-1 where /proc is missing). Benchmarks print it; no test asserts it.
inline qint64 rssBytes()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> parts = f.readAll().split(' ');
    return parts.size() > 1 ? parts.at(1).toLongLong() * 4096 : -1;
}

/// Keeps what a listener accepts (reparented to \a owner, so they die with it) and why it rejected connections.
struct ListenerWatch
{
    QList<QPointer<transport::Transport>> accepted;
    QStringList rejected;

    void watch(transport::Listener *listener, QObject *owner)
    {
        QObject::connect(listener, &transport::Listener::newTransport, owner, [this, owner](transport::Transport *t) {
            t->setParent(owner);
            accepted.append(t);
        });
        QObject::connect(listener, &transport::Listener::connectionRejected, owner,
                         [this](const QString &, const QString &reason) { rejected.append(reason); });
    }

    /// Deletes the accepted transports still alive and forgets the rejections.
    void clear()
    {
        for (const auto &t : std::as_const(accepted))
            delete t.data();
        accepted.clear();
        rejected.clear();
    }
};

} // namespace wb::testing
