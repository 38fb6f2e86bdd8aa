// SPDX-License-Identifier: GPL-3.0-or-later
#include "transport/websocket/websockettransport.h"

#include "transport/transportprivate.h"

#include <QCoreApplication>
#include <QNetworkRequest>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

#include <algorithm>

namespace wb::transport {

namespace {

// QWebSocket closes the connection itself when a frame or message exceeds its limits; the close code
// (1009) is the same as when the peer closes with 1009, so we recognise Qt's own reasons.
bool isQtTooBigReason(const QString &reason)
{
    return reason == QCoreApplication::translate("QWebSocketDataProcessor", "Received message is too big.")
        || reason == QCoreApplication::translate("QWebSocketFrame", "Maximum framesize exceeded.")
        || reason == QLatin1String("Received message is too big.")
        || reason == QLatin1String("Maximum framesize exceeded.");
}

QString closeCodeText(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    QString text = QStringLiteral("WebSocket close code %1").arg(int(code));
    if (!reason.isEmpty())
        text += QStringLiteral(": ") + reason;
    return text;
}

} // namespace

WebSocketTransport::WebSocketTransport(const ConnectOptions &options, QObject *parent)
    : Transport(parent)
    , m_serverSide(false)
    , m_url(options.url)
    , m_wantedSerializer(options.serializer)
    , m_connectTimeoutMs(options.connectTimeoutMs)
{
    setMaxIncomingMessageSize(options.maxMessageSize);
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_secure = isSecureUrl(m_url);
    m_peer = QStringLiteral("%1:%2").arg(m_url.host()).arg(m_url.port(m_secure ? 443 : 80));
    if (m_secure) {
        m_tls = options.tls;
        QSslConfiguration ssl;
        if (makeClientTlsConfiguration(m_tls, &ssl, &m_setupError))
            m_socket->setSslConfiguration(ssl);
        connect(m_socket, &QWebSocket::sslErrors, this, &WebSocketTransport::onSslErrors);
    }
    init();
    QMetaObject::invokeMethod(this, &WebSocketTransport::startConnecting, Qt::QueuedConnection);
}

WebSocketTransport::WebSocketTransport(QWebSocket *socket, codec::SerializerId serializer, qint64 maxIncoming, QObject *parent)
    : Transport(parent)
    , m_socket(socket)
    , m_serverSide(true)
    , m_wantedSerializer(serializer)
{
    socket->setParent(this);
    setMaxIncomingMessageSize(maxIncoming);
    setSerializerId(serializer);
    m_peer = detail::formatPeer(socket->peerAddress(), socket->peerPort());
    m_local = detail::formatPeer(socket->localAddress(), socket->localPort());
    m_secure = !socket->sslConfiguration().sessionCipher().isNull();
    init();
    applyLimits();
    setLowDelay();
    setState(State::Open);
    if (socket->state() == QAbstractSocket::UnconnectedState)
        scheduleFinish();
}

WebSocketTransport::~WebSocketTransport()
{
    if (m_socket) {
        // QWebSocket's destructor sends a close frame and emits signals; we must not receive them half-destroyed.
        m_socket->disconnect(this);
        for (QObject *child : m_socket->children())
            child->disconnect(this);
        m_socket->abort();
    }
}

void WebSocketTransport::init()
{
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (m_finished)
            return;
        if (state() == State::Connecting)
            reportError(TransportError::Timeout,
                        QStringLiteral("connecting to %1 timed out after %2 ms").arg(m_url.toString()).arg(m_connectTimeoutMs));
        else
            qCDebug(lcTransport) << "websocket" << m_peer << "closing handshake timed out, aborting";
        m_socket->abort();
        finish();
    });

    connect(m_socket, &QWebSocket::connected, this, &WebSocketTransport::onConnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &WebSocketTransport::onTextMessage);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, &WebSocketTransport::onBinaryMessage);
    connect(m_socket, &QWebSocket::bytesWritten, this, [this](qint64 n) { m_pendingBytes = std::max<qint64>(0, m_pendingBytes - n); });
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    connect(m_socket, &QWebSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) { onSocketError(int(e)); });
#else
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError e) { onSocketError(int(e)); });
#endif
    connect(m_socket, &QWebSocket::stateChanged, this, [this](QAbstractSocket::SocketState s) {
        if (s == QAbstractSocket::UnconnectedState)
            scheduleFinish(); // queued: socket errors are emitted after the state change
    });
    connect(m_socket, &QWebSocket::disconnected, this, &WebSocketTransport::scheduleFinish);
    hookDataProcessor();
}

