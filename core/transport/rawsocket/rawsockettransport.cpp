// SPDX-License-Identifier: GPL-3.0-or-later
#include "transport/rawsocket/rawsockettransport.h"

#include "transport/transportprivate.h"

#include <QLocalSocket>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

namespace wb::transport {

using namespace rawsocket;

RawSocketTransport::RawSocketTransport(const ConnectOptions &options, SocketKind kind, QObject *parent)
    : Transport(parent)
    , m_kind(kind)
    , m_serverSide(false)
    , m_url(options.url)
    , m_wantedSerializer(options.serializer)
    , m_connectTimeoutMs(options.connectTimeoutMs)
{
    setMaxIncomingMessageSize(options.maxMessageSize);
    if (kind == SocketKind::Tcp && isSecureUrl(m_url)) {
        m_tls = options.tls;
        m_ssl = new QSslSocket(this);
        QSslConfiguration ssl;
        if (makeClientTlsConfiguration(m_tls, &ssl, &m_setupError))
            m_ssl->setSslConfiguration(ssl);
        m_tcp = m_ssl;
        m_io = m_tcp;
        m_peer = QStringLiteral("%1:%2").arg(m_url.host()).arg(m_url.port());
    } else if (kind == SocketKind::Tcp) {
        m_tcp = new QTcpSocket(this);
        m_io = m_tcp;
        m_peer = QStringLiteral("%1:%2").arg(m_url.host()).arg(m_url.port());
    } else {
        m_local = new QLocalSocket(this);
        m_io = m_local;
        m_localPath = m_url.path();
        m_peer = QStringLiteral("unix:") + m_localPath;
    }
    init();
    // Start from the event loop: every signal, even an immediate failure, comes after the caller connected.
    QMetaObject::invokeMethod(this, &RawSocketTransport::startConnecting, Qt::QueuedConnection);
}

RawSocketTransport::RawSocketTransport(QTcpSocket *socket, qint64 maxIncoming, QObject *parent)
    : Transport(parent)
    , m_kind(SocketKind::Tcp)
    , m_serverSide(true)
    , m_tcp(socket)
    , m_ssl(qobject_cast<QSslSocket *>(socket))
    , m_io(socket)
    , m_connectTimeoutMs(detail::kServerHandshakeTimeoutMs)
{
    setMaxIncomingMessageSize(maxIncoming);
    socket->setParent(this);
    // TCP_NODELAY: a small reply must not wait for the ACK of the previous write (Nagle + delayed ACK = ~40 ms).
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_peer = detail::formatPeer(socket->peerAddress(), socket->peerPort());
    m_localAddress = detail::formatPeer(socket->localAddress(), socket->localPort());
    init();
    startServerHandshake();
}

RawSocketTransport::RawSocketTransport(QLocalSocket *socket, const QString &serverPath, qint64 maxIncoming, QObject *parent)
    : Transport(parent)
    , m_kind(SocketKind::Local)
    , m_serverSide(true)
    , m_local(socket)
    , m_io(socket)
    , m_localPath(serverPath)
    , m_peer(QStringLiteral("unix:") + serverPath)
    , m_connectTimeoutMs(detail::kServerHandshakeTimeoutMs)
{
    setMaxIncomingMessageSize(maxIncoming);
    socket->setParent(this);
    init();
    startServerHandshake();
}

RawSocketTransport::~RawSocketTransport()
{
    // The socket is our child and would be destroyed after us; make sure it cannot call back into a
    // half-destroyed object while it shuts down.
    if (m_io) {
        m_io->disconnect(this);
        if (m_tcp)
            m_tcp->abort();
        else if (m_local)
            m_local->abort();
    }
}

void RawSocketTransport::init()
{
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (m_finished)
            return;
        if (!m_handshakeDone) {
            if (m_serverSide)
                reportError(TransportError::Timeout,
                            QStringLiteral("no RawSocket handshake from the client within %1 ms").arg(m_connectTimeoutMs));
            else
                reportError(TransportError::Timeout,
                            QStringLiteral("connecting to %1 timed out after %2 ms").arg(m_url.toString()).arg(m_connectTimeoutMs));
        } else {
            qCDebug(lcTransport) << "rawsocket" << m_peer << "graceful close timed out, aborting";
        }
        abortSocket();
        finish();
    });

    connect(m_io, &QIODevice::readyRead, this, &RawSocketTransport::onReadyRead);
    if (m_ssl && !m_serverSide) {
        // The RawSocket handshake goes out once the TLS handshake is done (and the certificate accepted).
        connect(m_ssl, &QSslSocket::encrypted, this, &RawSocketTransport::onConnected);
        connect(m_ssl, &QSslSocket::sslErrors, this, &RawSocketTransport::onSslErrors);
    }
    if (m_tcp) {
        if (!m_ssl)
            connect(m_tcp, &QAbstractSocket::connected, this, &RawSocketTransport::onConnected);
        connect(m_tcp, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) { onTcpError(int(e)); });
        connect(m_tcp, &QAbstractSocket::stateChanged, this, [this](QAbstractSocket::SocketState s) {
            if (s == QAbstractSocket::UnconnectedState)
                onSocketStateUnconnected();
        });
    } else {
        connect(m_local, &QLocalSocket::connected, this, &RawSocketTransport::onConnected);
        connect(m_local, &QLocalSocket::errorOccurred, this, [this](QLocalSocket::LocalSocketError e) { onLocalError(int(e)); });
        connect(m_local, &QLocalSocket::stateChanged, this, [this](QLocalSocket::LocalSocketState s) {
            if (s == QLocalSocket::UnconnectedState)
                onSocketStateUnconnected();
        });
    }
}

