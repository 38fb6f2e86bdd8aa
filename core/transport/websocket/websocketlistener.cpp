// SPDX-License-Identifier: GPL-3.0-or-later
#include "transport/websocket/websocketlistener.h"

#include "transport/transportprivate.h"
#include "transport/websocket/websockettransport.h"

#include <QTcpServer>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

namespace wb::transport {

WebSocketListener::WebSocketListener(const QUrl &url, bool secure, QObject *parent)
    : Listener(parent)
    , m_url(url)
    , m_secure(secure)
    , m_server(new QWebSocketServer(QStringLiteral("Wampscope"),
                                    secure ? QWebSocketServer::SecureMode : QWebSocketServer::NonSecureMode, this))
{
    m_server->setSupportedSubprotocols(codec::supportedSubprotocols());
    // The default of 30 pending connections silently drops the rest of a burst.
    m_server->setMaxPendingConnections(detail::kMaxPendingConnections);
    // QWebSocketServer has no API for the listen backlog (Qt's default is 50), so a burst of connects overflows
    // the kernel's accept queue and clients wait for SYN retransmits. Its TCP server is its child: raise it there.
    if (auto *tcp = m_server->findChild<QTcpServer *>())
        tcp->setListenBacklogSize(detail::kListenBacklog);
    m_server->setHandshakeTimeout(detail::kServerHandshakeTimeoutMs);
    connect(m_server, &QWebSocketServer::newConnection, this, &WebSocketListener::onNewConnections);
    connect(m_server, &QWebSocketServer::serverError, this, [this](QWebSocketProtocol::CloseCode code) {
        // Failed upgrade requests; QWebSocketServer does not tell us the peer.
        emit connectionRejected(QStringLiteral("unknown peer"),
                                QStringLiteral("WebSocket upgrade failed (%1): %2").arg(int(code)).arg(m_server->errorString()));
    });
    connect(m_server, &QWebSocketServer::acceptError, this, [this](QAbstractSocket::SocketError) {
        qCWarning(lcTransport).noquote() << "websocket accept failed on" << this->url().toString() << m_server->errorString();
    });
    if (secure) {
        connect(m_server, &QWebSocketServer::peerVerifyError, this, [this](const QSslError &e) {
            emit connectionRejected(QStringLiteral("unknown peer"), QStringLiteral("TLS: ") + e.errorString());
        });
        connect(m_server, &QWebSocketServer::alertReceived, this,
                [this](QSsl::AlertLevel level, QSsl::AlertType, const QString &description) {
                    if (level == QSsl::AlertLevel::Fatal)
                        emit connectionRejected(QStringLiteral("unknown peer"),
                                                QStringLiteral("TLS handshake failed: the client sent alert '%1'").arg(description));
                });
    }
}

WebSocketListener::~WebSocketListener()
{
    m_server->close();
}

bool WebSocketListener::isListening() const
{
    return m_server->isListening();
}

bool WebSocketListener::listen()
{
    if (m_server->isListening())
        return true;
    m_errorString.clear();
    if (m_secure) {
        if (!hasSslConfiguration()) {
            m_errorString = QStringLiteral("cannot listen on %1: a wss:// listener needs a certificate and a private key")
                                .arg(m_url.toString());
            return false;
        }
        m_server->setSslConfiguration(sslConfiguration());
    }
    const QHostAddress address = detail::listenAddress(m_url.host());
    if (address.isNull()) {
        m_errorString = QStringLiteral("cannot listen on '%1': use an IP address, localhost or 0.0.0.0").arg(m_url.host());
        return false;
    }
    if (!m_server->listen(address, quint16(m_url.port()))) {
        m_errorString = QStringLiteral("cannot listen on %1: %2").arg(m_url.toString(), m_server->errorString());
        qCWarning(lcTransport).noquote() << m_errorString;
        return false;
    }
    qCInfo(lcTransport).noquote() << (m_secure ? "websocket (TLS) listening on" : "websocket listening on") << url().toString();
    return true;
}

void WebSocketListener::close()
{
    m_server->close();
}

QUrl WebSocketListener::url() const
{
    QUrl u = m_url;
    if (m_server->isListening())
        u.setPort(m_server->serverPort());
    return u;
}

QString WebSocketListener::errorString() const
{
    return m_errorString;
}

void WebSocketListener::onNewConnections()
{
    // Drain the queue: one signal may stand for several upgraded connections.
    while (m_server->hasPendingConnections()) {
        QWebSocket *socket = m_server->nextPendingConnection();
        if (!socket)
            break;
        handle(socket);
    }
}

void WebSocketListener::handle(QWebSocket *socket)
{
    const QString subprotocol = socket->subprotocol();
    const codec::Serializer *ser = nullptr;
    if (!subprotocol.isEmpty() && codec::supportedSubprotocols().contains(subprotocol))
        ser = codec::serializerBySubprotocol(subprotocol);
    if (!ser) {
        const QString peer = detail::formatPeer(socket->peerAddress(), socket->peerPort());
        const QString reason = QStringLiteral("no supported WAMP subprotocol offered (supported: %1)")
                                   .arg(codec::supportedSubprotocols().join(QStringLiteral(", ")));
        socket->setParent(this);
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        // A client that never answers our close frame is dropped anyway.
        QTimer::singleShot(detail::kCloseTimeoutMs, socket, [socket] {
            socket->abort();
            socket->deleteLater();
        });
        socket->close(QWebSocketProtocol::CloseCodeProtocolError, detail::truncateCloseReason(reason));
        qCInfo(lcTransport).noquote() << "websocket rejected" << peer << reason;
        emit connectionRejected(peer, reason);
        return;
    }
    auto *transport = new WebSocketTransport(socket, ser->id(), maxMessageSize(), this);
    qCDebug(lcTransport) << "websocket accepted" << transport->peerAddress() << subprotocol;
    emit newTransport(transport);
}

} // namespace wb::transport
