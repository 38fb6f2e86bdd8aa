// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "transport/transport.h"

#include <QUrl>

class QLocalServer;
class QTcpServer;

namespace wb::transport {

class RawSocketTransport;

/// Accepts RawSocket connections on rs://host:port, tcp://host:port (QTcpServer), rss://host:port or
/// tcps://host:port (TLS: every accepted socket is a QSslSocket in server mode; setSslConfiguration() before
/// listen(); a failed TLS handshake is reported by connectionRejected()) or unix:///path
/// (QLocalServer; a stale socket file at that path is removed first). Every accepted socket gets a
/// server-side RawSocketTransport; once its handshake succeeded it is handed out by newTransport() (still
/// parented to the listener until the receiver reparents it). Failed handshakes are reported by
/// connectionRejected(peer, reason) and the connection is dropped.
class RawSocketListener : public Listener
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RawSocketListener)
public:
    explicit RawSocketListener(const QUrl &url, bool secure = false, QObject *parent = nullptr);
    ~RawSocketListener() override;

    bool listen() override;
    void close() override;
    QUrl url() const override;
    QString errorString() const override;
    bool isListening() const;
    /// Client handshake timeout for new connections (default 10 s).
    void setHandshakeTimeoutMs(int ms) { m_handshakeTimeoutMs = ms; }

private:
    void onNewTcpConnections();
    void onNewLocalConnections();
    void adopt(RawSocketTransport *transport);

    QUrl m_url;
    bool m_local;
    bool m_secure;
    QTcpServer *m_tcpServer = nullptr;
    QLocalServer *m_localServer = nullptr;
    QString m_errorString;
    int m_handshakeTimeoutMs;
};

} // namespace wb::transport
