// SPDX-License-Identifier: GPL-3.0-or-later
#include "router.h"

#include "realm.h"
#include "routerlogging.h"
#include "routersession.h"
#include "transport/transport.h"
#include "wamp/ids.h"

#include <QTimer>

namespace wb::router {

Q_LOGGING_CATEGORY(lcRouter, "wb.router")

namespace {
/// How long stop() waits for GOODBYE replies before closing the remaining transports.
constexpr int kShutdownGraceMs = 2000;
} // namespace

Router::Router(RouterConfig config, QObject *parent) : QObject(parent), m_config(std::move(config))
{
    qRegisterMetaType<wb::router::SessionInfo>();
    for (const RealmConfig &rc : std::as_const(m_config.realms))
        m_realms.emplace(rc.name, std::make_unique<Realm>(rc, m_stats, this));
}

Router::~Router()
{
    closeListeners();
    // Delete the connections while the router's members are alive; no signals are emitted from here on.
    const QList<RouterSession *> sessions = findChildren<RouterSession *>(Qt::FindDirectChildrenOnly);
    for (RouterSession *s : sessions) {
        s->disconnect();
        delete s;
    }
    m_connections.clear();
    m_joined.clear();
    m_realms.clear();
}

Status Router::start()
{
    if (!m_listeners.isEmpty())
        return Status::failure(QStringLiteral("router.already_started"), QStringLiteral("the router is already running"));
    const Status valid = m_config.validate();
    if (!valid.ok())
        return valid;
    m_stopping = false;
    for (const ListenerConfig &lc : std::as_const(m_config.listeners)) {
        QString error;
        transport::Listener *listener = transport::createListener(lc.url, this, &error);
        if (!listener) {
            closeListeners();
            return Status::failure(QStringLiteral("router.listen_failed"),
                                   QStringLiteral("cannot listen on %1: %2").arg(lc.url.toString(), error));
        }
        listener->setMaxMessageSize(lc.maxMessageSize);
        if (transport::isSecureUrl(lc.url)) {
            transport::TlsServerFiles files;
            files.certificateFile = lc.tls.certificateFile;
            files.privateKeyFile = lc.tls.keyFile;
            files.chainFiles = lc.tls.chainFiles;
            files.keyPassphrase = lc.tls.keyPassphrase.toUtf8();
            QSslConfiguration ssl;
            if (!transport::loadServerTls(files, &ssl, &error)) {
                delete listener;
                closeListeners();
                return Status::failure(QStringLiteral("router.tls_failed"),
                                       QStringLiteral("cannot listen on %1: %2").arg(lc.url.toString(), error));
            }
            listener->setSslConfiguration(ssl);
        }
        if (!listener->listen()) {
            const QString reason = listener->errorString();
            delete listener;
            closeListeners();
            return Status::failure(QStringLiteral("router.listen_failed"),
                                   QStringLiteral("cannot listen on %1: %2").arg(lc.url.toString(), reason));
        }
        connect(listener, &transport::Listener::newTransport, this, &Router::onNewTransport);
        connect(listener, &transport::Listener::connectionRejected, this, [this](const QString &peer, const QString &reason) {
            log(QStringLiteral("connection from %1 rejected: %2").arg(peer, reason));
        });
        m_listeners.append(listener);
        qCInfo(lcRouter).noquote() << "listening on" << listener->url().toString(); // listeningUrls() reports it
    }
    return {};
}

void Router::closeListeners()
{
    for (transport::Listener *l : std::as_const(m_listeners)) {
        l->disconnect(this);
        l->close();
        m_retiredListeners.append(l);
    }
    m_listeners.clear();
}

void Router::stop(const QString &reason)
{
    const bool wasListening = !m_listeners.isEmpty();
    closeListeners();
    if (m_stopping)
        return;
    m_stopping = true;
    if (wasListening || !m_connections.isEmpty())
        log(QStringLiteral("shutting down (%1), %2 connection(s) open").arg(reason).arg(m_connections.size()));
    const QList<RouterSession *> connections = m_connections;
    for (RouterSession *s : connections)
        s->shutdown(reason, QStringLiteral("the router is shutting down"));
    if (!m_shutdownTimer) {
        m_shutdownTimer = new QTimer(this);
        m_shutdownTimer->setSingleShot(true);
        connect(m_shutdownTimer, &QTimer::timeout, this, [this] {
            const QList<RouterSession *> remaining = m_connections;
            for (RouterSession *s : remaining)
                s->forceClose(QStringLiteral("no GOODBYE reply during shutdown"));
        });
    }
    m_shutdownTimer->start(kShutdownGraceMs);
    checkStopped();
}

void Router::checkStopped()
{
    if (m_stopping && m_connections.isEmpty()) {
        if (m_shutdownTimer)
            m_shutdownTimer->stop();
        m_stopping = false;
        for (transport::Listener *l : std::as_const(m_retiredListeners))
            l->deleteLater();
        m_retiredListeners.clear();
        QMetaObject::invokeMethod(this, &Router::stopped, Qt::QueuedConnection);
    }
}

QList<QUrl> Router::listeningUrls() const
{
    QList<QUrl> urls;
    for (const transport::Listener *l : m_listeners)
        urls.append(l->url());
    return urls;
}

int Router::sessionCount() const
{
    return int(m_joined.size());
}

qint64 Router::queuedOutboundBytes() const
{
    qint64 total = 0;
    for (const RouterSession *s : m_connections)
        total += s->queuedBytes();
    return total;
}

QList<SessionInfo> Router::sessions() const
{
    QList<SessionInfo> list;
    for (quint64 id : m_joinedOrder) {
        if (const RouterSession *s = m_joined.value(id))
            list.append(s->info());
    }
    return list;
}

void Router::log(const QString &text)
{
    qCDebug(lcRouter).noquote() << text; // the text itself goes out through logMessage() and eventLog()
    m_eventLog.append(text);
    emit logMessage(text);
}

void Router::onNewTransport(transport::Transport *transport)
{
    if (m_stopping) {
        transport->setParent(this);
        transport->abort();
        transport->deleteLater();
        return;
    }
    const int pendingMax = m_config.maxPendingConnections;
    const qsizetype pending = m_connections.size() - m_joined.size();
    if (pendingMax > 0 && pending >= pendingMax) {
        // Too many connections still in HELLO/authentication: refuse before spending anything on this one.
        log(QStringLiteral("connection from %1 refused: %2 connections are still joining (max_pending_connections)")
                .arg(transport->peerAddress())
                .arg(pending));
        transport->setParent(this);
        connect(transport, &transport::Transport::closed, transport, &QObject::deleteLater);
        QTimer::singleShot(5000, transport, &QObject::deleteLater);
        transport->close(QStringLiteral("too many pending connections"));
        return;
    }
    auto *session = new RouterSession(*this, transport);
    m_connections.append(session);
    qCDebug(lcRouter) << "new connection from" << session->info().peer << session->info().transport
                      << session->info().serializer;
}

Realm *Router::realmFor(const QString &name)
{
    const auto it = m_realms.find(name);
    if (it != m_realms.end())
        return it->second.get();
    if (!m_config.autoCreateRealms)
        return nullptr;
    RealmConfig rc;
    rc.name = name;
    log(QStringLiteral("realm %1 created on first join").arg(name));
    return m_realms.emplace(name, std::make_unique<Realm>(rc, m_stats, this)).first->second.get();
}

quint64 Router::allocateSessionId()
{
    quint64 id = wamp::randomId();
    while (m_sessionIds.contains(id))
        id = wamp::randomId();
    m_sessionIds.insert(id);
    return id;
}

void Router::releaseSessionId(quint64 id)
{
    m_sessionIds.remove(id);
}

void Router::sessionEstablished(RouterSession *session)
{
    const SessionInfo &i = session->info();
    m_joined.insert(i.id, session);
    m_joinedOrder.append(i.id);
    // Joins and leaves have their own signals; logMessage() carries only what has no other channel.
    qCInfo(lcRouter).noquote() << QStringLiteral("session %1 joined realm %2 as %3/%4 (%5) from %6 over %7/%8")
                                      .arg(i.id)
                                      .arg(i.realm, i.authid, i.authrole, i.authmethod, i.peer, i.transport, i.serializer);
    emit sessionJoined(i);
}

void Router::sessionFinished(RouterSession *session, bool joined, const QString &reason)
{
    const SessionInfo info = session->info();
    if (info.id != 0)
        releaseSessionId(info.id);
    if (joined) {
        m_joined.remove(info.id);
        m_joinedOrder.removeOne(info.id);
        qCInfo(lcRouter).noquote() << QStringLiteral("session %1 left realm %2: %3").arg(info.id).arg(info.realm, reason);
        emit sessionLeft(info, reason);
    }
}

void Router::connectionGone(RouterSession *session)
{
    m_connections.removeOne(session);
    checkStopped();
}

} // namespace wb::router