void WebSocketTransport::hookDataProcessor()
{
    // QWebSocket closes the connection by itself when incoming data breaks its limits or the protocol, and
    // reports nothing but the close code and reason, exactly as if the peer had closed with them. A peer
    // built on Qt even sends the same reason texts. To tell "we refused the peer's message" from "the peer
    // refused ours" we listen to the internal data processor's error signal. If a future Qt renames it we
    // fall back to recognising Qt's reason texts in finish().
    const QByteArray signature = QMetaObject::normalizedSignature("errorEncountered(QWebSocketProtocol::CloseCode,QString)");
    for (QObject *child : m_socket->children()) {
        if (qstrcmp(child->metaObject()->className(), "QWebSocketDataProcessor") != 0)
            continue;
        if (child->metaObject()->indexOfSignal(signature.constData()) < 0)
            break;
        m_dataProcessorHooked = bool(connect(child, SIGNAL(errorEncountered(QWebSocketProtocol::CloseCode,QString)), this,
                                             SLOT(onQtDataError(QWebSocketProtocol::CloseCode,QString))));
        break;
    }
    if (!m_dataProcessorHooked)
        qCDebug(lcTransport) << "QWebSocket data processor not found; oversize detection falls back to reason texts";
}

void WebSocketTransport::onQtDataError(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    if (m_finished || (state() != State::Open && state() != State::Connecting))
        return;
    if (code == QWebSocketProtocol::CloseCodeTooMuchData)
        reportError(TransportError::MessageTooLarge,
                    QStringLiteral("incoming message exceeds the limit of %1 bytes (%2)").arg(maxIncomingMessageSize()).arg(reason));
    else if (code == QWebSocketProtocol::CloseCodeGoingAway) // Qt's "Timeout when reading data from socket."
        reportError(TransportError::Timeout, QStringLiteral("incomplete WebSocket frame: ") + closeCodeText(code, reason));
    else
        reportError(TransportError::ProtocolError, QStringLiteral("WebSocket protocol error: ") + closeCodeText(code, reason));
    // QWebSocket has already sent its close frame with this code and reason.
    setState(State::Closing);
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        scheduleFinish();
    else
        m_timer->start(detail::kCloseTimeoutMs);
}

void WebSocketTransport::setLowDelay()
{
    // QWebSocket writes a frame's header and payload separately; with Nagle's algorithm the payload then waits for
    // the peer's delayed ACK (~40 ms per small message). QWebSocket has no API for TCP_NODELAY, but its socket is
    // its direct child (client and server side alike).
    if (auto *tcp = m_socket->findChild<QAbstractSocket *>(QString(), Qt::FindDirectChildrenOnly))
        tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    else
        qCDebug(lcTransport) << "QWebSocket's TCP socket not found; TCP_NODELAY not set";
}

void WebSocketTransport::applyLimits()
{
    const auto limit = quint64(std::max<qint64>(maxIncomingMessageSize(), 1));
    m_socket->setMaxAllowedIncomingMessageSize(limit);
    m_socket->setMaxAllowedIncomingFrameSize(limit);
}

void WebSocketTransport::startConnecting()
{
    if (m_finished || state() != State::Connecting)
        return;
    const codec::Serializer *ser = codec::serializer(m_wantedSerializer);
    if (!ser) {
        reportError(TransportError::SerializerUnsupported, QStringLiteral("unsupported serializer id %1").arg(int(m_wantedSerializer)));
        finish();
        return;
    }
    if (!m_setupError.isEmpty()) {
        reportError(TransportError::TlsError, m_setupError);
        finish();
        return;
    }
    applyLimits();
    QWebSocketHandshakeOptions options;
    options.setSubprotocols({ser->subprotocol()});
    if (m_connectTimeoutMs > 0)
        m_timer->start(m_connectTimeoutMs);
    qCDebug(lcTransport) << "websocket connecting to" << m_url.toString() << "offering" << ser->subprotocol();
    m_socket->open(m_url, options);
}

void WebSocketTransport::onConnected()
{
    if (m_serverSide || m_finished || state() != State::Connecting)
        return;
    setLowDelay();
    if (m_secure) {
        QString text;
        if (!detail::checkPinnedCertificate(m_tls, m_socket->sslConfiguration().peerCertificate(), m_peer, &text)) {
            reportError(TransportError::TlsError, text);
            setState(State::Closing);
            m_socket->abort();
            scheduleFinish();
            return;
        }
    }
    m_peer = detail::formatPeer(m_socket->peerAddress(), m_socket->peerPort());
    m_local = detail::formatPeer(m_socket->localAddress(), m_socket->localPort());
    const QString wanted = codec::serializer(m_wantedSerializer)->subprotocol();
    const QString agreed = m_socket->subprotocol();
    if (agreed != wanted) {
        QString text = QStringLiteral("router did not accept subprotocol ") + wanted;
        if (!agreed.isEmpty())
            text += QStringLiteral(" (it answered with '%1')").arg(agreed);
        fail(TransportError::HandshakeFailed, text, QWebSocketProtocol::CloseCodeProtocolError);
        return;
    }
    m_timer->stop();
    setSerializerId(m_wantedSerializer);
    setState(State::Open);
    qCDebug(lcTransport) << "websocket connected to" << m_peer << "subprotocol" << agreed;
    emit opened();
}