void RawSocketTransport::startServerHandshake()
{
    if (m_connectTimeoutMs > 0)
        m_timer->start(m_connectTimeoutMs);
    // Bytes (or the disconnect) may have arrived before we connected to the socket's signals.
    if (m_io->bytesAvailable() > 0)
        postContinuation();
    if (socketUnconnected())
        scheduleFinish();
}

void RawSocketTransport::setHandshakeTimeoutMs(int ms)
{
    m_connectTimeoutMs = ms;
    if (m_serverSide && !m_handshakeDone && !m_finished) {
        if (ms > 0)
            m_timer->start(ms);
        else
            m_timer->stop();
    }
}

void RawSocketTransport::startConnecting()
{
    if (m_finished || state() != State::Connecting)
        return;
    if (!m_setupError.isEmpty()) {
        reportError(TransportError::TlsError, m_setupError);
        finish();
        return;
    }
    if (m_connectTimeoutMs > 0)
        m_timer->start(m_connectTimeoutMs);
    qCDebug(lcTransport) << "rawsocket connecting to" << m_url.toString();
    if (m_ssl)
        m_ssl->connectToHostEncrypted(m_url.host(), quint16(m_url.port()));
    else if (m_tcp)
        m_tcp->connectToHost(m_url.host(), quint16(m_url.port()));
    else
        m_local->connectToServer(m_localPath);
}

void RawSocketTransport::onConnected()
{
    if (m_serverSide || m_finished || state() != State::Connecting)
        return;
    if (m_ssl) {
        QString text;
        if (!detail::checkPinnedCertificate(m_tls, m_ssl->peerCertificate(), m_peer, &text)) {
            fail(TransportError::TlsError, text);
            return;
        }
    }
    if (m_tcp) {
        m_tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1); // TCP_NODELAY (see the server-side constructor)
        m_peer = detail::formatPeer(m_tcp->peerAddress(), m_tcp->peerPort());
        m_localAddress = detail::formatPeer(m_tcp->localAddress(), m_tcp->localPort());
    }
    const int l = lengthExponentFor(maxIncomingMessageSize());
    writeBytes(encodeHandshake(int(m_wantedSerializer), l));
}

QString RawSocketTransport::peerAddress() const
{
    return m_peer;
}

QString RawSocketTransport::kind() const
{
    if (m_kind == SocketKind::Local)
        return QStringLiteral("rawsocket-unix");
    return m_ssl ? QStringLiteral("rawsocket-tls") : QStringLiteral("rawsocket-tcp");
}

