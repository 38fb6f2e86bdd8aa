// SPDX-License-Identifier: GPL-3.0-or-later
#include "fakes/routerharness.h"

#include <QTest>

namespace wb::testing {

RouterHarness::RouterHarness(QObject *parent) : QObject(parent) {}

RouterHarness::~RouterHarness()
{
    reset();
}

router::RouterConfig RouterHarness::baseConfig(const QString &realm)
{
    router::RouterConfig c;
    c.listeners = {router::ListenerConfig{QUrl(QStringLiteral("ws://127.0.0.1:0/ws"))},
                   router::ListenerConfig{QUrl(QStringLiteral("rs://127.0.0.1:0"))}};
    c.realms = {router::RealmConfig{realm}};
    return c;
}

bool RouterHarness::start(const router::RouterConfig &config)
{
    reset();
    m_error.clear();
    m_router = std::make_unique<router::Router>(config);
    connect(m_router.get(), &router::Router::logMessage, this, [this](const QString &t) { m_log.append(t); });
    const Status st = m_router->start();
    m_error = st.errorString();
    return st.ok();
}

void RouterHarness::reset()
{
    // Peers first: their transports close while the router still runs, as a real client would.
    m_peers.clear();
    m_router.reset();
}

QUrl RouterHarness::urlFor(const QString &kind) const
{
    if (!m_router)
        return {};
    for (const QUrl &u : m_router->listeningUrls()) {
        if (u.scheme() == kind)
            return u;
    }
    return {};
}

FakePeer *RouterHarness::peer(const QString &kind, codec::SerializerId serializer)
{
    auto p = std::make_unique<FakePeer>();
    if (!p->connectTo(urlFor(kind), serializer)) {
        m_error = p->errorString();
        return nullptr;
    }
    m_peers.push_back(std::move(p));
    return m_peers.back().get();
}

FakePeer *RouterHarness::joinedTo(const QString &kind, const QString &realm, codec::SerializerId serializer, wamp::Dict details)
{
    FakePeer *p = peer(kind, serializer);
    if (!p)
        return nullptr;
    if (!p->join(realm, std::move(details))) {
        m_error = p->errorString();
        return nullptr;
    }
    return p;
}

bool RouterHarness::logContains(const QString &text) const
{
    for (const QString &l : m_log) {
        if (l.contains(text))
            return true;
    }
    return false;
}

void RouterHarness::addTransportRows()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("ws") << QStringLiteral("ws");
    QTest::newRow("rs") << QStringLiteral("rs");
}

} // namespace wb::testing