void WebSocketTransport::onTextMessage(const QString &text)
{
    stampReceived(Timestamp::now()); // QWebSocket emits this from its socket read
    if (!isOpen())
        return;
    const codec::Serializer *ser = serializer();
    if (ser && ser->isBinary()) {
        fail(TransportError::ProtocolError,
             QStringLiteral("received a text message, but %1 uses binary messages").arg(ser->subprotocol()),
             QWebSocketProtocol::CloseCodeDatatypeNotSupported);
        return;
    }
    deliver(text.toUtf8());
}

void WebSocketTransport::onBinaryMessage(const QByteArray &data)
{
    stampReceived(Timestamp::now());
    if (!isOpen())
        return;
    const codec::Serializer *ser = serializer();
    if (ser && !ser->isBinary()) {
        fail(TransportError::ProtocolError,
             QStringLiteral("received a binary message, but %1 uses text messages").arg(ser->subprotocol()),
             QWebSocketProtocol::CloseCodeDatatypeNotSupported);
        return;
    }
    deliver(data);
}

void WebSocketTransport::deliver(const QByteArray &message)
{
    // Safety net behind QWebSocket's own limit.
    if (message.size() > maxIncomingMessageSize()) {
        fail(TransportError::MessageTooLarge,
             QStringLiteral("incoming message of %1 bytes exceeds the limit of %2 bytes").arg(message.size()).arg(maxIncomingMessageSize()),
             QWebSocketProtocol::CloseCodeTooMuchData);
        return;
    }
    emit messageReceived(message);
}

bool WebSocketTransport::send(const QByteArray &message)
{
    if (!isOpen() || message.size() > maxOutgoingMessageSize())
        return false;
    const codec::Serializer *ser = serializer();
    stampSent();
    if (ser && !ser->isBinary())
        m_socket->sendTextMessage(QString::fromUtf8(message));
    else
        m_socket->sendBinaryMessage(message);
    m_pendingBytes += message.size();
    return true;
}

qint64 WebSocketTransport::bytesToWrite() const
{
    // QWebSocket does not expose its socket's write buffer. We count payload bytes queued minus bytes
    // written (frame headers included), so the estimate errs low and drops to 0 once everything is out.
    return m_pendingBytes;
}

QString WebSocketTransport::peerAddress() const
{
    return m_peer;
}

QUrl WebSocketTransport::url() const
{
    return m_serverSide ? m_socket->requestUrl() : m_url;
}

HeaderList WebSocketTransport::handshakeRequestHeaders() const
{
    HeaderList out;
    const QNetworkRequest request = m_socket->request();
    for (const QByteArray &name : request.rawHeaderList())
        out.append({name, request.rawHeader(name)});
    return out;
}

QString WebSocketTransport::kind() const
{
    return m_secure ? QStringLiteral("websocket-tls") : QStringLiteral("websocket");
}

void WebSocketTransport::onSslErrors(const QList<QSslError> &errors)
{
    if (m_finished || m_serverSide)
        return;
    QString text;
    if (detail::acceptCertificateErrors(m_tls, errors, m_socket->sslConfiguration().peerCertificate(), m_peer, &text)) {
        qCDebug(lcTransport).noquote() << "websocket" << m_peer << "certificate errors ignored as requested:" << errors.size();
        m_socket->ignoreSslErrors();
        return;
    }
    m_tlsError = text; // reported when QWebSocket fails the handshake (SslHandshakeFailedError)
}

QWebSocketProtocol::CloseCode WebSocketTransport::closeCode() const
{
    return m_socket ? m_socket->closeCode() : QWebSocketProtocol::CloseCodeNormal;
}

void WebSocketTransport::reportError(TransportError error, const QString &text)
{
    if (m_errorReported || m_finished)
        return;
    m_errorReported = true;
    setError(error, text);
    if (m_closeReason.isEmpty())
        m_closeReason = text;
    qCInfo(lcTransport).noquote() << "websocket" << m_peer << text;
    emit errorOccurred(error, text);
}

void WebSocketTransport::fail(TransportError error, const QString &text, QWebSocketProtocol::CloseCode code)
{
    if (m_finished)
        return;
    reportError(error, text);
    if (state() == State::Closing || state() == State::Closed)
        return;
    setState(State::Closing);
    closeSocket(code, text);
}

