// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The built-in WAMP router (Basic Profile plus a few stable Advanced features). Structure follows CppWAMP:
// Router (listeners, accept, realm lookup) -> RouterSession (one per connection: decode, validate, session
// state machine, authentication) -> Realm -> Broker / Dealer. Everything runs on the Router's thread.

#include "routerconfig.h"
#include "routerlog.h"
#include "routerstats.h"
#include "wamp/errors.h"
#include "wamp/result.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QUrl>

#include <map>
#include <memory>

class QTimer;

namespace wb::transport {
class Listener;
class Transport;
} // namespace wb::transport

namespace wb::router {

class Realm;
class RouterSession;

/// A joined session, as reported by sessions(), sessionJoined() and sessionLeft().
struct SessionInfo
{
    quint64 id = 0;
    QString realm;
    QString authid;
    QString authrole;
    QString authmethod;
    QString authprovider;
    QString transport;  ///< "websocket", "websocket-tls", "rawsocket-tcp", "rawsocket-tls", "rawsocket-unix"
    QString serializer; ///< "json", "msgpack", "cbor"
    QString peer;       ///< e.g. "127.0.0.1:51234"
};

class Router : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Router)
public:
    explicit Router(RouterConfig config, QObject *parent = nullptr);
    ~Router() override;

    /// Listen on every configured URL. Fails (and stops the listeners already started) if one fails, with the reason.
    Status start();
    /// GOODBYE to every session, close the listeners; sessions that do not reply within ~2 s are closed.
    /// Emits stopped() once every connection is gone.
    void stop(const QString &reason = wamp::uris::closeSystemShutdown);
    bool isListening() const { return !m_listeners.isEmpty(); }
    /// The real URLs (port 0 resolved).
    QList<QUrl> listeningUrls() const;
    /// Joined (WELCOMEd) sessions.
    int sessionCount() const;
    QList<SessionInfo> sessions() const;
    const RouterConfig &config() const { return m_config; }
    RouterStats stats() const { return m_stats; }
    /// The last lines of logMessage(), readable from any thread (RouterHost batches them to the GUI).
    const RouterLog &eventLog() const { return m_eventLog; }
    /// Bytes queued for sending over all connections right now (bounded by max_outbound_queue_bytes per session).
    qint64 queuedOutboundBytes() const;
    /// Every live connection, joined or still in HELLO/authentication.
    int connectionCount() const { return int(m_connections.size()); }

signals:
    void sessionJoined(const wb::router::SessionInfo &info);
    void sessionLeft(const wb::router::SessionInfo &info, const QString &reason);
    /// Rejected connections, protocol violations, slow consumers, auth failures, ...
    void logMessage(const QString &text);
    /// After stop(): every connection is closed.
    void stopped();

private:
    friend class RouterSession;

    void onNewTransport(transport::Transport *transport);
    void closeListeners();
    void log(const QString &text);
    void checkStopped();

    // ---- used by RouterSession ----
    /// Existing realm, or a new one when auto-creation is on; nullptr if there is no such realm.
    Realm *realmFor(const QString &name);
    quint64 allocateSessionId();
    void releaseSessionId(quint64 id);
    void sessionEstablished(RouterSession *session);
    /// The session has left (cleanup done); \a joined: it had been WELCOMEd.
    void sessionFinished(RouterSession *session, bool joined, const QString &reason);
    /// The connection object is about to be deleted.
    void connectionGone(RouterSession *session);
    RouterStats &mutableStats() { return m_stats; }

    RouterConfig m_config;
    QList<transport::Listener *> m_listeners;
    QList<transport::Listener *> m_retiredListeners; ///< closed, deleted once the router has stopped
    QList<RouterSession *> m_connections;  ///< every live connection, joined or not
    QList<quint64> m_joinedOrder;          ///< joined session IDs, in join order
    QHash<quint64, RouterSession *> m_joined;
    QSet<quint64> m_sessionIds;            ///< allocated session IDs (unique in the router)
    std::map<QString, std::unique_ptr<Realm>> m_realms;
    QTimer *m_shutdownTimer = nullptr;
    bool m_stopping = false;
    RouterStats m_stats;
    RouterLog m_eventLog;
};

} // namespace wb::router

Q_DECLARE_METATYPE(wb::router::SessionInfo)
