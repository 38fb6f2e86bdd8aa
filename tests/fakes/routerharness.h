// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// An in-process Router on 127.0.0.1 port 0 driven by scripted FakePeers: the harness that tst_router*,
// tst_authorization, tst_dealer_* and tst_disclosure share. It owns the router and its peers, captures the router's
// log and builds the "ws"/"rs" data rows that run one test per transport.

#include "fakes/fakepeer.h"

#include "router/router.h"
#include "router/routerconfig.h"

#include <QObject>
#include <QStringList>

#include <memory>
#include <vector>

namespace wb::testing {

class RouterHarness : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RouterHarness)
public:
    explicit RouterHarness(QObject *parent = nullptr);
    ~RouterHarness() override;

    /// A config with one ws and one rs listener on port 0 and the anonymous realm \a realm.
    static router::RouterConfig baseConfig(const QString &realm = QStringLiteral("realm1"));

    /// Drops the previous router and peers, starts a router for \a config and captures its log.
    /// False with the reason in error() on failure.
    bool start(const router::RouterConfig &config);
    /// Drops the peers, then the router.
    void reset();

    router::Router *router() const { return m_router.get(); }
    QUrl urlFor(const QString &kind) const; ///< the listening URL whose scheme is \a kind ("ws", "rs", ...)

    /// A connected, not yet joined peer owned by the harness (nullptr with error() on failure).
    FakePeer *peer(const QString &kind, codec::SerializerId serializer = codec::SerializerId::Json);
    /// A peer joined anonymously to realm() with HELLO \a details (nullptr with error() on failure).
    FakePeer *joined(const QString &kind, codec::SerializerId serializer = codec::SerializerId::Json, wamp::Dict details = {})
    {
        return joinedTo(kind, m_realm, serializer, std::move(details));
    }
    /// A peer joined anonymously to \a realm.
    FakePeer *joinedTo(const QString &kind, const QString &realm, codec::SerializerId serializer = codec::SerializerId::Json,
                       wamp::Dict details = {});
    /// The realm joined() uses ("realm1" unless set).
    QString realm() const { return m_realm; }
    void setRealm(const QString &realm) { m_realm = realm; }

    const QStringList &log() const { return m_log; }
    bool logContains(const QString &text) const;
    void clearLog() { m_log.clear(); }
    QString error() const { return m_error; }
    void setError(const QString &error) { m_error = error; }

    /// Adds a QString column "kind" with the rows "ws" and "rs".
    static void addTransportRows();

private:
    std::unique_ptr<router::Router> m_router;
    std::vector<std::unique_ptr<FakePeer>> m_peers;
    QStringList m_log;
    QString m_error;
    QString m_realm = QStringLiteral("realm1");
};

} // namespace wb::testing
