// SPDX-License-Identifier: GPL-3.0-or-later
#include "transport/rawsocket/rawsocketlistener.h"

#include "transport/rawsocket/rawsockettransport.h"
#include "transport/transportprivate.h"

#include <QLocalServer>
#include <QLocalSocket>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>

namespace wb::transport {

namespace {

/// Hands out QSslSocket objects in server mode. The TLS handshake runs while the RawSocketTransport already
/// waits for the RawSocket handshake (its timeout covers both), so a slow or failing TLS client never blocks
/// the accept queue.
class TlsTcpServer : public QTcpServer
{
public:
    TlsTcpServer(const QSslConfiguration &config, QObject *parent) : QTcpServer(parent), m_config(config) {}

protected:
    void incomingConnection(qintptr handle) override
    {
        auto *socket = new QSslSocket(this);
        if (!socket->setSocketDescriptor(handle)) {
            qCWarning(lcTransport).noquote() << "rawsocket (TLS) cannot adopt an accepted socket:" << socket->errorString();
            delete socket;
            return;
        }
        socket->setSslConfiguration(m_config);
        socket->startServerEncryption();
        addPendingConnection(socket);
    }

private:
    QSslConfiguration m_config;
};

} // namespace

RawSocketListener::RawSocketListener(const QUrl &url, bool secure, QObject *parent)
    : Listener(parent)
    , m_url(url)
    , m_local(url.scheme().compare(QLatin1String("unix"), Qt::CaseInsensitive) == 0)
    , m_secure(secure && !m_local)
    , m_handshakeTimeoutMs(detail::kServerHandshakeTimeoutMs)
{
}

RawSocketListener::~RawSocketListener()
{
    close();
}

bool RawSocketListener::isListening() const
{
    return (m_tcpServer && m_tcpServer->isListening()) || (m_localServer && m_localServer->isListening());
}

bool RawSocketListener::listen()
{
    if (isListening())
        return true;
    m_errorString.clear();
    if (m_local) {
        const QString path = m_url.path();
        if (!m_localServer) {
            m_localServer = new QLocalServer(this);
            m_localServer->setMaxPendingConnections(detail::kMaxPendingConnections);
            m_localServer->setListenBacklogSize(detail::kListenBacklog);
            connect(m_localServer, &QLocalServer::newConnection, this, &RawSocketListener::onNewLocalConnections);
        }
        // A socket file left behind by a crashed process would make listen() fail with AddressInUse.
        QLocalServer::removeServer(path);
        if (!m_localServer->listen(path)) {
            m_errorString = QStringLiteral("cannot listen on unix:%1: %2").arg(path, m_localServer->errorString());
            qCWarning(lcTransport).noquote() << m_errorString;
            return false;
        }
        qCInfo(lcTransport).noquote() << "rawsocket listening on" << url().toString();
        return true;
    }

    const QHostAddress address = detail::listenAddress(m_url.host());
    if (address.isNull()) {
        m_errorString = QStringLiteral("cannot listen on '%1': use an IP address, localhost or 0.0.0.0").arg(m_url.host());
        return false;
    }
    if (m_secure && !hasSslConfiguration()) {
        m_errorString = QStringLiteral("cannot listen on %1: an rss:// listener needs a certificate and a private key")
                            .arg(m_url.toString());
        return false;
    }
    if (!m_tcpServer) {
        m_tcpServer = m_secure ? new TlsTcpServer(sslConfiguration(), this) : new QTcpServer(this);
        m_tcpServer->setMaxPendingConnections(detail::kMaxPendingConnections);
        m_tcpServer->setListenBacklogSize(detail::kListenBacklog);
        connect(m_tcpServer, &QTcpServer::newConnection, this, &RawSocketListener::onNewTcpConnections);
        connect(m_tcpServer, &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError) {
            qCWarning(lcTransport).noquote() << "rawsocket accept failed on" << this->url().toString() << m_tcpServer->errorString();
        });
    }
    if (!m_tcpServer->listen(address, quint16(m_url.port()))) {
        m_errorString = QStringLiteral("cannot listen on %1: %2").arg(m_url.toString(), m_tcpServer->errorString());
        qCWarning(lcTransport).noquote() << m_errorString;
        return false;
    }
    qCInfo(lcTransport).noquote() << (m_secure ? "rawsocket (TLS) listening on" : "rawsocket listening on") << url().toString();
    return true;
}

void RawSocketListener::close()
{
    if (m_tcpServer)
        m_tcpServer->close();
    if (m_localServer)
        m_localServer->close(); // also removes the socket file
}

QUrl RawSocketListener::url() const
{
    QUrl u = m_url;
    if (m_tcpServer && m_tcpServer->isListening())
        u.setPort(m_tcpServer->serverPort());
    return u;
}

QString RawSocketListener::errorString() const
{
    return m_errorString;
}

void RawSocketListener::onNewTcpConnections()
{
    // Drain everything: one signal may stand for many connections accepted in a burst.
    while (QTcpSocket *socket = m_tcpServer->nextPendingConnection())
        adopt(new RawSocketTransport(socket, maxMessageSize(), this));
}

void RawSocketListener::onNewLocalConnections()
{
    const QString path = m_localServer->fullServerName();
    while (QLocalSocket *socket = m_localServer->nextPendingConnection())
        adopt(new RawSocketTransport(socket, path, maxMessageSize(), this));
}

void RawSocketListener::adopt(RawSocketTransport *transport)
{
    transport->setHandshakeTimeoutMs(m_handshakeTimeoutMs);
    connect(transport, &Transport::opened, this, [this, transport] {
        disconnect(transport, nullptr, this, nullptr);
        emit newTransport(transport);
    });
    connect(transport, &Transport::closed, this, [this, transport](const QString &reason) {
        // Closed before the handshake completed: a rejected connection.
        disconnect(transport, nullptr, this, nullptr);
        emit connectionRejected(transport->peerAddress(), reason);
        transport->deleteLater();
    });
}

} // namespace wb::transport
