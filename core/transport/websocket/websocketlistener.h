// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "transport/transport.h"

#include <QUrl>

class QWebSocket;
class QWebSocketServer;

namespace wb::transport {

/// Accepts WebSocket connections on ws://host:port, or wss://host:port with TLS (QWebSocketServer in SecureMode;
/// setSslConfiguration() before listen()). Offers every WAMP
/// subprotocol of codec::supportedSubprotocols(); a client that agreed on none is closed with code 1002 and
/// "no supported WAMP subprotocol offered (supported: ...)" and reported through connectionRejected().
/// Accepted connections are handed out by newTransport() already Open (parented to the listener until the
/// receiver reparents them). The URL path is not checked: any path is accepted.
class WebSocketListener : public Listener
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocketListener)
public:
    explicit WebSocketListener(const QUrl &url, bool secure = false, QObject *parent = nullptr);
    ~WebSocketListener() override;

    bool listen() override;
    void close() override;
    QUrl url() const override;
    QString errorString() const override;
    bool isListening() const;

private:
    void onNewConnections();
    void handle(QWebSocket *socket);

    QUrl m_url;
    bool m_secure;
    QWebSocketServer *m_server;
    QString m_errorString;
};

} // namespace wb::transport