void WebSocketTransport::close(const QString &reason)
{
    if (m_finished || state() == State::Closing || state() == State::Closed)
        return;
    m_closeReason = reason.isEmpty() ? QStringLiteral("connection closed locally") : reason;
    qCDebug(lcTransport).noquote() << "websocket" << m_peer << "closing:" << m_closeReason;
    setState(State::Closing);
    closeSocket(QWebSocketProtocol::CloseCodeNormal, reason);
}

void WebSocketTransport::closeSocket(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->close(code, detail::truncateCloseReason(reason));
    else
        m_socket->abort();
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        scheduleFinish();
    else if (!m_finished)
        m_timer->start(detail::kCloseTimeoutMs);
}

void WebSocketTransport::abort()
{
    if (m_finished)
        return;
    if (m_closeReason.isEmpty())
        m_closeReason = QStringLiteral("connection aborted");
    setState(State::Closing);
    m_socket->abort();
    finish();
}

void WebSocketTransport::onSocketError(int socketError)
{
    if (m_finished)
        return;
    const auto e = QAbstractSocket::SocketError(socketError);
    if (state() == State::Open || state() == State::Closing) {
        // While open, the interesting information is the close code, evaluated in finish().
        if (e != QAbstractSocket::RemoteHostClosedError && state() == State::Open)
            reportError(TransportError::NetworkError, m_socket->errorString());
        return;
    }
    const QString text = m_socket->errorString();
    switch (e) {
    case QAbstractSocket::ConnectionRefusedError:
        reportError(TransportError::ConnectionRefused, QStringLiteral("connection to %1 refused: %2").arg(m_url.toString(), text));
        break;
    case QAbstractSocket::HostNotFoundError:
        reportError(TransportError::HostNotFound, QStringLiteral("host %1 not found: %2").arg(m_url.host(), text));
        break;
    case QAbstractSocket::SocketTimeoutError:
        reportError(TransportError::Timeout, text);
        break;
    case QAbstractSocket::RemoteHostClosedError:
        if (!m_tlsError.isEmpty())
            reportError(TransportError::TlsError, m_tlsError);
        else
            reportError(TransportError::HandshakeFailed,
                        QStringLiteral("connection closed by %1 during the WebSocket opening handshake").arg(m_url.toString()));
        break;
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        reportError(TransportError::TlsError,
                    !m_tlsError.isEmpty() ? m_tlsError
                                          : QStringLiteral("TLS handshake with %1 failed: %2").arg(m_url.toString(), text));
        break;
    default:
        reportError(TransportError::HandshakeFailed, QStringLiteral("WebSocket connection to %1 failed: %2").arg(m_url.toString(), text));
        break;
    }
    if (m_socket->state() != QAbstractSocket::UnconnectedState)
        m_socket->abort();
    scheduleFinish();
}

void WebSocketTransport::scheduleFinish()
{
    QMetaObject::invokeMethod(this, &WebSocketTransport::finish, Qt::QueuedConnection);
}

void WebSocketTransport::finish()
{
    if (m_finished)
        return;
    if (m_socket->state() != QAbstractSocket::UnconnectedState)
        return; // a stale queued call; the next state change schedules us again
    if (m_closeReason.isEmpty() && !m_errorReported) {
        if (state() == State::Connecting) {
            reportError(TransportError::HandshakeFailed, QStringLiteral("WebSocket connection to %1 closed during the opening handshake").arg(m_url.toString()));
        } else {
            const auto code = m_socket->closeCode();
            const QString reason = m_socket->closeReason();
            if (!m_dataProcessorHooked && code == QWebSocketProtocol::CloseCodeTooMuchData && isQtTooBigReason(reason)) {
                reportError(TransportError::MessageTooLarge,
                            QStringLiteral("incoming message exceeds the limit of %1 bytes (%2)").arg(maxIncomingMessageSize()).arg(reason));
            } else if (code == QWebSocketProtocol::CloseCodeNormal || code == QWebSocketProtocol::CloseCodeGoingAway) {
                m_closeReason = reason.isEmpty() ? QStringLiteral("connection closed by peer")
                                                 : QStringLiteral("connection closed by peer: ") + reason;
            } else if (code == QWebSocketProtocol::CloseCodeProtocolError || code == QWebSocketProtocol::CloseCodeDatatypeNotSupported
                       || code == QWebSocketProtocol::CloseCodeWrongDatatype) {
                reportError(TransportError::ProtocolError, closeCodeText(code, reason));
            } else {
                reportError(TransportError::RemoteClosed, QStringLiteral("connection closed with ") + closeCodeText(code, reason));
            }
        }
    }
    m_finished = true;
    m_timer->stop();
    if (m_closeReason.isEmpty())
        m_closeReason = QStringLiteral("connection closed");
    setState(State::Closed);
    qCDebug(lcTransport).noquote() << "websocket" << m_peer << "closed:" << m_closeReason;
    emit closed(m_closeReason);
}

} // namespace wb::transport