void RawSocketTransport::onSslErrors(const QList<QSslError> &errors)
{
    if (m_finished || m_serverSide || !m_ssl)
        return;
    QString text;
    if (detail::acceptCertificateErrors(m_tls, errors, m_ssl->peerCertificate(), m_peer, &text)) {
        qCDebug(lcTransport).noquote() << "rawsocket" << m_peer << "certificate errors ignored as requested:" << errors.size();
        m_ssl->ignoreSslErrors();
        return;
    }
    m_tlsError = text; // reported with the SslHandshakeFailedError that follows
}

qint64 RawSocketTransport::bytesToWrite() const
{
    return m_io ? m_io->bytesToWrite() : 0;
}

void RawSocketTransport::writeBytes(const QByteArray &bytes)
{
    if (m_io && m_io->isOpen())
        m_io->write(bytes);
}

bool RawSocketTransport::send(const QByteArray &message)
{
    if (!isOpen() || message.size() > maxOutgoingMessageSize() || message.size() > kMaxFrameLength)
        return false;
    stampSent();
    writeBytes(encodeFrameHeader(FrameType::Message, message.size()));
    writeBytes(message);
    return true;
}

bool RawSocketTransport::ping(const QByteArray &payload)
{
    if (!isOpen() || payload.size() > maxOutgoingMessageSize() || payload.size() > kMaxFrameLength)
        return false;
    writeBytes(encodeFrameHeader(FrameType::Ping, payload.size()));
    writeBytes(payload);
    return true;
}

void RawSocketTransport::reportError(TransportError error, const QString &text)
{
    if (m_errorReported || m_finished)
        return;
    m_errorReported = true;
    setError(error, text);
    if (m_closeReason.isEmpty())
        m_closeReason = text;
    qCInfo(lcTransport).noquote() << kind() << m_peer << text;
    emit errorOccurred(error, text);
}

void RawSocketTransport::fail(TransportError error, const QString &text)
{
    if (m_finished)
        return;
    reportError(error, text);
    if (state() == State::Closing || state() == State::Closed)
        return;
    setState(State::Closing);
    disconnectSocket();
}

void RawSocketTransport::close(const QString &reason)
{
    if (m_finished || state() == State::Closing || state() == State::Closed)
        return;
    m_closeReason = reason.isEmpty() ? QStringLiteral("connection closed locally") : reason;
    qCDebug(lcTransport).noquote() << kind() << m_peer << "closing:" << m_closeReason;
    setState(State::Closing);
    disconnectSocket();
}

void RawSocketTransport::abort()
{
    if (m_finished)
        return;
    if (m_closeReason.isEmpty())
        m_closeReason = QStringLiteral("connection aborted");
    setState(State::Closing);
    abortSocket();
    finish();
}

bool RawSocketTransport::socketUnconnected() const
{
    if (m_tcp)
        return m_tcp->state() == QAbstractSocket::UnconnectedState;
    return m_local->state() == QLocalSocket::UnconnectedState;
}

void RawSocketTransport::disconnectSocket()
{
    if (socketUnconnected()) {
        scheduleFinish();
        return;
    }
    // Graceful: what we queued (an error reply, a last message) is flushed before the socket closes.
    if (m_tcp) {
        if (m_tcp->state() == QAbstractSocket::ConnectedState)
            m_tcp->disconnectFromHost();
        else
            m_tcp->abort();
    } else {
        if (m_local->state() == QLocalSocket::ConnectedState)
            m_local->disconnectFromServer();
        else
            m_local->abort();
    }
    if (socketUnconnected())
        scheduleFinish();
    else if (!m_finished)
        m_timer->start(detail::kCloseTimeoutMs);
}

void RawSocketTransport::abortSocket()
{
    if (m_tcp)
        m_tcp->abort();
    else if (m_local)
        m_local->abort();
}

void RawSocketTransport::onSocketStateUnconnected()
{
    // Queued: socket errors are emitted after the state change; let them arrive first.
    scheduleFinish();
}

