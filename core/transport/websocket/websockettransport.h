// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "transport/transport.h"

#include <QSslError>
#include <QUrl>
#include <QWebSocketProtocol>

class QTimer;
class QWebSocket;

namespace wb::transport {

/// WAMP over WebSocket (ws://host:port/path) and WebSocket over TLS (wss://host:port/path). One WAMP message per WebSocket message: text frames (UTF-8)
/// for JSON, binary frames for msgpack/CBOR. A message of the wrong kind is a ProtocolError (close code 1003).
///
/// Client side: construct with ConnectOptions; it offers exactly one subprotocol (the serializer's) and
/// emits opened() when the router agreed to it. A router that picked none gives HandshakeFailed
/// "router did not accept subprotocol wamp.2.xxx".
///
/// TLS (client, wss://): the certificate is checked as ConnectOptions::tls says (system CAs plus a CA file; a
/// pinned SHA-256 fingerprint; or any certificate on explicit request). A rejected certificate gives
/// errorOccurred(TlsError, "TLS certificate of host:port rejected: <why> [certificate CN=..., SHA-256 ...]").
///
/// Server side: WebSocketListener wraps an upgraded QWebSocket; it is Open from the start.
///
/// Limits: QWebSocket's incoming frame and message limits are set to maxIncomingMessageSize() (Qt's default
/// is about 2 GiB), so an oversized frame is refused from its header, before the payload is buffered. Qt then
/// closes the connection itself with code 1009 and its own reason ("Received message is too big." /
/// "Maximum framesize exceeded."), without telling us the size; we report errorOccurred(MessageTooLarge,
/// "incoming message exceeds the limit of M bytes (<Qt's reason>)"). We check the assembled message too and
/// then close with 1009 and "incoming message of N bytes exceeds the limit of M bytes".
class WebSocketTransport : public Transport
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocketTransport)
public:
    /// Client: starts connecting from the event loop (so every signal comes after this returns).
    explicit WebSocketTransport(const ConnectOptions &options, QObject *parent = nullptr);
    /// Server side: takes ownership of an upgraded \a socket that negotiated \a serializer.
    WebSocketTransport(QWebSocket *socket, codec::SerializerId serializer, qint64 maxIncoming, QObject *parent = nullptr);
    ~WebSocketTransport() override;

    QString peerAddress() const override;
    QString kind() const override;
    QString localAddress() const override { return m_local; }
    QUrl url() const override;
    /// Client: only the headers set on the QNetworkRequest (none of ours); Qt 6.4 generates Host, Upgrade,
    /// Connection, Sec-WebSocket-Key/-Version/-Protocol internally and does not expose them. Server: the client's
    /// upgrade request as QWebSocketServer parsed it (QWebSocket::request()).
    HeaderList handshakeRequestHeaders() const override;
    /// Always empty: Qt 6.4 exposes no 101 response headers, neither the ones it received (client) nor the ones
    /// it wrote (server); only the negotiated subprotocol (serializer) and extensions are known.
    HeaderList handshakeResponseHeaders() const override { return {}; }
    bool send(const QByteArray &message) override;
    void close(const QString &reason = QString()) override;
    void abort() override;
    qint64 bytesToWrite() const override;

    /// Close code sent or received (QWebSocket's; meaningful once closed).
    QWebSocketProtocol::CloseCode closeCode() const;
    bool isServerSide() const { return m_serverSide; }

private Q_SLOTS:
    /// Connected by name to QWebSocket's internal data processor (see hookDataProcessor()).
    void onQtDataError(QWebSocketProtocol::CloseCode code, const QString &reason);

private:
    void init();
    void hookDataProcessor();
    void startConnecting();
    void applyLimits();
    void setLowDelay();
    void onConnected();
    void onTextMessage(const QString &text);
    void onBinaryMessage(const QByteArray &data);
    void deliver(const QByteArray &message);
    void onSocketError(int socketError);
    void onSslErrors(const QList<QSslError> &errors);
    void reportError(TransportError error, const QString &text);
    /// Reports an error and closes with a WebSocket close code and the error text as reason.
    void fail(TransportError error, const QString &text, QWebSocketProtocol::CloseCode code);
    void closeSocket(QWebSocketProtocol::CloseCode code, const QString &reason);
    void scheduleFinish();
    void finish();

    QWebSocket *m_socket = nullptr;
    QTimer *m_timer = nullptr; ///< connect timeout, then close timeout
    bool m_serverSide;
    bool m_secure = false;
    TlsClientOptions m_tls;
    QString m_tlsError;       ///< why the certificate was rejected (client)
    QString m_setupError;     ///< client TLS configuration could not be built
    QUrl m_url;
    QString m_peer;
    QString m_local;
    codec::SerializerId m_wantedSerializer = codec::SerializerId::Invalid;
    int m_connectTimeoutMs = 10000;
    qint64 m_pendingBytes = 0;
    bool m_errorReported = false;
    bool m_finished = false;
    bool m_dataProcessorHooked = false;
    QString m_closeReason;
};

} // namespace wb::transport