void RawSocketTransport::scheduleFinish()
{
    QMetaObject::invokeMethod(this, &RawSocketTransport::finish, Qt::QueuedConnection);
}

void RawSocketTransport::onTcpError(int socketError)
{
    if (m_finished)
        return;
    const auto e = QAbstractSocket::SocketError(socketError);
    const QString text = m_tcp->errorString();
    if (e == QAbstractSocket::RemoteHostClosedError) {
        if (!m_handshakeDone && !m_errorReported && state() == State::Connecting) {
            if (!m_tlsError.isEmpty())
                reportError(TransportError::TlsError, m_tlsError);
            else if (m_ssl && !m_ssl->isEncrypted())
                reportError(TransportError::TlsError, QStringLiteral("connection closed by the peer during the TLS handshake"));
            else
                reportError(TransportError::HandshakeFailed,
                            QStringLiteral("connection closed by the peer during the RawSocket handshake"));
        }
        return; // the normal end of an open connection; finish() follows
    }
    if (state() != State::Connecting && state() != State::Open)
        return; // already closing: errors while closing are noise
    switch (e) {
    case QAbstractSocket::ConnectionRefusedError:
        reportError(TransportError::ConnectionRefused, QStringLiteral("connection to %1 refused: %2").arg(m_peer, text));
        break;
    case QAbstractSocket::HostNotFoundError:
        reportError(TransportError::HostNotFound, QStringLiteral("host %1 not found: %2").arg(m_url.host(), text));
        break;
    case QAbstractSocket::SocketTimeoutError:
        reportError(TransportError::Timeout, text);
        break;
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        reportError(TransportError::TlsError,
                    !m_tlsError.isEmpty() ? m_tlsError
                                          : QStringLiteral("TLS handshake with %1 failed: %2").arg(m_peer, text));
        break;
    default:
        reportError(TransportError::NetworkError, text);
        break;
    }
    if (!socketUnconnected())
        m_tcp->abort();
    scheduleFinish();
}

void RawSocketTransport::onLocalError(int socketError)
{
    if (m_finished)
        return;
    const auto e = QLocalSocket::LocalSocketError(socketError);
    const QString text = m_local->errorString();
    if (e == QLocalSocket::PeerClosedError) {
        if (!m_handshakeDone && !m_errorReported && state() == State::Connecting)
            reportError(TransportError::HandshakeFailed,
                        QStringLiteral("connection closed by the peer during the RawSocket handshake"));
        return;
    }
    if (state() != State::Connecting && state() != State::Open)
        return;
    switch (e) {
    case QLocalSocket::ConnectionRefusedError:
        reportError(TransportError::ConnectionRefused, QStringLiteral("connection to %1 refused: %2").arg(m_peer, text));
        break;
    case QLocalSocket::ServerNotFoundError:
        reportError(TransportError::ConnectionRefused, QStringLiteral("no server listening at %1: %2").arg(m_peer, text));
        break;
    case QLocalSocket::SocketTimeoutError:
        reportError(TransportError::Timeout, text);
        break;
    default:
        reportError(TransportError::NetworkError, text);
        break;
    }
    if (!socketUnconnected())
        m_local->abort();
    scheduleFinish();
}

void RawSocketTransport::finish()
{
    if (m_finished)
        return;
    if (!socketUnconnected()) {
        // Still connected (a stale queued call): the next state change schedules us again.
        return;
    }
    if (state() == State::Open) {
        // The peer closed: what it sent before is delivered first, whatever the per-turn budget held back.
        QPointer<RawSocketTransport> self(this);
        drainInput();
        if (!self || m_finished)
            return;
    }
    if (!m_handshakeDone && !m_errorReported && m_closeReason.isEmpty())
        reportError(TransportError::HandshakeFailed, QStringLiteral("connection closed during the RawSocket handshake"));
    m_finished = true;
    m_timer->stop();
    if (m_closeReason.isEmpty())
        m_closeReason = QStringLiteral("connection closed by peer");
    setState(State::Closed);
    qCDebug(lcTransport).noquote() << kind() << m_peer << "closed:" << m_closeReason;
    emit closed(m_closeReason);
}

} // namespace wb::transport
